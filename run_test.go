package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLI runs the command line in process and returns the exit code and outputs.
func runCLI(ctx context.Context, t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(ctx, args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeScript(t testing.TB, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.lua")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTimeoutStopsBusyScript(t *testing.T) {
	path := writeScript(t, "while true do end")
	start := time.Now()
	code, _, stderr := runCLI(context.Background(), t, "", "run", "--emulator", "--timeout", "300ms", path)
	elapsed := time.Since(start)
	if code != exitError || !strings.Contains(stderr, "--timeout 300ms reached") {
		t.Fatalf("exit %d, stderr %q; want 1 and the timeout named", code, stderr)
	}
	// A busy loop never ends by itself, so reaching here at all shows the
	// timeout stopped it; the bound only catches a stop that came from
	// somewhere else (the test's own deadline). It is loose on purpose:
	// a loaded CI machine may take seconds to start the emulator, and
	// timing figures belong in benchmarks, not in assertions.
	if elapsed > 30*time.Second {
		t.Errorf("stopped after %v, want soon after the 300ms deadline", elapsed)
	}
}

func TestInterruptStopsLongListing(t *testing.T) {
	// An endless listing, one group per request; Ctrl-C is a cancelled
	// context, sent once the listing has printed (a sign, not a delay: a
	// loaded machine may take long to start the script).
	path := writeScript(t, `while true do for g in usergroup.list{pagesize = 1} do io.write(".") end end`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := &watchBuffer{}, &watchBuffer{}
	codec := make(chan int, 1)
	go func() { codec <- run(ctx, []string{"run", "--emulator", path}, strings.NewReader(""), stdout, stderr) }()
	waitFor(t, stdout, ".")
	cancel()
	if code := <-codec; code != exitInterrupted || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("exit %d, stderr %q; want 130", code, stderr)
	}
}

func TestTokenPrecedence(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv("CLICK_TOKEN", "")
	saved, err := tokenPath()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(saved), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(saved, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var cf connFlags
	if tok, err := cf.resolveToken(); err != nil || tok != "from-file" {
		t.Errorf("saved token: %q, %v", tok, err)
	}
	t.Setenv("CLICK_TOKEN", "from-env")
	if tok, _ := cf.resolveToken(); tok != "from-env" {
		t.Errorf("env token: %q", tok)
	}
	cf.token = "from-flag"
	if tok, _ := cf.resolveToken(); tok != "from-flag" {
		t.Errorf("flag token: %q", tok)
	}
	// A token file others can read is refused, with a clear message.
	if err := os.Chmod(saved, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CLICK_TOKEN", "")
	cf.token = ""
	if _, err := cf.resolveToken(); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Errorf("mode 0644: err = %v", err)
	}
}
