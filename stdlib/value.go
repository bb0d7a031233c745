package stdlib

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// MaxDepth is the deepest nesting of tables that ToGo, ToLua, json.encode and
// json.decode accept. The outermost table is at depth 1; a value nested more
// deeply is an error rather than a stack overflow.
const MaxDepth = 100

// maxExactInt is 2^53, the largest magnitude below which every integer is
// exactly representable as a float64 (and so as a Lua number).
const maxExactInt = 1 << 53

// Registry keys of the per-state values this package creates on first use.
const (
	regNull     = "clickscript.stdlib.json.null"
	regObjectMT = "clickscript.stdlib.json.object"
	regArrayMT  = "clickscript.stdlib.json.array"
)

// MarkField is the metatable field that marks a table's JSON kind. A table
// whose metatable has MarkField set to "object" encodes as a JSON object even
// when it is empty; "array" makes it encode as a JSON array. json.object and
// json.array set it; scripts may also set it in their own metatables. This is
// the convention of the dkjson library.
const MarkField = "__jsontype"

// ValueError reports a Lua value that has no JSON equivalent, or a Go value
// with no Lua equivalent. Path locates the offending value inside the one
// given, as in `$.users[3].name` (Lua's 1-based indices); it is "$" for the
// value itself.
type ValueError struct {
	Path   string
	Reason string
}

// Error returns the path and the reason, as in
// `$.users[3].name: cannot encode a function`.
func (e *ValueError) Error() string { return e.Path + ": " + e.Reason }

// nullValue is the Go value inside every state's json.null userdata. It is a
// zero-size type, so IsNull needs no state and nothing mutable is shared.
type nullValue struct{}

// Null returns the json.null sentinel of L, creating it on first use. There is
// one sentinel per state, so `v == json.null` is a plain identity test in Lua.
// tostring(json.null) is "null", and indexing it raises an error.
func Null(L *lua.LState) lua.LValue {
	reg := registry(L)
	if v := reg.RawGetString(regNull); v != lua.LNil {
		return v
	}
	ud := L.NewUserData()
	ud.Value = nullValue{}
	mt := L.CreateTable(0, 4)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("null"))
		return 1
	}))
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("attempt to index json.null (key %s)", L.ToStringMeta(L.Get(2)).String())
		return 0
	}))
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("attempt to modify json.null")
		return 0
	}))
	mt.RawSetString("__metatable", lua.LString("json.null"))
	ud.Metatable = mt
	reg.RawSetString(regNull, ud)
	return ud
}

// IsNull reports whether v is the json.null sentinel of any state.
func IsNull(v lua.LValue) bool {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return false
	}
	_, ok = ud.Value.(nullValue)
	return ok
}

// MarkObject marks t, a table of L, to encode as a JSON object even when it is
// empty, by setting its metatable to L's object marker. It replaces an array
// marker, and reports false, leaving t alone, when t has any other metatable:
// its owner should set MarkField in that metatable instead.
func MarkObject(L *lua.LState, t *lua.LTable) bool {
	return setMark(L, t, markerMeta(L, regObjectMT, "object"))
}

// MarkArray marks t, a table of L, to encode as a JSON array even when it is
// empty, by setting its metatable to L's array marker. Like MarkObject it
// reports false when t has a metatable other than a marker.
func MarkArray(L *lua.LState, t *lua.LTable) bool {
	return setMark(L, t, markerMeta(L, regArrayMT, "array"))
}

func setMark(L *lua.LState, t *lua.LTable, mt *lua.LTable) bool {
	switch cur := t.Metatable.(type) {
	case *lua.LNilType:
	case *lua.LTable:
		if cur != markerMeta(L, regObjectMT, "object") && cur != markerMeta(L, regArrayMT, "array") {
			return false
		}
	default:
		return false
	}
	t.Metatable = mt
	return true
}

func markerMeta(L *lua.LState, key, kind string) *lua.LTable {
	reg := registry(L)
	if mt, ok := reg.RawGetString(key).(*lua.LTable); ok {
		return mt
	}
	mt := L.CreateTable(0, 1)
	mt.RawSetString(MarkField, lua.LString(kind))
	reg.RawSetString(key, mt)
	return mt
}

func registry(L *lua.LState) *lua.LTable {
	return L.G.Registry
}

