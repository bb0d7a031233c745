package ltable

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// The mirror must match the gopher-lua in go.mod; if an upgrade changes
// lua.LTable, New still works (through RawSetString) but this fails so
// that the mirror is brought up to date.
func TestLayoutMatchesGopherLua(t *testing.T) {
	if !layoutOK() {
		t.Fatal("mirror no longer matches lua.LTable's layout: update it from gopher-lua's value.go")
	}
}

var names = []string{"id", "accountId", "name", "description", "active", "deleted"}

func record(id, name string, active bool) *Record {
	var r Record
	r.String(id)
	r.String("acc-" + id)
	r.String(name)
	r.String("")
	r.Bool(active)
	r.Bool(false)
	return &r
}

// reference builds the same table with RawSetString, as bindings did.
func reference(L *lua.LState, id, name string, active bool) *lua.LTable {
	t := L.CreateTable(0, 6)
	t.RawSetString("id", lua.LString(id))
	t.RawSetString("accountId", lua.LString("acc-"+id))
	t.RawSetString("name", lua.LString(name))
	t.RawSetString("description", lua.LString(""))
	t.RawSetString("active", lua.LBool(active))
	t.RawSetString("deleted", lua.LFalse)
	return t
}

// walk lists a table through Next, as pairs does, in its order.
func walk(t *lua.LTable) string {
	var b strings.Builder
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		fmt.Fprintf(&b, "%s=%s(%s) ", k, v, v.Type())
	}
	return b.String()
}

// forEach lists a table through ForEach (map order), sorted.
func forEach(t *lua.LTable) string {
	var kv []string
	t.ForEach(func(k, v lua.LValue) { kv = append(kv, fmt.Sprintf("%s=%s(%s)", k, v, v.Type())) })
	slices.Sort(kv)
	return strings.Join(kv, " ")
}

// A shaped table behaves exactly as one built with RawSetString, through
// every change a script can make: reading, pairs, adding, removing and
// restoring keys, array entries, metatables.
func TestShapedTableBehavesAsRawSetString(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprintf("fallback=%v", fallback), func(t *testing.T) {
			if fallback {
				defer func(f func() bool) { layoutOK = f }(layoutOK)
				layoutOK = func() bool { return false }
			}
			L := lua.NewState()
			defer L.Close()
			s := NewShape(names...)
			got, want := s.New(record("g1", "Design", true)), reference(L, "g1", "Design", true)
			check := func(step string) {
				t.Helper()
				if g, w := walk(got), walk(want); g != w {
					t.Fatalf("%s: pairs order\n got %s\nwant %s", step, g, w)
				}
				if g, w := forEach(got), forEach(want); g != w {
					t.Fatalf("%s: contents\n got %s\nwant %s", step, g, w)
				}
				if got.Len() != want.Len() || got.MaxN() != want.MaxN() {
					t.Fatalf("%s: length %d/%d, want %d/%d", step, got.Len(), got.MaxN(), want.Len(), want.MaxN())
				}
			}
			check("new")
			for _, n := range names {
				if got.RawGetString(n) != want.RawGetString(n) || got.RawGetH(lua.LString(n)) != want.RawGetH(lua.LString(n)) {
					t.Fatalf("field %s: %v, want %v", n, got.RawGetString(n), want.RawGetString(n))
				}
			}
			for _, tb := range []*lua.LTable{got, want} {
				tb.RawSetString("name", lua.LString("Renamed"))
				tb.RawSetString("extra", lua.LNumber(7))
				tb.RawSetH(lua.LTrue, lua.LString("bool key"))
				tb.RawSetInt(1, lua.LString("first"))
			}
			check("changed and extended")
			for _, tb := range []*lua.LTable{got, want} {
				tb.RawSetString("description", lua.LNil)
				tb.RawSetString("id", lua.LNil)
			}
			check("keys removed")
			for _, tb := range []*lua.LTable{got, want} {
				tb.RawSetString("id", lua.LString("back"))
			}
			check("key restored")
			for i := 0; i < 20; i++ { // past the prepared map's capacity
				for _, tb := range []*lua.LTable{got, want} {
					tb.RawSetString(fmt.Sprint("k", i), lua.LNumber(i))
				}
			}
			check("grown")
			if got.Metatable != lua.LNil {
				t.Fatalf("metatable %v, want nil", got.Metatable)
			}
		})
	}
}

