package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMESnippets runs every ```lua block of README.md against a fresh
// demo emulator, so that the tour stays true.
func TestREADMESnippets(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```lua\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d lua blocks in README.md", len(blocks))
	}
	for i, b := range blocks {
		path := writeScript(t, b[1])
		code, _, stderr := runCLI(t.Context(), t, "", "run", "--emulator", path)
		if code != exitOK {
			t.Errorf("README lua block %d failed (exit %d):\n%s\n%s", i+1, code, b[1], stderr)
		}
		if strings.Contains(stderr, "panic") {
			t.Errorf("block %d: %s", i+1, stderr)
		}
	}
}
