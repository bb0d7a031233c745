package main

import (
	"bytes"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdTerminate sends SIGTERM to a command started by spawn and waits for
// its exit, as interrupt does with os.Interrupt: `terminate NAME [EXITCODE]`.
func cmdTerminate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: terminate NAME [EXITCODE]")
	}
	p := procsOf(ts).get(args[0])
	if p == nil {
		ts.Fatalf("no spawned command %q", args[0])
	}
	ts.Check(p.cmd.Process.Signal(syscall.SIGTERM))
	waitExit(ts, args)
}

// cmdExitCode waits for a command started by spawn to exit by itself:
// `exitcode NAME [EXITCODE]` (default 0).
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: exitcode NAME [EXITCODE]")
	}
	if procsOf(ts).get(args[0]) == nil {
		ts.Fatalf("no spawned command %q", args[0])
	}
	waitExit(ts, args)
}

// waitExit waits for the spawned args[0] to exit (bgLimit at most) and
// checks its exit code against args[1] (default 0).
func waitExit(ts *testscript.TestScript, args []string) {
	want := 0
	if len(args) == 2 {
		_, err := fmt.Sscan(args[1], &want)
		ts.Check(err)
	}
	p := procsOf(ts).get(args[0])
	select {
	case <-p.done:
	case <-time.After(bgLimit):
		ts.Fatalf("%s did not exit within %v", args[0], bgLimit)
	}
	if got := p.cmd.ProcessState.ExitCode(); got != want {
		out, _ := os.ReadFile(ts.MkAbs(args[0] + ".stderr"))
		ts.Fatalf("%s exited with %d, want %d; stderr:\n%s", args[0], got, want, bytes.TrimSpace(out))
	}
}