// ToGo converts v to the Go value encoding/json would produce it from:
//
//   - nil and json.null become nil; booleans and strings stay as they are
//     (a string must be valid UTF-8);
//   - a number that is integral and within ±2^53 becomes an int64, any other
//     finite number a float64; NaN and ±Inf are errors;
//   - a table whose keys are exactly 1..n becomes []any; one whose keys are
//     all strings becomes map[string]any; an empty table becomes []any{}
//     unless it is marked as an object (json.object, MarkField), in which case
//     it becomes map[string]any{};
//   - a sparse array, a table mixing integer and string keys, keys of other
//     types, functions, userdata other than json.null, threads and channels
//     are errors, and so are cycles and nesting deeper than MaxDepth.
//
// Every error is a *ValueError naming the path of the offending value.
// A table may appear more than once (a DAG); it is then converted each time.
func ToGo(v lua.LValue) (any, error) {
	var w walker
	return w.toGo(v)
}

// walker holds what a traversal of a Lua value needs: the tables currently
// open (for cycle detection and depth), the path to the current value (for
// errors), and a scratch buffer of object entries. ToGo and json.encode both
// walk with it, so they apply the same rules.
type walker struct {
	open  []*lua.LTable
	path  []pathElem
	pairs []pair
}

// pathElem is one step of a path: an array index (index > 0) or an object key.
type pathElem struct {
	index int
	key   string
}

// pair is one entry of an object being walked.
type pair struct {
	key   string
	value lua.LValue
}

// tableKind is how a table encodes.
type tableKind int

const (
	kindArray tableKind = iota
	kindObject
)

func (w *walker) errorf(format string, args ...any) error {
	return &ValueError{Path: formatPath(w.path), Reason: fmt.Sprintf(format, args...)}
}

// formatPath renders path as `$.a[1]["b c"]`.
func formatPath(path []pathElem) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, p := range path {
		switch {
		case p.index > 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
		case isIdentifier(p.key):
			b.WriteByte('.')
			b.WriteString(p.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(p.key))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9' {
			continue
		}
		return false
	}
	return true
}

func (w *walker) pushIndex(i int)    { w.path = append(w.path, pathElem{index: i}) }
func (w *walker) pushKey(k string)   { w.path = append(w.path, pathElem{key: k}) }
func (w *walker) popPath()           { w.path = w.path[:len(w.path)-1] }
func (w *walker) leave()             { w.open = w.open[:len(w.open)-1] }
func (w *walker) depth() int         { return len(w.open) }
func (w *walker) truncPairs(n int)   { clear(w.pairs[n:]); w.pairs = w.pairs[:n] }
func comparePairs(a, b pair) int     { return cmp.Compare(a.key, b.key) }
func (w *walker) sortPairs(from int) { slices.SortFunc(w.pairs[from:], comparePairs) }

// enter records that t is being walked; it fails on a cycle or when t would
// be nested deeper than MaxDepth.
func (w *walker) enter(t *lua.LTable) error {
	for i, o := range w.open {
		if o == t {
			return w.errorf("cycle: the table refers back to %s", formatPath(w.path[:i]))
		}
	}
	if len(w.open) >= MaxDepth {
		return w.errorf("nesting deeper than %d levels", MaxDepth)
	}
	w.open = append(w.open, t)
	return nil
}

// shape classifies the table t, which the caller has entered. For an array it
// returns its length. For an object it appends the entries to w.pairs from
// index len(w.pairs) on, unsorted; the caller truncates them when done.
func (w *walker) shape(t *lua.LTable) (tableKind, int, error) {
	mark, err := w.markOf(t)
	if err != nil {
		return 0, 0, err
	}
	if n := t.MaxN(); n > 0 {
		if mark == kindMarkObject {
			return 0, 0, w.errorf("cannot encode a table marked as an object that has array items (keys 1..%d)", n)
		}
		// Next(n) is the first key after the array part: any key there
		// means the table is not a plain sequence.
		if k, _ := t.Next(lua.LNumber(n)); k != lua.LNil {
			if s, ok := k.(lua.LString); ok {
				return 0, 0, w.errorf("cannot encode a table mixing array items (keys 1..%d) and string key %q", n, string(s))
			}
			return 0, 0, w.errorf("cannot encode a table with %s key %s beside array items (keys 1..%d)", k.Type(), keyString(k), n)
		}
		for i := 1; i <= n; i++ {
			if t.RawGetInt(i) == lua.LNil {
				return 0, 0, w.errorf("cannot encode a sparse array: index %d is nil but index %d is set", i, n)
			}
		}
		return kindArray, n, nil
	}
	// Next, unlike ForEach, hands out the table's own boxed keys: walking
	// with it allocates nothing.
	start := len(w.pairs)
	var bad lua.LValue
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if s, ok := k.(lua.LString); ok {
			w.pairs = append(w.pairs, pair{string(s), v})
		} else if bad == nil {
			bad = k
		}
	}
	if bad != nil {
		w.truncPairs(start)
		if bad.Type() == lua.LTNumber {
			return 0, 0, w.errorf("cannot encode a table with number key %s: arrays need keys 1..n, objects string keys", keyString(bad))
		}
		return 0, 0, w.errorf("cannot encode a table with a %s key", bad.Type())
	}
	if len(w.pairs) == start {
		if mark == kindMarkObject {
			return kindObject, 0, nil
		}
		return kindArray, 0, nil
	}
	if mark == kindMarkArray {
		k := slices.MinFunc(w.pairs[start:], comparePairs).key
		w.truncPairs(start)
		return 0, 0, w.errorf("cannot encode a table marked as an array that has string key %q", k)
	}
	return kindObject, 0, nil
}

