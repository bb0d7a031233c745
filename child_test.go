package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// childHelperEnv makes TestChildHelper act as a supervised child.
const childHelperEnv = "CLICKSCRIPT_CHILD_HELPER"

// TestChildHelper is the child of the supervisor tests: with
// CLICKSCRIPT_CHILD_HELPER set, it does what that says and exits; without,
// it does nothing.
func TestChildHelper(t *testing.T) {
	switch os.Getenv(childHelperEnv) {
	case "":
		return
	case "exit3":
		os.Stderr.WriteString("child: failing\n")
		exitProcess(3, &wroteList{paths: []string{"a.txt", "odd\nname"}})
	case "crash":
		// As the runtime's fatal "out of memory" does: exit 2, no status.
		os.Stderr.WriteString("fatal error: runtime: out of memory\n")
		os.Exit(2)
	case "hang":
		// Ignores interrupts and never ends, as a child stuck past its
		// own hard stop would.
		signal.Ignore(os.Interrupt)
		os.Stdout.WriteString("hanging\n")
		select {}
	}
}

// firstWrite closes written at its first write.
type firstWrite struct {
	once    sync.Once
	written chan struct{}
}

func (w *firstWrite) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.written) })
	return len(p), nil
}

// superviseHelper runs TestChildHelper in mode under superviseChild; with
// interrupt, ctx ends once the child has written to its stdout.
func superviseHelper(t *testing.T, interrupt bool, mode string, deadline time.Duration) (string, error) {
	t.Helper()
	var stderr bytes.Buffer
	stdout := &firstWrite{written: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if interrupt {
		go func() {
			<-stdout.written
			cancel()
		}()
	}
	s := streams{stdin: strings.NewReader(""), stdout: stdout, stderr: &stderr, exe: os.Args[0]}
	te := &timeoutError{deadline}
	err := superviseChild(ctx, s, []string{"-test.run=^TestChildHelper$"}, []string{childHelperEnv + "=" + mode}, deadline, te)
	return stderr.String(), err
}

func TestSupervisedChildExitCodePassesThrough(t *testing.T) {
	stderr, err := superviseHelper(t, false, "exit3", 0)
	var ce *childExit
	if !errors.As(err, &ce) || ce.code != 3 {
		t.Fatalf("err = %v, want the child's own exit 3", err)
	}
	if !slices.Equal(ce.wrote, []string{"a.txt", "odd\nname"}) {
		t.Errorf("the child wrote %q, want a.txt and odd\\nname", ce.wrote)
	}
	var msgs bytes.Buffer
	if code := exitCode(&msgs, "run", err); code != 3 || msgs.Len() != 0 {
		t.Errorf("exit code %d, messages %q; want 3 and none (the child printed its own)", code, msgs.String())
	}
	if !strings.Contains(stderr, "child: failing") {
		t.Errorf("the child's stderr was not passed on: %q", stderr)
	}
}

func TestSupervisedChildCrashIsAnError(t *testing.T) {
	_, err := superviseHelper(t, false, "crash", 0)
	var cc *childCrash
	if !errors.As(err, &cc) {
		t.Fatalf("err = %v, want a childCrash", err)
	}
	var msgs bytes.Buffer
	if code := exitCode(&msgs, "run", err); code != exitError || !strings.Contains(msgs.String(), "crashed (exit status 2): out of memory") {
		t.Errorf("exit code %d, message %q; want 1 and what happened", code, msgs.String())
	}
}

func TestSupervisedChildIsKilledAfterTimeout(t *testing.T) {
	stderr, err := superviseHelper(t, false, "hang", 100*time.Millisecond)
	var te *timeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want the timeout", err)
	}
	if !strings.Contains(stderr, "did not stop at its --timeout: its process was killed") {
		t.Errorf("stderr %q does not say the child was killed", stderr)
	}
}

func TestSupervisedChildIsKilledAfterInterrupt(t *testing.T) {
	stderr, err := superviseHelper(t, true, "hang", 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want an interruption", err)
	}
	var msgs bytes.Buffer
	if code := exitCode(&msgs, "run", err); code != exitInterrupted {
		t.Errorf("exit code %d, want 130", code)
	}
	if !strings.Contains(stderr, "did not stop when interrupted: its process was killed") {
		t.Errorf("stderr %q does not say the child was killed", stderr)
	}
}

func TestFlagArgsParseBack(t *testing.T) {
	fs := runCommand()
	f, _ := fs.flags(&bytes.Buffer{})
	if err := f.Parse([]string{"--timeout", "1m30s", "--sandbox", "--max-memory", "1GiB", "--log-level=debug", "--concurrency", "7", "x.lua"}); err != nil {
		t.Fatal(err)
	}
	got := flagArgs(f, "log-level")
	slices.Sort(got)
	want := []string{"--concurrency=7", "--max-memory=1GiB", "--sandbox=true", "--timeout=1m30s"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("flagArgs = %q, want %q", got, want)
	}
}
