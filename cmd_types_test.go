package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/stdlib"
	"github.com/clickscript/clickscript/watch"
)

const luaAPIDoc = "docs/lua-api.md"

func typesOutput(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCLI(t.Context(), t, "", append([]string{"types"}, args...)...)
	if code != exitOK || stderr != "" {
		t.Fatalf("types %v: exit %d\n%s", args, code, stderr)
	}
	return stdout
}

// TestTypesLuacheck checks that the stubs are Lua that luacheck accepts,
// with the project's .luacheckrc.
func TestTypesLuacheck(t *testing.T) {
	stubs := typesOutput(t)
	L := lua.NewState()
	defer L.Close()
	if _, err := L.LoadString(stubs); err != nil {
		t.Fatalf("the stubs do not compile: %v", err)
	}
	luacheck, err := exec.LookPath("luacheck")
	if err != nil {
		t.Fatalf("luacheck is needed to lint the stubs: install Debian's lua-check package (apt-get install lua-check; .ci/run does): %v", err)
	}
	path := filepath.Join(t.TempDir(), "clickscript.lua")
	if err := os.WriteFile(path, []byte(stubs), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(luacheck, "--no-color", "--config", ".luacheckrc", path).CombinedOutput()
	if err != nil {
		t.Fatalf("luacheck rejects the output of `clickscript types`: %v\n%s", err, out)
	}
}

// TestTypesCoverEveryBinding checks that every registered function and
// value, and every class, is in the stubs and in docs/lua-api.md.
func TestTypesCoverEveryBinding(t *testing.T) {
	stubs := typesOutput(t)
	doc, err := os.ReadFile(luaAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range bindings.Funcs() {
		names = append(names, f.Module+"."+f.Name)
		if f.IsValue() {
			if !strings.Contains(stubs, "\n---@type "+f.Returns+"\n"+f.Module+"."+f.Name+" = nil\n") {
				t.Errorf("stubs lack the value %s.%s", f.Module, f.Name)
			}
			continue
		}
		if !strings.Contains(stubs, "\nfunction "+f.Module+"."+f.Name+"(") {
			t.Errorf("stubs lack the function %s.%s", f.Module, f.Name)
		}
		for _, p := range f.Params {
			if !regexp.MustCompile(`(?m)^---@param ` + regexp.QuoteMeta(p.Name) + `\??\s`).MatchString(stubs) {
				t.Errorf("stubs lack the parameter %s of %s.%s", p.Name, f.Module, f.Name)
			}
		}
	}
	for _, d := range stdlib.Docs() {
		names = append(names, d.Module+"."+d.Name)
		want := "\nfunction " + d.Module + "." + d.Name + "("
		if d.Value {
			want = "\n" + d.Module + "." + d.Name + " = nil"
		}
		if !strings.Contains(stubs, want) {
			t.Errorf("stubs lack %q", strings.TrimSpace(want))
		}
	}
	for _, n := range names {
		if !strings.Contains(string(doc), "\n### "+n+"\n") {
			t.Errorf("%s lacks a section on %s", luaAPIDoc, n)
		}
	}
	for _, c := range append(bindings.Classes(), watchEventClass()) {
		if !strings.Contains(stubs, "\n---@class "+c.Name+"\n") {
			t.Errorf("stubs lack the class %s", c.Name)
		}
		if !strings.Contains(string(doc), "\n### "+className(c.Name)+"\n") {
			t.Errorf("%s lacks the type %s", luaAPIDoc, c.Name)
		}
		for _, f := range c.Fields {
			if !strings.Contains(stubs, "---@field "+f.Name+" "+f.Type) {
				t.Errorf("stubs lack the field %s.%s", c.Name, f.Name)
			}
		}
	}
	for _, want := range []string{"UserGroup", "User", "UserUserGroup", "UserUserGroupDTO", "UserGroupWithDetails",
		"UserUserGroupRelation", "ImportUser", "GroupRef", "ListIterator<T>", "GroupListOptions", "MemberListOptions",
		"UserListOptions", "BulkOptions", "SyncOptions", "BulkResult", "SyncResult", "ApiError"} {
		if !strings.Contains(stubs, "\n---@class "+want+"\n") {
			t.Errorf("stubs lack the class %s", want)
		}
	}
}

// TestTypesNameKnownTypes checks that every type the docs use is a class
// of the docs or a LuaLS built-in, so that a renamed class cannot leave a
// dangling reference.
func TestTypesNameKnownTypes(t *testing.T) {
	api := luaAPI()
	known := map[string]bool{}
	for _, b := range []string{"string", "boolean", "integer", "number", "table", "any", "nil", "fun", "userdata", "self", "T"} {
		known[b] = true
	}
	for _, c := range api.classes {
		known[className(c.Name)] = true
	}
	ident := regexp.MustCompile(`"[^"]*"|[A-Za-z_][A-Za-z0-9_]*\??\s*:|\.\.\.|[A-Za-z_][A-Za-z0-9_]*`)
	check := func(where, typ string) {
		for _, m := range ident.FindAllString(typ, -1) {
			if strings.HasPrefix(m, `"`) || strings.HasSuffix(m, ":") || m == "..." {
				continue // a literal, or a field or parameter name
			}
			if !known[m] {
				t.Errorf("%s: type %q names %q, which is neither a class nor a built-in type", where, typ, m)
			}
		}
	}
	for _, m := range api.modules {
		for _, f := range m.funcs {
			for _, p := range f.params {
				check(f.qualified()+" "+p.name, p.typ)
			}
			for _, r := range f.returns {
				check(f.qualified()+" result", r)
			}
			if f.value != "" {
				check(f.qualified(), f.value)
			}
		}
	}
	for _, c := range api.classes {
		for _, f := range c.Fields {
			check(c.Name+"."+f.Name, f.Type)
		}
		if c.Call != "" {
			check(c.Name+" call", c.Call)
		}
	}
}

// TestLuaAPIDocIsFresh fails when docs/lua-api.md is not what `clickscript
// types --markdown` prints (go test -update rewrites it).
func TestLuaAPIDocIsFresh(t *testing.T) {
	want := typesOutput(t, "--markdown")
	if *update {
		if err := os.WriteFile(luaAPIDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(luaAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("%s is stale: refresh it with\n\tgo run . types --markdown > %s\n(or go test -run TestLuaAPIDocIsFresh -update .)\nfirst difference: %s",
			luaAPIDoc, luaAPIDoc, firstDiff(string(got), want))
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n\thave " + gl + "\n\twant " + wl
		}
	}
	return "none"
}

// TestWatchEventClassMatchesEngine checks the WatchEvent class against
// the table watch runs really set as `event`.
func TestWatchEventClassMatchesEngine(t *testing.T) {
	ev := watch.Event{Paths: []string{"a.csv"}, Changes: []watch.Change{{Path: "a.csv", Kind: watch.ChangeWrite}}, Time: time.Now()}
	var keys []string
	for k := range eventValue(ev) {
		keys = append(keys, k)
	}
	var fields []string
	for _, f := range watchEventClass().Fields {
		fields = append(fields, f.Name)
	}
	slices.Sort(keys)
	slices.Sort(fields)
	if !slices.Equal(keys, fields) {
		t.Errorf("event table keys %v, WatchEvent fields %v", keys, fields)
	}
}

func TestCommandsHaveExamples(t *testing.T) {
	for _, c := range commands() {
		if c.example == "" {
			t.Errorf("clickscript %s --help shows no example", c.name)
			continue
		}
		code, stdout, _ := runCLI(t.Context(), t, "", c.name, "--help")
		if code != exitOK || !strings.Contains(stdout, "\nExample:\n  clickscript ") {
			t.Errorf("clickscript %s --help: exit %d, no example:\n%s", c.name, code, stdout)
		}
	}
}
