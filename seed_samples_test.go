package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSeedSamples runs the vendor page's sample calls (Python requests and
// JavaScript fetch, testdata/seed-samples/, copied verbatim) against
// `clickscript emulator --token EXAMPLE_TOKEN`, changing only the port.
func TestSeedSamples(t *testing.T) {
	for _, tool := range []string{"python3", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to run the vendor's samples: %v (.ci/run installs it)", tool, err)
		}
	}
	base := startCLIEmulator(t, "--seed", "none", "--token", "EXAMPLE_TOKEN")
	port := base[strings.LastIndex(base, ":")+1:]
	run := func(file string) string {
		src, err := os.ReadFile(filepath.Join("testdata", "seed-samples", file))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), file)
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(src), "localhost:29123", "127.0.0.1:"+port)), 0o644); err != nil {
			t.Fatal(err)
		}
		tool := "python3"
		if strings.HasSuffix(file, ".mjs") {
			tool = "node"
		}
		out, err := exec.Command(tool, path).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", tool, file, err, out)
		}
		return string(out)
	}
	// Python: an empty list, then the insert, then the list holds it.
	if out := run("get_all.py"); !strings.Contains(out, "'data': []") || !strings.Contains(out, "'total': 0") {
		t.Errorf("get_all.py on an empty emulator: %s", out)
	}
	if out := run("insert.py"); !strings.Contains(out, "'name': 'Design Team'") || !strings.Contains(out, "'id': '") {
		t.Errorf("insert.py: %s", out)
	}
	if out := run("get_all.py"); !strings.Contains(out, "'total': 1") || !strings.Contains(out, "'description': 'Creative project team'") {
		t.Errorf("get_all.py after insert: %s", out)
	}
	// JavaScript: the same group again is a duplicate (a 499 problem body).
	if out := run("insert.mjs"); !strings.Contains(out, "type: 'DUPLICATE'") || !strings.Contains(out, "status: 499") {
		t.Errorf("insert.mjs duplicate: %s", out)
	}
	if out := run("get_all.mjs"); !strings.Contains(out, "total: 1") || !strings.Contains(out, "name: 'Design Team'") || !strings.Contains(out, "pageSize: 20") {
		t.Errorf("get_all.mjs: %s", out)
	}
}

// startCLIEmulator runs `clickscript emulator` (in process, through run) on
// a free loopback port and returns its base URL once it listens.
func startCLIEmulator(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"emulator", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("emulator exited %d", code)
			}
		case <-time.After(10 * time.Second):
			t.Error("emulator did not stop on cancel")
		}
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "emulator listening on "); ok {
			go io.Copy(io.Discard, pr)
			return url
		}
	}
	t.Fatal("emulator printed no URL")
	return ""
}
