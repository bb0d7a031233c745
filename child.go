package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
)

// A script runs in a child process: the same program, re-run as
// `clickscript run --supervised ...`. Nothing a Lua line does in there (a
// Go built-in that runs for minutes or allocates a terabyte, a crash of
// the runtime) can stop the parent from ending it or from reporting it:
//
//   - the child stops itself: its engine cancels the run on Ctrl-C,
//     SIGTERM, --timeout and --max-memory, and ends its own process when
//     the run does not stop within engine.StopGrace (engine.HardStop);
//   - the parent forwards Ctrl-C and SIGTERM, and kills the child when it
//     has not ended childGrace after a signal or after --timeout;
//   - the child writes its exit code to a status file just before it
//     exits: a child that ends without one crashed (the Go runtime's
//     fatal "out of memory" exits 2, the usage-error code) and the parent
//     reports that with exit code 1.

// childGrace is how long the parent waits for a stopped child to end by
// itself before it kills it: longer than engine.StopGrace, so that the
// child's own message wins.
const childGrace = 2 * time.Second

// statusEnv names the file a supervised child writes its exit code to.
const statusEnv = "CLICKSCRIPT_STATUS_FILE"

// childExit is a child's own end: it printed its messages already, and
// the command exits with code. wrote are the files its script wrote (see
// engine.Options.Wrote).
type childExit struct {
	code  int
	wrote []string
}

func (e *childExit) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// childCrash is a child that ended without its status: a crash of the
// runtime, or a kill from outside.
type childCrash struct{ state string }

func (e *childCrash) Error() string {
	return fmt.Sprintf("the script's process crashed (%s): out of memory, or a bug to report with the message above", e.state)
}

// wroteList gathers the files a supervised child's script wrote, for the
// status file.
type wroteList struct {
	mu    sync.Mutex
	paths []string
}

// add records path; it is an engine.Options.Wrote.
func (w *wroteList) add(path string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.paths = append(w.paths, path)
}

// exitProcess ends the process with code, first writing it and the files
// in wrote (nil: none) to the status file when a supervisor asked for
// one: the code on the first line, then one quoted path a line.
func exitProcess(code int, wrote *wroteList) {
	if path := os.Getenv(statusEnv); path != "" {
		var b strings.Builder
		b.WriteString(strconv.Itoa(code) + "\n")
		if wrote != nil {
			wrote.mu.Lock()
			for _, p := range wrote.paths {
				b.WriteString(strconv.Quote(p) + "\n")
			}
			wrote.mu.Unlock()
		}
		os.WriteFile(path, []byte(b.String()), 0o600)
	}
	os.Exit(code)
}

// readStatus reads a status file: nil when the child wrote none.
func readStatus(path string) *childExit {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	code, err := strconv.Atoi(lines[0])
	if err != nil {
		return nil
	}
	ce := &childExit{code: code}
	for _, l := range lines[1:] {
		if p, err := strconv.Unquote(l); err == nil {
			ce.wrote = append(ce.wrote, p)
		}
	}
	return ce
}

// hardStopper returns engine.Options.HardStop for a supervised child: it
// reports err as exitCode does, says why the process ends, and ends it.
func hardStopper(s streams, timeout time.Duration) func(error) {
	return func(err error) {
		if errors.Is(err, context.DeadlineExceeded) {
			err = &timeoutError{timeout}
		}
		code := exitCode(s.stderr, "", err)
		fmt.Fprintln(s.stderr, "clickscript: (the script was inside a long built-in call, so its process was ended)")
		s.flush()
		exitProcess(code, s.wrote)
	}
}

// flagArgs returns the flags set on fs as arguments that parse back to the
// same values ("--name=value"), skipping those in skip.
func flagArgs(fs *pflag.FlagSet, skip ...string) []string {
	var out []string
	fs.Visit(func(f *pflag.Flag) {
		for _, s := range skip {
			if f.Name == s {
				return
			}
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				out = append(out, "--"+f.Name+"="+v)
			}
			return
		}
		out = append(out, "--"+f.Name+"="+f.Value.String())
	})
	return out
}

// superviseChild runs the program at s.exe with args and extra
// environment env, its standard streams those of s, until it ends. It
// forwards the end of ctx (Ctrl-C, SIGTERM) as an interrupt, and kills the
// child childGrace after that or after deadline (when not zero). It
// returns a *childExit with the child's code, a *childCrash, or, when it
// had to kill the child, an error for exitCode: the timeout (timeoutErr)
// or context.Canceled.
func superviseChild(ctx context.Context, s streams, args, env []string, deadline time.Duration, timeoutErr error) error {
	status, err := os.CreateTemp("", "clickscript-status-*")
	if err != nil {
		return fmt.Errorf("run the script: %w", err)
	}
	status.Close()
	defer os.Remove(status.Name())

	cmd := exec.Command(s.exe, args...)
	// The child redacts its own output (it is this program, and knows
	// the same secrets and those its script meets): it writes to the raw
	// streams, a terminal staying a terminal.
	s.flush()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.stdin, rawWriter(s.stdout), rawWriter(s.stderr)
	cmd.Env = append(append(os.Environ(), env...), statusEnv+"="+status.Name())
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run the script: %w", err)
	}
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()

	var timer <-chan time.Time
	if deadline > 0 {
		t := time.NewTimer(deadline + childGrace)
		defer t.Stop()
		timer = t.C
	}
	var waitErr, killedFor error
	interrupted := false
	select {
	case waitErr = <-ended:
	case <-timer:
		cmd.Process.Kill()
		waitErr, killedFor = <-ended, timeoutErr
		fmt.Fprintln(s.stderr, "clickscript: the script did not stop at its --timeout: its process was killed")
	case <-ctx.Done():
		interrupted = true
		interruptProcess(cmd.Process)
		t := time.NewTimer(childGrace)
		select {
		case waitErr = <-ended:
		case <-t.C:
			cmd.Process.Kill()
			waitErr, killedFor = <-ended, context.Canceled
			fmt.Fprintln(s.stderr, "clickscript: the script did not stop when interrupted: its process was killed")
		}
		t.Stop()
	}
	if ce := readStatus(status.Name()); ce != nil {
		return ce
	}
	switch {
	case killedFor == timeoutErr && killedFor != nil:
		return timeoutErr
	case killedFor != nil || interrupted:
		// Killed, or ended by the interrupt before it could say so.
		return context.Canceled
	}
	state := "exit status unknown"
	var ee *exec.ExitError
	if errors.As(waitErr, &ee) {
		state = ee.ProcessState.String()
	} else if waitErr != nil {
		state = waitErr.Error()
	}
	return &childCrash{state}
}

// interruptProcess asks p to stop as Ctrl-C does; where a process cannot
// be sent os.Interrupt (Windows), it kills it.
func interruptProcess(p *os.Process) {
	if err := p.Signal(os.Interrupt); err != nil {
		p.Kill()
	}
}
