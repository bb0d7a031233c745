package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
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

func TestEnforceStopCallsHardStopWhenTheRunDoesNotEnd(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	done := make(chan struct{})
	got := make(chan error, 1)
	go enforceStop(ctx, done, func(err error) { got <- err })
	cancel(context.DeadlineExceeded)
	err := <-got
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hard stop error %v, want ErrInterrupted wrapping the cause", err)
	}
	close(done)
}

func TestEnforceStopLeavesARunThatEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	returned := make(chan struct{})
	go func() {
		enforceStop(ctx, done, func(err error) { t.Errorf("hard stop of a run that ended: %v", err) })
		close(returned)
	}()
	close(done) // the run ended before anything stopped it
	<-returned
	cancel()

	// A run that ends within the grace after a stop is left alone too.
	ctx, cancel = context.WithCancel(context.Background())
	done = make(chan struct{})
	returned = make(chan struct{})
	go func() {
		enforceStop(ctx, done, func(err error) { t.Errorf("hard stop of a run that ended in time: %v", err) })
		close(returned)
	}()
	cancel()
	close(done)
	<-returned
}

func TestWatchMemoryHardStopsAHeapThatKeepsGrowing(t *testing.T) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	limit := int64(ms.HeapAlloc) + 64<<20
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stopped := make(chan error, 1)
	stop := watchMemory(ctx, cancel, limit, func(err error) { stopped <- err })
	defer stop()
	// Past the limit: the run is cancelled...
	held := [][]byte{make([]byte, 80<<20)}
	<-ctx.Done()
	if !errors.Is(context.Cause(ctx), ErrMemoryLimit) {
		t.Fatalf("cause %v, want ErrMemoryLimit", context.Cause(ctx))
	}
	select {
	case err := <-stopped:
		t.Fatalf("hard stop at the first pass of the limit: %v", err)
	default:
	}
	// ...and when the heap goes on growing (a built-in that does not see
	// the cancellation), the process is ended at once.
	held = append(held, make([]byte, 64<<20))
	err := <-stopped
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, ErrMemoryLimit) {
		t.Errorf("hard stop error %v, want ErrInterrupted wrapping ErrMemoryLimit", err)
	}
	runtime.KeepAlive(held)
}

func TestOSExitEndsTheRun(t *testing.T) {
	for _, src := range []string{
		`os.exit(3)`,
		`pcall(os.exit, 3) print("after pcall")`,
		`coroutine.wrap(function() os.exit(3) end)() print("after coroutine")`,
		`local ok = pcall(function() pcall(os.exit, 3) print("inner") end) print("outer")`,
		`return pcall(os.exit, 3)`,
	} {
		e, out := newEngine(t)
		err := e.Run(context.Background(), Script{Name: "exit.lua", Source: src}, nil)
		var xe *ExitError
		if !errors.As(err, &xe) || xe.Code != 3 {
			t.Errorf("%s: err = %v, want ExitError 3", src, err)
		}
		if out.Len() != 0 {
			t.Errorf("%s: the script went on after os.exit: %q", src, out.String())
		}
	}
	e, _ := newEngine(t)
	for src, want := range map[string]int{"os.exit()": 0, "os.exit(true)": 0, "os.exit(false)": 1} {
		var xe *ExitError
		if err := e.Run(context.Background(), Script{Name: "exit.lua", Source: src}, nil); !errors.As(err, &xe) || xe.Code != want {
			t.Errorf("%s: err = %v, want ExitError %d", src, err, want)
		}
	}
}

func TestStringRepIsBounded(t *testing.T) {
	e, out := newEngine(t)
	src := `print(pcall(string.rep, "x", 2^40)) print(pcall(string.rep, "ab", 2^29 + 1)) print(#("ab"):rep(10), ("x"):rep(0), ("x"):rep(-1))`
	if err := e.Run(context.Background(), Script{Name: "rep.lua", Source: src}, nil); err != nil {
		t.Fatal(err)
	}
	want := "false\trep.lua:1: string.rep: the result (1TiB) would pass the limit of 1GiB\n" +
		"false\trep.lua:1: string.rep: the result (1GiB) would pass the limit of 1GiB\n" +
		"20\t\t\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	// With --max-memory, the limit is the bound.
	out.Reset()
	e.opts.MaxMemory = 768 << 20
	if err := e.Run(context.Background(), Script{Name: "rep.lua", Source: `print(pcall(string.rep, "x", 2^30))`}, nil); err != nil {
		t.Fatal(err)
	}
	if want := "false\trep.lua:1: string.rep: the result (1GiB) would pass the limit of 768MiB\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}
