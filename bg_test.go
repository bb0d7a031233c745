package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// A testscript's own `exec ... &name&` keeps a background command's output
// until `wait`, so a script cannot wait for a sign that the command got
// somewhere. These commands can: `spawn NAME PROG ARGS...` starts PROG with
// its stdout and stderr written to $WORK/NAME.stdout and $WORK/NAME.stderr as
// they come, `waitfor NAME.stdout|NAME.stderr REGEXP` waits until that output
// matches (a sign, not a delay), and `interrupt NAME` sends os.Interrupt and
// waits for the exit, failing unless it exits with the code given by
// `interrupt NAME CODE` (default 0).

// bgLimit bounds how long waitfor and interrupt wait; they return as soon as
// their sign arrives, so it only matters when something is broken.
const bgLimit = 2 * time.Minute

// bgProc is a command started by spawn.
type bgProc struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// bgProcs holds the spawned commands of one script, by name.
type bgProcs struct {
	mu    sync.Mutex
	procs map[string]*bgProc
}

// get returns the command spawned as name, or nil.
func (b *bgProcs) get(name string) *bgProc {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.procs[name]
}

// exited says whether the command has exited.
func (p *bgProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func procsOf(ts *testscript.TestScript) *bgProcs {
	return ts.Value(bgKey{}).(*bgProcs)
}

type bgKey struct{}

func cmdSpawn(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: spawn NAME PROG [ARGS...]")
	}
	name := args[0]
	// testscript.Main put the registered commands on this process's PATH.
	path, err := exec.LookPath(args[1])
	ts.Check(err)
	stdout, err := os.Create(ts.MkAbs(name + ".stdout"))
	ts.Check(err)
	stderr, err := os.Create(ts.MkAbs(name + ".stderr"))
	ts.Check(err)
	cmd := exec.Command(path, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = scriptEnv(ts)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	ts.Check(cmd.Start())
	p := &bgProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		stdout.Close()
		stderr.Close()
		close(p.done)
	}()
	procs := procsOf(ts)
	procs.mu.Lock()
	procs.procs[name] = p
	procs.mu.Unlock()
	ts.Defer(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
	})
}

// scriptEnv returns this process's environment with the variables a script
// sets (TestScripts' Setup and the emulator command) as the script sees them.
func scriptEnv(ts *testscript.TestScript) []string {
	env := os.Environ()
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "CLICK_URL", "CLICK_TOKEN", "SCRIPTS", "WORK", "TMPDIR"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return env
}

func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfor FILE REGEXP")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	file := ts.MkAbs(args[0])
	// NAME.stdout and NAME.stderr belong to the spawned NAME: once it has
	// exited, its output is final, so there is no point in waiting on.
	p := procsOf(ts).get(strings.TrimSuffix(strings.TrimSuffix(args[0], ".stdout"), ".stderr"))
	deadline := time.Now().Add(bgLimit)
	for {
		exited := p != nil && p.exited()
		data, _ := os.ReadFile(file)
		if re.Match(data) {
			return
		}
		if exited {
			ts.Fatalf("%s: no match for %q, and the command exited (%v); it holds:\n%s", args[0], args[1], p.err, data)
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s: no match for %q after %v; it holds:\n%s", args[0], args[1], bgLimit, data)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func cmdInterrupt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: interrupt NAME [EXITCODE]")
	}
	want := 0
	if len(args) == 2 {
		_, err := fmt.Sscan(args[1], &want)
		ts.Check(err)
	}
	p := procsOf(ts).get(args[0])
	if p == nil {
		ts.Fatalf("no spawned command %q", args[0])
	}
	ts.Check(p.cmd.Process.Signal(os.Interrupt))
	select {
	case <-p.done:
	case <-time.After(bgLimit):
		ts.Fatalf("%s did not exit within %v of the interrupt", args[0], bgLimit)
	}
	got := p.cmd.ProcessState.ExitCode()
	if got != want {
		out, _ := os.ReadFile(ts.MkAbs(args[0] + ".stderr"))
		ts.Fatalf("%s exited with %d, want %d; stderr:\n%s", args[0], got, want, bytes.TrimSpace(out))
	}
}
