//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// The REPL's terminal side runs the real command in a pseudo-terminal:
// TestMain puts the test binary on PATH as "clickscript".

// ptyTimeout bounds every wait for the REPL's output.
const ptyTimeout = 10 * time.Second

// ansiPattern matches the escape sequences readline draws with.
var ansiPattern = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// ptyREPL is a `clickscript repl` running in a pseudo-terminal.
type ptyREPL struct {
	t    *testing.T
	tty  *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer // everything the REPL wrote
	seen int          // how much of out expect has consumed
	done chan error   // the command's exit
}

// startPTY starts `clickscript repl args...` in a pseudo-terminal with
// env added to a clean environment (HOME and the XDG directories in
// state, no CLICK_* variables).
func startPTY(t *testing.T, state string, env []string, args ...string) *ptyREPL {
	t.Helper()
	bin, err := exec.LookPath("clickscript")
	if err != nil {
		t.Fatalf("the test binary is not on PATH as clickscript (TestMain sets it up): %v", err)
	}
	cmd := exec.Command(bin, append([]string{"repl"}, args...)...)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + state,
		"XDG_CONFIG_HOME=" + filepath.Join(state, "config"),
		"XDG_STATE_HOME=" + filepath.Join(state, "state"),
		"TERM=xterm",
		"NO_COLOR=1",
	}, env...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatalf("cannot open a pseudo-terminal for the REPL tests (they need /dev/ptmx): %v", err)
	}
	p := &ptyREPL{t: t, tty: tty, cmd: cmd, done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
		tty.Close()
	})
	return p
}

// send types s.
func (p *ptyREPL) send(s string) {
	p.t.Helper()
	if _, err := p.tty.WriteString(s); err != nil {
		p.t.Fatalf("type %q: %v", s, err)
	}
}

// expect waits until the output not yet consumed contains want (escape
// sequences removed) and consumes it.
func (p *ptyREPL) expect(want string) {
	p.t.Helper()
	deadline := time.Now().Add(ptyTimeout)
	for {
		p.mu.Lock()
		all := p.out.String()
		p.mu.Unlock()
		if end, ok := findCleaned(all[p.seen:], want); ok {
			p.seen += end // consume up to the match in the raw output
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the REPL did not print %q within %v; it printed:\n%s", want, ptyTimeout, ansiPattern.ReplaceAllString(all, ""))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cleaned returns raw with its escape sequences removed and, for each of
// its bytes, the offset of that byte in raw. One pass: cleaning every
// prefix of a long transcript instead made a test take minutes under -race.
func cleaned(raw string) (clean string, rawAt []int) {
	var b strings.Builder
	last := 0
	keep := func(to int) {
		for k := last; k < to; k++ {
			b.WriteByte(raw[k])
			rawAt = append(rawAt, k)
		}
	}
	for _, span := range ansiPattern.FindAllStringIndex(raw, -1) {
		keep(span[0])
		last = span[1]
	}
	keep(len(raw))
	return b.String(), rawAt
}

// rawEnd is the offset in raw just past the first n bytes of its cleaned
// form (rawAt from cleaned).
func rawEnd(rawAt []int, n int) int {
	if n == 0 {
		return 0
	}
	return rawAt[n-1] + 1
}

// findCleaned finds want in raw with its escape sequences removed, and
// returns the offset in raw just past the match.
func findCleaned(raw, want string) (end int, ok bool) {
	clean, rawAt := cleaned(raw)
	i := strings.Index(clean, want)
	if i < 0 {
		return 0, false
	}
	return rawEnd(rawAt, i+len(want)), true
}

// wait waits for the REPL to exit and returns its exit code.
func (p *ptyREPL) wait() int {
	p.t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // for Cleanup
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			p.t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(ptyTimeout):
		p.t.Fatalf("the REPL did not exit within %v", ptyTimeout)
		return -1
	}
}

func TestREPLTerminal(t *testing.T) {
	p := startPTY(t, t.TempDir(), nil, "--emulator")
	p.expect(":help for the Lua API")
	p.expect("> ")

	// An expression prints its value.
	p.send("1 + 1\r")
	p.expect("\n2\r\n")

	// A loop spans lines, with a continuation prompt.
	p.send("for i = 1, 3 do\r")
	p.expect(">> ")
	p.send("print('n' .. i)\r")
	p.expect(">> ")
	p.send("end\r")
	p.expect("n1\r\nn2\r\nn3\r\n")

	// An API error is printed and the session goes on.
	p.send("usergroup.insert{name = 'Design Team'}\r")
	p.expect("stdin:1: usergroup.insert: 499 DUPLICATE: A resource with the same name already exists.")
	p.send("2 + 2\r")
	p.expect("\n4\r\n")

	// Tab completes a module member.
	p.send("usergroup.li\t")
	p.expect("usergroup.list")
	p.send("{}:count()\r")
	p.expect("\n41\r\n")

	// Ctrl-C stops a long listing and returns to the prompt.
	p.send("print('started'); for i = 1, 1e9 do for g in usergroup.list{pagesize = 1} do end end\r")
	p.expect("\nstarted\r\n") // printed by the statement the Ctrl-C interrupts (not its echo)
	p.send("\x03")
	p.expect("interrupted")
	p.send("3 * 3\r")
	p.expect("\n9\r\n")

	// Ctrl-C at the prompt clears the line.
	p.send("this is not lua")
	p.expect("not lua")
	p.send("\x03")
	p.send("5 * 5\r")
	p.expect("\n25\r\n")

	// :help documents one function.
	p.send(":help usergroup.list\r")
	p.expect("usergroup.list(opts?: GroupListOptions): ListIterator<UserGroup>")

	// Ctrl-D leaves.
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d after Ctrl-D", code)
	}
}

func TestREPLTerminalHistory(t *testing.T) {
	const token = "tok-SECRET"
	url := startDemoEmulator(t, token)
	state := t.TempDir()
	histFile := filepath.Join(state, "state", "clickscript", "history")

	p := startPTY(t, state, nil, "--url", url, "--token", token)
	p.expect("> ")
	p.send("marker = 'from ' .. 'session one'\r")
	p.expect("> ")
	p.send(`print("tok-SECRET")` + "\r")
	p.expect("REDACTED\r\n") // print never shows the token
	p.send(":quit\r")
	if code := p.wait(); code != 0 {
		t.Fatalf("exit code %d after :quit", code)
	}

	data, err := os.ReadFile(histFile)
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	if strings.Contains(string(data), token) {
		t.Errorf("the token is in the history file:\n%s", data)
	}
	want := "marker = 'from ' .. 'session one'\nprint(\"REDACTED\")\n:quit\n"
	if string(data) != want {
		t.Errorf("history file:\n%s\nwant:\n%s", data, want)
	}
	if info, err := os.Stat(histFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("history file mode: %v, %v; want 0600", info.Mode().Perm(), err)
	}

	// A second session finds the first one's lines: Ctrl-R searches them,
	// the up arrow walks them.
	p = startPTY(t, state, nil, "--url", url, "--token", token)
	p.expect("> ")
	p.send("marker\r")
	p.expect("\nnil\r\n")
	p.send("\x12session one") // Ctrl-R, reverse search
	p.expect("marker = 'from ' .. 'session one'")
	p.send("\r")
	p.expect("> ")
	p.send("marker\r")
	p.expect("\nfrom session one\r\n")
	p.send("\x1b[A\r") // up: the line before, "marker" again
	p.expect("\nfrom session one\r\n")
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d after Ctrl-D", code)
	}
	data, _ = os.ReadFile(histFile)
	if strings.Contains(string(data), token) {
		t.Errorf("the token is in the history file:\n%s", data)
	}
}