// Tables of one shape share its key list and copy its key index: what a
// script adds to one must not show in another, whatever the order.
func TestShapedTablesAreIndependent(t *testing.T) {
	s := NewShape(names...)
	a, b, c := s.New(record("a", "A", true)), s.New(record("b", "B", true)), s.New(record("c", "C", false))
	a.RawSetString("x", lua.LString("ax"))
	b.RawSetString("y", lua.LString("by"))
	b.RawSetString("x", lua.LString("bx"))
	c.RawSetString("name", lua.LNil)
	for _, tc := range []struct {
		t    *lua.LTable
		want string
	}{
		{a, "id=a(string) accountId=acc-a(string) name=A(string) description=(string) active=true(boolean) deleted=false(boolean) x=ax(string) "},
		{b, "id=b(string) accountId=acc-b(string) name=B(string) description=(string) active=true(boolean) deleted=false(boolean) y=by(string) x=bx(string) "},
		{c, "id=c(string) accountId=acc-c(string) description=(string) active=false(boolean) deleted=false(boolean) "},
		{s.New(record("d", "D", true)), "id=d(string) accountId=acc-d(string) name=D(string) description=(string) active=true(boolean) deleted=false(boolean) "},
	} {
		if got := walk(tc.t); got != tc.want {
			t.Errorf("pairs\n got %s\nwant %s", got, tc.want)
		}
	}
}

// The strings of a record share one allocation; they must read back intact
// after collections, with the record's other values in their places.
func TestRecordValuesSurviveGC(t *testing.T) {
	s := NewShape("a", "n", "b", "t", "z")
	var tables []*lua.LTable
	for i := range 1000 {
		var r Record
		r.String(strings.Repeat("x", i%7) + fmt.Sprint(i))
		r.Number(float64(i))
		r.Bool(i%2 == 0)
		inner := lua.LTable{Metatable: lua.LNil}
		inner.RawSetString("i", lua.LNumber(i))
		r.Value(&inner)
		r.String(fmt.Sprint("z", i))
		tables = append(tables, s.New(&r))
		if i%100 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	for i, tb := range tables {
		want := fmt.Sprintf("a=%s n=%d b=%v t.i=%d z=z%d", strings.Repeat("x", i%7)+fmt.Sprint(i), i, i%2 == 0, i, i)
		got := fmt.Sprintf("a=%s n=%s b=%s t.i=%s z=%s", tb.RawGetString("a"), tb.RawGetString("n"), tb.RawGetString("b"),
			tb.RawGetString("t").(*lua.LTable).RawGetString("i"), tb.RawGetString("z"))
		if got != want {
			t.Fatalf("table %d: %s, want %s", i, got, want)
		}
		if _, ok := tb.RawGetString("a").(lua.LString); !ok {
			t.Fatalf("table %d: a is %T, want lua.LString", i, tb.RawGetString("a"))
		}
	}
}

func TestNumberSharesSmallWholeNumbers(t *testing.T) {
	for _, f := range []float64{0, 1, 7, 255, 256, -1, 1.5, -0.0001, 1e300} {
		v := Number(f)
		if n, ok := v.(lua.LNumber); !ok || float64(n) != f {
			t.Errorf("Number(%v) = %#v", f, v)
		}
	}
	if n := Number(math.Copysign(0, -1)).(lua.LNumber); !math.Signbit(float64(n)) {
		t.Errorf("Number(-0) lost its sign")
	}
	if allocs := testing.AllocsPerRun(100, func() { _ = Number(3) }); allocs != 0 {
		t.Errorf("Number(3) allocates %v times, want 0", allocs)
	}
}

func TestNewChecksTheRecord(t *testing.T) {
	s := NewShape("a", "b")
	for _, tc := range []struct {
		name string
		r    func() *Record
		want string
	}{
		{"too few", func() *Record { var r Record; r.String("x"); return &r }, "1 values for a shape of 2 keys"},
		{"nil value", func() *Record { var r Record; r.String("x"); r.Value(lua.LNil); return &r }, "nil value for key b"},
	} {
		func() {
			defer func() {
				if p := fmt.Sprint(recover()); !strings.Contains(p, tc.want) {
					t.Errorf("%s: panic %q, want %q", tc.name, p, tc.want)
				}
			}()
			s.New(tc.r())
		}()
	}
	defer func() {
		if p := fmt.Sprint(recover()); !strings.Contains(p, "given twice") {
			t.Errorf("repeated key: panic %q", p)
		}
	}()
	NewShape("a", "a")
}

// Lua states in several goroutines share the package's shapes.
func TestShapeIsSafeForConcurrentUse(t *testing.T) {
	s := NewShape(names...)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				tb := s.New(record(fmt.Sprint(g, "-", i), "n", true))
				tb.RawSetString(fmt.Sprint("extra", g), lua.LTrue)
				if n := len(strings.Fields(walk(tb))); n != 7 {
					t.Errorf("goroutine %d: %d keys", g, n)
					return
				}
			}
		})
	}
	wg.Wait()
}
