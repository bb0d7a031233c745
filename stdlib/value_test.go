package stdlib

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestToGo(t *testing.T) {
	L := newState(t)
	tests := []struct {
		name string
		expr string
		want any
	}{
		{"nil", "nil", nil},
		{"null", "json.null", nil},
		{"true", "true", true},
		{"false", "false", false},
		{"integer", "42", int64(42)},
		{"negative integer", "-7", int64(-7)},
		{"negative zero", "-0", int64(0)},
		{"integral float", "3.0", int64(3)},
		{"fraction", "1.5", 1.5},
		{"2^53", "2^53", int64(1 << 53)},
		{"-2^53", "-2^53", int64(-(1 << 53))},
		{"beyond 2^53", "2^53 + 2", float64(1<<53 + 2)},
		{"large", "1e300", 1e300},
		{"tiny", "5e-324", 5e-324},
		{"string", `"héllo"`, "héllo"},
		{"empty string", `""`, ""},
		{"binary-looking but valid", `"\0\1"`, "\x00\x01"},
		{"empty table", "{}", []any{}},
		{"json.array()", "json.array()", []any{}},
		{"json.object()", "json.object()", map[string]any{}},
		{"marked object", "json.object({a = 1})", map[string]any{"a": int64(1)}},
		{"marked array", "json.array({1, 2})", []any{int64(1), int64(2)}},
		{"own metatable marked object", `setmetatable({}, {__jsontype = "object"})`, map[string]any{}},
		{"own metatable marked array", `setmetatable({}, {__jsontype = "array", __index = {}})`, []any{}},
		{"unrelated metatable", `setmetatable({a = 1}, {__index = {}})`, map[string]any{"a": int64(1)}},
		{"array", "{1, 2, 3}", []any{int64(1), int64(2), int64(3)}},
		{"array of mixed values", `{1, "a", true, 2.5}`, []any{int64(1), "a", true, 2.5}},
		{"null in array", "{json.null, 1, json.null}", []any{nil, int64(1), nil}},
		{"null in object", "{a = json.null}", map[string]any{"a": nil}},
		{"object", `{a = 1, b = "x"}`, map[string]any{"a": int64(1), "b": "x"}},
		{"string keys that look like numbers", `{["1"] = 1, ["2"] = 2}`, map[string]any{"1": int64(1), "2": int64(2)}},
		{"nested", `{users = {{name = "a", tags = {}}, {name = "b", tags = {"x"}}}}`, map[string]any{
			"users": []any{
				map[string]any{"name": "a", "tags": []any{}},
				map[string]any{"name": "b", "tags": []any{"x"}},
			},
		}},
		{"shared table (not a cycle)", "local s = {1}; return {a = s, b = s}", map[string]any{
			"a": []any{int64(1)}, "b": []any{int64(1)},
		}},
		{"array emptied by table.remove", "local t = {1}; table.remove(t); return t", []any{}},
		{"array with trailing nil", "local t = {1, 2}; t[2] = nil; return t", []any{int64(1)}},
		{"object with a key removed", "local t = {a = 1, b = 2}; t.a = nil; return t", map[string]any{"b": int64(2)}},
		{"object emptied", "local t = {a = 1}; t.a = nil; return t", []any{}},
		{"decoded object emptied", `local t = json.decode('{"a":1}'); t.a = nil; return t`, map[string]any{}},
		{"depth 100", "local t = {} for i = 2, 100 do t = {t} end return t", nest(100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToGo(eval(t, L, tt.expr))
			if err != nil {
				t.Fatalf("ToGo(%s): %v", tt.expr, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ToGo(%s) = %#v, want %#v", tt.expr, got, tt.want)
			}
		})
	}
}

// nest returns depth nested empty arrays, as ToGo gives them.
func nest(depth int) any {
	v := []any{}
	for range depth - 1 {
		v = []any{v}
	}
	return v
}

func TestToGoErrors(t *testing.T) {
	L := newState(t)
	tests := []struct {
		name string
		expr string
		want string // the whole error
	}{
		{"NaN", "0/0", "$: cannot encode NaN"},
		{"inf", "1/0", "$: cannot encode inf"},
		{"-inf", "{n = -1/0}", "$.n: cannot encode -inf"},
		{"function", "print", "$: cannot encode a function"},
		{"function in a record", `{users = {{name = "a"}, {name = "b"}, {name = print}}}`, "$.users[3].name: cannot encode a function"},
		{"odd key in path", `{["a b"] = {1, {x = print}}}`, `$["a b"][2].x: cannot encode a function`},
		{"thread", "coroutine.create(function() end)", "$: cannot encode a thread (coroutine)"},
		{"invalid UTF-8", `{s = "ok\255"}`, "$.s: string is not valid UTF-8 (byte 3 is 0xff)"},
		{"invalid UTF-8 key", `{["k\255"] = 1}`, `$["k\xff"]: key is not valid UTF-8`},
		{"sparse", "{1, nil, 3}", "$: cannot encode a sparse array: index 2 is nil but index 3 is set"},
		{"sparse from index 2", "{[2] = 1}", "$: cannot encode a sparse array: index 1 is nil but index 2 is set"},
		{"mixed", "{1, 2, x = 3}", `$: cannot encode a table mixing array items (keys 1..2) and string key "x"`},
		{"zero key", "{[0] = 1}", "$: cannot encode a table with number key 0: arrays need keys 1..n, objects string keys"},
		{"negative key beside items", "{1, [-1] = 2}", "$: cannot encode a table with number key -1 beside array items (keys 1..1)"},
		{"fractional key", "{[1.5] = 1}", "$: cannot encode a table with number key 1.5: arrays need keys 1..n, objects string keys"},
		{"string and number keys", "{a = 1, [0] = 2}", "$: cannot encode a table with number key 0: arrays need keys 1..n, objects string keys"},
		{"boolean key", "{[true] = 1}", "$: cannot encode a table with a boolean key"},
		{"table key", "{[{}] = 1}", "$: cannot encode a table with a table key"},
		{"object marked with items", "json.object({1})", "$: cannot encode a table marked as an object that has array items (keys 1..1)"},
		{"array marked with keys", "json.array({b = 1, a = 1, c = 1})", `$: cannot encode a table marked as an array that has string key "a"`},
		{"bad mark", `{x = setmetatable({}, {__jsontype = "set"})}`, `$.x: metatable field __jsontype is "set", want "object" or "array"`},
		{"cycle to root", "local t = {}; t.self = t; return t", "$.self: cycle: the table refers back to $"},
		{"cycle inside", "local a = {b = {}}; a.b.c = {a.b}; return a", "$.b.c[1]: cycle: the table refers back to $.b"},
		{"depth 101", "local t = {} for i = 2, 101 do t = {t} end return t", "$" + strings.Repeat("[1]", 100) + ": nesting deeper than 100 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ToGo(eval(t, L, tt.expr))
			if err == nil {
				t.Fatalf("ToGo(%s): no error, want %q", tt.expr, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ToGo(%s) error:\n got %q\nwant %q", tt.expr, err, tt.want)
			}
			var ve *ValueError
			if !errors.As(err, &ve) {
				t.Errorf("ToGo(%s) error is a %T, want *ValueError", tt.expr, err)
			}
		})
	}
}

func TestToGoVeryDeepIsAnErrorNotACrash(t *testing.T) {
	L := newState(t)
	v := eval(t, L, "local t = {} for i = 1, 100000 do t = {x = t} end return t")
	_, err := ToGo(v)
	if err == nil || !strings.Contains(err.Error(), "nesting deeper than 100 levels") {
		t.Fatalf("ToGo of 100000 levels: %v, want a nesting error", err)
	}
	if _, err := EncodeJSON(v, ""); err == nil {
		t.Fatal("EncodeJSON of 100000 levels: no error")
	}
}

func TestToGoOtherValues(t *testing.T) {
	L := newState(t)
	ud := L.NewUserData()
	ud.Value = 1
	tests := []struct {
		name string
		v    lua.LValue
		want string
	}{
		{"userdata", ud, "$: cannot encode a userdata"},
		{"channel", lua.LChannel(make(chan lua.LValue)), "$: cannot encode a channel"},
		{"go function", L.NewFunction(func(*lua.LState) int { return 0 }), "$: cannot encode a function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ToGo(tt.v); err == nil || err.Error() != tt.want {
				t.Errorf("ToGo(%s) error = %v, want %q", tt.name, err, tt.want)
			}
		})
	}
}

