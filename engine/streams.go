package engine

import (
	"fmt"
	"io"

	lua "github.com/yuin/gopher-lua"
)

// gopher-lua's io.stdout and io.stderr write to the process's own files,
// past the writers a caller gives the engine (which redact secrets, say).
// The engine replaces them with streams that write to Options.Stdout and
// Options.Stderr, as print and io.write do; io.output() (no argument)
// returns the stdout stream until a script redirects it, and io.type
// calls them "file".

// stream is a standard output stream as Lua sees it: io.stdout or io.stderr.
type stream struct {
	name string
	w    io.Writer
}

// streamMethods are the file methods of a stream: write, flush and
// setvbuf work; close, seek, read and lines fail as they do on a standard
// output file.
func streamMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"write": func(L *lua.LState) int {
			s := checkStream(L)
			var b []byte
			for i := 2; i <= L.GetTop(); i++ {
				switch v := L.Get(i).(type) {
				case lua.LString:
					b = append(b, v...)
				case lua.LNumber:
					b = append(b, v.String()...)
				default:
					L.ArgError(i-1, "string or number expected, got "+v.Type().String())
				}
			}
			if _, err := s.w.Write(b); err != nil {
				L.Push(lua.LNil)
				L.Push(lua.LString(err.Error()))
				return 2
			}
			L.Push(L.Get(1))
			return 1
		},
		"flush":   func(L *lua.LState) int { checkStream(L); L.Push(lua.LTrue); return 1 },
		"setvbuf": func(L *lua.LState) int { checkStream(L); L.Push(lua.LTrue); return 1 },
		"close": func(L *lua.LState) int {
			checkStream(L)
			L.Push(lua.LNil)
			L.Push(lua.LString("cannot close standard file"))
			return 2
		},
		"seek": func(L *lua.LState) int {
			checkStream(L)
			L.Push(lua.LNil)
			L.Push(lua.LString("Illegal seek"))
			return 2
		},
		"read":  notReadable,
		"lines": notReadable,
	}
}

func notReadable(L *lua.LState) int {
	L.RaiseError("io.%s is not readable", checkStream(L).name)
	return 0
}

func checkStream(L *lua.LState) *stream {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if s, ok := ud.Value.(*stream); ok {
			return s
		}
	}
	L.ArgError(1, "file expected")
	return nil
}

// newStream returns the Lua value of a stream writing to w.
func newStream(L *lua.LState, name string, w io.Writer) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = &stream{name: name, w: w}
	mt := L.NewTable()
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), streamMethods()))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(fmt.Sprintf("file (%s)", name)))
		return 1
	}))
	L.SetMetatable(ud, mt)
	return ud
}

// setStreams puts streams for p.stdout and p.stderr in the io table t,
// and makes io.output and io.type know them.
func (p policy) setStreams(L *lua.LState, t *lua.LTable) {
	stdout := newStream(L, "stdout", p.stdout)
	t.RawSetString("stdout", stdout)
	t.RawSetString("stderr", newStream(L, "stderr", p.stderr))
	if typ, ok := t.RawGetString("type").(*lua.LFunction); ok && typ.GFunction != nil {
		g := typ.GFunction
		t.RawSetString("type", L.NewFunction(func(L *lua.LState) int {
			if ud, ok := L.Get(1).(*lua.LUserData); ok {
				if _, ok := ud.Value.(*stream); ok {
					L.Push(lua.LString("file"))
					return 1
				}
			}
			return g(L)
		}))
	}
	// io.output(): the stdout stream until the script names another file.
	// (Under the sandbox io.output is disabled and stays so.)
	if out, ok := t.RawGetString("output").(*lua.LFunction); ok && out.GFunction != nil && !p.sandbox {
		redirected := false
		t.RawSetString("output", guardAll(L, out, func(L *lua.LState) (int, bool) {
			if L.GetTop() == 0 || L.Get(1) == lua.LNil {
				if !redirected {
					L.Push(stdout)
					return 1, true
				}
				return 0, false
			}
			if L.Get(1) == stdout {
				redirected = false
				L.Push(stdout)
				return 1, true
			}
			redirected = true
			return 0, false
		}))
	}
}

// guardAll is guard for a check that may answer the call itself: when
// check returns (n, true), the function returns its n results without
// running fn.
func guardAll(L *lua.LState, fn *lua.LFunction, check func(L *lua.LState) (int, bool)) *lua.LFunction {
	g := fn.GFunction
	up := make([]lua.LValue, len(fn.Upvalues))
	for i, u := range fn.Upvalues {
		up[i] = u.Value()
	}
	return L.NewClosure(func(L *lua.LState) int {
		if n, done := check(L); done {
			return n
		}
		return g(L)
	}, up...)
}
