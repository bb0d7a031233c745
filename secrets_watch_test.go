package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// watchSecretsScript shows the session token every way a watched run can:
// in data the agent echoes, print, io.write split in two, io.stderr, a log
// line and the run's own error. %q is the token.
const watchSecretsScript = `
local tok = %q
local g = usergroup.insert{name = "Vault " .. tok}
print(g.name)
io.write("split: ", tok:sub(1, 9))
io.write(tok:sub(10), "\n")
io.stderr:write("to stderr ", tok, "\n")
log.info("logged", "token", tok)
error("boom " .. tok)
`

// TestWatchSecretsRedacted is issue 15 item 4 for watch: a watched script
// that prints the token and fails with it shows the token nowhere, on
// stdout, on stderr or in the audit file (which is 0600). It runs the
// watch in process (--token) and as the real program, whose runs are
// supervised children (--token-file).
func TestWatchSecretsRedacted(t *testing.T) {
	isolateUserDirs(t)
	t.Setenv("CLICK_TOKEN", "")
	in := t.TempDir()
	script := filepath.Join(in, "secrets.lua")
	tokenFile := filepath.Join(in, "token")
	for path, content := range map[string]string{
		script:    fmt.Sprintf(watchSecretsScript, secretToken),
		tokenFile: secretToken + "\n",
	} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	bin, err := exec.LookPath("clickscript")
	if err != nil {
		t.Fatalf("the test binary is not on PATH as clickscript (TestMain sets it up): %v", err)
	}
	const ran = "run 1: initial: failed in "

	for _, mode := range []string{"in process", "real program"} {
		t.Run(mode, func(t *testing.T) {
			url := startDemoEmulator(t, secretToken)
			audit := filepath.Join(t.TempDir(), "audit.jsonl")
			args := []string{"--url", url, "--log-level", "debug", "--audit", audit, "--initial", "--on", script}
			var stdout, stderr *watchBuffer
			if mode == "in process" {
				var stop func() int
				stdout, stderr, stop = startWatchCLI(t, append(args, "--token", secretToken, script)...)
				waitFor(t, stderr, ran)
				stop()
			} else {
				stdout, stderr = &watchBuffer{}, &watchBuffer{}
				cmd := exec.CommandContext(t.Context(), bin, append(append([]string{"watch"}, args...), "--token-file", tokenFile, script)...)
				cmd.Stdout, cmd.Stderr = stdout, stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				waitFor(t, stderr, ran)
				if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
					t.Fatal(err)
				}
				if err := cmd.Wait(); err != nil {
					t.Errorf("watch after Ctrl-C: %v\nstderr:\n%s", err, stderr)
				}
			}
			out, errOut := stdout.String(), stderr.String()
			for _, want := range []string{"Vault REDACTED\n", "split: REDACTED\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			for _, want := range []string{"to stderr REDACTED\n", "boom REDACTED"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if strings.Contains(out, secretToken) || strings.Contains(errOut, secretToken) {
				t.Errorf("the token is in the output:\nstdout:\n%s\nstderr:\n%s", out, errOut)
			}
			data, err := os.ReadFile(audit)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), secretToken) || !strings.Contains(string(data), "usergroup.insert") {
				t.Errorf("the audit file holds the token, or lacks the run's insert:\n%s", data)
			}
			if info, err := os.Stat(audit); err == nil && runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
				t.Errorf("audit file mode %v, want 0600", info.Mode().Perm())
			}
		})
	}
}
