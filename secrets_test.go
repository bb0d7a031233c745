package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/emulator"
)

// secretToken is distinctive, so that a leak cannot hide.
const secretToken = "tok-SECRET-ZX81-do-not-leak-3c9f"

// TestTokenAppearsNowhere runs scripts with a distinctive token, recording
// cassettes, writing audit, results and journal files and logging at debug
// level (text and JSON), through success, API errors and connection
// errors; then it scans every output and every file: the token appears
// nowhere.
func TestTokenAppearsNowhere(t *testing.T) {
	em, err := emulator.New(emulator.Options{Seed: "demo", Deterministic: true, Token: secretToken})
	if err != nil {
		t.Fatal(err)
	}
	url := serveLoopback(t, em)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	work := write("work.lua", `
log.debug("starting", "url", "`+url+`/usergroup/get_all?token=`+secretToken+`")
local g = usergroup.insert{name = "Secret Keepers"}
usergroup.import_csv(arg[1])
usergroup.sync(g, {"ada.lovelace@example.com", "grace.hopper@example.com"})
local ok, err = pcall(usergroup.insert, {name = "Secret Keepers"})
log.warn("expected failure", "err", err)
print(ok, tostring(err))
for m in usergroup.members(g) do print(m.user.username) end`)
	csvPath := write("m.csv", "username,firstName,lastName,group\nnew.person@example.com,New,Person,Secret Keepers\n")
	fail := write("fail.lua", `usergroup.delete("11111111-1111-4111-8111-111111111111")`)
	var outputs []string
	runs := [][]string{
		{"run", "--url", url, "--token", secretToken, "--log-level", "debug", "--record", filepath.Join(dir, "work.cassette.json"),
			"--audit", filepath.Join(dir, "work.audit"), "--results", filepath.Join(dir, "work.results.csv"),
			"--journal", filepath.Join(dir, "work.journal"), work, "--", csvPath},
		{"run", "--url", url, "--token", secretToken, "--log-level", "debug", "--log-format", "json", "--dry-run", work, "--", csvPath},
		{"run", "--url", url, "--token", secretToken, "--log-level", "debug", fail},
		{"run", "--url", deadURL(t), "--token", secretToken, "--log-level", "debug", work, "--", csvPath},
		{"undo", "--url", url, "--token", secretToken, "--log-level", "debug", filepath.Join(dir, "work.audit")},
	}
	t.Setenv("CLICK_TOKEN", "")
	for i, args := range runs {
		code, stdout, stderr := runCLI(context.Background(), t, "", args...)
		if i == 0 && code != exitOK {
			t.Fatalf("the main run failed: %s", stderr)
		}
		outputs = append(outputs, stdout, stderr)
	}
	// The same through the environment.
	t.Setenv("CLICK_TOKEN", secretToken)
	t.Setenv("CLICK_URL", url)
	_, so, se := runCLI(context.Background(), t, "", "run", "--log-level", "debug", fail)
	outputs = append(outputs, so, se)

	for i, out := range outputs {
		if strings.Contains(out, secretToken) {
			t.Errorf("output %d shows the token:\n%s", i, out)
		}
	}
	if !strings.Contains(strings.Join(outputs, ""), "token=REDACTED") {
		t.Error("expected a scrubbed URL somewhere in the debug logs")
	}
	files := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".lua") {
			return err
		}
		files++
		data, _ := os.ReadFile(path)
		if strings.Contains(string(data), secretToken) {
			t.Errorf("%s holds the token", filepath.Base(path))
		}
		return nil
	})
	if files < 5 {
		t.Errorf("scanned %d files, want the cassette, audit, results, journal and CSV", files)
	}
}

