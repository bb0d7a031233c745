package main

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "re-record cassettes and rewrite golden files against the deterministic emulator")

// goldenToken is the token the recordings are made with; no file under
// testdata/ may hold it.
const goldenToken = "golden-SECRET-7f3a9c1e"

// goldenCase is one script with its recording and expected output.
type goldenCase struct {
	name     string // file name without .lua
	script   string
	args     []string // from testdata/golden/NAME.args, one per line; $TMP is a scratch directory
	cassette string
	golden   string
	handmade bool // the cassette is hand-built: never re-recorded
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	scripts, err := filepath.Glob("scripts/*.lua")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	var cases []goldenCase
	for _, s := range scripts {
		name := strings.TrimSuffix(filepath.Base(s), ".lua")
		cases = append(cases, goldenCase{name: name, script: s,
			args:     readArgs(t, filepath.Join("testdata", "golden", name+".args")),
			cassette: filepath.Join("testdata", "cassettes", name+".json"),
			golden:   filepath.Join("testdata", "golden", name+".out")})
	}
	// The vendor contract: a cassette built by hand from the vendor's
	// documented example bodies, replayed by a script of its own.
	cases = append(cases, goldenCase{name: "vendor_contract", script: "testdata/contract/vendor_contract.lua",
		cassette: "testdata/contract/vendor_contract.json", golden: "testdata/contract/vendor_contract.out", handmade: true})
	return cases
}

func readArgs(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// expand replaces $TMP in the arguments with dir.
func (c goldenCase) expand(dir string) []string {
	out := make([]string, len(c.args))
	for i, a := range c.args {
		out[i] = strings.ReplaceAll(a, "$TMP", dir)
	}
	return out
}

// replay runs the script against its cassette and returns its stdout, with
// the scratch directory written back as $TMP.
func (c goldenCase) replay(t *testing.T) (string, string, int) {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"run", "--replay", c.cassette, c.script, "--"}, c.expand(dir)...)
	code, stdout, stderr := runCLI(context.Background(), t, "", args...)
	return strings.ReplaceAll(stdout, dir, "$TMP"), stderr, code
}

// record runs the script against a fresh deterministic demo emulator,
// recording to cassette, and returns its stdout.
func (c goldenCase) record(t *testing.T, cassette string) string {
	t.Helper()
	url := startDemoEmulator(t, goldenToken)
	dir := t.TempDir()
	args := append([]string{"run", "--url", url, "--token", goldenToken, "--record", cassette, c.script, "--"}, c.expand(dir)...)
	code, stdout, stderr := runCLI(context.Background(), t, "", args...)
	if code != exitOK {
		t.Fatalf("recording %s: exit %d\n%s", c.script, code, stderr)
	}
	return strings.ReplaceAll(stdout, dir, "$TMP")
}

// TestGolden replays every script in scripts/ (and the vendor contract
// script) from its cassette and compares its output with the golden file.
// With -update it re-records them against the deterministic emulator.
func TestGolden(t *testing.T) {
	// Replays must not need any listener: point the environment at nothing.
	t.Setenv("CLICK_URL", "http://127.0.0.1:9")
	t.Setenv("CLICK_TOKEN", "")
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			if *update && !c.handmade {
				out := c.record(t, c.cassette)
				if err := os.WriteFile(c.golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(c.cassette); err != nil {
				t.Fatalf("%s has no cassette %s: record it with `go test -run TestGolden -update .` (add %s.args in testdata/golden/ if it takes arguments)",
					c.script, c.cassette, c.name)
			}
			want, err := os.ReadFile(c.golden)
			if err != nil {
				t.Fatalf("no golden output: %v (run `go test -run TestGolden -update .`)", err)
			}
			got, stderr, code := c.replay(t)
			if code != exitOK {
				t.Fatalf("replay: exit %d\n%s", code, stderr)
			}
			if got != string(want) {
				t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", c.golden, got, want)
			}
		})
	}
}