// TestToGoAgreesWithEncodeJSON checks that the two walkers over Lua values
// apply the same rules: encoding/json's encoding of ToGo's value is exactly
// EncodeJSON's, and appendGo's too.
func TestToGoAgreesWithEncodeJSON(t *testing.T) {
	L := newState(t)
	exprs := []string{
		"nil", "json.null", "true", "0", "-0", "1", "-1.5", "0.1", "1e-7", "1e20", "1e21", "2^53", "2^53 + 2", "2^63", "-1e-300", "123456.789",
		`"a<b>&c"`, `"\n\r\t\b\f\0\31\127"`, `"é ✓ 😀"`, `"\226\128\168\226\128\169"`, `"/\\\""`,
		"{}", "json.object()", "{1, {2, {3}}}", `{b = 1, a = 2, ["0"] = 3, A = 4, [""] = 5}`,
		`{users = {{id = 1, name = "Design", active = true, tags = {}}, {id = 2, name = "Ops", active = false, extra = json.null}}}`,
	}
	for _, expr := range exprs {
		v := eval(t, L, expr)
		got, err := EncodeJSON(v, "")
		if err != nil {
			t.Fatalf("EncodeJSON(%s): %v", expr, err)
		}
		g, err := ToGo(v)
		if err != nil {
			t.Fatalf("ToGo(%s): %v", expr, err)
		}
		var buf strings.Builder
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(g); err != nil {
			t.Fatalf("encoding/json of ToGo(%s): %v", expr, err)
		}
		if want := strings.TrimSuffix(buf.String(), "\n"); string(got) != want {
			t.Errorf("EncodeJSON(%s) = %s, encoding/json gives %s", expr, got, want)
		}
		if viaGo, ok := appendGo(nil, g); !ok || string(viaGo) != string(got) {
			t.Errorf("appendGo(ToGo(%s)) = %s, %v; EncodeJSON gives %s", expr, viaGo, ok, got)
		}
		indented, err := EncodeJSON(v, "\t")
		if err != nil {
			t.Fatalf("EncodeJSON(%s, tab): %v", expr, err)
		}
		want, err := json.MarshalIndent(g, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		// encoding/json escapes <, > and & when indenting; compare as values.
		if !jsonEqual(t, indented, want) {
			t.Errorf("EncodeJSON(%s, tab) = %s, want %s", expr, indented, want)
		}
	}
}

// jsonEqual reports whether a and b are the same text once encoding/json's
// HTML escapes are undone.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	r := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
	return r.Replace(string(a)) == r.Replace(string(b))
}

