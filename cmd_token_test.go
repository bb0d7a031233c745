package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const adminToken = "admin-token-for-token-tests"

// groupsScript prints the demo account's group count.
const groupsScript = "print(usergroup.list{}:count())\n"

// createToken runs token create and returns the token it printed last.
func createToken(t *testing.T, url, title string, extra ...string) string {
	t.Helper()
	args := append([]string{"token", "create", "--url", url, "--token", adminToken, "--title", title}, extra...)
	code, stdout, stderr := runCLI(t.Context(), t, "", args...)
	if code != exitOK {
		t.Fatalf("token create: exit %d\n%s%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	tok := lines[len(lines)-1]
	if tok == "" || strings.ContainsAny(tok, " \t") {
		t.Fatalf("last line %q is not a token:\n%s", tok, stdout)
	}
	if strings.Count(stdout, tok) != 1 || strings.Contains(stderr, tok) {
		t.Fatalf("the token is shown more than once:\n%s\n%s", stdout, stderr)
	}
	return tok
}

// wantTokenWorks runs a script with CLICK_TOKEN=tok and checks it lists
// groups, or, when !works, that the agent refuses the token.
func wantTokenWorks(t *testing.T, url, tok string, works bool) {
	t.Helper()
	t.Setenv("CLICK_TOKEN", tok)
	code, stdout, stderr := runCLI(t.Context(), t, "", "run", "--url", url, writeScript(t, groupsScript))
	if strings.Contains(stdout+stderr, tok) {
		t.Errorf("the token is in the run's output:\n%s%s", stdout, stderr)
	}
	if works {
		if code != exitOK || strings.TrimSpace(stdout) == "" || strings.TrimSpace(stdout) == "0" {
			t.Fatalf("run with the new token: exit %d, stdout %q\n%s", code, stdout, stderr)
		}
		return
	}
	if code != exitError || !strings.Contains(stderr, "token rejected or expired") {
		t.Fatalf("run with a revoked token: exit %d, want 1 and the token-rejected message\n%s", code, stderr)
	}
}

func tokenCLI(t *testing.T, url string, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t.Context(), t, "", append(append([]string{"token"}, args...), "--url", url, "--token", adminToken)...)
}

func TestTokenCreateListRevoke(t *testing.T) {
	isolateUserDirs(t)
	url := startDemoEmulator(t, adminToken)
	byTitle := createToken(t, url, "by-title", "--expires", "2099-01-01")
	byID := createToken(t, url, "by-id")
	byValue := createToken(t, url, "by-value")
	for _, tok := range []string{byTitle, byID, byValue} {
		wantTokenWorks(t, url, tok, true)
	}

	code, stdout, stderr := tokenCLI(t, url, "list")
	if code != exitOK {
		t.Fatalf("token list: exit %d\n%s", code, stderr)
	}
	for _, tok := range []string{byTitle, byID, byValue} {
		if strings.Contains(stdout+stderr, tok) {
			t.Fatalf("token list shows a token value:\n%s", stdout)
		}
	}
	if !strings.HasPrefix(stdout, "ID ") || !strings.Contains(stdout, "2099-01-01T00:00:00Z") {
		t.Errorf("token list:\n%s", stdout)
	}
	var id string
	for _, line := range strings.Split(stdout, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[1] == "by-id" {
			id = f[0]
		}
	}
	if id == "" {
		t.Fatalf("by-id not listed:\n%s", stdout)
	}

	revoke := func(key, tok, title string) {
		t.Helper()
		code, stdout, stderr := tokenCLI(t, url, "revoke", key)
		if code != exitOK || !strings.Contains(stdout, "revoked API token") || !strings.Contains(stdout, title) {
			t.Fatalf("token revoke %s: exit %d\n%s%s", title, code, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, tok) {
			t.Errorf("token revoke prints the value:\n%s%s", stdout, stderr)
		}
		wantTokenWorks(t, url, tok, false)
	}
	revoke("by-title", byTitle, "by-title")
	wantTokenWorks(t, url, byID, true) // only the one named goes
	revoke(id, byID, "by-id")
	revoke(byValue, byValue, "by-value")

	code, stdout, _ = tokenCLI(t, url, "list")
	if code != exitOK || strings.Contains(stdout, "by-") {
		t.Errorf("tokens left after revoking them all: exit %d\n%s", code, stdout)
	}
	code, _, stderr = tokenCLI(t, url, "revoke", byValue)
	if code != exitError || !strings.Contains(stderr, "no API token has that title, id or value") || strings.Contains(stderr, byValue) {
		t.Errorf("revoking a gone token: exit %d\n%s", code, stderr)
	}
}

func TestTokenRevokeAmbiguousTitle(t *testing.T) {
	isolateUserDirs(t)
	url := startDemoEmulator(t, adminToken)
	a := createToken(t, url, "twin")
	b := createToken(t, url, "twin")
	code, _, stderr := tokenCLI(t, url, "revoke", "twin")
	if code != exitError || !strings.Contains(stderr, `2 API tokens are titled "twin": revoke one by id`) {
		t.Fatalf("ambiguous revoke: exit %d\n%s", code, stderr)
	}
	_, list, _ := tokenCLI(t, url, "list")
	for _, line := range strings.Split(list, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[1] == "twin" && !strings.Contains(stderr, f[0]) {
			t.Errorf("the error does not list id %s:\n%s", f[0], stderr)
		}
	}
	// Nothing was revoked.
	wantTokenWorks(t, url, a, true)
	wantTokenWorks(t, url, b, true)
}

func TestTokenCreateOut(t *testing.T) {
	isolateUserDirs(t)
	url := startDemoEmulator(t, adminToken)
	out := filepath.Join(t.TempDir(), "design-team.token")
	code, stdout, stderr := tokenCLI(t, url, "create", "--title", "watch-design-team", "--out", out)
	if code != exitOK || !strings.Contains(stdout, "wrote the token to "+out) {
		t.Fatalf("token create --out: exit %d\n%s%s", code, stdout, stderr)
	}
	tok := wantSavedToken(t, out) // present, mode 0600
	if strings.Contains(stdout+stderr, tok) {
		t.Errorf("token create --out prints the value:\n%s%s", stdout, stderr)
	}
	if runtime.GOOS != "windows" {
		info, err := os.Stat(out)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("token file: %v, %v", info, err)
		}
	}
	// The file is what run's --token-file reads (the systemd unit's way).
	code, stdout, stderr = runCLI(t.Context(), t, "", "run", "--url", url, "--token-file", out, writeScript(t, groupsScript))
	if code != exitOK || strings.TrimSpace(stdout) == "" || strings.Contains(stdout+stderr, tok) {
		t.Fatalf("run --token-file: exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	wantTokenWorks(t, url, tok, true)
	// The file works as a profile's token file, as login's does.
	if got, err := readTokenFile(out); err != nil || got != tok {
		t.Errorf("readTokenFile: %q, %v", got, err)
	}

	// An unwritable place: the minted token is deleted again.
	bad := filepath.Join(t.TempDir(), "missing-dir", "x.token")
	code, _, stderr = tokenCLI(t, url, "create", "--title", "lost", "--out", bad)
	if code != exitError || !strings.Contains(stderr, "was deleted again") {
		t.Fatalf("token create --out to a missing directory: exit %d\n%s", code, stderr)
	}
	if _, list, _ := tokenCLI(t, url, "list"); strings.Contains(list, "lost") {
		t.Errorf("the unsaved token is still there:\n%s", list)
	}
}

func TestTokenBadCommandLines(t *testing.T) {
	isolateUserDirs(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"token"}, "want a subcommand: create, list or revoke"},
		{[]string{"token", "mint"}, `unknown token subcommand "mint"`},
		{[]string{"token", "create"}, "--title is required"},
		{[]string{"token", "create", "--title", "x", "--expires", "soon"}, `--expires: "soon": want a date`},
		{[]string{"token", "list", "--title", "x"}, "--title belongs to token create"},
		{[]string{"token", "revoke"}, "want exactly one token title, id or value"},
		{[]string{"token", "list", "--record", "x.json"}, "a cassette would hold token values"},
	} {
		code, _, stderr := runCLI(t.Context(), t, "", tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q\n%s", tc.args, code, tc.want, stderr)
		}
	}
}
