package bindings

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	lua "github.com/yuin/gopher-lua"
)

// args reads and checks the arguments of one binding. Every error it raises
// names the function and the argument or field, e.g.
// "usergroup.insert: bad argument #1 (table expected, got string)".
type args struct {
	L  *lua.LState
	fn string // "usergroup.insert"
}

func (a args) errorf(format string, v ...any) {
	a.L.RaiseError("%s: %s", a.fn, fmt.Sprintf(format, v...))
}

func (a args) badArg(n int, want string, got lua.LValue) {
	a.errorf("bad argument #%d (%s expected, got %s)", n, want, typeName(got))
}

func typeName(v lua.LValue) string {
	if v == lua.LNil {
		return "no value"
	}
	return v.Type().String()
}

// table returns argument n as a table; optional allows nil (an empty table).
func (a args) table(n int, optional bool) *lua.LTable {
	v := a.L.Get(n)
	switch t := v.(type) {
	case *lua.LTable:
		return t
	case *lua.LNilType:
		if optional {
			return a.L.NewTable()
		}
	}
	a.badArg(n, "table", v)
	return nil
}

// id returns argument n as a uuid: a string, or a table with an `id` field
// (a group or assignment table from a listing).
func (a args) id(n int, what string) string {
	v := a.L.Get(n)
	if t, ok := v.(*lua.LTable); ok {
		v = t.RawGetString("id")
		if v == lua.LNil {
			a.errorf("bad argument #%d (%s table has no id)", n, what)
		}
	}
	s, ok := v.(lua.LString)
	if !ok {
		a.badArg(n, what+" id (string) or "+what+" table", v)
	}
	if err := checkUUID(string(s)); err != nil {
		a.errorf("bad argument #%d (%s id %s)", n, what, err)
	}
	return string(s)
}

// checkUUID reports whether s is a uuid in the agent's 8-4-4-4-12 form.
func checkUUID(s string) error {
	if len(s) != 36 {
		return fmt.Errorf("%q is not a uuid", s)
	}
	if _, err := uuid.Parse(s); err != nil {
		return fmt.Errorf("%q is not a uuid", s)
	}
	return nil
}

// fields checks a table of named options or record fields against the
// keys the function knows, so a misspelt key is an error and not a silent
// no-op.
type fields struct {
	a     args
	t     *lua.LTable
	where string // "option", "field" or "item 3 field"
}

func (a args) fields(t *lua.LTable, where string, known ...string) fields {
	f := fields{a: a, t: t, where: where}
	t.ForEach(func(k, _ lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok {
			a.errorf("%s keys must be names, got %s %s", where, k.Type(), k.String())
		}
		if !slices.Contains(known, string(ks)) {
			a.errorf("unknown %s %q (known: %s)", where, string(ks), strings.Join(known, ", "))
		}
	})
	return f
}

func (f fields) get(name string) lua.LValue { return f.t.RawGetString(name) }

func (f fields) str(name string, required bool) string {
	v := f.get(name)
	switch s := v.(type) {
	case lua.LString:
		return string(s)
	case *lua.LNilType:
		if required {
			f.a.errorf("%s %q is required", f.where, name)
		}
		return ""
	case lua.LNumber:
		return s.String()
	}
	f.a.errorf("%s %q: string expected, got %s", f.where, name, v.Type())
	return ""
}

func (f fields) boolean(name string, def bool, required bool) bool {
	switch b := f.get(name).(type) {
	case lua.LBool:
		return bool(b)
	case *lua.LNilType:
		if required {
			f.a.errorf("%s %q is required", f.where, name)
		}
		return def
	default:
		f.a.errorf("%s %q: boolean expected, got %s", f.where, name, b.Type())
		return def
	}
}

func (f fields) integer(name string, def int) int {
	switch n := f.get(name).(type) {
	case lua.LNumber:
		if float64(n) != float64(int(n)) {
			f.a.errorf("%s %q: integer expected, got %v", f.where, name, n)
		}
		return int(n)
	case *lua.LNilType:
		return def
	default:
		f.a.errorf("%s %q: number expected, got %s", f.where, name, n.Type())
		return def
	}
}

// list returns the array part of t as a slice, raising an error when t has
// other keys (a record passed where a list of records was meant, say).
func (a args) list(n int, t *lua.LTable) []lua.LValue {
	size := t.Len()
	out := make([]lua.LValue, 0, size)
	for i := 1; i <= size; i++ {
		out = append(out, t.RawGetInt(i))
	}
	extra := false
	t.ForEach(func(k, _ lua.LValue) {
		if num, ok := k.(lua.LNumber); !ok || float64(num) < 1 || float64(num) > float64(size) || float64(num) != float64(int(num)) {
			extra = true
		}
	})
	if extra {
		a.errorf("bad argument #%d (a list {...} expected: the table has keys other than 1..%d)", n, size)
	}
	return out
}
