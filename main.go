// Command clickscript runs Lua scripts against the Amove desktop agent's
// Click API, on demand, on file changes or in a REPL, and serves an
// emulator of the agent for trying it all without one.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK          = 0
	exitError       = 1 // a script or API error
	exitUsage       = 2 // a bad command line
	exitInterrupted = 130
)

// streams are a command's standard input and outputs.
type streams struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// run executes the command line args and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return dispatch(ctx, commands(), args, streams{stdin, stdout, stderr})
}
