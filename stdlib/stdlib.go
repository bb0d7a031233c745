// Package stdlib provides the json, csv and log Lua modules of clickscript,
// and the one conversion between Lua values and Go (JSON-shaped) values that
// the rest of the program uses: ToGo, ToLua, Null and IsNull.
//
// JSON null is represented in Lua by a per-state sentinel, json.null, in
// arrays and objects alike, so that array positions survive and a decoded
// value re-encodes to the same bytes. An empty table encodes as [] unless it
// is marked as an object (json.object, or MarkField in its metatable);
// decoded objects carry that mark. Numbers that are integral and within
// ±2^53 encode without a fraction; other numbers in their shortest
// round-trip form.
//
// The package keeps no package-level state: every module's state lives in a
// struct created per state by Preload or Open, and the sentinel and marker
// metatables live in each state's registry.
package stdlib

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Options configures the modules that Preload and Open register.
type Options struct {
	// Logger receives the records of the log module. Nil means slog.Default(),
	// as it is when Preload or Open is called.
	Logger *slog.Logger
	// Sandbox builds the modules without what writes files: csv.write
	// raises "csv.write is disabled by --sandbox". The loaders that
	// Preload and Open register are built so too, so a fresh require
	// finds the same restricted module.
	Sandbox bool
	// Wrote, when set, is called with the path of each file that
	// csv.write is about to write (watch mode tells a run's own changes
	// from others' with it).
	Wrote func(path string)
}

// FuncDoc documents one member of a module for help output and type stubs.
type FuncDoc struct {
	Module    string // "json", "csv" or "log"
	Name      string // the field name in the module table
	Signature string // LuaLS-style: "json.decode(text: string): any", or "json.null: userdata" for a value
	Summary   string // one or two sentences
	Value     bool   // Name is a constant, not a function
}

// Docs returns the documentation of every function and value of the json,
// csv and log modules, module by module in that order. It is built from the
// same tables that register the functions, so it cannot drift from them.
func Docs() []FuncDoc {
	var out []FuncDoc
	out = appendDocs(out, "json", jsonSpecs())
	out = append(out, jsonValues()...)
	out = appendDocs(out, "csv", csvSpecs())
	out = appendDocs(out, "log", logSpecs())
	return out
}

// funcSpec is one function of a module whose state is an M: the table entry
// that drives both registration and Docs.
type funcSpec[M any] struct {
	name    string
	fn      func(M, *lua.LState) int
	sig     string
	summary string
}

func appendDocs[M any](out []FuncDoc, module string, specs []funcSpec[M]) []FuncDoc {
	for _, s := range specs {
		out = append(out, FuncDoc{Module: module, Name: s.name, Signature: s.sig, Summary: s.summary})
	}
	return out
}

// funcs binds specs to the module state m, giving the map a Loader registers.
func funcs[M any](m M, specs []funcSpec[M]) map[string]lua.LGFunction {
	out := make(map[string]lua.LGFunction, len(specs))
	for _, s := range specs {
		fn := s.fn
		out[s.name] = func(L *lua.LState) int { return fn(m, L) }
	}
	return out
}

type module struct {
	name   string
	loader lua.LGFunction
}

// modules creates the state of each module for one LState.
func modules(opts Options) []module {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	return []module{
		{"json", (&jsonModule{}).loader},
		{"csv", (&csvModule{sandbox: opts.Sandbox, wrote: opts.Wrote}).loader},
		{"log", (&logModule{logger: logger}).loader},
	}
}

// Preload registers the json, csv and log modules with L.PreloadModule, so
// that `require "json"` loads them. L must have the package library open
// (L.OpenLibs does that); Preload panics otherwise, as L.PreloadModule does.
func Preload(L *lua.LState, opts Options) {
	for _, m := range modules(opts) {
		L.PreloadModule(m.name, m.loader)
	}
}

// Open preloads the json, csv and log modules, as Preload does, and also
// loads them as the globals json, csv and log, recording them in
// package.loaded so that `require "json"` returns the same table.
func Open(L *lua.LState, opts Options) {
	mods := modules(opts)
	for _, m := range mods {
		L.PreloadModule(m.name, m.loader)
	}
	loaded, _ := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable)
	for _, m := range mods {
		L.Push(L.NewFunction(m.loader))
		L.Call(0, 1)
		t := L.Get(-1)
		L.Pop(1)
		if loaded != nil {
			loaded.RawSetString(m.name, t)
		}
		L.SetGlobal(m.name, t)
	}
}

// checkOptions returns the options table at argument n (nil when absent),
// raising an error naming fname for a non-table or an unknown option.
func checkOptions(L *lua.LState, fname string, n int, known ...string) *lua.LTable {
	var opts *lua.LTable
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return nil
	case *lua.LTable:
		opts = v
	default:
		L.RaiseError("%s: options (argument #%d) must be a table, got %s", fname, n, describeValue(v))
	}
	var unknown []string
	opts.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); !ok || !slices.Contains(known, string(s)) {
			unknown = append(unknown, keyString(k))
		}
	})
	if len(unknown) > 0 {
		slices.Sort(unknown)
		L.RaiseError("%s: unknown option %s (known: %s)", fname, strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	return opts
}

// describeValue names a value for an error message: its type, and its value
// when that is short.
func describeValue(v lua.LValue) string {
	switch v := v.(type) {
	case *lua.LNilType:
		return "nil"
	case lua.LBool, lua.LNumber:
		return fmt.Sprintf("%s %s", v.Type(), keyString(v))
	case lua.LString:
		if len(v) <= 40 {
			return "string " + keyString(v)
		}
		return "a string"
	}
	if IsNull(v) {
		return "json.null"
	}
	return "a " + v.Type().String()
}
