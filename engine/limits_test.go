package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMaxMemoryStopsRunawayScript(t *testing.T) {
	e, _ := newEngine(t)
	e.opts.MaxMemory = 128 << 20
	src := `local t = {} while true do t[#t+1] = ('x'):rep(1e6) end`
	err := e.Run(context.Background(), Script{Name: "hog.lua", Source: src}, nil)
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, ErrMemoryLimit) {
		t.Fatalf("err = %v, want ErrInterrupted wrapping ErrMemoryLimit", err)
	}
	if !strings.Contains(err.Error(), "limit 128MiB") {
		t.Errorf("message %q does not name the limit", err)
	}
	// The next run on the same engine is not affected.
	if err := e.Run(context.Background(), Script{Name: "ok.lua", Source: "local x = 1"}, nil); err != nil {
		t.Errorf("a run after the limit: %v", err)
	}
}

func TestDeepRecursionIsAnError(t *testing.T) {
	e, _ := newEngine(t)
	for _, src := range []string{
		"local function f() return f() + 1 end f()",
		"local function f(n) local t = {n} return 1 + f(n + 1) end f(1)",
		"local t = setmetatable({}, {__index = function(t, k) return t[k] end}) local x = t.a",
	} {
		err := e.Run(context.Background(), Script{Name: "deep.lua", Source: src}, nil)
		var se *ScriptError
		if !errors.As(err, &se) || !strings.Contains(se.Message, "overflow") {
			t.Errorf("%s: err = %v, want a stack overflow ScriptError", src, err)
		}
	}
}

func TestSandbox(t *testing.T) {
	e, out := newEngine(t)
	e.opts.Sandbox = true
	dir := t.TempDir()
	readable := filepath.Join(dir, "in.txt")
	os.WriteFile(readable, []byte("hello\n"), 0o644)
	target := filepath.Join(dir, "out.txt")
	src := `
local function blocked(f, ...)
  local ok, err = pcall(f, ...)
  print(ok, (tostring(err):gsub("^[^:]+:%d+: ", "")))
end
blocked(os.execute, "echo pwned")
blocked(io.popen, "ls")
blocked(package.loadlib, "x.so", "f")
blocked(dofile, arg[1])
blocked(loadfile, arg[1])
blocked(io.open, arg[2], "w")
blocked(io.open, arg[2], "a+")
blocked(io.output, arg[2])
blocked(os.remove, arg[1])
blocked(os.rename, arg[1], arg[2])
blocked(os.exit, 3)
blocked(csv.write, arg[2], {{a = 1}})
local f = io.open(arg[1], "r") print(f:read("*l")) f:close()
print(#usergroup.list{}:all())`
	if err := e.Run(context.Background(), Script{Name: "sb.lua", Source: src}, []string{readable, target}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"false\tos.execute is disabled by --sandbox",
		"false\tio.popen is disabled by --sandbox",
		"false\tpackage.loadlib is disabled by --sandbox",
		"false\tdofile is disabled by --sandbox",
		"false\tloadfile is disabled by --sandbox",
		"false\tio.open: mode \"w\" writes, which --sandbox disables (reading is allowed)",
		"false\tio.open: mode \"a+\" writes, which --sandbox disables (reading is allowed)",
		"false\tio.output is disabled by --sandbox",
		"false\tos.remove is disabled by --sandbox",
		"false\tos.rename is disabled by --sandbox",
		"false\tos.exit is disabled by --sandbox",
		"false\tcsv.write is disabled by --sandbox",
		"hello",
		"41",
	}
	if got := strings.Split(strings.TrimSpace(out.String()), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), strings.Join(want, "\n"))
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Error("the sandboxed script wrote a file")
	}
	if _, err := os.Stat(readable); err != nil {
		t.Error("the sandboxed script removed a file")
	}
}
