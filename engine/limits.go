package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// ErrMemoryLimit is the cause of a run stopped by Options.MaxMemory.
var ErrMemoryLimit = errors.New("heap passed the memory limit")

// memoryWatchInterval is how often the watchdog reads the heap size.
const memoryWatchInterval = 20 * time.Millisecond

// watchMemory cancels the run when the process's heap passes limit bytes,
// with ErrMemoryLimit as the cause. It also sets the runtime's soft memory
// limit, so that the collector works hard before the watchdog has to stop
// the script. It returns a function that stops watching.
func watchMemory(ctx context.Context, cancel context.CancelCauseFunc, limit int64) (stop func()) {
	prev := debug.SetMemoryLimit(limit)
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(memoryWatchInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				// ReadMemStats stops the world for microseconds; at this
				// rate that is noise, and it keeps runtime/metrics (and
				// its start-up cost) out of every run.
				runtime.ReadMemStats(&ms)
				if used := int64(ms.HeapAlloc); used > limit {
					cancel(fmt.Errorf("%w: %s in use, limit %s", ErrMemoryLimit, FormatBytes(used), FormatBytes(limit)))
					return
				}
			}
		}
	}()
	return func() {
		close(done)
		debug.SetMemoryLimit(prev)
	}
}

// FormatBytes prints a byte count in binary units ("256MiB").
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.4g%ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// sandbox removes what an untrusted script could use to reach outside the
// API: running programs (os.execute, io.popen), loading native code or
// other files as code (package.loadlib, dofile, loadfile), changing files
// (io.open for writing, io.output, os.remove, os.rename, os.tmpname,
// csv.write) and ending the process (os.exit). Each is replaced by a
// function that raises "NAME is disabled by --sandbox", so a script learns
// why. Reading files (io.open for reading, io.lines, csv.read) stays.
func sandbox(L *lua.LState) {
	disable := func(table, name string) {
		full := name
		if table != "" {
			full = table + "." + name
		}
		fn := L.NewFunction(func(L *lua.LState) int {
			L.RaiseError("%s is disabled by --sandbox", full)
			return 0
		})
		if table == "" {
			L.SetGlobal(name, fn)
			return
		}
		if t, ok := L.GetGlobal(table).(*lua.LTable); ok {
			t.RawSetString(name, fn)
		}
	}
	for _, n := range []string{"execute", "exit", "remove", "rename", "tmpname", "setenv"} {
		disable("os", n)
	}
	for _, n := range []string{"popen", "output", "tmpfile"} {
		disable("io", n)
	}
	disable("package", "loadlib")
	disable("", "dofile")
	disable("", "loadfile")
	disable("csv", "write")
	// io.open stays for reading only.
	if io, ok := L.GetGlobal("io").(*lua.LTable); ok {
		open := io.RawGetString("open")
		io.RawSetString("open", L.NewFunction(func(L *lua.LState) int {
			mode := L.OptString(2, "r")
			for _, c := range mode {
				if c == 'w' || c == 'a' || c == '+' {
					L.RaiseError("io.open: mode %q writes, which --sandbox disables (reading is allowed)", mode)
				}
			}
			L.Push(open)
			L.Push(L.Get(1))
			L.Push(lua.LString(mode))
			L.Call(2, lua.MultRet)
			return L.GetTop() - 2
		}))
	}
	// Loaders that read Lua files or native modules from disk go too:
	// require finds only the preloaded modules.
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		if loaders, ok := pkg.RawGetString("loaders").(*lua.LTable); ok && loaders.Len() > 1 {
			first := loaders.RawGetInt(1)
			n := loaders.Len()
			for i := n; i >= 1; i-- {
				loaders.RawSetInt(i, lua.LNil)
			}
			loaders.RawSetInt(1, first)
		}
	}
}
