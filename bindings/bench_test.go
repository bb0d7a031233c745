package bindings

import (
	"context"
	"net/http/httptest"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// BenchmarkGroupTable measures turning one UserGroup into its Lua table.
func BenchmarkGroupTable(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	g := &clickapi.UserGroup{ID: "00000000-0000-4000-8000-000000000001", AccountID: "acc00000-0000-4000-8000-000000000001",
		Name: "Design Team", Description: "Users working on the creative project", Active: true}
	b.ReportAllocs()
	for b.Loop() {
		groupTable(L, g)
	}
}

// BenchmarkListLoop measures `for g in usergroup.list{} do n = n + 1 end`
// over 10,000 groups served by an in-process emulator: the whole path of a
// listing (HTTP, decoding, pager, tables, the Lua loop).
func BenchmarkListLoop(b *testing.B) {
	em, err := emulator.New(emulator.Options{Seed: "none", Groups: 10_000, Token: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(em)
	defer srv.Close()
	client, _ := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: "bench"})
	L := lua.NewState()
	defer L.Close()
	L.SetContext(context.Background())
	Open(L, Options{Client: client})
	fn, err := L.LoadString(`local n = 0 for g in usergroup.list{pagesize = 50} do n = n + #g.name end return n`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		L.Push(fn)
		if err := L.PCall(0, 1, nil); err != nil {
			b.Fatal(err)
		}
		L.Pop(1)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10_000), "ns/group")
}