func TestOpenHistory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "history")
	h, lines, err := openHistory(path, 3)
	if err != nil || len(lines) != 0 {
		t.Fatalf("new history: %q, %v", lines, err)
	}
	for _, l := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		h.add(l)
	}
	h.close()
	// Past twice the limit, the file is cut to the last lines.
	h, lines, err = openHistory(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	h.close()
	if strings.Join(lines, ",") != "e,f,g" {
		t.Errorf("lines %q", lines)
	}
	data, _ := os.ReadFile(path)
	if string(data) != "e\nf\ng\n" {
		t.Errorf("file %q", data)
	}
	// A file made with looser permissions is tightened.
	os.Chmod(path, 0o644)
	h, _, err = openHistory(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	h.close()
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
}

// The REPL's Lua session runs in a worker process (repl_worker.go): the
// REPL survives whatever a statement does, and says when it had to start
// the session again.

func TestREPLTerminalCtrlCStopsALongBuiltin(t *testing.T) {
	p := startPTY(t, t.TempDir(), nil, "--emulator")
	p.expect("> ")
	// Globals persist from one statement to the next.
	p.send("x = 41\r")
	p.expect("> ")
	p.send("x + 1\r")
	p.expect("\n42\r\n")

	// A gsub over a long string is one Go call that takes minutes and
	// does not see Ctrl-C: the worker is killed and replaced, and the
	// REPL says so. Without the kill the reset message never comes.
	p.send(`print('started'); s = ("x"):rep(200000):gsub("x", "yy")` + "\r")
	p.expect("\nstarted\r\n")
	p.send("\x03")
	p.expect("did not stop within 1s of Ctrl-C")
	p.expect("the Lua session was reset: its globals are gone")
	p.expect("> ")

	// The fresh session works, without the old globals.
	p.send("x\r")
	p.expect("\nnil\r\n")
	p.send("return 1 + 1\r")
	p.expect("\n2\r\n")
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d after Ctrl-D", code)
	}
}

