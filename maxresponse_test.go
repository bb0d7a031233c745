package main

import (
	"context"
	"strings"
	"testing"
)

// TestMaxResponseFlag is issue 15 item 11's flag: an answer over
// --max-response fails the run with an error that names the endpoint and
// the flag; a cap the answer fits in lets the same run through; a cap
// under 1KiB is a usage error.
func TestMaxResponseFlag(t *testing.T) {
	isolateUserDirs(t)
	t.Setenv("CLICK_TOKEN", "")
	url := startDemoEmulator(t, "tok-maxresponse-test")
	script := writeScript(t, `local n = 0
for g in usergroup.list{pagesize = 50} do n = n + 1 end
print("groups", n)`)
	base := []string{"run", "--url", url, "--token", "tok-maxresponse-test"}

	code, stdout, stderr := runCLI(context.Background(), t, "", append(base, "--max-response", "1KiB", script)...)
	if code != exitError || !strings.Contains(stderr, "GET /usergroup/get_all") || !strings.Contains(stderr, "answer too large") ||
		!strings.Contains(stderr, "cap of 1024 bytes (raise it with --max-response)") || strings.Contains(stdout, "groups") {
		t.Errorf("--max-response 1KiB: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(context.Background(), t, "", append(base, "--max-response", "1MiB", script)...)
	if code != exitOK || !strings.HasPrefix(stdout, "groups\t") || stdout == "groups\t0\n" {
		t.Errorf("--max-response 1MiB: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(context.Background(), t, "", append(base, "--max-response", "100", script)...)
	if code != exitUsage || !strings.Contains(stderr, `--max-response "100": want a size of at least 1KiB`) {
		t.Errorf("--max-response 100: exit %d\nstderr:\n%s", code, stderr)
	}
}
