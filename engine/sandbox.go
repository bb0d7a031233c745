package engine

import (
	"context"
	"io"
	"math"
	"slices"

	lua "github.com/yuin/gopher-lua"
)

// policy is what the modules of one Lua state may reach. newState builds
// every module from it before any Lua code runs, and keeps no unrestricted
// function anywhere in the state (globals, package.loaded, package.preload,
// the registry, metatables, upvalues): a fresh require, a preload loader or
// a look-up in the registry finds only what the policy allows, because
// nothing else exists.
type policy struct {
	// sandbox: no programs (os.execute, io.popen), no code from files
	// (dofile, loadfile, require of files, package.loadlib), no file
	// writes (io.open for writing, io.output, io.tmpfile, os.remove,
	// os.rename, os.tmpname, csv.write), no os.exit or os.setenv.
	// Reading files stays exactly as it is without the sandbox.
	sandbox bool
	stdout  io.Writer         // where print, io.write and io.stdout go
	stderr  io.Writer         // where io.stderr goes
	wrote   func(path string) // told of each file about to be written (see reportWrites); nil: nobody
	// maxString bounds the strings string.rep makes: a larger one is an
	// error the script can catch, not an allocation that ends the
	// process.
	maxString int64
}

// stdLibs are Lua's standard libraries in the order lua.OpenLibs opens
// them (package and base first).
func stdLibs() []struct {
	name string
	open lua.LGFunction
} {
	return []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.IoLibName, lua.OpenIo},
		{lua.OsLibName, lua.OpenOs},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.DebugLibName, lua.OpenDebug},
		{lua.ChannelLibName, lua.OpenChannel},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	}
}

// osAllowed are the os functions the sandbox keeps: they only read the
// clock, the environment and the locale. Any other (execute, exit,
// remove, rename, setenv, tmpname, and whatever a later gopher-lua adds)
// raises an error.
func osAllowed() []string {
	return []string{"clock", "date", "difftime", "getenv", "setlocale", "time"}
}

// ioAllowed are the io members the sandbox keeps as they are: they read,
// or act on files already open. io.open is kept for reading only; any
// other (output, popen, tmpfile, and whatever a later gopher-lua adds)
// raises an error. io.write is the engine's, under any policy.
func ioAllowed() []string {
	return []string{"close", "flush", "input", "lines", "read", "type", "stdin", "stdout", "stderr"}
}

// openLibs opens Lua's standard libraries in L, which must be made with
// SkipOpenLibs, under p. Each library is opened by gopher-lua and then
// published as the table p allows, replacing gopher-lua's table in the
// globals and in package.loaded before anything can refer to it.
func openLibs(L *lua.LState, p policy) {
	for _, lib := range stdLibs() {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	loaded := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable)
	publish := func(name string, t *lua.LTable) {
		loaded.RawSetString(name, t)
		L.SetGlobal(name, t)
	}
	publish(lua.IoLibName, p.ioModule(L, loaded.RawGetString(lua.IoLibName).(*lua.LTable)))
	publish(lua.OsLibName, p.osModule(L, loaded.RawGetString(lua.OsLibName).(*lua.LTable)))
	p.stringModule(L, loaded.RawGetString(lua.StringLibName).(*lua.LTable))
	p.packageModule(L, L.GetGlobal(lua.LoadLibName).(*lua.LTable))
	p.baseModule(L)
}

// denied returns a function that raises "NAME is disabled by --sandbox",
// so that a script learns why.
func denied(L *lua.LState, name string) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s is disabled by --sandbox", name)
		return 0
	})
}

// guard returns a function that runs check and then fn's Go code in the
// same call frame, with fn's upvalues: it takes the same arguments and
// returns the same values as fn, and fn itself is not kept in the state.
// fn must be a Go function.
func guard(L *lua.LState, fn *lua.LFunction, check func(L *lua.LState)) *lua.LFunction {
	g := fn.GFunction
	up := make([]lua.LValue, len(fn.Upvalues))
	for i, u := range fn.Upvalues {
		up[i] = u.Value()
	}
	return L.NewClosure(func(L *lua.LState) int {
		check(L)
		return g(L)
	}, up...)
}

// ioModule builds the io table from gopher-lua's full one: io.write and
// io.stdout go to p.stdout, io.stderr to p.stderr (see setStreams); under the sandbox only the members of ioAllowed stay, and
// io.open opens for reading only.
func (p policy) ioModule(L *lua.LState, full *lua.LTable) *lua.LTable {
	t := L.CreateTable(0, 16)
	full.ForEach(func(k, v lua.LValue) {
		name, _ := k.(lua.LString)
		switch {
		case name == "write":
			t.RawSet(k, p.writeFunction(L))
		case !p.sandbox || slices.Contains(ioAllowed(), string(name)):
			t.RawSet(k, v)
		case name == "open":
			t.RawSet(k, guard(L, v.(*lua.LFunction), checkReadMode))
		default:
			if _, ok := v.(*lua.LFunction); ok {
				t.RawSet(k, denied(L, "io."+string(name)))
			}
		}
	})
	p.setStreams(L, t)
	p.reportWrites(L, t, ioWriters())
	return t
}

