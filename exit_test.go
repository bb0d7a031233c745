package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clickscript/clickscript/engine"
	"github.com/clickscript/clickscript/repl"
)

// TestExitCode: the one mapping of errors to messages and exit codes
// (DESIGN.md: 0 ok, 1 script or API error, 2 usage, 130 interrupted).
func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code int
		want string // the whole of stderr
	}{
		{"ok", nil, exitOK, ""},
		{"usage", usagef("--rows %d: want 1 or more", 0), exitUsage,
			"clickscript repl: --rows 0: want 1 or more\nRun 'clickscript repl --help' for usage.\n"},
		{"script error", &engine.ScriptError{Where: "s.lua:2", Message: "boom", Traceback: "stack traceback:\n\ts.lua:2: in main chunk"}, exitError,
			"s.lua:2: boom\nstack traceback:\n\ts.lua:2: in main chunk\n"},
		{"memory", fmt.Errorf("%w: %w: 300MiB in use", engine.ErrInterrupted, engine.ErrMemoryLimit), exitError,
			"clickscript: script stopped: heap passed the memory limit: 300MiB in use (--max-memory)\n"},
		{"timeout", &timeoutError{2 * time.Second}, exitError, "clickscript: script stopped: --timeout 2s reached\n"},
		{"interrupted", fmt.Errorf("%w: %w", engine.ErrInterrupted, context.Canceled), exitInterrupted, "clickscript: interrupted\n"},
		{"repl's last statement failed", repl.ErrLastStatementFailed, exitError, ""},
		{"other", errors.New("save recording: disk full"), exitError, "clickscript repl: save recording: disk full\n"},
		{"several", joinErrors(&engine.ScriptError{Message: "boom"}, nil, errors.New("cassette x: 2 recorded requests were not made")), exitError,
			"boom\nclickscript repl: cassette x: 2 recorded requests were not made\n"},
		{"several, interrupted", joinErrors(context.Canceled, errors.New("close")), exitInterrupted,
			"clickscript: interrupted\nclickscript repl: close\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if code := exitCode(&b, "repl", tt.err); code != tt.code || b.String() != tt.want {
			t.Errorf("%s: exit %d, stderr %q; want %d, %q", tt.name, code, b.String(), tt.code, tt.want)
		}
	}
	if joinErrors(nil, nil) != nil {
		t.Error("joinErrors of nils is not nil")
	}
}

// TestMisspeltFlag: an unknown flag is named, with the nearest one the
// command has, and the usage is not dumped.
func TestMisspeltFlag(t *testing.T) {
	tests := []struct {
		args []string
		want string // "" for no suggestion
	}{
		{[]string{"run", "--dryrun", "x.lua"}, "unknown flag: --dryrun (did you mean --dry-run?)"},
		{[]string{"run", "--emulater", "x.lua"}, "(did you mean --emulator?)"},
		{[]string{"watch", "--intial", "x.lua"}, "(did you mean --initial?)"},
		{[]string{"repl", "--row", "5"}, "(did you mean --rows?)"},
		{[]string{"run", "--conc", "2", "x.lua"}, "(did you mean --concurrency?)"},
		{[]string{"run", "--frobnicate", "x.lua"}, ""},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t.Context(), t, "", tt.args...)
		if code != exitUsage || strings.Contains(stderr, "Flags:") || !strings.Contains(stderr, "for usage.") {
			t.Errorf("%q: exit %d, stderr %q", tt.args, code, stderr)
		}
		if tt.want == "" && strings.Contains(stderr, "did you mean") || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: stderr %q, want %q", tt.args, stderr, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"dryrun", "dry-run", 1}, {"kitten", "sitting", 3}, {"abc", "", 3}, {"", "ab", 2}} {
		if d := editDistance(tt.a, tt.b); d != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, d, tt.d)
		}
	}
}
