package main

import (
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	code, stdout, stderr := runCLI(t.Context(), t, "", "version")
	if code != exitOK || stderr != "" {
		t.Fatalf("version: exit %d\n%s", code, stderr)
	}
	// A test binary has no VCS stamp: "(devel)" and "unknown revision",
	// as `go run .` shows; `go build -buildvcs=true` fills both in.
	if !strings.HasPrefix(stdout, "clickscript ") || !strings.Contains(stdout, runtime.Version()) {
		t.Errorf("version: %q", stdout)
	}
	if code, _, stderr := runCLI(t.Context(), t, "", "version", "extra"); code != exitUsage || !strings.Contains(stderr, "takes no arguments") {
		t.Errorf("version extra: exit %d\n%s", code, stderr)
	}
}

// TestHelpAlignsSummaries checks that `clickscript help` keeps every line of
// a command's summary in the summary column, none at the left margin.
func TestHelpAlignsSummaries(t *testing.T) {
	code, stdout, stderr := runCLI(t.Context(), t, "", "help")
	if code != exitOK {
		t.Fatalf("help: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	column := len("  clickscript watch     ")
	in, continued := false, 0
	for _, l := range lines {
		switch {
		case l == "Usage:":
			in = true
		case in && l == "":
			in = false
		case in && strings.HasPrefix(l, "  clickscript "):
		case in && len(l) > column && strings.TrimSpace(l[:column]) == "" && l[column] != ' ':
			continued++
		case in:
			t.Errorf("help line outside the summary column: %q", l)
		}
	}
	if continued == 0 {
		t.Errorf("no summary spans two lines (watch's does); the check checks nothing:\n%s", stdout)
	}
}