type tagged struct {
	ID     int      `json:"id"`
	Name   string   `json:"name"`
	Active bool     `json:"active"`
	Tags   []string `json:"tags"`
	Skip   string   `json:"-"`
}

func TestToLua(t *testing.T) {
	L := newState(t)
	tests := []struct {
		name  string
		v     any
		check string // Lua expression of the value `v` that must be true
		json  string // json.encode(v)
	}{
		{"nil", nil, "v == json.null", "null"},
		{"bool", true, "v == true", "true"},
		{"string", "héllo", `v == "héllo"`, `"héllo"`},
		{"float64", 2.5, "v == 2.5", "2.5"},
		{"int", 7, "v == 7", "7"},
		{"int64", int64(-3), "v == -3", "-3"},
		{"uint8", uint8(255), "v == 255", "255"},
		{"float32", float32(0.5), "v == 0.5", "0.5"},
		{"json.Number", json.Number("12.5"), "v == 12.5", "12.5"},
		{"lua value", lua.LString("x"), `v == "x"`, `"x"`},
		{"lua nil in a slice", []any{lua.LNil, lua.LNumber(1)}, "v[1] == json.null and v[2] == 1", "[null,1]"},
		{"empty map", map[string]any{}, `getmetatable(v).__jsontype == "object"`, "{}"},
		{"nil map", map[string]any(nil), "next(v) == nil", "{}"},
		{"map", map[string]any{"b": 1, "a": nil}, "v.a == json.null and v.b == 1", `{"a":null,"b":1}`},
		{"empty slice", []any{}, "#v == 0", "[]"},
		{"slice with nulls", []any{nil, 1, nil}, "#v == 3 and v[1] == json.null and v[3] == json.null", "[null,1,null]"},
		{"nested", map[string]any{"a": []any{map[string]any{}, []any{}}}, "#v.a == 2", `{"a":[{},[]]}`},
		{"[]string", []string{"x", "y"}, `v[2] == "y"`, `["x","y"]`},
		{"map[string]string", map[string]string{"k": "v"}, `v.k == "v"`, `{"k":"v"}`},
		{"empty map[string]string", map[string]string{}, "next(v) == nil", "{}"},
		{"[]map[string]any", []map[string]any{{"a": 1}, {}}, "v[1].a == 1", `[{"a":1},{}]`},
		{"struct through encoding/json", tagged{ID: 3, Name: "Ops", Tags: []string{}}, `v.id == 3 and v.name == "Ops"`, `{"active":false,"id":3,"name":"Ops","tags":[]}`},
		{"pointer to struct", &tagged{ID: 4}, "v.id == 4 and v.tags == json.null", `{"active":false,"id":4,"name":"","tags":null}`},
		{"typed slice", []int{1, 2}, "v[2] == 2", "[1,2]"},
		{"depth 100", nest(100), "#v == 1", strings.Repeat("[", 100) + strings.Repeat("]", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L.SetGlobal("v", ToLua(L, tt.v))
			if got := eval(t, L, tt.check); got != lua.LTrue {
				t.Errorf("ToLua(%#v): %s is %v", tt.v, tt.check, got)
			}
			if got := eval(t, L, "json.encode(v)"); got.String() != tt.json {
				t.Errorf("json.encode(ToLua(%#v)) = %s, want %s", tt.v, got, tt.json)
			}
		})
	}
}

