// Command clickscript runs Lua scripts against the Amove desktop agent's
// Click API, on demand, on file changes or in a REPL, and serves an
// emulator of the agent for trying it all without one.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/clickscript/clickscript/clickapi"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	s := streams{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	// Scripts run in a child process of this same program (see child.go);
	// without a path to it they run in this one.
	s.exe, _ = os.Executable()
	if os.Getenv(statusEnv) != "" {
		s.wrote = &wroteList{}
	}
	m := &Main{cmds: commands(), s: s}
	code := m.Run(ctx, os.Args[1:])
	stop()
	exitProcess(code, s.wrote)
}

// tuneGC raises the garbage collector's target unless GOGC is set. A
// script's garbage is short-lived (a page of tables at a time) and its live
// heap small, so the default target collects far too often: at 300 a walk
// of 100,000 groups spends about a third less CPU, for a few MiB of heap.
// Not higher: with a live heap of 2-4 MiB the heap's floor (4 MiB times
// the target) sets a long walk's peak memory; at 400 a walk of 1,000,000
// groups peaked at 1.45-1.6x a walk of 10,000 (goal 1.5x), at 300 1.3x,
// for 3% more instructions (BENCHMARKS.md).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
}

// streams are a command's standard input and outputs, and the program to
// run scripts in.
type streams struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// exe is this program's path: run, watch and repl run scripts in a
	// child process of it, which they can always stop (see child.go).
	// "": in this process, as tests that call run do.
	exe string
	// wrote gathers the files a supervised child's script writes, for its
	// supervisor (nil: not a supervised child).
	wrote *wroteList
	// secrets are the secret values the command knows (see secrets.go):
	// Main.Run makes the set and redacts them from stdout and stderr.
	secrets *clickapi.Secrets
}

// run executes the command line args and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	m := &Main{cmds: commands(), s: streams{stdin: stdin, stdout: stdout, stderr: stderr}}
	return m.Run(ctx, args)
}
