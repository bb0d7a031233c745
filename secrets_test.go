package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
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

func TestEmulatorBindsLoopbackByDefault(t *testing.T) {
	code, stdout, _ := runCLI(context.Background(), t, "", "emulator", "--help")
	if code != exitOK || !strings.Contains(stdout, `--addr string`) || !strings.Contains(stdout, `(default "127.0.0.1:29123")`) {
		t.Errorf("emulator --help: %s", stdout)
	}
}
