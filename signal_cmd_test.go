package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// signalWhenDeadline bounds how long signalwhen waits for its line; it
// only turns a hang into a failure, a line normally comes in milliseconds.
const signalWhenDeadline = 3 * time.Minute

// cmdSignalWhen runs a command until a line of its output matches, then
// signals it and waits for its end:
//
//	signalwhen [-code N] INT|TERM|none stdout|stderr REGEXP COMMAND [ARGS...]
//
// The command runs in the script's directory with its environment. Its
// outputs become stdout and stderr for the lines that follow. It must exit
// 0 (non-zero with !), or exactly N with -code. A command that ends before
// the line appears fails the script, as does a command that does not end.
// With "none" no signal is sent: the command must end by itself.
func cmdSignalWhen(ts *testscript.TestScript, neg bool, args []string) {
	wantCode := -1
	if len(args) > 1 && args[0] == "-code" {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		wantCode, args = n, args[2:]
	}
	if len(args) < 4 {
		ts.Fatalf("usage: signalwhen [-code N] INT|TERM|none stdout|stderr REGEXP COMMAND [ARGS...]")
	}
	var sig os.Signal
	switch args[0] {
	case "INT":
		sig = os.Interrupt
	case "TERM":
		sig = syscall.SIGTERM
	case "none":
	default:
		ts.Fatalf("signalwhen: unknown signal %q", args[0])
	}
	stream := args[1]
	if stream != "stdout" && stream != "stderr" {
		ts.Fatalf("signalwhen: want stdout or stderr, got %q", stream)
	}
	re, err := regexp.Compile("(?m)" + args[2])
	ts.Check(err)
	path, err := exec.LookPath(args[3])
	ts.Check(err)
	cmd := exec.Command(path, args[4:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, k := range []string{"HOME", "PATH", "TMPDIR", "WORK", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "CLICK_URL", "CLICK_TOKEN"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	stdout, err := cmd.StdoutPipe()
	ts.Check(err)
	stderr, err := cmd.StderrPipe()
	ts.Check(err)
	ts.Check(cmd.Start())

	var mu sync.Mutex
	var outBuf, errBuf bytes.Buffer
	matched := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	copyLines := func(r io.Reader, buf *bytes.Buffer, watch bool) {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			mu.Lock()
			buf.Write(sc.Bytes())
			buf.WriteByte('\n')
			mu.Unlock()
			if watch && re.Match(sc.Bytes()) {
				once.Do(func() { close(matched) })
			}
		}
		io.Copy(io.Discard, r)
	}
	wg.Add(2)
	go copyLines(stdout, &outBuf, stream == "stdout")
	go copyLines(stderr, &errBuf, stream == "stderr")
	ended := make(chan struct{})
	go func() {
		wg.Wait()
		close(ended)
	}()

	fail := func(format string, a ...any) {
		cmd.Process.Kill()
		<-ended
		cmd.Wait()
		mu.Lock()
		ts.Logf("stdout:\n%s\nstderr:\n%s", outBuf.String(), errBuf.String())
		mu.Unlock()
		ts.Fatalf(format, a...)
	}
	deadline := time.NewTimer(signalWhenDeadline)
	defer deadline.Stop()
	select {
	case <-matched:
	case <-ended:
		select {
		case <-matched:
		default:
			fail("signalwhen: %s ended before a line of its %s matched %q", args[3], stream, args[2])
		}
	case <-deadline.C:
		fail("signalwhen: no line of %s matched %q within %v", stream, args[2], signalWhenDeadline)
	}
	if sig != nil {
		ts.Check(cmd.Process.Signal(sig))
	}
	select {
	case <-ended:
	case <-deadline.C:
		fail("signalwhen: %s did not end within %v of the signal", args[3], signalWhenDeadline)
	}
	err = cmd.Wait()
	ts.Stdout().Write(outBuf.Bytes())
	ts.Stderr().Write(errBuf.Bytes())
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("signalwhen: %v", err)
	}
	switch {
	case wantCode >= 0 && code != wantCode:
		ts.Fatalf("signalwhen: exit code %d, want %d", code, wantCode)
	case wantCode < 0 && neg && code == 0:
		ts.Fatalf("signalwhen: %s succeeded unexpectedly", args[3])
	case wantCode < 0 && !neg && code != 0:
		ts.Fatalf("signalwhen: %s failed: exit code %d", args[3], code)
	}
}
