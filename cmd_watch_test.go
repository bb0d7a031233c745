package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clickscript/clickscript/engine"
	"github.com/clickscript/clickscript/watch"
)

// watchBuffer is a bytes.Buffer that the test may read while the command
// writes to it.
type watchBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *watchBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *watchBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// startWatchCLI runs `clickscript watch args...` in process until the
// returned stop is called; stop returns the exit code.
func startWatchCLI(t *testing.T, args ...string) (stdout, stderr *watchBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = &watchBuffer{}, &watchBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	codec := make(chan int, 1)
	go func() {
		codec <- run(ctx, append([]string{"watch"}, args...), strings.NewReader(""), stdout, stderr)
	}()
	code, stopped := -1, false
	stop = func() int {
		if !stopped {
			stopped = true
			cancel()
			select {
			case code = <-codec:
			case <-time.After(10 * time.Second):
				t.Errorf("watch did not stop after Ctrl-C")
			}
		}
		return code
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
		}
	})
	return stdout, stderr, stop
}

// waitFor waits until b holds want.
func waitFor(t *testing.T, b *watchBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q after 10s", want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWatchCommandSyncsOnSave(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "members.csv")
	data, err := os.ReadFile("scripts/data/design_team.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csv, data, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, stop := startWatchCLI(t, "--emulator", "--initial", "--debounce", "50ms", "--on", csv,
		"scripts/watch_sync_members.lua", "--", "Design Team", csv)
	waitFor(t, stderr, "run 1: initial: ok in ")
	waitFor(t, stdout, "Design Team: added 3, removed 3, 14 unchanged\n")

	// An atomic save that adds one member.
	tmp := filepath.Join(dir, "members.csv.tmp")
	if err := os.WriteFile(tmp, append(data, "extra.person@example.com,Extra,Person\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, csv); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 2: "+csv+" (write): ok in ")
	waitFor(t, stdout, "Design Team: added 1, removed 0, 17 unchanged\n  + extra.person@example.com\n")

	// A bad file fails the run, names its line, and the watch goes on.
	if err := os.WriteFile(csv, append(data, "ada.jansen@example.com,Ada,Jansen\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 3: "+csv+" (write): failed in ")
	waitFor(t, stderr, csv+":19: ada.jansen@example.com repeats line 2")

	// Deleting the file leaves the group alone.
	if err := os.Remove(csv); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 4: "+csv+" (remove): ok in ")
	waitFor(t, stdout, "members.csv is missing: nothing changed\n")

	if code := stop(); code != exitOK {
		t.Errorf("exit %d after Ctrl-C, want 0", code)
	}
	if !strings.Contains(stdout.String(), "] initial sync\n") || !strings.Contains(stdout.String(), "members.csv (write)\n") {
		t.Errorf("the script did not say what triggered it:\n%s", stdout)
	}
}

func TestWatchCommandTimeoutAndInterrupt(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "busy.lua")
	if err := os.WriteFile(script, []byte("if event.initial then while true do end end\nprint('changed', #event.paths)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "x.txt")
	if err := os.WriteFile(f, []byte("1"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, stop := startWatchCLI(t, "--emulator", "--initial", "--timeout", "300ms", "--on", f, script)
	waitFor(t, stderr, "run 1: initial: failed in ")
	waitFor(t, stderr, ": script stopped: --timeout 300ms reached\n")
	if err := os.WriteFile(f, []byte("2"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 2: "+f+" (write): ok in ")
	waitFor(t, stdout, "changed\t1\n")
	if code := stop(); code != exitOK {
		t.Errorf("exit %d after Ctrl-C, want 0", code)
	}
}

func TestWatchCommandInterrupt(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "busy.lua")
	if err := os.WriteFile(script, []byte("print('started') while true do end\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, stop := startWatchCLI(t, "--emulator", "--on", filepath.Join(dir, "*.csv"), script)
	waitFor(t, stderr, "watching ")
	// Saving the script runs it again too; Ctrl-C interrupts the run.
	if err := os.WriteFile(script, []byte("print('edited') while true do end\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stdout, "edited\n")
	if code := stop(); code != exitOK {
		t.Errorf("exit %d after Ctrl-C, want 0", code)
	}
	if !strings.Contains(stderr.String(), "run 1: "+script+" (write): interrupted after ") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func TestWatchCommandUsage(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "s.lua")
	os.WriteFile(script, []byte("print(1)"), 0o644)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--on", "x"}, exitUsage, "missing the script to run"},
		{[]string{script}, exitUsage, "say what to watch with --on"},
		{[]string{"--on", "x", "-"}, exitUsage, "the script must be a file"},
		{[]string{"--on", "a.csv", "b.csv", script}, exitUsage, `the script "b.csv" is not a .lua file: quote globs`},
		{[]string{"--on", "x", "--debounce", "0s", script}, exitUsage, "--debounce 0s: want at least 1ms"},
		{[]string{"--on", "x", "--log-format", "yaml", script}, exitUsage, "want text or json"},
		{[]string{"--on", "x", "--max-memory", "lots", script}, exitUsage, "--max-memory"},
		{[]string{"--on", "x", "--journal", "j", script}, exitUsage, "unknown flag: --journal"},
		{[]string{"--on", filepath.Join(dir, "missing", "x.csv"), script}, exitError, "does not exist"},
		{[]string{"--on", filepath.Join(dir, "*", "x.csv"), script}, exitError, "a glob may only be in the last element"},
		{[]string{"--on", "x", filepath.Join(dir, "missing.lua")}, exitError, "read script"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(context.Background(), t, "", append([]string{"watch"}, tt.args...)...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("watch %q: exit %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
	code, stdout, _ := runCLI(context.Background(), t, "", "watch", "--help")
	for _, want := range []string{"Usage: clickscript watch", "--on", "--recursive", "--debounce", "--max-wait", "--max-depth", "--max-watches", "--on-touch", "--initial", "--emulator", "--timeout", "--sandbox", "--max-memory", "--audit", "Example:"} {
		if code != exitOK || !strings.Contains(stdout, want) {
			t.Errorf("watch --help lacks %q:\n%s", want, stdout)
		}
	}
}

func TestWatchCommandSyntaxErrorThenFix(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "sync.lua")
	if err := os.WriteFile(script, []byte("print('first')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, stop := startWatchCLI(t, "--emulator", "--debounce", "50ms", "--on", script, script)
	waitFor(t, stderr, "watching ")
	if err := os.WriteFile(script, []byte("local x = 1\nx = = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 1: ")
	if err := os.WriteFile(script, []byte("print('fixed', event.paths[1] == arg[0], event.changes[1].kind)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 2: ")
	stop()
	logText := stderr.String()
	for _, want := range []string{
		"run 1: " + script + " (write): failed in ",
		": " + script + ":2: syntax error near '=' (column 5)\n",
		"run 2: " + script + " (write): ok in ",
	} {
		if !strings.Contains(logText, want) {
			t.Errorf("log lacks %q:\n%s", want, logText)
		}
	}
	if got := stdout.String(); got != "fixed\ttrue\twrite\n" {
		t.Errorf("stdout %q", got)
	}
}

func TestWatchCommandRuntimeErrorShowsLineAndTraceback(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "data.csv")
	script := filepath.Join(dir, "boom.lua")
	if err := os.WriteFile(f, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, []byte("local function f()\n  error('boom')\nend\nf()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, stop := startWatchCLI(t, "--emulator", "--debounce", "50ms", "--on", f, script)
	waitFor(t, stderr, "watching ")
	if err := os.WriteFile(f, []byte("b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 1: ")
	if err := os.WriteFile(f, []byte("c\n"), 0o644); err != nil { // a failed run does not stop the watch
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 2: ")
	stop()
	logText := stderr.String()
	for _, want := range []string{
		"run 1: " + f + " (write): failed in ",
		script + ":2: boom\nstack traceback:\n\t" + script + ":2: in ",
		"run 2: " + f + " (write): failed in ",
	} {
		if !strings.Contains(logText, want) {
			t.Errorf("log lacks %q:\n%s", want, logText)
		}
	}
}

func TestWatchCommandEventInLua(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	if err := os.WriteFile(a, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "ev.lua")
	src := `local ks = {}
for _, c in ipairs(event.changes) do ks[#ks + 1] = c.path:match("[^/\\]+$") .. "=" .. c.kind end
print(event.initial, #event.paths, table.concat(ks, ","), event.time:match("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d") ~= nil,
	#event.paths < 2 or event.paths[1] < event.paths[2])`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, stop := startWatchCLI(t, "--emulator", "--initial", "--debounce", "50ms", "--on", filepath.Join(dir, "*.csv"), script)
	waitFor(t, stderr, "run 1: initial: ok in ")
	if err := os.WriteFile(b, []byte("b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a, []byte("a2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 2: ")
	stop() // the runs are over: their output can be read
	// event.paths is sorted (the last column).
	want := "true\t0\t\ttrue\ttrue\nfalse\t2\ta.csv=write,b.csv=create\ttrue\ttrue\n"
	if stdout.String() != want {
		t.Errorf("output %q, want %q", stdout.String(), want)
	}
}

func TestWatchEventValue(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	ev := watch.Event{Paths: []string{"x"}, Changes: []watch.Change{{Path: "x", Kind: watch.ChangeRemove}}, Time: at}
	eng := engine.New(engine.Options{Globals: map[string]any{"event": eventValue(ev)}})
	src := `assert(event.paths[1] == "x" and event.changes[1].kind == "remove" and event.time == "2025-03-04T05:06:07Z" and event.initial == false)`
	if err := eng.Run(t.Context(), engine.Script{Name: "ev.lua", Source: src}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestWatchCommandIgnoresItsOwnWrites(t *testing.T) {
	// A script that tidies the file it watches (csv.write) and keeps a
	// log beside it (io.open): its own writes make no run; a save from
	// outside makes one, whose own writes make none either.
	dir := t.TempDir()
	csvPath, logPath := filepath.Join(dir, "members.csv"), filepath.Join(dir, "runs.log")
	if err := os.WriteFile(csvPath, []byte("username\nzoe@example.com\nada@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "tidy.lua")
	src := `local rows = csv.read(arg[1])
table.sort(rows, function(a, b) return a.username < b.username end)
csv.write(arg[1], rows, {columns = {"username"}})
local f = assert(io.open(arg[2], "a"))
f:write(event.initial and "initial\n" or table.concat(event.paths, " ") .. "\n")
f:close()
print("tidied", #rows)`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, stop := startWatchCLI(t, "--emulator", "--initial", "--debounce", "50ms", "--on", dir, script, "--", csvPath, logPath)
	waitFor(t, stderr, "run 1: initial: ok in ")
	// A negative check: no run comes within many debounce periods.
	time.Sleep(700 * time.Millisecond)
	if strings.Contains(stderr.String(), "run 2") {
		t.Fatalf("the run's own writes made another run:\n%s", stderr)
	}
	if err := os.WriteFile(csvPath, []byte("username\nbob@example.com\nada@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 2: "+csvPath+" (write): ok in ")
	time.Sleep(700 * time.Millisecond) // the same negative check
	stop()
	if strings.Contains(stderr.String(), "run 3") {
		t.Errorf("the second run's own writes made another run:\n%s", stderr)
	}
	data, err := os.ReadFile(csvPath)
	if err != nil || string(data) != "username\nada@example.com\nbob@example.com\n" {
		t.Errorf("members.csv %q, %v", data, err)
	}
	data, err = os.ReadFile(logPath)
	if err != nil || string(data) != "initial\n"+csvPath+"\n" {
		t.Errorf("runs.log %q, %v", data, err)
	}
}

func TestWatchCommandSaysWhatIsMissing(t *testing.T) {
	// A path that does not exist yet, and an agent that does not answer:
	// both are said, and the watch starts all the same.
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("CLICK_URL", "")
	t.Setenv("CLICK_TOKEN", "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + ln.Addr().String()
	ln.Close() // nothing answers there now
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "members.csv")
	script := filepath.Join(dir, "s.lua")
	if err := os.WriteFile(script, []byte("print('ran', event.changes[1].kind)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, stop := startWatchCLI(t, "--url", deadURL, "--token", "tok-x", "--debounce", "50ms", "--on", csvPath, script)
	waitFor(t, stderr, "watching ")
	waitFor(t, stderr, csvPath+" does not exist yet: it will be picked up when created\n")
	if !strings.Contains(stderr.String(), "the agent does not answer: watching anyway") || !strings.Contains(stderr.String(), deadURL) {
		t.Errorf("no warning about the agent:\n%s", stderr)
	}
	if err := os.WriteFile(csvPath, []byte("username\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "run 1: "+csvPath+" (create): ok in ")
	if code := stop(); code != exitOK {
		t.Errorf("exit %d after Ctrl-C, want 0", code)
	}
	if stdout.String() != "ran\tcreate\n" {
		t.Errorf("stdout %q", stdout)
	}
	if strings.Contains(stderr.String(), "tok-x") {
		t.Errorf("the token is in the output:\n%s", stderr)
	}
}

func TestWatchCommandAgentAnswers(t *testing.T) {
	// With an agent that answers, no warning.
	dir := t.TempDir()
	f := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(f, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "s.lua")
	if err := os.WriteFile(script, []byte("print(1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, stop := startWatchCLI(t, "--emulator", "--initial", "--on", f, script)
	waitFor(t, stderr, "run 1: initial: ok in ")
	stop()
	if strings.Contains(stderr.String(), "does not answer") || strings.Contains(stderr.String(), "does not exist yet") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func TestWatchCommandLimits(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	if err := os.MkdirAll(filepath.Join(tree, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "s.lua")
	if err := os.WriteFile(script, []byte("print(1)"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--recursive", "--max-depth", "1"}, exitError, "is more than 1 levels deep (the depth limit): watch a narrower tree, or raise the limit (--max-depth 1)"},
		{[]string{"--recursive", "--max-watches", "3"}, exitError, "more than 3 directories to watch (the limit), at " + filepath.Join(tree, "a", "b") + ": watch a narrower tree, or raise the limit (--max-watches 3)"},
		{[]string{"--max-wait", "50ms"}, exitUsage, "--max-wait 50ms: want 0 or at least --debounce (100ms)"},
		{[]string{"--max-depth", "0"}, exitUsage, "--max-depth 0: want at least 1"},
		{[]string{"--max-watches", "-1"}, exitUsage, "--max-watches -1: want at least 1"},
	}
	for _, tt := range tests {
		args := append(append([]string{"watch", "--emulator"}, tt.args...), "--on", tree, script)
		code, _, stderr := runCLI(context.Background(), t, "", args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
}