func TestToLuaRoundTrip(t *testing.T) {
	L := newState(t)
	values := []any{
		nil, true, "s", int64(1), 1.5, int64(1 << 53), 1e300,
		[]any{}, map[string]any{}, []any{nil, []any{nil}}, map[string]any{"a": nil, "b": []any{map[string]any{}}},
	}
	for _, v := range values {
		got, err := ToGo(ToLua(L, v))
		if err != nil {
			t.Fatalf("ToGo(ToLua(%#v)): %v", v, err)
		}
		if !reflect.DeepEqual(got, v) {
			t.Errorf("ToGo(ToLua(%#v)) = %#v", v, got)
		}
	}
}

func TestToLuaRaises(t *testing.T) {
	L := newState(t)
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"channel", make(chan int), "cannot convert a Go chan int to a Lua value: json: unsupported type: chan int"},
		{"too deep", nest(101), "cannot convert a Go value nested deeper than 100 levels"},
		{"too deep inside a struct", struct{ A any }{nest(100)}, "cannot convert a Go struct { A interface {} } to a Lua value: line 1, column 105 (offset 104): nesting deeper than 100 levels"},
		{"bad json.Number", json.Number("x"), `cannot convert json.Number "x" to a Lua number`},
		{"NaN through encoding/json", struct{ F float64 }{math.NaN()}, "json: unsupported value: NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L.SetGlobal("convert", L.NewFunction(func(L *lua.LState) int {
				L.Push(ToLua(L, tt.v))
				return 1
			}))
			msg := runErr(t, L, "convert()")
			if !strings.Contains(msg, tt.want) {
				t.Errorf("ToLua(%T) error = %q, want it to contain %q", tt.v, msg, tt.want)
			}
		})
	}
}

