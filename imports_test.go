package main

import (
	"go/build"
	"slices"
	"strings"
	"testing"
)

// TestImportGraph keeps the packages' dependencies reading top-down: the
// commands (this package) -> engine, watch, repl -> bindings -> clickapi,
// with stdlib, audit and emulator beside (and the leaves of internal/ under
// all); and no package but the commands
// holds two of: a Lua state, file watching, a terminal, HTTP.
func TestImportGraph(t *testing.T) {
	const module = "github.com/clickscript/clickscript/"
	const (
		lua      = "github.com/yuin/gopher-lua"
		fsnotify = "github.com/fsnotify/fsnotify"
		readline = "github.com/chzyer/readline"
		xterm    = "golang.org/x/term"
		http     = "net/http"
	)
	tests := []struct {
		dir       string
		internal  []string // the module's packages it may import
		forbidden []string // outside packages it must not import
	}{
		{"engine", []string{"bindings", "stdlib"}, []string{fsnotify, readline, xterm, http}},
		{"watch", nil, []string{lua, readline, xterm, http}},
		{"repl", []string{"engine", "bindings", "clickapi", "stdlib"}, []string{fsnotify, readline, xterm, http}},
		{"bindings", []string{"clickapi", "audit", "stdlib"}, []string{fsnotify, readline, xterm, http}},
		{"stdlib", nil, []string{fsnotify, readline, xterm, http}},
		{"audit", nil, []string{lua, fsnotify, readline, xterm, http}},
		{"clickapi", nil, []string{lua, fsnotify, readline, xterm}},
		{"clickapi/cassette", []string{"clickapi"}, []string{lua, fsnotify, readline, xterm}},
		{"emulator", []string{"clickapi"}, []string{lua, fsnotify, readline, xterm}},
		{"doctor", []string{"clickapi"}, []string{lua, fsnotify, readline, xterm}},
		{"internal/atomicfile", nil, []string{lua, fsnotify, readline, xterm, http}},
		{"internal/printable", nil, []string{lua, fsnotify, readline, xterm, http}},
	}
	for _, tt := range tests {
		pkg, err := build.ImportDir(tt.dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", tt.dir, err)
		}
		for _, imp := range pkg.Imports {
			if rest, ok := strings.CutPrefix(imp, module); ok {
				// internal/ holds leaves any package may use.
				if !slices.Contains(tt.internal, rest) && !strings.HasPrefix(rest, "internal/") {
					t.Errorf("%s imports %s: it may import only %q of the module", tt.dir, rest, tt.internal)
				}
				continue
			}
			if slices.Contains(tt.forbidden, imp) {
				t.Errorf("%s imports %s", tt.dir, imp)
			}
		}
	}
	// The commands run Lua through the engine only.
	main, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(main.Imports, lua) {
		t.Errorf("the commands import %s: Lua states belong to engine and repl", lua)
	}
}