// sequenceLen returns n when the keys of t are exactly 1..n (n may be 0),
// and -1 otherwise.
func sequenceLen(t *lua.LTable) int {
	n := t.MaxN()
	if n == 0 {
		if k, _ := t.Next(lua.LNil); k != lua.LNil {
			return -1
		}
		return 0
	}
	if k, _ := t.Next(lua.LNumber(n)); k != lua.LNil {
		return -1
	}
	for i := 1; i <= n; i++ {
		if t.RawGetInt(i) == lua.LNil {
			return -1
		}
	}
	return n
}

type markKind int

const (
	kindMarkNone markKind = iota
	kindMarkObject
	kindMarkArray
)

func (w *walker) markOf(t *lua.LTable) (markKind, error) {
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok {
		return kindMarkNone, nil
	}
	switch v := mt.RawGetString(MarkField); v {
	case lua.LNil:
		return kindMarkNone, nil
	case lua.LString("object"):
		return kindMarkObject, nil
	case lua.LString("array"):
		return kindMarkArray, nil
	default:
		return 0, w.errorf("metatable field %s is %s, want \"object\" or \"array\"", MarkField, keyString(v))
	}
}

// keyString renders a key or value for an error message.
func keyString(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LString:
		return strconv.Quote(string(v))
	case lua.LNumber:
		return formatNumberForMessage(float64(v))
	default:
		return v.String()
	}
}

func formatNumberForMessage(f float64) string {
	if s := formatNumber(f); s != "" {
		return s
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// numberToGo applies the number rule: integral and within ±2^53 -> int64,
// other finite values -> float64, NaN and ±Inf -> an error reason.
func numberToGo(f float64) (any, string) {
	if isExactInt(f) {
		return int64(f), ""
	}
	if reason := nonFiniteReason(f); reason != "" {
		return nil, reason
	}
	return f, ""
}

// typeReason is the error for a value of a type that has no JSON equivalent.
func typeReason(v lua.LValue) string {
	switch v.Type() {
	case lua.LTFunction:
		return "cannot encode a function"
	case lua.LTUserData:
		return "cannot encode a userdata"
	case lua.LTThread:
		return "cannot encode a thread (coroutine)"
	case lua.LTChannel:
		return "cannot encode a channel"
	default:
		return "cannot encode a " + v.Type().String()
	}
}

func (w *walker) toGo(v lua.LValue) (any, error) {
	switch v := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(v), nil
	case lua.LNumber:
		g, reason := numberToGo(float64(v))
		if reason != "" {
			return nil, w.errorf("%s", reason)
		}
		return g, nil
	case lua.LString:
		if !utf8.ValidString(string(v)) {
			return nil, w.errorf("%s", invalidUTF8Reason(string(v)))
		}
		return string(v), nil
	case *lua.LTable:
		return w.tableToGo(v)
	case *lua.LUserData:
		if IsNull(v) {
			return nil, nil
		}
	}
	return nil, w.errorf("%s", typeReason(v))
}

func invalidUTF8Reason(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Sprintf("string is not valid UTF-8 (byte %d is 0x%02x)", i+1, s[i])
		}
		i += size
	}
	return "string is not valid UTF-8"
}

