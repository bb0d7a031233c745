package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// benchGroups is the size of the benchmark dataset.
const benchGroups = 1_000_000

// bigEmu builds the 1,000,000-group emulator once per benchmark binary.
type bigEmu struct {
	once sync.Once
	e    *Emulator
	err  error
}

// get returns the shared emulator, building it on first use.
func (be *bigEmu) get(b *testing.B) *Emulator {
	b.Helper()
	be.once.Do(func() {
		be.e, be.err = New(Options{Token: testToken, Seed: "demo", Groups: benchGroups, Deterministic: true})
		runtime.GC() // do not bill the build's garbage to the first case
	})
	if be.err != nil {
		b.Fatalf("New: %v", be.err)
	}
	return be.e
}

// BenchmarkGetAllPage compares the first page of get_all with a page deep
// in the list, over 1,000,000 groups, sorted by Name and by CreateDate.
func BenchmarkGetAllPage(b *testing.B) {
	var be bigEmu
	cases := []struct{ name, query string }{
		{"first", "page=1&pagesize=50"},
		{"deep", "page=19000&pagesize=50"},
		{"deep-descending", "page=19000&pagesize=50&descending=true"},
		{"first-CreateDate", "page=1&pagesize=50&sortfield=CreateDate"},
		{"deep-CreateDate", "page=19000&pagesize=50&sortfield=CreateDate"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			e := be.get(b)
			target := withToken(routeGroups+"?"+c.query, testToken)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rec := httptest.NewRecorder()
				e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkNew measures startup with 1,000,000 synthetic groups: in
// memory, seeding a new bbolt file, and reopening a seeded one.
func BenchmarkNew(b *testing.B) {
	opts := Options{Token: testToken, Groups: benchGroups, Deterministic: true}
	b.Run("memory", func(b *testing.B) {
		for b.Loop() {
			e, err := New(opts)
			if err != nil {
				b.Fatal(err)
			}
			_ = e.Close()
		}
	})
	b.Run("bbolt-seed", func(b *testing.B) {
		dir := b.TempDir()
		i := 0
		for b.Loop() {
			i++
			o := opts
			o.DBPath = filepath.Join(dir, fmt.Sprintf("seed-%d.db", i))
			e, err := New(o)
			if err != nil {
				b.Fatal(err)
			}
			_ = e.Close()
		}
	})
	b.Run("bbolt-reopen", func(b *testing.B) {
		o := opts
		o.DBPath = filepath.Join(b.TempDir(), "reopen.db")
		e, err := New(o)
		if err != nil {
			b.Fatal(err)
		}
		_ = e.Close()
		for b.Loop() {
			e, err := New(o)
			if err != nil {
				b.Fatal(err)
			}
			_ = e.Close()
		}
	})
}
