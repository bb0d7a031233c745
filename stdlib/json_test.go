package stdlib

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

func TestJSONEncode(t *testing.T) {
	L := newState(t)
	tests := []struct {
		name string
		expr string
		want string
	}{
		{"nil", "nil", "null"},
		{"null", "json.null", "null"},
		{"booleans", "{true, false}", "[true,false]"},
		{"integer", "42", "42"},
		{"integral float has no .0", "3.0", "3"},
		{"negative zero", "-0.0", "0"},
		{"fraction", "0.1", "0.1"},
		{"shortest round trip", "1/3", "0.3333333333333333"},
		{"2^53", "2^53", "9007199254740992"},
		{"-2^53", "-2^53", "-9007199254740992"},
		{"beyond 2^53", "2^53 + 2", "9007199254740994"},
		{"2^63 in shortest form", "2^63", "9223372036854776000"},
		{"1e20", "1e20", "100000000000000000000"},
		{"1e21", "1e21", "1e+21"},
		{"small", "1e-6", "0.000001"},
		{"smaller", "1e-7", "1e-7"},
		{"negative exponent", "-1.5e-10", "-1.5e-10"},
		{"math.huge is the largest float", "math.huge", "1.7976931348623157e+308"},
		{"sorted keys", `{b = 1, a = 2, c = 3, A = 4, ["0"] = 5, [""] = 6}`, `{"":6,"0":5,"A":4,"a":2,"b":1,"c":3}`},
		{"nested sorted", `{z = {y = 1, x = 2}, a = {}}`, `{"a":[],"z":{"x":2,"y":1}}`},
		{"empty table", "{}", "[]"},
		{"empty object", "json.object()", "{}"},
		{"null in array keeps positions", "{1, json.null, 3}", "[1,null,3]"},
		{"null in object", "{a = json.null}", `{"a":null}`},
		{"no HTML escaping", `"<a href='x'>&amp;</a>"`, `"<a href='x'>&amp;</a>"`},
		{"slash", `"a/b"`, `"a/b"`},
		{"escapes", `"q\" b\\ n\n r\r t\t b\b f\f"`, `"q\" b\\ n\n r\r t\t b\b f\f"`},
		{"control characters", `"\0\1\31\127"`, `"\u0000\u0001\u001f` + "\x7f" + `"`},
		{"unicode stays raw", `"héllo ✓ 😀"`, `"héllo ✓ 😀"`},
		{"line separators escaped", `"a\226\128\168b\226\128\169c"`, `"a\u2028b\u2029c"`},
		{"unicode keys sorted by bytes", `{["é"] = 1, z = 2}`, `{"z":2,"é":1}`},
		{"array of records", `{{id = 1, name = "A"}, {id = 2, name = "B", active = true}}`, `[{"id":1,"name":"A"},{"active":true,"id":2,"name":"B"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L.SetGlobal("v", eval(t, L, tt.expr))
			got := eval(t, L, "json.encode(v)")
			if got.String() != tt.want {
				t.Errorf("json.encode(%s) = %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
}

func TestJSONEncodeIndent(t *testing.T) {
	L := newState(t)
	value := `{b = {1, {c = "x"}}, a = {}, e = json.object(), d = json.null}`
	tests := []struct {
		opts string
		want string
	}{
		{"nil", `{"a":[],"b":[1,{"c":"x"}],"d":null,"e":{}}`},
		{"{}", `{"a":[],"b":[1,{"c":"x"}],"d":null,"e":{}}`},
		{"{indent = false}", `{"a":[],"b":[1,{"c":"x"}],"d":null,"e":{}}`},
		{"{indent = 0}", `{"a":[],"b":[1,{"c":"x"}],"d":null,"e":{}}`},
		{"{indent = true}", "{\n  \"a\": [],\n  \"b\": [\n    1,\n    {\n      \"c\": \"x\"\n    }\n  ],\n  \"d\": null,\n  \"e\": {}\n}"},
		{"{indent = 4}", "{\n    \"a\": [],\n    \"b\": [\n        1,\n        {\n            \"c\": \"x\"\n        }\n    ],\n    \"d\": null,\n    \"e\": {}\n}"},
		{`{indent = "\t"}`, "{\n\t\"a\": [],\n\t\"b\": [\n\t\t1,\n\t\t{\n\t\t\t\"c\": \"x\"\n\t\t}\n\t],\n\t\"d\": null,\n\t\"e\": {}\n}"},
	}
	for _, tt := range tests {
		got := eval(t, L, "json.encode("+value+", "+tt.opts+")")
		if got.String() != tt.want {
			t.Errorf("json.encode(v, %s) =\n%s\nwant\n%s", tt.opts, got, tt.want)
		}
	}
	if got := eval(t, L, "json.encode(42, {indent = true})"); got.String() != "42" {
		t.Errorf("json.encode(42, {indent = true}) = %s", got)
	}
}

func TestJSONEncodeErrors(t *testing.T) {
	L := newState(t)
	tests := []struct {
		chunk string
		want  string
	}{
		{"json.encode({users = {{name = 'a'}, {name = print}}})", "json.encode: $.users[2].name: cannot encode a function"},
		{"json.encode({n = 0/0})", "json.encode: $.n: cannot encode NaN"},
		{"local t = {}; t[1] = t; json.encode(t)", "json.encode: $[1]: cycle: the table refers back to $"},
		{"json.encode({1, nil, 3})", "json.encode: $: cannot encode a sparse array: index 2 is nil but index 3 is set"},
		{"json.encode({1, x = 2})", `json.encode: $: cannot encode a table mixing array items (keys 1..1) and string key "x"`},
		{"json.encode()", "bad argument #1 to encode (value expected)"},
		{"json.encode(1, {indnet = true})", "json.encode: unknown option \"indnet\" (known: indent)"},
		{"json.encode(1, {[1] = true})", "json.encode: unknown option 1 (known: indent)"},
		{"json.encode(1, 'x')", `json.encode: options (argument #2) must be a table, got string "x"`},
		{"json.encode(1, {indent = 'x'})", `json.encode: option indent must be a boolean, a number of spaces (0 to 16) or a string of spaces and tabs, got string "x"`},
		{"json.encode(1, {indent = 1.5})", "json.encode: option indent must be a boolean, a number of spaces (0 to 16) or a string of spaces and tabs, got number 1.5"},
		{"json.encode(1, {indent = 17})", "got number 17"},
	}
	for _, tt := range tests {
		msg := runErr(t, L, tt.chunk)
		if !strings.Contains(msg, tt.want) {
			t.Errorf("%s: error %q, want it to contain %q", tt.chunk, msg, tt.want)
		}
	}
}

func TestJSONEncodeReusesItsBuffers(t *testing.T) {
	L := newState(t)
	run(t, L, `
		assert(not pcall(json.encode, {a = {b = {c = print}}}))
		assert(json.encode({x = {1, {y = 2}}}) == '{"x":[1,{"y":2}]}', "state left over from a failed encode")
		local big = {}
		for i = 1, 20000 do big[i] = {k = "xxxxxxxx"} end
		local s = json.encode(big)
		assert(#s == 20000 * 17 + 1, #s)
		assert(json.encode({1}) == "[1]")
		assert(json.encode({k = "v"}, {indent = true}) == '{\n  "k": "v"\n}')
		assert(json.encode({k = "v"}) == '{"k":"v"}', "indent carried over")
	`)
}

// TestJSONRoundTrip checks that canonical JSON (sorted keys, no spaces,
// shortest numbers) decodes and encodes back to the same bytes.
func TestJSONRoundTrip(t *testing.T) {
	L := newState(t)
	canonical := []string{
		`null`, `true`, `false`, `0`, `-1`, `1.5`, `-0.25`, `1e+21`, `1e-7`, `9007199254740992`, `9007199254740994`,
		`1.7976931348623157e+308`, `5e-324`, `0.1`, `123456.789`,
		`""`, `"a"`, `"é ✓ 😀"`, `"\"\\\n\r\t\b\f\u0000\u001f"`, `"\u2028\u2029"`, `"<&>"`, `"` + "\x7f" + `"`,
		`[]`, `{}`, `[[]]`, `[{}]`, `{"":{}}`, `[null]`, `[null,null]`, `[1,null,3]`, `{"a":null}`,
		`{"a":[1,2.5,null,true,false,"x"],"b":{},"c":[]}`,
		`[{"active":true,"description":"Designers","id":1,"name":"Design Team"},{"active":false,"description":null,"id":2,"name":"Ops"}]`,
		`{"0":1,"1":2,"A":3,"a":4,"é":5}`,
		`{"a":{"b":{"c":{"d":[[[{"e":[]}]]]}}}}`,
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
	}
	for _, text := range canonical {
		L.SetGlobal("text", lua.LString(text))
		got := eval(t, L, "json.encode(json.decode(text))")
		if got.String() != text {
			t.Errorf("json.encode(json.decode(%s)) = %s", text, got)
		}
		if !json.Valid([]byte(text)) {
			t.Errorf("%s is not valid JSON by encoding/json", text)
		}
	}
}

func TestJSONDecodeNormalises(t *testing.T) {
	L := newState(t)
	tests := []struct{ in, want string }{
		{" { \"b\" : 1 ,\n\t\"a\" : [ 1 , 2 ] }\r\n", `{"a":[1,2],"b":1}`},
		{`1.0`, `1`},
		{`1E2`, `100`},
		{`-0`, `0`},
		{`1e-400`, `0`},
		{`12345678901234567890`, `12345678901234567000`},
		{`"\u00e9\u00E9"`, `"éé"`},
		{`"\/"`, `"/"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`"\ud800"`, `"` + "\uFFFD" + `"`},
		{`"\udc00x"`, `"` + "\uFFFD" + `x"`},
		{`"\ud800\u0041"`, `"` + "\uFFFD" + `A"`},
		{`"\ud800\ud800\udc00"`, `"` + "\uFFFD" + `𐀀"`},
		{`{"a":1,"a":2}`, `{"a":2}`},
		{`{"k\u0065y":1,"key":2}`, `{"key":2}`},
		{`"\u003c"`, `"<"`},
	}
	for _, tt := range tests {
		L.SetGlobal("text", lua.LString(tt.in))
		if got := eval(t, L, "json.encode(json.decode(text))"); got.String() != tt.want {
			t.Errorf("json.encode(json.decode(%q)) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestJSONDecodeValues(t *testing.T) {
	L := newState(t)
	run(t, L, `
		local v = json.decode('{"users":[{"id":1,"name":"a"},{"id":2,"name":null}],"total":2,"ratio":0.5,"ok":true}')
		assert(v.total == 2 and v.ratio == 0.5 and v.ok == true)
		assert(#v.users == 2 and v.users[1].name == "a" and v.users[2].name == json.null)
		assert(getmetatable(v).__jsontype == "object", "decoded objects are marked")
		assert(getmetatable(v.users) == nil, "decoded arrays are plain tables")
		assert(json.decode('"x"') == "x" and json.decode("3") == 3 and json.decode("false") == false)
		local e = json.decode("{}")
		e.name = "x"
		assert(json.encode(e) == '{"name":"x"}')
		local a = json.decode("[]")
		a[1] = 1
		assert(json.encode(a) == '[1]')
		local big = json.decode("[" .. string.rep("1,", 999) .. "1]")
		assert(#big == 1000)
	`)
}

func TestJSONDecodeErrors(t *testing.T) {
	L := newState(t)
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	tests := []struct {
		in   string
		want string
	}{
		{"", "line 1, column 1 (offset 0): unexpected end of input looking for the beginning of a value"},
		{"   ", "line 1, column 4 (offset 3): unexpected end of input looking for the beginning of a value"},
		{"x", "line 1, column 1 (offset 0): invalid character 'x' looking for the beginning of a value"},
		{`{"a":1,}`, "line 1, column 8 (offset 7): invalid character '}' looking for the beginning of an object key string"},
		{`{"a" 1}`, "line 1, column 6 (offset 5): invalid character '1' after object key (expecting ':')"},
		{`{"a":1 "b":2}`, `line 1, column 8 (offset 7): invalid character '"' after object value (expecting ',' or '}')`},
		{`{a:1}`, "line 1, column 2 (offset 1): invalid character 'a' looking for the beginning of an object key string"},
		{`[1,2`, "line 1, column 5 (offset 4): unexpected end of input after array element (expecting ',' or ']')"},
		{`[1,]`, "line 1, column 4 (offset 3): invalid character ']' looking for the beginning of a value"},
		{`[1]x`, "line 1, column 4 (offset 3): invalid character 'x' after the top-level value"},
		{`1 2`, "line 1, column 3 (offset 2): invalid character '2' after the top-level value"},
		{`01`, "line 1, column 2 (offset 1): invalid character '1' after the top-level value"},
		{`-`, "line 1, column 2 (offset 1): unexpected end of input in numeric literal"},
		{`-a`, "line 1, column 2 (offset 1): invalid character 'a' in numeric literal"},
		{`1.`, "line 1, column 3 (offset 2): unexpected end of input after decimal point in numeric literal"},
		{`1.e5`, "line 1, column 3 (offset 2): invalid character 'e' after decimal point in numeric literal"},
		{`1e`, "line 1, column 3 (offset 2): unexpected end of input in exponent of numeric literal"},
		{`[1e400]`, "line 1, column 2 (offset 1): number 1e400 is out of range"},
		{`+1`, "line 1, column 1 (offset 0): invalid character '+' looking for the beginning of a value"},
		{`nan`, "line 1, column 2 (offset 1): invalid character 'a' in literal null (expecting 'u')"},
		{`tru`, "line 1, column 4 (offset 3): unexpected end of input in literal true (expecting 'e')"},
		{`nul1`, "line 1, column 4 (offset 3): invalid character '1' in literal null (expecting 'l')"},
		{`"abc`, "line 1, column 1 (offset 0): unterminated string"},
		{`["a\"b`, "line 1, column 2 (offset 1): unterminated string"},
		{`"\x"`, "line 1, column 3 (offset 2): invalid escape character 'x' in string"},
		{`"\u12"`, `line 1, column 6 (offset 5): invalid character '"' in \u escape`},
		{"\"a\tb\"", "line 1, column 3 (offset 2): invalid control character U+0009 in string"},
		{"\"a\\n\nb\"", "line 1, column 5 (offset 4): invalid control character U+000A in string"},
		{"\"\xff\"", "line 1, column 2 (offset 1): invalid UTF-8 in string (byte 0xff)"},
		{"\"\\n\xc3\"", "line 1, column 4 (offset 3): invalid UTF-8 in string (byte 0xc3)"},
		{"\xef\xbb\xbf{}", "line 1, column 1 (offset 0): invalid character '\\ufeff' looking for the beginning of a value"},
		{"{\n  \"a\": x\n}", "line 2, column 8 (offset 9): invalid character 'x' looking for the beginning of a value"},
		{"[\n1,\n\n2,\n]", "line 5, column 1 (offset 9): invalid character ']' looking for the beginning of a value"},
		{"[1]\x00", "line 1, column 4 (offset 3): invalid character U+0000 after the top-level value"},
		{deep, "line 1, column 101 (offset 100): nesting deeper than 100 levels"},
		{strings.Repeat(`{"a":`, 200), "line 1, column 501 (offset 500): nesting deeper than 100 levels"},
	}
	for _, tt := range tests {
		L.SetGlobal("text", lua.LString(tt.in))
		msg := runErr(t, L, "json.decode(text)")
		if want := "json.decode: " + tt.want; !strings.Contains(msg, want) {
			t.Errorf("json.decode(%q):\n got %q\nwant %q", tt.in, msg, want)
		}
		if json.Valid([]byte(tt.in)) && !strings.Contains(tt.want, "nesting") && !strings.Contains(tt.want, "out of range") && !strings.Contains(tt.want, "UTF-8") {
			t.Errorf("json.decode(%q) fails but encoding/json accepts it", tt.in)
		}
	}
}

func TestDecodeJSONErrorType(t *testing.T) {
	L := newState(t)
	_, err := DecodeJSON(L, "{\n  \"a\": tru }")
	var se *JSONSyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("DecodeJSON error %v is a %T, want *JSONSyntaxError", err, err)
	}
	if se.Line != 2 || se.Column != 11 || se.Offset != 12 {
		t.Errorf("DecodeJSON error at line %d, column %d, offset %d; want 2, 11, 12", se.Line, se.Column, se.Offset)
	}
}

// TestDecodeJSONAgreesWithEncodingJSON compares the values of both decoders.
func TestDecodeJSONAgreesWithEncodingJSON(t *testing.T) {
	L := newState(t)
	inputs := []string{
		`{"a":[1,2.5,-3e2,null,true,false,"x\n\u00e9"],"b":{"c":{}},"d":[]}`,
		`[0.1, 1e21, 1e-7, 123456789012345678, -0.0]`,
		`"\ud83d\ude00 \ud800 \udfff"`,
		`{"dup":1,"dup":{"x":2}}`,
	}
	for _, in := range inputs {
		assertMatchesEncodingJSON(t, L, []byte(in))
	}
}

// assertMatchesEncodingJSON checks that DecodeJSON succeeds on data and
// gives, through ToGo, the value encoding/json gives.
func assertMatchesEncodingJSON(t *testing.T, L *lua.LState, data []byte) {
	t.Helper()
	v, err := DecodeJSON(L, string(data))
	if err != nil {
		t.Fatalf("DecodeJSON(%q): %v", data, err)
	}
	got, err := ToGo(v)
	if err != nil {
		t.Fatalf("ToGo(DecodeJSON(%q)): %v", data, err)
	}
	var want any
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("encoding/json rejects %q, which DecodeJSON accepts: %v", data, err)
	}
	if want = normalizeNumbers(want); !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeJSON(%q) = %#v, encoding/json gives %#v", data, got, want)
	}
}

// normalizeNumbers applies ToGo's number rule to a value from encoding/json.
func normalizeNumbers(v any) any {
	switch v := v.(type) {
	case float64:
		if isExactInt(v) {
			return int64(v)
		}
	case []any:
		for i, e := range v {
			v[i] = normalizeNumbers(e)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = normalizeNumbers(e)
		}
	}
	return v
}

func FuzzJSONRoundTrip(f *testing.F) {
	for _, seed := range []string{
		`{"a":[1,2.5,null,true,false,"x"],"b":{},"c":[]}`,
		`[{"id":1,"name":"Design Team","active":true,"description":null}]`,
		`"\ud83d\ude00\u2028<&>"`,
		`[1e21, 1e-7, -0, 12345678901234567890, 5e-324]`,
		`{"a":{"a":{"a":[[[[]]]]}}}`,
		`{"a":1,"a":2}`,
		`[1,]`,
		"\"\xff\"",
		strings.Repeat("[", 101),
	} {
		f.Add([]byte(seed))
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeJSON(L, string(data))
		if err != nil {
			var se *JSONSyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("DecodeJSON(%q) error is a %T", data, err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("DecodeJSON accepts %q, which is not valid JSON", data)
		}
		if !utf8.Valid(data) {
			t.Fatalf("DecodeJSON accepts %q, which is not valid UTF-8", data)
		}
		enc, err := EncodeJSON(v, "")
		if err != nil {
			t.Fatalf("EncodeJSON(DecodeJSON(%q)): %v", data, err)
		}
		v2, err := DecodeJSON(L, string(enc))
		if err != nil {
			t.Fatalf("DecodeJSON(%q) (from %q): %v", enc, data, err)
		}
		g1, err1 := ToGo(v)
		g2, err2 := ToGo(v2)
		if err1 != nil || err2 != nil {
			t.Fatalf("ToGo: %v, %v", err1, err2)
		}
		if !reflect.DeepEqual(g1, g2) {
			t.Fatalf("round trip of %q changed the value:\n%#v\n%#v", data, g1, g2)
		}
		enc2, err := EncodeJSON(v2, "")
		if err != nil || string(enc2) != string(enc) {
			t.Fatalf("encoding is not stable: %q then %q (%v)", enc, enc2, err)
		}
		assertMatchesEncodingJSON(t, L, data)
	})
}