func TestREPLTerminalSurvivesMemoryLimit(t *testing.T) {
	p := startPTY(t, t.TempDir(), nil, "--emulator", "--max-memory", "32MiB")
	p.expect("> ")
	// string.rep refuses a terabyte: an error pcall catches.
	p.send(`pcall(string.rep, "x", 2^40)` + "\r")
	p.expect("would pass the limit of 32MiB")
	p.send("y = 7\r")
	p.expect("> ")
	p.send("y * 6\r")
	p.expect("\n42\r\n")

	// A statement that fills the heap past --max-memory ends its worker.
	p.send(`t = {} for i = 1, 1e9 do t[i] = ("x"):rep(1000) .. i end` + "\r")
	p.expect("the statement passed --max-memory")
	p.expect("limit 32MiB)")
	p.expect("the Lua session was reset: its globals are gone")
	p.expect("> ")
	p.send("return 1+1\r")
	p.expect("\n2\r\n")
	p.send("y\r")
	p.expect("\nnil\r\n")
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d after Ctrl-D", code)
	}
}

func TestREPLTerminalCompletesTheWorkersGlobals(t *testing.T) {
	p := startPTY(t, t.TempDir(), nil, "--emulator")
	p.expect("> ")
	// Only the worker's Lua state knows this global.
	p.send("my_global_xyz = 5\r")
	p.expect("> ")
	p.send("my_glob\t")
	p.expect("my_global_xyz")
	p.send("\r")
	p.expect("\n5\r\n")
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d after Ctrl-D", code)
	}
}

// TestREPLTerminalRedactsSecrets types statements that print the session
// token (built by the script, never typed whole), mint an API token and
// print it, fail with the token in the error, and type the token itself
// into a line: apart from the echo of that line as it is typed, the
// terminal shows neither token, and the history file holds neither.
func TestREPLTerminalRedactsSecrets(t *testing.T) {
	url := startDemoEmulator(t, secretToken)
	state := t.TempDir()
	minted := filepath.Join(state, "minted")
	histFile := filepath.Join(state, "state", "clickscript", "history")
	half := len(secretToken) / 2
	p := startPTY(t, state, nil, "--url", url, "--token", secretToken)
	p.expect("> ")
	for _, line := range []string{
		fmt.Sprintf("tok = %q .. %q", secretToken[:half], secretToken[half:]),
		"print(tok)",
		"tok",
		`g = usergroup.insert{name = "Vault " .. tok, description = "holds " .. tok}`,
		"g",
		`api = apitoken.insert{title = "pty"}`,
		fmt.Sprintf("f = io.open(%q, 'w') f:write(api.token) f:close()", minted),
		"api.token",
		`io.stderr:write("err ", api.token, "\n")`,
		`error("boom " .. tok)`,
		fmt.Sprintf("typed = %q", secretToken),
	} {
		p.send(line + "\r")
		p.expect("> ")
	}
	p.send(`print("done")` + "\r")
	p.expect("\ndone\r\n")
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Fatalf("exit code %d after Ctrl-D", code)
	}
	api, err := os.ReadFile(minted)
	if err != nil || len(api) < 16 {
		t.Fatalf("the minted token was not saved: %q, %v", api, err)
	}
	p.mu.Lock()
	out := ansiPattern.ReplaceAllString(p.out.String(), "")
	p.mu.Unlock()
	var shown []string
	for _, l := range strings.Split(out, "\n") {
		if !strings.Contains(l, "typed = ") { // the echo of the typed token
			shown = append(shown, l)
		}
	}
	rest := strings.Join(shown, "\n")
	for _, want := range []string{"\nREDACTED\r", "Vault REDACTED", "err REDACTED", "boom REDACTED"} {
		if !strings.Contains(rest, want) {
			t.Errorf("the terminal does not show %q:\n%s", want, out)
		}
	}
	hist, err := os.ReadFile(histFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(hist), `typed = "REDACTED"`) {
		t.Errorf("the history does not hold the typed line, redacted:\n%s", hist)
	}
	for _, s := range []string{secretToken, string(api)} {
		if strings.Contains(rest, s) {
			t.Errorf("the terminal shows a token (%s...):\n%s", s[:8], out)
		}
		if strings.Contains(string(hist), s) {
			t.Errorf("the history holds a token (%s...):\n%s", s[:8], hist)
		}
	}
}

func TestREPLTerminalSIGTERMStopsALongBuiltin(t *testing.T) {
	p := startPTY(t, t.TempDir(), nil, "--emulator")
	p.expect("> ")
	p.send(`print('started'); s = ("x"):rep(200000):gsub("x", "yy")` + "\r")
	p.expect("\nstarted\r\n")
	// SIGTERM ends the session: the worker, stuck in gsub, is killed
	// rather than waited for (without the kill, the REPL would wait
	// minutes for gsub and wait would give up).
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(); code != exitInterrupted {
		t.Errorf("exit code %d after SIGTERM, want 130", code)
	}
}
