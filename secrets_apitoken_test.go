package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMintedTokenAppearsNowhere follows an API token from `token create
// --out` through `run` and `watch` (both with --token-file, debug logs,
// and every record file: cassette, audit, journal, results) to `token
// revoke`: it works for both commands, appears in no output and no file
// but its own token file, and is refused by both after the revoke.
func TestMintedTokenAppearsNowhere(t *testing.T) {
	isolateUserDirs(t)
	url := startDemoEmulator(t, adminToken)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "watch.token")
	var outputs []string
	keep := func(code int, stdout, stderr string) (int, string, string) {
		outputs = append(outputs, stdout, stderr)
		return code, stdout, stderr
	}
	code, stdout, stderr := keep(tokenCLI(t, url, "create", "--title", "watch-access", "--out", tokenFile))
	if code != exitOK {
		t.Fatalf("token create: exit %d\n%s%s", code, stdout, stderr)
	}
	minted := wantSavedToken(t, tokenFile)

	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	script := write("access.lua", `
local r = permission.grant{{group = "Executive", project = "Trailer Cut", level = "read"}}
print("granted", r.added)
usergroup.import_csv(arg[1])
print("tokens", #apitoken.list())
for row in permission.list{project = "Trailer Cut", of = "groups"} do print(row.userGroup.name) end`)
	members := write("members.csv", "username,group\nminted.token@example.com,Executive\n")
	code, stdout, stderr = keep(runCLI(t.Context(), t, "", "run", "--url", url, "--token-file", tokenFile, "--log-level", "debug",
		"--record", filepath.Join(dir, "run.cassette.json"), "--audit", filepath.Join(dir, "run.audit"),
		"--journal", filepath.Join(dir, "run.journal"), "--results", filepath.Join(dir, "run.results.csv"), script, "--", members))
	if code != exitOK || !strings.Contains(stdout, "granted\t1\n") || !strings.Contains(stdout, "Executive\n") {
		t.Fatalf("run with the minted token: exit %d\n%s%s", code, stdout, stderr)
	}
	keep(runCLI(t.Context(), t, "", "run", "--url", url, "--token-file", tokenFile, "--log-level", "debug", "--log-format", "json",
		"--dry-run", script, "--", members))

	// watch, as the systemd unit runs it.
	watched := write("watched.txt", "1")
	report := write("report.lua", `print("reach", #permission.list{group = "Executive", on = "projects"}:all())`)
	wout, werr, stop := startWatchCLI(t, "--url", url, "--token-file", tokenFile, "--log-level", "debug", "--initial",
		"--audit", filepath.Join(dir, "watch.audit"), "--on", watched, report)
	waitFor(t, werr, "run 1: initial: ok in ")
	waitFor(t, wout, "reach\t2\n")
	if code := stop(); code != exitOK {
		t.Errorf("watch: exit %d", code)
	}
	outputs = append(outputs, wout.String(), werr.String())

	keep(tokenCLI(t, url, "list"))
	code, stdout, stderr = keep(tokenCLI(t, url, "revoke", minted))
	if code != exitOK || !strings.Contains(stdout, "watch-access") {
		t.Fatalf("token revoke: exit %d\n%s%s", code, stdout, stderr)
	}

	// Revoked: run and watch are refused.
	code, stdout, stderr = keep(runCLI(t.Context(), t, "", "run", "--url", url, "--token-file", tokenFile, "--log-level", "debug", report))
	if code != exitError || !strings.Contains(stderr, "token rejected or expired") {
		t.Errorf("run with the revoked token: exit %d\n%s%s", code, stdout, stderr)
	}
	wout, werr, stop = startWatchCLI(t, "--url", url, "--token-file", tokenFile, "--log-level", "debug", "--initial", "--on", watched, report)
	waitFor(t, werr, "run 1: initial: failed in ")
	waitFor(t, werr, "token rejected or expired")
	stop()
	outputs = append(outputs, wout.String(), werr.String())

	for i, out := range outputs {
		if strings.Contains(out, minted) {
			t.Errorf("output %d shows the minted token:\n%s", i, out)
		}
	}
	files := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == tokenFile {
			return err
		}
		files++
		data, _ := os.ReadFile(path)
		if strings.Contains(string(data), minted) {
			t.Errorf("%s holds the minted token", filepath.Base(path))
		}
		return nil
	})
	if files < 8 {
		t.Errorf("scanned %d files, want the cassette, audit logs, journal, results and scripts", files)
	}
}
