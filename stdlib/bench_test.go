package stdlib

import (
	"encoding/json"
	"fmt"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// page returns a page of 50 user-group records, each with six fields, as
// the API returns them.
func page() []any {
	out := make([]any, 50)
	for i := range out {
		out[i] = map[string]any{
			"id":          int64(i + 1),
			"name":        fmt.Sprintf("Group %d", i+1),
			"description": "Members of the design team in the Paris office",
			"active":      i%3 != 0,
			"type":        "standard",
			"createdBy":   "admin@example.com",
		}
	}
	return out
}

func benchState(b *testing.B) (*lua.LState, lua.LValue) {
	L := newState(b)
	return L, ToLua(L, page())
}

func BenchmarkToGo(b *testing.B) {
	_, v := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToGo(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToLua(b *testing.B) {
	L := newState(b)
	p := page()
	b.ReportAllocs()
	for b.Loop() {
		ToLua(L, p)
	}
}

// BenchmarkJSONEncode measures json.encode as a script calls it.
func BenchmarkJSONEncode(b *testing.B) {
	L, v := benchState(b)
	encode := L.GetField(L.GetGlobal("json"), "encode")
	b.ReportAllocs()
	for b.Loop() {
		if err := L.CallByParam(lua.P{Fn: encode, NRet: 1, Protect: true}, v); err != nil {
			b.Fatal(err)
		}
		L.Pop(1)
	}
}

func BenchmarkEncodeJSON(b *testing.B) {
	_, v := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeJSON(v, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToGoEncodingJSON is the baseline json.encode improves on: ToGo
// followed by encoding/json.
func BenchmarkToGoEncodingJSON(b *testing.B) {
	_, v := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		g, err := ToGo(v)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(g); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONDecode(b *testing.B) {
	L, v := benchState(b)
	data, err := EncodeJSON(v, "")
	if err != nil {
		b.Fatal(err)
	}
	text := string(data)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeJSON(L, text); err != nil {
			b.Fatal(err)
		}
	}
}
