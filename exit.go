package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/clickscript/clickscript/engine"
	"github.com/clickscript/clickscript/internal/printable"
	"github.com/clickscript/clickscript/repl"
)

// Exit codes (DESIGN.md).
const (
	exitOK          = 0
	exitError       = 1 // a script or API error
	exitUsage       = 2 // a bad command line
	exitInterrupted = 130
)

// usageError is a bad command line.
type usageError struct {
	msg  string // what is wrong; "" when more says it all
	more string // what follows: "" for a pointer to the command's --help
}

func (e *usageError) Error() string { return e.msg }

// usagef returns a usageError of the running command.
func usagef(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// timeoutError is a run stopped by --timeout.
type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("script stopped: --timeout %v reached", e.d)
}

// errorList holds the several errors of one command (a failed run, then a
// failed close), each reported on its own.
type errorList []error

func (l errorList) Error() string { return errors.Join(l...).Error() }

// Unwrap lets errors.Is and errors.As see each error of the list.
func (l errorList) Unwrap() []error { return l }

// joinErrors returns the non-nil errors of errs: nil, the one, or an
// errorList.
func joinErrors(errs ...error) error {
	var l errorList
	for _, err := range errs {
		if err != nil {
			l = append(l, err)
		}
	}
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	return l
}

// exitCode writes the message of err, an error of command cmd ("" for
// none), to w and returns the exit code. It is the one place that turns
// errors into messages and codes:
//
//   - nil: 0;
//   - a usageError: the problem and where to read the usage, 2;
//   - a script's error: its message and traceback, 1;
//   - an interruption (Ctrl-C, SIGTERM: context.Canceled): 130;
//   - a REPL whose last statement failed (printed already): 1;
//   - a child process's own end (it printed its messages): its code;
//   - os.exit(n) of a script: n;
//   - a child process that crashed: what happened, 1;
//   - any other error: "clickscript CMD: ...", 1.
//
// Messages may hold what the agent or a script said: control characters
// other than newline and tab are shown escaped (printable.Message).
//
// The errors of an errorList are reported in turn; the highest code wins.
func exitCode(w io.Writer, cmd string, err error) int {
	prefix := "clickscript"
	if cmd != "" {
		prefix += " " + cmd
	}
	if list, ok := err.(errorList); ok {
		code := exitOK
		for _, e := range list {
			code = max(code, exitCode(w, cmd, e))
		}
		return code
	}
	var (
		usage *usageError
		se    *engine.ScriptError
		te    *timeoutError
		ce    *childExit
		ee    *engine.ExitError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &usage):
		switch {
		case usage.msg != "" && usage.more != "":
			fmt.Fprintf(w, "%s: %s\n%s", prefix, usage.msg, usage.more)
		case usage.more != "":
			io.WriteString(w, usage.more)
		default:
			fmt.Fprintf(w, "%s: %s\nRun '%s --help' for usage.\n", prefix, usage.msg, prefix)
		}
		return exitUsage
	case errors.As(err, &se):
		fmt.Fprintln(w, printable.Message(se.Error()))
		if se.Traceback != "" {
			fmt.Fprintln(w, printable.Message(se.Traceback))
		}
		return exitError
	case errors.Is(err, engine.ErrMemoryLimit):
		fmt.Fprintf(w, "clickscript: %s (--max-memory)\n", printable.Message(err.Error()))
		return exitError
	case errors.As(err, &te):
		fmt.Fprintf(w, "clickscript: %v\n", te)
		return exitError
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(w, "clickscript: interrupted")
		return exitInterrupted
	case errors.Is(err, repl.ErrLastStatementFailed):
		return exitError
	default:
		fmt.Fprintf(w, "%s: %s\n", prefix, printable.Message(err.Error()))
		return exitError
	}
}
