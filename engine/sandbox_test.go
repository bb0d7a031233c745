package engine

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestSandboxHoldsOnEveryRoute tries each way to a writer that is not the
// global table: a fresh require, the preload loader called by hand, the
// loaders table, a require of a file, a fresh require of a standard
// library, upvalues and function environments. None may write.
func TestSandboxHoldsOnEveryRoute(t *testing.T) {
	e, out := newEngine(t)
	e.opts.Sandbox = true
	dir := t.TempDir()
	target := filepath.Join(dir, "out.csv")
	// A module file require must not load: loading it would write.
	mod := filepath.Join(dir, "evil.lua")
	os.WriteFile(mod, []byte(`local f = assert(io.open(...)) return true`), 0o644)
	src := `
local target, dir = arg[1], arg[2]
local function try(name, f)
  local ok, err = pcall(f)
  print(name, ok, (tostring(err):gsub("^[^:]+:%d+: ", ""):gsub("\n.*", "")))
end
local rows, cols = {{a = 1}}, {columns = {"a"}}
try("fresh require", function() package.loaded.csv = nil; return require("csv").write(target, rows, cols) end)
try("preload", function() return package.preload.csv("csv").write(target, rows, cols) end)
try("loaders", function() return package.loaders[1]("csv")("csv").write(target, rows, cols) end)
try("loaders count", function() error(#package.loaders) end)
try("require file", function() package.path = dir .. "/?.lua"; return require("evil") end)
try("registry", function() return debug.getfenv(require).package.loaded.io.tmpfile() end)
try("fresh io", function() package.loaded.io = nil; return require("io").open(target, "w") end)
try("fresh os", function() package.loaded.os = nil; return require("os").remove(arg[0]) end)
try("upvalue", function() error(tostring(debug.getupvalue(io.open, 1)) .. " " .. tostring(debug.getupvalue(io.lines, 1))) end)
try("fenv", function() return getfenv(io.open).io.open(target, "w") end)
try("io.output", function() return io.output(target) end)
try("io.tmpfile", function() return io.tmpfile() end)
try("os.tmpname", function() return os.tmpname() end)
try("os.setenv", function() return os.setenv("X", "1") end)
try("r+", function() return io.open(target, "r+") end)
try("wb", function() return io.open(target, "wb") end)
`
	if err := e.Run(context.Background(), Script{Name: "routes.lua", Source: src}, []string{target, dir}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"fresh require\tfalse\tcsv.write is disabled by --sandbox",
		"preload\tfalse\tcsv.write is disabled by --sandbox",
		"loaders\tfalse\tcsv.write is disabled by --sandbox",
		"loaders count\tfalse\t1",
		"require file\tfalse\tmodule evil not found:",
		"registry\tfalse\tio.tmpfile is disabled by --sandbox",
		"fresh io\tfalse\tmodule io not found:",
		"fresh os\tfalse\tmodule os not found:",
		"upvalue\tfalse\tnil nil",
		"fenv\tfalse\tio.open: mode \"w\" writes, which --sandbox disables (reading is allowed)",
		"io.output\tfalse\tio.output is disabled by --sandbox",
		"io.tmpfile\tfalse\tio.tmpfile is disabled by --sandbox",
		"os.tmpname\tfalse\tos.tmpname is disabled by --sandbox",
		"os.setenv\tfalse\tos.setenv is disabled by --sandbox",
		"r+\tfalse\tio.open: mode \"r+\" writes, which --sandbox disables (reading is allowed)",
		"wb\tfalse\tio.open: mode \"wb\" writes, which --sandbox disables (reading is allowed)",
	}
	if got := strings.TrimSpace(out.String()); got != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only evil.lua", len(entries))
	}
}

// TestSandboxAcrossStatements breaks a route in one chunk and uses it in
// the next on the same state, as a REPL session or a script's later line
// would.
func TestSandboxAcrossStatements(t *testing.T) {
	e, _ := newEngine(t)
	e.opts.Sandbox = true
	target := filepath.Join(t.TempDir(), "out.csv")
	L := e.NewState(context.Background())
	defer L.Close()
	steps := []string{
		`package.loaded.csv = nil package.loaded.io = nil csv = nil`,
		`csv = require("csv")`,
		`csv.write(arg[1], {{a = 1}})`,
	}
	for i, src := range steps {
		err := e.Exec(context.Background(), L, Script{Name: "stmt", Source: src}, []string{target})
		if i < 2 && err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		if i == 2 && (err == nil || !strings.Contains(err.Error(), "csv.write is disabled by --sandbox")) {
			t.Errorf("the write after a fresh require: err = %v", err)
		}
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Error("the sandboxed state wrote a file")
	}
}