// secretsScript puts the session token into data (a group's name and
// description, imported and synced with every record file open), mints an
// API token and saves it to a file of its own (arg[2]), prints both
// tokens, logs, and fails with the token in its error. %s is the token.
const secretsScript = `
local tok = %q
local g = usergroup.insert{name = "Vault " .. tok, description = "holds " .. tok}
print(g.name, g.description)
usergroup.import_csv(arg[1])
usergroup.sync(g, {"ada.lovelace@example.com", "grace.hopper@example.com"})
local api = apitoken.insert{title = "ci " .. tok}
local f = assert(io.open(arg[2], "w"))
f:write(api.token)
f:close()
print(api.token)
io.write("split: ", tok:sub(1, 9))
io.write(tok:sub(10), "\n")
io.stderr:write("to stderr ", tok, " ", api.token, "\n")
log.info("logged", "token", tok, "api", api.token)
print(tok)
print("status file: " .. tostring(os.getenv("CLICKSCRIPT_STATUS_FILE") ~= nil))
error("boom " .. tok .. " " .. api.token)
`

// TestSecretsRedactedEverywhere is the end-to-end check of the secrets
// policy against the emulator: a run whose data holds the token, with
// --audit, --results, --journal and --record, whose script prints the
// token, mints an API token and prints it, and fails with both in its
// error. Neither token appears on stdout, stderr, or in any record file,
// and every record file is 0600; the file the script wrote itself keeps
// the minted token (its own data). It runs in process (--token) and as
// the real program with its supervised child (--token-file, --log-format
// json).
func TestSecretsRedactedEverywhere(t *testing.T) {
	isolateUserDirs(t)
	t.Setenv("CLICK_TOKEN", "")
	in := t.TempDir()
	script := filepath.Join(in, "secrets.lua")
	csvPath := filepath.Join(in, "m.csv")
	tokenFile := filepath.Join(in, "token")
	for path, content := range map[string]string{
		script:    fmt.Sprintf(secretsScript, secretToken),
		csvPath:   "username,firstName,lastName,group\nnew.person@example.com,New,Person,Vault " + secretToken + "\n",
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

	for _, mode := range []string{"in process", "supervised child"} {
		t.Run(mode, func(t *testing.T) {
			url := startDemoEmulator(t, secretToken)
			out := t.TempDir()
			records := []string{"audit.jsonl", "results.csv", "journal.jsonl", "cassette.json"}
			own := filepath.Join(in, "minted-"+strings.ReplaceAll(mode, " ", "-"))
			args := []string{"run", "--url", url, "--log-level", "debug",
				"--audit", filepath.Join(out, records[0]), "--results", filepath.Join(out, records[1]),
				"--journal", filepath.Join(out, records[2]), "--record", filepath.Join(out, records[3])}
			var code int
			var stdout, stderr string
			if mode == "in process" {
				args = append(args, "--token", secretToken, script, "--", csvPath, own)
				code, stdout, stderr = runCLI(t.Context(), t, "", args...)
			} else {
				args = append(args, "--token-file", tokenFile, "--log-format", "json", script, "--", csvPath, own)
				cmd := exec.CommandContext(t.Context(), bin, args...)
				var o, e strings.Builder
				cmd.Stdout, cmd.Stderr = &o, &e
				err := cmd.Run()
				var ee *exec.ExitError
				if !errors.As(err, &ee) {
					t.Fatalf("clickscript run: %v, want it to fail with the script's error", err)
				}
				code, stdout, stderr = ee.ExitCode(), o.String(), e.String()
			}
			minted, err := os.ReadFile(own)
			if err != nil || len(minted) < 16 {
				t.Fatalf("the script did not save the minted token (%q, %v): exit %d\n%s%s", minted, err, code, stdout, stderr)
			}
			secrets := []string{secretToken, string(minted)}
			if code != exitError || !strings.Contains(stderr, "boom REDACTED REDACTED") {
				t.Errorf("exit %d, want 1 and the script's error, redacted:\n%s", code, stderr)
			}
			for _, want := range []string{"Vault REDACTED\tholds REDACTED\n", "split: REDACTED\n", "\nREDACTED\n"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			// The real program runs the script in its supervised child.
			if child := mode == "supervised child"; !strings.Contains(stdout, fmt.Sprintf("status file: %v\n", child)) {
				t.Errorf("want the script run by a supervised child: %v:\n%s", child, stdout)
			}
			if !strings.Contains(stderr, "to stderr REDACTED REDACTED") {
				t.Errorf("stderr lacks the script's redacted line:\n%s", stderr)
			}
			for _, s := range secrets {
				if strings.Contains(stdout, s) || strings.Contains(stderr, s) {
					t.Errorf("a token (%s...) is in the output:\nstdout:\n%s\nstderr:\n%s", s[:8], stdout, stderr)
				}
			}
			for _, name := range records {
				path := filepath.Join(out, name)
				data, err := os.ReadFile(path)
				if err != nil {
					t.Errorf("record file %s: %v", name, err)
					continue
				}
				for _, s := range secrets {
					if strings.Contains(string(data), s) {
						t.Errorf("%s holds a token (%s...):\n%s", name, s[:8], data)
					}
				}
				if !strings.Contains(string(data), "REDACTED") && name != "journal.jsonl" {
					t.Errorf("%s shows no redaction, so it never met the token:\n%s", name, data)
				}
				if info, err := os.Stat(path); err == nil && runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, want 0600", name, info.Mode().Perm())
				}
			}
			if data, _ := os.ReadFile(filepath.Join(out, "journal.jsonl")); len(data) == 0 {
				t.Error("the journal is empty: the run applied no batch")
			}
		})
	}
}

func TestEmulatorBindsLoopbackByDefault(t *testing.T) {
	code, stdout, _ := runCLI(context.Background(), t, "", "emulator", "--help")
	if code != exitOK || !strings.Contains(stdout, `--addr string`) || !strings.Contains(stdout, `(default "127.0.0.1:29123")`) {
		t.Errorf("emulator --help: %s", stdout)
	}
}

// TestREPLPipedRedactsSecrets feeds the REPL statements on a pipe that
// show the session token and a minted API token every way a statement
// can (print, an expression's value, a table, io.stderr, an error): the
// output shows neither.
func TestREPLPipedRedactsSecrets(t *testing.T) {
	isolateUserDirs(t)
	t.Setenv("CLICK_TOKEN", "")
	url := startDemoEmulator(t, secretToken)
	minted := filepath.Join(t.TempDir(), "minted")
	stdin := strings.Join([]string{
		fmt.Sprintf("tok = %q", secretToken),
		"print(tok)",
		"tok",
		`g = usergroup.insert{name = "Vault " .. tok, description = "holds " .. tok}`,
		"g",
		`api = apitoken.insert{title = "piped"}`,
		fmt.Sprintf("f = io.open(%q, 'w') f:write(api.token) f:close()", minted),
		"api.token",
		"api",
		`io.stderr:write("err ", api.token, "\n")`,
		`error("boom " .. tok)`,
		`print("done")`,
	}, "\n") + "\n"
	code, stdout, stderr := runCLI(t.Context(), t, stdin, "repl", "--url", url, "--token", secretToken)
	if code != exitOK || !strings.HasSuffix(stdout, "done\n") {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	api, err := os.ReadFile(minted)
	if err != nil || len(api) < 16 {
		t.Fatalf("the minted token was not saved: %q, %v", api, err)
	}
	for _, want := range []string{"REDACTED\nREDACTED\n", "Vault REDACTED", "err REDACTED", "boom REDACTED"} {
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("the output lacks %q:\n%s%s", want, stdout, stderr)
		}
	}
	for _, s := range []string{secretToken, string(api)} {
		if strings.Contains(stdout+stderr, s) {
			t.Errorf("the output shows a token (%s...):\n%s%s", s[:8], stdout, stderr)
		}
	}
}
