package stdlib

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// jsonModule is the state of one state's json module: scratch buffers that
// json.encode reuses from call to call.
type jsonModule struct {
	enc encoder
}

func jsonSpecs() []funcSpec[*jsonModule] {
	return []funcSpec[*jsonModule]{
		{
			name: "encode", fn: (*jsonModule).encode,
			sig: "json.encode(value: any, opts?: {indent?: boolean|integer|string}): string",
			summary: "Encodes value as JSON with sorted object keys, integers without a fraction and no HTML escaping; " +
				"indent = true (two spaces), a number of spaces or a string indents the output.",
		},
		{
			name: "decode", fn: (*jsonModule).decode,
			sig: "json.decode(text: string): any",
			summary: "Decodes one JSON value; null becomes json.null and objects stay objects when re-encoded. " +
				"A syntax error names its line, column and byte offset.",
		},
		{
			name: "object", fn: (*jsonModule).object,
			sig:     "json.object(t?: table): table",
			summary: "Marks t (or a new table) to encode as a JSON object, so that an empty one encodes as {}.",
		},
		{
			name: "array", fn: (*jsonModule).array,
			sig:     "json.array(t?: table): table",
			summary: "Marks t (or a new table) to encode as a JSON array: empty tables encode as [] anyway, but a marked one with a string key is an error instead of an object.",
		},
	}
}

func jsonValues() []FuncDoc {
	return []FuncDoc{{
		Module: "json", Name: "null", Value: true,
		Signature: "json.null: userdata",
		Summary:   "The JSON null: what json.decode gives for null, and what json.encode writes as null, in arrays and objects alike.",
	}}
}

func (m *jsonModule) loader(L *lua.LState) int {
	t := L.CreateTable(0, 5)
	L.SetFuncs(t, funcs(m, jsonSpecs()))
	t.RawSetString("null", Null(L))
	L.Push(t)
	return 1
}

func (m *jsonModule) encode(L *lua.LState) int {
	v := L.CheckAny(1)
	indent := ""
	if opts := checkOptions(L, "json.encode", 2, "indent"); opts != nil {
		indent = indentOption(L, opts.RawGetString("indent"))
	}
	m.enc.reset(indent)
	if err := m.enc.value(v); err != nil {
		m.enc.release()
		L.RaiseError("json.encode: %v", err)
	}
	out := string(m.enc.buf)
	m.enc.release()
	L.Push(lua.LString(out))
	return 1
}

// indentOption interprets json.encode's indent option.
func indentOption(L *lua.LState, v lua.LValue) string {
	const maxIndent = 16
	switch v := v.(type) {
	case *lua.LNilType:
		return ""
	case lua.LBool:
		if v {
			return "  "
		}
		return ""
	case lua.LNumber:
		if n := int(v); lua.LNumber(n) == v && n >= 0 && n <= maxIndent {
			return strings.Repeat(" ", n)
		}
	case lua.LString:
		if len(v) <= maxIndent && strings.Trim(string(v), " \t") == "" {
			return string(v)
		}
	}
	L.RaiseError("json.encode: option indent must be a boolean, a number of spaces (0 to %d) or a string of spaces and tabs, got %s",
		maxIndent, describeValue(v))
	return ""
}

func (m *jsonModule) decode(L *lua.LState) int {
	text := L.CheckString(1)
	v, err := DecodeJSON(L, text)
	if err != nil {
		L.RaiseError("json.decode: %v", err)
	}
	L.Push(v)
	return 1
}

func (m *jsonModule) object(L *lua.LState) int {
	t := L.OptTable(1, nil)
	if t == nil {
		t = L.CreateTable(0, 0)
	}
	if !MarkObject(L, t) {
		L.RaiseError("json.object: the table already has a metatable; set %s = \"object\" in it instead", MarkField)
	}
	L.Push(t)
	return 1
}

func (m *jsonModule) array(L *lua.LState) int {
	t := L.OptTable(1, nil)
	if t == nil {
		t = L.CreateTable(0, 0)
	}
	if !MarkArray(L, t) {
		L.RaiseError("json.array: the table already has a metatable; set %s = \"array\" in it instead", MarkField)
	}
	L.Push(t)
	return 1
}