// TestSandboxKeepsNoUnrestrictedFunction walks everything a sandboxed
// state can reach (the registry, the globals, metatables, environments
// and upvalues) and looks for the Go code of gopher-lua's writers, loaders
// and process functions: none may be there, under any name.
func TestSandboxKeepsNoUnrestrictedFunction(t *testing.T) {
	full := lua.NewState()
	defer full.Close()
	forbidden := map[uintptr]string{}
	add := func(name string, v lua.LValue) {
		fn, ok := v.(*lua.LFunction)
		if !ok || !fn.IsG {
			t.Fatalf("%s is %v, want a Go function", name, v)
		}
		forbidden[reflect.ValueOf(fn.GFunction).Pointer()] = name
	}
	for _, n := range []string{"execute", "exit", "remove", "rename", "setenv", "tmpname"} {
		add("os."+n, full.GetField(full.GetGlobal("os"), n))
	}
	for _, n := range []string{"open", "output", "popen", "tmpfile"} {
		add("io."+n, full.GetField(full.GetGlobal("io"), n))
	}
	add("dofile", full.GetGlobal("dofile"))
	add("loadfile", full.GetGlobal("loadfile"))
	add("the file loader", full.GetField(full.GetGlobal("package"), "loaders").(*lua.LTable).RawGetInt(2))

	for _, sandbox := range []bool{false, true} {
		e, _ := newEngine(t)
		e.opts.Sandbox = sandbox
		L := e.NewState(context.Background())
		found := map[string]bool{}
		seen := map[lua.LValue]bool{}
		var walk func(v lua.LValue)
		walk = func(v lua.LValue) {
			if v == nil || seen[v] {
				return
			}
			switch v := v.(type) {
			case *lua.LTable:
				seen[v] = true
				walk(v.Metatable)
				v.ForEach(func(k, x lua.LValue) { walk(k); walk(x) })
			case *lua.LFunction:
				seen[v] = true
				if v.IsG {
					if name, ok := forbidden[reflect.ValueOf(v.GFunction).Pointer()]; ok {
						found[name] = true
					}
				}
				walk(v.Env)
				for _, u := range v.Upvalues {
					walk(u.Value())
				}
			case *lua.LUserData:
				seen[v] = true
				walk(v.Env)
				walk(v.Metatable)
			}
		}
		walk(L.Get(lua.RegistryIndex))
		walk(L.Get(lua.GlobalsIndex))
		walk(L.GetMetatable(lua.LString("")))
		L.Close()
		if sandbox && len(found) > 0 {
			t.Errorf("a sandboxed state can reach %v", found)
		}
		// The walk finds them when they are there: all but os.exit,
		// which is the engine's in every state (it ends the run, not the
		// process), and io.output, which the engine wraps in every state
		// (io.output() is its redirectable stdout stream, streams.go).
		if !sandbox && (len(found) != len(forbidden)-2 || found["os.exit"] || found["io.output"]) {
			t.Errorf("the walk of an open state found %d of %d: %v", len(found), len(forbidden), found)
		}
	}
}

