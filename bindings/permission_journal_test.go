package bindings

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/audit"
)

// executiveGrants gives Executive (which has Read on Brand Refresh only)
// six more projects: three batches of two.
const executiveGrants = `
r = permission.grant{
  {group = "Executive", project = "Spring Campaign 2026", level = 1},
  {group = "Executive", project = "Documentary: Northern Lights", level = 1},
  {group = "Executive", project = "Feature Film: Harbor", level = 2},
  {group = "Executive", project = "Product Launch Video", level = 1},
  {group = "Executive", project = "Podcast Season 3", level = 2},
  {group = "Executive", project = "Training Library", level = 1},
}
print(r.added, r.changed, r.unchanged, r.skipped, r.batches)`

const executiveProjects = `
local n = 0
for _ in permission.list{group = "Executive", on = "projects"} do n = n + 1 end
print(n)`

// TestPermissionGrantJournalResumes: a grant run with a journal that
// fails at its second batch records the first; the same run again with
// the same journal skips that batch (counted as skipped) and sends only
// the two batches not done.
func TestPermissionGrantJournalResumes(t *testing.T) {
	h := newAccessHarness(t, false, false)
	path := filepath.Join(t.TempDir(), "grants.journal")
	openJournal := func() *audit.Journal {
		j, err := audit.OpenJournal(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { j.Close() })
		return j
	}
	const grantRoute = "POST /userspermission/usergroups_project_permission"
	h.mu.Lock()
	h.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method+" "+r.URL.Path != grantRoute || n != 2 {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("error-code", "DEFAULT")
		w.WriteHeader(499)
		w.Write([]byte(`{"type":"DEFAULT","status":499,"errors":{"":["refused by the test"]}}`))
		return true
	}
	h.mu.Unlock()
	opts := h.opts
	opts.Journal = openJournal()
	h.open(opts)
	msg := h.fail(t, executiveGrants)
	for _, want := range []string{"batch 2 of 3 (item 3 to item 4)", "refused by the test",
		"1 of 3 batches applied and recorded in the journal: run again with the same --journal to finish"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if n := h.count(grantRoute); n != 2 {
		t.Errorf("%d grant requests before the failure stopped the run, want 2", n)
	}
	h.want(t, executiveProjects, "3\n") // Brand Refresh and the first batch

	// The same run again, with the same journal: the first batch is
	// skipped, the other two are sent.
	h.mu.Lock()
	h.intercept = nil
	h.bodies = map[string][]string{}
	h.mu.Unlock()
	h.reset()
	opts.Journal.Close()
	opts.Journal = openJournal()
	h.open(opts)
	h.want(t, executiveGrants, "4\t0\t0\t2\t2\n")
	if n := h.count(grantRoute); n != 2 {
		t.Errorf("%d grant requests on the resumed run, want 2 (the batches not done)", n)
	}
	if b := h.body(grantRoute, 0); strings.Contains(b, "Spring") || !strings.Contains(b, `"permissionType":2`) {
		t.Errorf("the resumed run's first request %s: want batch 2 (Harbor at 2)", b)
	}
	h.want(t, executiveProjects, "7\n")
	if n := opts.Journal.Len(); n != 3 {
		t.Errorf("the journal holds %d batches, want 3", n)
	}

	// A third run: every batch is in the journal, nothing is sent.
	h.reset()
	h.want(t, executiveGrants, "0\t0\t0\t6\t0\n")
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes when the journal holds every batch", n)
	}
}

// TestPermissionSyncPlanOnly: plan_only returns the plan (with names)
// and sends nothing, guard included; the default guard is 50%.
func TestPermissionSyncPlanOnly(t *testing.T) {
	h := newAccessHarness(t, false, false)
	h.want(t, strings.Replace(designSync, "OPTS", "{plan_only = true}", 1)+`
for _, g in ipairs(r.grants) do print("+", g.object, g.name, g.level) end
for _, g in ipairs(r.changes) do print("~", g.object, g.name, g.from, g.level) end
for _, g in ipairs(r.revokes) do print("-", g.object, g.name, g.level) end`,
		"0\t0\t0\t1\ttrue\n"+
			"+\tproject\tTrailer Cut\treadwrite\n"+
			"+\tdrive\tMarketing Assets\tread\n"+
			"~\tproject\tAnnual Report\treadwrite\tread\n"+
			"-\tproject\tSpring Campaign 2026\treadwrite\n")
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes for a plan", n)
	}
	if msg := h.fail(t, strings.Replace(designSync, "OPTS", "{plan_only = true, max_remove = 0}", 1)); !strings.Contains(msg, "over max_remove (0)") {
		t.Errorf("plan_only skips the guard: %s", msg)
	}
	// Revoking 2 of Legal's 3 grants is over the default 50% (1.5, so 2
	// is allowed: rounded up); all 3 is not.
	msg := h.fail(t, `permission.sync({group = "Legal"}, {}, {plan_only = true})`)
	if !strings.Contains(msg, "would revoke 3 of the 3 grants of group ") || !strings.Contains(msg, "over max_remove (2, the default 50%)") {
		t.Errorf("default guard: %s", msg)
	}
	h.want(t, `print(#permission.sync({group = "Legal"}, {{project = "Annual Report", level = 1}}, {plan_only = true}).revokes)`, "2\n")
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes for a plan", n)
	}
}
