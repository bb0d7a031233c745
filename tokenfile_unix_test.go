//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTokenFileFIFORefused checks that a token file that is a FIFO (saved
// token, a profile's token_file, or --token-file) is refused at once with
// its path: reading one would block the run until a writer came.
func TestTokenFileFIFORefused(t *testing.T) {
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
	if err := syscall.Mkfifo(saved, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	other := filepath.Join(dir, "flag.fifo")
	if err := syscall.Mkfifo(other, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cf   connFlags
		path string
	}{
		{"saved token", connFlags{}, saved},
		{"--token-file", connFlags{tokenFile: other}, other},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := tc.cf.resolveToken()
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("%s FIFO: err = %v", tc.name, err)
			}
		case <-time.After(time.Minute):
			// Only reached when the read blocks: the failure, not a wait.
			t.Fatalf("%s FIFO: reading the token blocked", tc.name)
		}
	}
}