func TestNullIsPerState(t *testing.T) {
	L1, L2 := newState(t), newState(t)
	n1, n2 := Null(L1), Null(L2)
	if n1 == n2 {
		t.Fatal("two states share one json.null")
	}
	if Null(L1) != n1 {
		t.Fatal("Null(L) is not stable")
	}
	if !IsNull(n1) || !IsNull(n2) {
		t.Fatal("IsNull does not recognise a state's json.null")
	}
	if n1 != eval(t, L1, "json.null") {
		t.Fatal("Null(L) is not the json.null of the json module")
	}
	for _, v := range []lua.LValue{lua.LNil, lua.LFalse, lua.LString("null"), L1.NewUserData(), L1.NewTable()} {
		if IsNull(v) {
			t.Errorf("IsNull(%v) = true", v)
		}
	}
	bare := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer bare.Close()
	if !IsNull(Null(bare)) {
		t.Fatal("Null of a state without the modules is not null")
	}
}

func TestNullInLua(t *testing.T) {
	L := newState(t)
	run(t, L, `
		assert(tostring(json.null) == "null")
		assert(type(json.null) == "userdata")
		assert(json.decode("null") == json.null)
		assert(json.decode("[null]")[1] == json.null)
		assert(getmetatable(json.null) == "json.null")
		local ok, err = pcall(function() return json.null.name end)
		assert(not ok and err:find("attempt to index json.null %(key name%)"), err)
		ok, err = pcall(function() json.null.name = 1 end)
		assert(not ok and err:find("attempt to modify json.null"), err)
	`)
}

func TestMarks(t *testing.T) {
	L := newState(t)
	run(t, L, `
		local t = json.object()
		assert(getmetatable(t).__jsontype == "object")
		assert(json.object(t) == t, "json.object returns its argument")
		assert(json.encode(json.array(t)) == "[]", "json.array re-marks an object")
		assert(json.encode(json.object(t)) == "{}", "json.object re-marks an array")
		local ok, err = pcall(json.object, setmetatable({}, {}))
		assert(not ok and err:find('already has a metatable; set __jsontype = "object" in it instead'), err)
		ok, err = pcall(json.array, setmetatable({}, {}))
		assert(not ok and err:find('set __jsontype = "array"'), err)
		ok, err = pcall(json.object, 1)
		assert(not ok and err:find("table expected"), err)
		assert(json.encode({a = json.object(), b = json.array(), c = {}}) == '{"a":{},"b":[],"c":[]}')
	`)
	other := newState(t)
	tbl := other.NewTable()
	if !MarkObject(other, tbl) {
		t.Fatal("MarkObject of a fresh table failed")
	}
	if MarkArray(L, tbl) {
		t.Fatal("MarkArray took over another state's marker")
	}
	if got, err := EncodeJSON(tbl, ""); err != nil || string(got) != "{}" {
		t.Fatalf("EncodeJSON(marked object) = %s, %v", got, err)
	}
}

func TestSequenceLen(t *testing.T) {
	L := newState(t)
	tests := []struct {
		expr string
		want int
	}{
		{"{}", 0},
		{"{1, 2, 3}", 3},
		{"{1, nil, 3}", -1},
		{"{a = 1}", -1},
		{"{1, a = 1}", -1},
		{"{[0] = 1}", -1},
		{"local t = {1, 2}; t[2] = nil; return t", 1},
	}
	for _, tt := range tests {
		if got := sequenceLen(eval(t, L, tt.expr).(*lua.LTable)); got != tt.want {
			t.Errorf("sequenceLen(%s) = %d, want %d", tt.expr, got, tt.want)
		}
	}
}