// TestSandboxReadsAsWithout reads files with each reading function, with
// and without the sandbox: the results, success and failure alike, must
// be the same values, and the expected ones.
func TestSandboxReadsAsWithout(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "in.txt")
	os.WriteFile(path, []byte("first line\n42 rest\nlast"), 0o644)
	missing := filepath.Join(dir, "nosuch.txt")
	src := `
local path, missing = arg[1], arg[2]
local function show(label, ...)
  local parts = {label, "n=" .. select("#", ...)}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    parts[#parts + 1] = io.type(v) or type(v) == "string" and (v:gsub(missing, "MISSING")) or tostring(v)
  end
  print(table.concat(parts, " "))
end
show("open", io.open(path))
show("open r", io.open(path, "r"))
show("open rb", io.open(path, "rb"))
show("open missing", io.open(missing))
show("open missing r", io.open(missing, "r"))
show("pcall open bad mode", pcall(io.open, path, "z"))
local f = io.open(path)
show("read l", f:read("*l"))
show("read n", f:read("*n"))
show("read a", f:read("*a"))
show("read at end", f:read("*l"))
show("seek", f:seek("set", 0))
for l in f:lines() do show("file line", l) end
show("close", f:close())
show("type closed", io.type(f))
for l in io.lines(path) do show("line", l) end
show("lines missing", pcall(io.lines, missing))
show("input", io.input(path))
show("read", io.read("*l"))
show("read 2", io.read("*n", "*l"))
show("pcall input missing", pcall(io.input, missing))
for l in io.lines() do show("default line", l) end
show("csv", #csv.read(path, {header = false}))
show("csv missing", pcall(csv.read, missing))
`
	outputs := map[bool]string{}
	for _, sandbox := range []bool{false, true} {
		e, out := newEngine(t)
		e.opts.Sandbox = sandbox
		if err := e.Run(context.Background(), Script{Name: "read.lua", Source: src}, []string{path, missing}); err != nil {
			t.Fatalf("sandbox=%v: %v", sandbox, err)
		}
		outputs[sandbox] = out.String()
	}
	if outputs[true] != outputs[false] {
		t.Errorf("reading differs under the sandbox:\n%s\nwithout it:\n%s", outputs[true], outputs[false])
	}
	for _, want := range []string{
		"open n=1 file\n",
		"open r n=1 file\n",
		"open rb n=1 file\n",
		"open missing n=3 nil open MISSING: no such file or directory 1\n",
		"open missing r n=3 nil open MISSING: no such file or directory 1\n",
		"pcall open bad mode n=2 false ",
		"read l n=1 first line\n",
		"read n n=1 42\n",
		"read a n=1  rest\nlast\n",
		"read at end n=1 nil\n",
		"seek n=1 0\n",
		"file line n=1 first line\nfile line n=1 42 rest\nfile line n=1 last\n",
		"type closed n=1 closed file\n",
		"line n=1 first line\nline n=1 42 rest\nline n=1 last\n",
		"input n=1 file\n",
		"read n=1 first line\n",
		"read 2 n=2 42  rest\n",
		"pcall input missing n=2 false ",
		"default line n=1 last\n",
		"csv n=1 3\n",
		"csv missing n=2 false ",
	} {
		if !strings.Contains(outputs[true], want) {
			t.Errorf("output lacks %q:\n%s", want, outputs[true])
		}
	}
}

func TestByteOrderMark(t *testing.T) {
	for _, src := range []string{
		"\uFEFFprint('ok')\nerror('line two')",
		"\uFEFF#!/usr/bin/env clickscript run\nprint('ok')\nerror('line three')",
	} {
		e, out := newEngine(t)
		err := e.Run(context.Background(), Script{Name: "bom.lua", Source: src}, nil)
		var se *ScriptError
		if !errors.As(err, &se) || se.Syntax {
			t.Fatalf("%q: err = %v, want the script's own error", src, err)
		}
		if out.String() != "ok\n" {
			t.Errorf("%q: output %q", src, out.String())
		}
		if wantLine := strings.Count(src, "\n") + 1; !strings.HasSuffix(se.Where, ":"+string(rune('0'+wantLine))) {
			t.Errorf("%q: error at %q, want line %d", src, se.Where, wantLine)
		}
	}
	// A mark anywhere else is not skipped.
	e, _ := newEngine(t)
	err := e.Run(context.Background(), Script{Name: "mid.lua", Source: "print('ok')\n\uFEFFprint('no')"}, nil)
	var se *ScriptError
	if !errors.As(err, &se) || !se.Syntax {
		t.Errorf("a mark on line 2: err = %v, want a syntax error", err)
	}
}

func TestReadScriptKeepsByteOrderMarkForExec(t *testing.T) {
	s, err := ReadScript("-", bytes.NewReader([]byte("\uFEFFprint(1)")))
	if err != nil || s.Name != "stdin" || !strings.HasPrefix(s.Source, "\uFEFF") {
		t.Fatalf("ReadScript = %+v, %v", s, err)
	}
}
