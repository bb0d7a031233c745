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
