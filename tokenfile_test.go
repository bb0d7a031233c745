package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTokenFileFlag runs a script with --token-file: the token is read
// once and trimmed, and bad files are refused with a message naming them.
func TestTokenFileFlag(t *testing.T) {
	t.Setenv("CLICK_TOKEN", "")
	const token = "tokfile-7f3a9c"
	base := startDemoEmulator(t, token)
	dir := t.TempDir()
	good := filepath.Join(dir, "tok")
	if err := os.WriteFile(good, []byte("  "+token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	script := writeScript(t, `local usergroup = require("usergroup")
print("groups", #usergroup.list():all())`)
	code, out, errOut := runCLI(context.Background(), t, "", "run", "--url", base, "--token-file", good, script)
	if code != 0 || !strings.Contains(out, "groups") {
		t.Fatalf("--token-file run: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if strings.Contains(out+errOut, token) {
		t.Errorf("the token leaked: %q %q", out, errOut)
	}

	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(dir, "open")
	if err := os.WriteFile(open, []byte(token), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"directory", dir, "is not a regular file"},
		{"missing", filepath.Join(dir, "nope"), "no such file"},
		{"empty", empty, "is empty"},
		{"readable by others", open, "readable by others"},
	} {
		code, _, errOut := runCLI(context.Background(), t, "", "run", "--url", base, "--token-file", tc.path, script)
		if code == 0 || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, tc.path) {
			t.Errorf("%s: exit %d, stderr %q: want %q naming %s", tc.name, code, errOut, tc.want, tc.path)
		}
	}
	code, _, errOut = runCLI(context.Background(), t, "", "run", "--token", token, "--token-file", good, script)
	if code == 0 || !strings.Contains(errOut, "drop one") {
		t.Errorf("--token with --token-file: exit %d, stderr %q", code, errOut)
	}
}

// TestSavedTokenDirectoryRefused checks that a saved token path that is a
// directory is refused with its path, not read or ignored.
func TestSavedTokenDirectoryRefused(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv("CLICK_TOKEN", "")
	saved, err := tokenPath()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(saved, 0o700); err != nil {
		t.Fatal(err)
	}
	var cf connFlags
	if _, err := cf.resolveToken(); err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), saved) {
		t.Errorf("saved token is a directory: err = %v", err)
	}
}
