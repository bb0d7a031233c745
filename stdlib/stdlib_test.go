package stdlib

import (
	"log/slog"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestOpenSetsGlobalsAndRequire(t *testing.T) {
	L := newState(t)
	run(t, L, `
		for _, name in ipairs({"json", "csv", "log"}) do
			assert(type(_G[name]) == "table", name .. " is not a global")
			assert(require(name) == _G[name], "require '" .. name .. "' is not the global")
		end
	`)
}

func TestPreloadOnlyPreloads(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	Preload(L, Options{})
	run(t, L, `
		assert(json == nil and csv == nil, "Preload set globals")
		local j = require "json"
		assert(j.encode({a = j.null}) == '{"a":null}')
		assert(require("json") == j)
		assert(type(require("csv").parse) == "function")
		assert(type(require("log").info) == "function")
	`)
}

func TestPreloadDefaultLogger(t *testing.T) {
	logger, buf := logBuffer(slog.LevelInfo)
	old := slog.Default()
	slog.SetDefault(logger)
	t.Cleanup(func() { slog.SetDefault(old) })
	L := lua.NewState()
	defer L.Close()
	Open(L, Options{})
	run(t, L, `log.info("to the default", "k", 1)`)
	if got := buf.String(); got != "level=INFO msg=\"to the default\" k=1\n" {
		t.Errorf("output %q", got)
	}
}

func TestStatesAreIndependent(t *testing.T) {
	l1, b1 := logBuffer(slog.LevelInfo)
	l2, b2 := logBuffer(slog.LevelInfo)
	L1, L2 := newStateWithLogger(t, l1), newStateWithLogger(t, l2)
	run(t, L1, `log.info("one")`)
	run(t, L2, `log.info("two")`)
	if b1.String() != "level=INFO msg=one\n" || b2.String() != "level=INFO msg=two\n" {
		t.Errorf("logs crossed: %q, %q", b1, b2)
	}
	// A value of one state encodes in another: marks are recognised by
	// their field, and null by its Go value.
	v := eval(t, L1, `{a = json.null, b = json.object()}`)
	L2.SetGlobal("v", v)
	if got := eval(t, L2, "json.encode(v)").String(); got != `{"a":null,"b":{}}` {
		t.Errorf("json.encode of another state's value = %s", got)
	}
}

func TestDocsMatchModules(t *testing.T) {
	L := newState(t)
	docs := Docs()
	seen := map[string]bool{}
	for _, d := range docs {
		full := d.Module + "." + d.Name
		if seen[full] {
			t.Errorf("%s documented twice", full)
		}
		seen[full] = true
		if !strings.HasPrefix(d.Signature, full) {
			t.Errorf("%s: signature %q does not start with the name", full, d.Signature)
		}
		if d.Summary == "" || !strings.HasSuffix(d.Summary, ".") {
			t.Errorf("%s: summary %q is not a sentence", full, d.Summary)
		}
		v := L.GetField(L.GetGlobal(d.Module), d.Name)
		switch {
		case d.Value && v == lua.LNil:
			t.Errorf("%s is documented but missing", full)
		case !d.Value && v.Type() != lua.LTFunction:
			t.Errorf("%s is documented as a function but is a %s", full, v.Type())
		case !d.Value && !strings.Contains(d.Signature, "("):
			t.Errorf("%s: function signature %q has no parameters", full, d.Signature)
		}
	}
	for _, module := range []string{"json", "csv", "log"} {
		L.GetGlobal(module).(*lua.LTable).ForEach(func(k, _ lua.LValue) {
			if !seen[module+"."+k.String()] {
				t.Errorf("%s.%s is not documented", module, k)
			}
		})
	}
	if len(docs) != 12 {
		t.Errorf("Docs() has %d entries, want 12 (4 json functions, json.null, 3 csv, 4 log)", len(docs))
	}
}