func (w *walker) tableToGo(t *lua.LTable) (any, error) {
	if err := w.enter(t); err != nil {
		return nil, err
	}
	defer w.leave()
	start := len(w.pairs)
	kind, n, err := w.shape(t)
	if err != nil {
		return nil, err
	}
	if kind == kindArray {
		out := make([]any, n)
		for i := range n {
			w.pushIndex(i + 1)
			g, err := w.toGo(t.RawGetInt(i + 1))
			w.popPath()
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	}
	defer w.truncPairs(start)
	// Walk in key order so that the first error reported is deterministic.
	w.sortPairs(start)
	end := len(w.pairs)
	out := make(map[string]any, end-start)
	for i := start; i < end; i++ {
		p := w.pairs[i]
		w.pushKey(p.key)
		if !utf8.ValidString(p.key) {
			err := w.errorf("key is not valid UTF-8")
			w.popPath()
			return nil, err
		}
		g, err := w.toGo(p.value)
		w.popPath()
		if err != nil {
			return nil, err
		}
		out[p.key] = g
	}
	return out, nil
}

// ToLua converts v to a Lua value of L:
//
//   - nil becomes json.null (so arrays keep their positions and a round trip
//     through ToGo is exact); bool and string stay as they are;
//   - every Go integer and float type, and json.Number, becomes a number
//     (integers beyond ±2^53 lose precision, as Lua numbers are float64);
//   - map[string]any, map[string]string and []map[string]any become tables;
//     every map becomes a table marked as an object, so that even an empty one
//     encodes back as {};
//   - []any and []string become array tables; nil maps and slices convert
//     like empty ones;
//   - a lua.LValue is returned unchanged, except that lua.LNil becomes
//     json.null like nil;
//   - any other type is converted through its encoding/json encoding, so
//     structs with json tags work.
//
// ToLua raises a Lua error (L.RaiseError) for a value it cannot represent: a
// value encoding/json cannot marshal, or nesting deeper than MaxDepth. Call it
// from a Go function called by Lua, or under a protected call.
func ToLua(L *lua.LState, v any) lua.LValue {
	c := toLuaConv{L: L, null: Null(L), objectMT: markerMeta(L, regObjectMT, "object")}
	return c.value(v, 0)
}

// toLuaConv carries the per-state values a Go -> Lua conversion reuses.
type toLuaConv struct {
	L        *lua.LState
	null     lua.LValue
	objectMT *lua.LTable
}

func (c *toLuaConv) object(n int) *lua.LTable {
	t := c.L.CreateTable(0, n)
	t.Metatable = c.objectMT
	return t
}

func (c *toLuaConv) value(v any, depth int) lua.LValue {
	switch v := v.(type) {
	case nil:
		return c.null
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int16:
		return lua.LNumber(v)
	case int8:
		return lua.LNumber(v)
	case uint:
		return lua.LNumber(v)
	case uint64:
		return lua.LNumber(v)
	case uint32:
		return lua.LNumber(v)
	case uint16:
		return lua.LNumber(v)
	case uint8:
		return lua.LNumber(v)
	case float32:
		return lua.LNumber(v)
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			c.L.RaiseError("cannot convert json.Number %q to a Lua number: %v", string(v), err)
		}
		return lua.LNumber(f)
	case lua.LValue:
		if v == lua.LNil {
			return c.null
		}
		return v
	}
	if depth >= MaxDepth {
		c.L.RaiseError("cannot convert a Go value nested deeper than %d levels", MaxDepth)
	}
	switch v := v.(type) {
	case map[string]any:
		t := c.object(len(v))
		for k, e := range v {
			t.RawSetString(k, c.value(e, depth+1))
		}
		return t
	case []any:
		t := c.L.CreateTable(len(v), 0)
		for _, e := range v {
			t.Append(c.value(e, depth+1))
		}
		return t
	case []string:
		t := c.L.CreateTable(len(v), 0)
		for _, e := range v {
			t.Append(lua.LString(e))
		}
		return t
	case map[string]string:
		t := c.object(len(v))
		for k, e := range v {
			t.RawSetString(k, lua.LString(e))
		}
		return t
	case []map[string]any:
		t := c.L.CreateTable(len(v), 0)
		for _, e := range v {
			t.Append(c.value(e, depth+1))
		}
		return t
	}
	data, err := json.Marshal(v)
	if err != nil {
		c.L.RaiseError("cannot convert a Go %T to a Lua value: %v", v, err)
	}
	d := newDecoder(c.L, string(data))
	d.depth = depth
	lv, derr := d.decode()
	if derr != nil {
		c.L.RaiseError("cannot convert a Go %T to a Lua value: %v", v, derr)
	}
	return lv
}