// checkReadMode raises an error when io.open's mode (argument 2) is one
// that writes. Modes that are not strings, and strings that are no mode,
// pass: io.open rejects them itself, with its own message.
func checkReadMode(L *lua.LState) {
	mode, ok := L.Get(2).(lua.LString)
	if !ok || mode == "r" || mode == "rb" {
		return
	}
	for _, c := range mode {
		if c == 'w' || c == 'a' || c == '+' {
			L.RaiseError("io.open: mode %q writes, which --sandbox disables (reading is allowed)", string(mode))
		}
	}
}

// osModule builds the os table from gopher-lua's full one: os.exit ends
// the run, not the process; under the sandbox only the functions of
// osAllowed stay.
func (p policy) osModule(L *lua.LState, full *lua.LTable) *lua.LTable {
	if !p.sandbox {
		full.RawSetString("exit", exitFunction(L))
		p.reportWrites(L, full, osWriters())
		return full
	}
	t := L.CreateTable(0, 16)
	full.ForEach(func(k, v lua.LValue) {
		name, _ := k.(lua.LString)
		switch _, fn := v.(*lua.LFunction); {
		case slices.Contains(osAllowed(), string(name)) || !fn:
			t.RawSet(k, v)
		default:
			t.RawSet(k, denied(L, "os."+string(name)))
		}
	})
	return t
}

// exitFunction is os.exit([code]): it ends the run as a cancellation
// does (pcall cannot catch it, and the engine's deferred work runs), with
// an *ExitError as the cause, and the command exits with code. true is 0,
// false 1, as in later Lua versions.
func exitFunction(L *lua.LState) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int {
		code := 0
		switch v := L.Get(1).(type) {
		case lua.LBool:
			if !v {
				code = 1
			}
		case *lua.LNilType:
		default:
			code = L.CheckInt(1)
		}
		parent := L.Context()
		if parent == nil {
			parent = context.Background()
		}
		ctx, cancel := context.WithCancelCause(parent)
		cancel(&ExitError{Code: code})
		// A coroutine's state has its own context: end its parents too.
		for s := L; s != nil; s = s.Parent {
			s.SetContext(ctx)
		}
		L.RaiseError("os.exit(%d)", code)
		return 0
	})
}

// stringModule bounds string.rep by p.maxString, in place: the string
// library is also the strings' metatable's __index, which must stay the
// same table.
func (p policy) stringModule(L *lua.LState, str *lua.LTable) {
	rep, ok := str.RawGetString("rep").(*lua.LFunction)
	if !ok {
		return
	}
	max := p.maxString
	str.RawSetString("rep", guard(L, rep, func(L *lua.LState) {
		s := L.CheckString(1)
		n := L.CheckInt64(2)
		if n > 0 && int64(len(s)) > 0 && n > max/int64(len(s)) {
			L.RaiseError("string.rep: the result (%s) would pass the limit of %s", FormatBytes(sizeOf(int64(len(s)), n)), FormatBytes(max))
		}
	}))
}

// sizeOf is a*b, or the largest int64 when that overflows.
func sizeOf(a, b int64) int64 {
	if b != 0 && a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// packageModule restricts the package table in place (the registry's
// _LOADED and package.loaded are one table, which must stay): under the
// sandbox, require finds only the modules in package.preload, never a
// file, and package.loadlib raises an error.
func (p policy) packageModule(L *lua.LState, pkg *lua.LTable) {
	if !p.sandbox {
		return
	}
	full := pkg.RawGetString("loaders").(*lua.LTable)
	loaders := L.CreateTable(1, 0)
	loaders.RawSetInt(1, full.RawGetInt(1)) // the preload loader
	pkg.RawSetString("loaders", loaders)
	L.SetField(L.Get(lua.RegistryIndex), "_LOADERS", loaders)
	pkg.RawSetString("loadlib", denied(L, "package.loadlib"))
	pkg.RawSetString("path", lua.LString(""))
	pkg.RawSetString("cpath", lua.LString(""))
}

// baseModule sets print to write to p.stdout and, under the sandbox,
// disables dofile and loadfile. The globals table is the base library's
// module, so this is the one library that is changed in place.
func (p policy) baseModule(L *lua.LState) {
	L.SetGlobal("print", p.printFunction(L))
	if p.sandbox {
		L.SetGlobal("dofile", denied(L, "dofile"))
		L.SetGlobal("loadfile", denied(L, "loadfile"))
	}
}

// printFunction is print, writing to p.stdout.
func (p policy) printFunction(L *lua.LState) *lua.LFunction {
	w := p.stdout
	return L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		var b []byte
		for i := 1; i <= n; i++ {
			if i > 1 {
				b = append(b, '\t')
			}
			b = append(b, L.ToStringMeta(L.Get(i)).String()...)
		}
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			L.RaiseError("print: %v", err)
		}
		return 0
	})
}

// writeFunction is io.write, writing to p.stdout.
func (p policy) writeFunction(L *lua.LState) *lua.LFunction {
	w := p.stdout
	return L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		var b []byte
		for i := 1; i <= n; i++ {
			switch v := L.Get(i).(type) {
			case lua.LString:
				b = append(b, v...)
			case lua.LNumber:
				b = append(b, v.String()...)
			default:
				L.ArgError(i, "string or number expected, got "+v.Type().String())
			}
		}
		if _, err := w.Write(b); err != nil {
			L.RaiseError("io.write: %v", err)
		}
		return 0
	})
}
