package main

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/clickscript/clickscript/emulator"
)

// TestCommandsHonourProfilePageSize: run, repl and watch build their Lua
// states' options in one place (session.engineOptions), so each lists
// with the profile's page_size (the REPL once ignored it).
func TestCommandsHonourProfilePageSize(t *testing.T) {
	cfg := isolateUserDirs(t)
	a := startCountingAgent(t, emulator.Options{Seed: "demo"})
	var (
		mu    sync.Mutex
		sizes []string
	)
	// The agent's hook sees every request: it records the page sizes of
	// the group listings and fails none.
	a.reset(func(r *http.Request, _ int) bool {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "usergroup") {
			mu.Lock()
			sizes = append(sizes, r.URL.Query().Get("pagesize"))
			mu.Unlock()
		}
		return false
	})
	writeConfig(t, cfg, `{"default": "work", "profiles": {"work": {"url": "`+a.url+`", "page_size": 7}}}`)
	t.Setenv("CLICK_TOKEN", bulkToken)

	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := sizes
		sizes = nil
		return out
	}
	check := func(cmd string, code int, stdout, stderr string) {
		t.Helper()
		got := take()
		if code != exitOK || !strings.Contains(stdout, "Design Team") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", cmd, code, stdout, stderr)
		}
		if len(got) == 0 || slices.ContainsFunc(got, func(s string) bool { return s != "7" }) {
			t.Errorf("%s: page sizes %q, want 7 for every listing (the profile's page_size)", cmd, got)
		}
	}
	const list = `for g in usergroup.list{} do if g.name == "Design Team" then print(g.name) end end`
	code, stdout, stderr := runCLI(t.Context(), t, "", "run", writeScript(t, list))
	check("run", code, stdout, stderr)
	code, stdout, stderr = runCLI(t.Context(), t, list+"\n", "repl")
	check("repl", code, stdout, stderr)
}
