package engine

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// writer says which arguments of a function that writes files name the
// files it writes, given its arguments.
type writer struct {
	name  string
	paths func(L *lua.LState) []string
}

// ioWriters are the io functions that write files: io.open in a mode
// that writes, io.output given a file name.
func ioWriters() []writer {
	return []writer{
		{"open", func(L *lua.LState) []string {
			mode, _ := L.Get(2).(lua.LString)
			if !strings.ContainsAny(string(mode), "wa+") {
				return nil
			}
			return stringArgs(L, 1)
		}},
		{"output", func(L *lua.LState) []string { return stringArgs(L, 1) }},
	}
}

// osWriters are the os functions that change files: os.rename (both
// paths) and os.remove.
func osWriters() []writer {
	return []writer{
		{"rename", func(L *lua.LState) []string { return stringArgs(L, 1, 2) }},
		{"remove", func(L *lua.LState) []string { return stringArgs(L, 1) }},
	}
}

// stringArgs returns the arguments at the positions given that are
// strings.
func stringArgs(L *lua.LState, positions ...int) []string {
	var out []string
	for _, i := range positions {
		if s, ok := L.Get(i).(lua.LString); ok {
			out = append(out, string(s))
		}
	}
	return out
}

// reportWrites makes the writers of t tell p.wrote the files they are
// about to write, when p.wrote is set. (Under the sandbox they are
// disabled or read only, and tell nothing.)
func (p policy) reportWrites(L *lua.LState, t *lua.LTable, writers []writer) {
	if p.wrote == nil || p.sandbox {
		return
	}
	for _, w := range writers {
		fn, ok := t.RawGetString(w.name).(*lua.LFunction)
		if !ok || fn.GFunction == nil {
			continue
		}
		paths := w.paths
		t.RawSetString(w.name, guard(L, fn, func(L *lua.LState) {
			for _, path := range paths(L) {
				p.wrote(path)
			}
		}))
	}
}
