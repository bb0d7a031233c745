package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWroteTellsEveryWriter(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"in.txt", "old.txt", "gone.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := `local dir = ...
local function p(name) return dir .. "/" .. name end
assert(io.open(p("in.txt"))):close()          -- reads: not told
assert(io.open(p("in.txt"), "rb")):close()    -- reads: not told
local f = assert(io.open(p("w.txt"), "w")) f:write("w") f:close()
f = assert(io.open(p("a.txt"), "a")) f:close()
assert(io.open(p("rw.txt"), "r+") == nil) -- fails: it does not exist, but it was meant to write
io.output(p("out.txt")) io.output():close()
assert(os.rename(p("old.txt"), p("new.txt")))
assert(os.remove(p("gone.txt")))
csv.write(p("c.csv"), {{a = 1}}, {columns = {"a"}})
print(io.lines(p("in.txt"))())`
	var got []string
	var out strings.Builder
	e := New(Options{Stdout: &out, Wrote: func(path string) { got = append(got, filepath.Base(path)) }})
	if err := e.Run(t.Context(), Script{Name: "w.lua", Source: src}, []string{dir}); err != nil {
		t.Fatal(err)
	}
	want := []string{"w.txt", "a.txt", "rw.txt", "out.txt", "old.txt", "new.txt", "gone.txt", "c.csv"}
	if !slices.Equal(got, want) {
		t.Errorf("told %q, want %q", got, want)
	}
	if out.String() != "x\n" {
		t.Errorf("output %q", out.String())
	}
	// Under the sandbox the writers are disabled: nothing is written, so
	// nothing is told.
	got = nil
	e = New(Options{Stdout: &out, Sandbox: true, Wrote: func(path string) { got = append(got, path) }})
	for _, line := range []string{`io.open(... .. "/s.txt", "w")`, `os.remove(... .. "/in.txt")`, `csv.write(... .. "/s.csv", {})`} {
		if err := e.Run(t.Context(), Script{Name: "s.lua", Source: line}, []string{dir}); err == nil || !strings.Contains(err.Error(), "--sandbox disables") && !strings.Contains(err.Error(), "disabled by --sandbox") {
			t.Errorf("%s under --sandbox: %v", line, err)
		}
	}
	if len(got) != 0 {
		t.Errorf("told %q under the sandbox", got)
	}
}
