// Package ltable builds gopher-lua tables that share one set of string keys,
// such as the records of a listing, in a few allocations.
//
// A record of six fields built with RawSetString costs 13 allocations: the
// table, its string map, an index of its keys (a slice grown one key at a
// time and a second map), a boxed copy of every key and of every string
// value. A Shape boxes its keys once and gives each new table a copy of a
// prepared key index; a Record boxes all its strings with one allocation.
// A group's table costs 6 allocations.
//
// The tables are ordinary *lua.LTable values, identical to those that
// RawSetString builds (same contents, same pairs order): scripts read,
// change, extend and iterate them as any other table.
//
// The key index is unexported in gopher-lua; Shape reaches it through a
// mirror of lua.LTable's layout, checked field by field when the package
// starts. Should a gopher-lua upgrade change that layout, New falls back to
// RawSetString (and this package's tests fail, to say so).
package ltable

import (
	"maps"
	"math"
	"reflect"
	"strconv"
	"sync"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// mirror has lua.LTable's layout (gopher-lua v1.1.2, value.go).
type mirror struct {
	Metatable lua.LValue

	array   []lua.LValue
	dict    map[lua.LValue]lua.LValue
	strdict map[string]lua.LValue
	keys    []lua.LValue
	k2i     map[lua.LValue]int
}

// layoutOK says whether mirror matches lua.LTable field for field. It is
// checked on first use, not at start: programs pay for what they use.
var layoutOK = sync.OnceValue(func() bool {
	return sameLayout(reflect.TypeFor[lua.LTable](), reflect.TypeFor[mirror]())
})

func sameLayout(a, b reflect.Type) bool {
	if a.Size() != b.Size() || a.NumField() != b.NumField() {
		return false
	}
	for i := range a.NumField() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || fa.Type != fb.Type || fa.Offset != fb.Offset {
			return false
		}
	}
	return true
}

// MaxKeys is the most keys a Shape can have.
const MaxKeys = 16

// Shape is a fixed, ordered set of string keys. It is safe for concurrent
// use by any number of Lua states.
type Shape struct {
	names []string
	once  sync.Once // prepares what follows, on the first New
	// keys are the boxed names. len == cap, so that a table that gains a
	// key appends to a copy: tables share keys but never write to it.
	keys []lua.LValue
	k2i  map[lua.LValue]int    // position of each key in keys, cloned per table
	dict map[string]lua.LValue // every name, cloned per table and filled
}

// NewShape returns the shape of tables with these keys, in this order
// (the order pairs visits them in). It panics if a key is repeated or
// there are more than MaxKeys. Shapes are cheap to declare: what they
// prepare is prepared on their first use.
func NewShape(names ...string) *Shape {
	if len(names) > MaxKeys {
		panic("ltable: more than MaxKeys keys")
	}
	for i, n := range names {
		for _, m := range names[:i] {
			if n == m {
				panic("ltable: key " + n + " given twice")
			}
		}
	}
	return &Shape{names: names}
}

func (s *Shape) prepare() {
	s.keys = make([]lua.LValue, len(s.names))
	s.k2i = make(map[lua.LValue]int, len(s.names))
	s.dict = make(map[string]lua.LValue, len(s.names))
	for i, n := range s.names {
		s.keys[i] = lua.LString(n)
		s.k2i[s.keys[i]] = i
		s.dict[n] = lua.LFalse
	}
}

// Record gathers the values of one table, in its shape's key order. Its
// zero value is empty and ready; keep it on the stack
// (var r ltable.Record), fill it and pass it to Shape.New.
type Record struct {
	vals  [MaxKeys]lua.LValue
	strs  [MaxKeys]string
	isStr uint32 // bit i: vals[i] is strs[nstr-th], boxed by New
	n     int
	nstr  int
}

// String adds a string value.
func (r *Record) String(s string) {
	r.strs[r.nstr] = s
	r.isStr |= 1 << r.n
	r.nstr++
	r.n++
}

// Bool adds a boolean value.
func (r *Record) Bool(b bool) { r.Value(lua.LBool(b)) }

// Number adds a number; small whole numbers (flags, enums) are shared
// values that cost no allocation.
func (r *Record) Number(f float64) { r.Value(Number(f)) }

// Value adds any other value, such as a nested table. It must not be nil.
func (r *Record) Value(v lua.LValue) {
	r.vals[r.n] = v
	r.n++
}

// smallNumbers are 0..255; Number points into it instead of allocating.
var smallNumbers = func() (out [256]lua.LNumber) {
	for i := range out {
		out[i] = lua.LNumber(i)
	}
	return out
}()

// numberItab is the first word of an lua.LValue holding an lua.LNumber.
var numberItab = func() unsafe.Pointer {
	var v lua.LValue = lua.LNumber(0)
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[0]
}()

// Number returns f as a Lua value; whole numbers in 0..255 (flags, enums)
// cost no allocation.
func Number(f float64) lua.LValue {
	if f >= 0 && f < float64(len(smallNumbers)) && f == math.Trunc(f) && !math.Signbit(f) {
		var v lua.LValue
		w := (*[2]unsafe.Pointer)(unsafe.Pointer(&v))
		w[0], w[1] = numberItab, unsafe.Pointer(&smallNumbers[int(f)])
		return v
	}
	return lua.LNumber(f)
}

// stringItab is the first word of an lua.LValue holding an lua.LString.
var stringItab = func() unsafe.Pointer {
	var v lua.LValue = lua.LString("")
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[0]
}()

// New returns a table holding r's values under the shape's keys. It panics
// if r does not hold exactly one non-nil value per key.
func (s *Shape) New(r *Record) *lua.LTable {
	if r.n != len(s.names) {
		panic("ltable: the record has " + strconv.Itoa(r.n) + " values for a shape of " + strconv.Itoa(len(s.names)) + " keys")
	}
	vals := r.vals[:r.n]
	if r.nstr > 0 {
		// One allocation holds every string header; each value points
		// into it, as a boxed LString points to its own copy.
		block := make([]string, r.nstr)
		copy(block, r.strs[:r.nstr])
		j := 0
		for i := range vals {
			if r.isStr&(1<<i) != 0 {
				w := (*[2]unsafe.Pointer)(unsafe.Pointer(&vals[i]))
				w[0], w[1] = stringItab, unsafe.Pointer(&block[j])
				j++
			}
		}
	}
	for i, v := range vals {
		if v == nil || v == lua.LNil {
			panic("ltable: nil value for key " + s.names[i])
		}
	}
	t := &lua.LTable{Metatable: lua.LNil}
	if !layoutOK() {
		for i, n := range s.names {
			t.RawSetString(n, vals[i])
		}
		return t
	}
	s.once.Do(s.prepare)
	d := maps.Clone(s.dict)
	for i, n := range s.names {
		d[n] = vals[i]
	}
	m := (*mirror)(unsafe.Pointer(t))
	m.strdict = d
	m.keys = s.keys
	m.k2i = maps.Clone(s.k2i)
	return t
}