// TestGoldenDeterministic: ten replays give byte-identical output, and two
// recordings without code changes give byte-identical cassettes.
func TestGoldenDeterministic(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			if _, err := os.Stat(c.cassette); err != nil {
				t.Fatalf("no cassette %s (see TestGolden)", c.cassette)
			}
			first, _, _ := c.replay(t)
			for i := range 9 {
				if again, _, _ := c.replay(t); again != first {
					t.Fatalf("replay %d differs:\n%s\n---\n%s", i+2, again, first)
				}
			}
			if c.handmade {
				return
			}
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
			c.record(t, a)
			c.record(t, b)
			da, _ := os.ReadFile(a)
			db, _ := os.ReadFile(b)
			if !bytes.Equal(da, db) {
				t.Errorf("two recordings of %s differ", c.script)
			}
		})
	}
}

// TestReplayMismatch: a script changed to make one extra request fails
// with the expected and the actual request side by side.
func TestReplayMismatch(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "count.lua")
	cas := filepath.Join(dir, "count.json")
	os.WriteFile(script, []byte(`print(usergroup.list{}:count())`), 0o644)
	url := startDemoEmulator(t, goldenToken)
	if code, _, stderr := runCLI(context.Background(), t, "", "run", "--url", url, "--token", goldenToken, "--record", cas, script); code != exitOK {
		t.Fatal(stderr)
	}
	os.WriteFile(script, []byte(`print(usergroup.list{}:count())
print(usergroup.list{name = "design"}:count())`), 0o644)
	code, stdout, stderr := runCLI(context.Background(), t, "", "run", "--replay", cas, script)
	if code != exitError || stdout != "41\n" {
		t.Fatalf("exit %d, stdout %q; want 1 after the recorded part", code, stdout)
	}
	for _, want := range []string{
		"count.lua:2: usergroup.list: GET /usergroup/get_all: ",
		"cassette: request 2: the recording holds only 1 request",
		"got GET /usergroup/get_all?name=design&page=1&pagesize=1",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	// A changed request, rather than an extra one: expected and actual side by side.
	os.WriteFile(script, []byte(`print(usergroup.list{name = "design"}:count())`), 0o644)
	code, _, stderr = runCLI(context.Background(), t, "", "run", "--replay", cas, script)
	for _, want := range []string{"does not match the recording", "expected: GET /usergroup/get_all?page=1&pagesize=1", "actual:   GET /usergroup/get_all?name=design&page=1&pagesize=1"} {
		if code != exitError || !strings.Contains(stderr, want) {
			t.Errorf("exit %d; stderr lacks %q:\n%s", code, want, stderr)
		}
	}
	// A script that makes fewer requests than recorded fails too.
	os.WriteFile(script, []byte(`print("nothing")`), 0o644)
	code, _, stderr = runCLI(context.Background(), t, "", "run", "--replay", cas, script)
	if code != exitError || !strings.Contains(stderr, "1 recorded requests were not made") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// tokenLike finds token values in text: a token= query parameter or a
// jwtToken/token JSON field whose value is not REDACTED or empty.
var tokenLike = regexp.MustCompile(`(?i)(?:\btoken=([^&\s"'\\]+))|(?:"(?:jwt)?token"\s*:\s*"([^"]+)")`)

// TestNoTokenInTestdata scans every file under testdata/ for a token.
func TestNoTokenInTestdata(t *testing.T) {
	n := 0
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		text := string(data)
		if strings.Contains(text, goldenToken) {
			t.Errorf("%s holds the recording token", path)
		}
		for _, m := range tokenLike.FindAllStringSubmatch(text, -1) {
			v := m[1] + m[2]
			// The vendor's samples use the documented placeholders EXAMPLE_TOKEN,
			// EXAMPLE_API_TOKEN [click:apitoken.md], YOUR_TOKEN [click:errors.md], the cut-off
			// "eyJhbGciOi..." [web:apitoken.md], and testscript files name
			// the variable $CLICK_TOKEN.
			if v == "REDACTED" || v == "EXAMPLE_TOKEN" || v == "EXAMPLE_API_TOKEN" || v == "YOUR_TOKEN" || v == "eyJhbGciOi..." || strings.HasPrefix(v, "$") {
				continue
			}
			t.Errorf("%s holds a token value: %q", path, m[0])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("scanned only %d files", n)
	}
}
