package main

import (
	"strings"
	"testing"
)

// TestTopUsageFitsEightyColumns: on an 80-column terminal the command list
// must not wrap by itself onto the start of a line (issue 18 item 8: the
// watch summary did). Every line fits, and each line of the list is a
// command or the rest of a summary, indented under its first line.
func TestTopUsageFitsEightyColumns(t *testing.T) {
	code, stdout, stderr := runCLI(t.Context(), t, "", "help")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	indent := strings.Repeat(" ", len("  clickscript 123456789 "))
	list, _, _ := strings.Cut(stdout[strings.Index(stdout, "Usage:\n")+len("Usage:\n"):], "\n\n")
	wrapped := 0
	for _, line := range strings.Split(list, "\n") {
		switch {
		case strings.HasPrefix(line, indent) && strings.TrimSpace(line) != "":
			wrapped++
		case !strings.HasPrefix(line, "  clickscript "):
			t.Errorf("a line of the command list is neither a command nor indented under one: %q", line)
		}
	}
	for _, line := range strings.Split(stdout, "\n") {
		if len([]rune(line)) > 80 {
			t.Errorf("a line of help is wider than 80 columns (%d): %q", len([]rune(line)), line)
		}
	}
	if wrapped == 0 {
		t.Errorf("no summary wraps: the test checks nothing\n%s", stdout)
	}
	if !strings.Contains(stdout, "  clickscript watch     re-run a Lua script whenever watched files change (the\n"+indent+"script") {
		t.Errorf("the watch summary does not wrap under itself:\n%s", stdout)
	}
}

// TestUndoHelpTimeoutWording: undo runs no script, so its --timeout must
// not say that it stops one (issue 18 item 8).
func TestUndoHelpTimeoutWording(t *testing.T) {
	code, stdout, _ := runCLI(t.Context(), t, "", "undo", "--help")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var timeout string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, "--timeout") {
			timeout = line
		}
	}
	if timeout == "" || strings.Contains(timeout, "script") || !strings.Contains(timeout, "give up after this long") {
		t.Errorf("undo --help's --timeout line: %q", timeout)
	}
}

// TestREPLHasTheLimitFlags: repl takes --sandbox, --max-memory and
// --audit, as run does (issue 18 item 8).
func TestREPLHasTheLimitFlags(t *testing.T) {
	code, stdout, _ := runCLI(t.Context(), t, "", "repl", "--help")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, flag := range []string{"--sandbox", "--max-memory string", "--audit string"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("repl --help lacks %s:\n%s", flag, stdout)
		}
	}
	for _, hidden := range []string{"--worker", "--emulator-url"} {
		if strings.Contains(stdout, hidden) {
			t.Errorf("repl --help shows the hidden %s", hidden)
		}
	}
}
