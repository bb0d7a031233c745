package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// faultSpec is the mixed fault load of the fault suite: every kind the
// emulator injects, about a quarter of all protected requests in all.
const faultSpec = "429=0.05,503=0.05,500=0.02,reset-before=0.03,reset-after=0.03,truncate=0.03,malformed=0.03,latency=2ms@0.05,retry-after=0s"

// faultScript creates the groups it needs (find or insert, so a re-run
// after a failure goes on where it stopped), counts every group by walking
// the list, and imports the memberships from a CSV.
const faultScript = `
local groups, csvfile = tonumber(arg[1]), arg[2]
for i = 1, groups do
  local name = string.format("Fault Group %05d", i)
  if not usergroup.find(name) then usergroup.insert{name = name} end
end
local n = 0
for g in usergroup.list{pagesize = 200} do n = n + 1 end
print("listed", n)
local r = usergroup.import_csv(csvfile)
print("imported", r.added, "skipped", r.skipped, "unchanged", r.unchanged)
`

// TestFaultSuite lists and imports under a mixed fault load and checks the
// end state exactly: every group once (a retried insert duplicates
// nothing), every membership there, nothing extra. A run that fails must
// say why and leave a journal that the next run resumes from. CI runs a
// small size; CLICKSCRIPT_LONG=1 runs 10,000 groups and 10,000 relations.
func TestFaultSuite(t *testing.T) {
	synthetic, created, relations := 1000, 20, 1000
	if os.Getenv("CLICKSCRIPT_LONG") != "" {
		synthetic, created, relations = 10_000, 50, 10_000
	}
	faults, err := emulator.ParseFaults(faultSpec)
	if err != nil {
		t.Fatal(err)
	}
	faults.Seed = 7
	dir := t.TempDir()
	db := filepath.Join(dir, "agent.db")
	em, err := emulator.New(emulator.Options{Seed: "none", Groups: synthetic, DBPath: db, Token: bulkToken, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	url := serveLoopback(t, em)

	var b strings.Builder
	b.WriteString("username,firstName,lastName,group\n")
	want := map[string]int{}
	for i := range relations {
		group := fmt.Sprintf("Fault Group %05d", 1+i%created)
		fmt.Fprintf(&b, "worker%06d@example.com,Worker,%06d,%s\n", i, i, group)
		want[group]++
	}
	csvPath := filepath.Join(dir, "m.csv")
	os.WriteFile(csvPath, []byte(b.String()), 0o644)
	script := filepath.Join(dir, "faults.lua")
	os.WriteFile(script, []byte(faultScript), 0o644)
	journal := filepath.Join(dir, "import.journal")

	runs, done := 0, false
	for runs < 12 && !done {
		runs++
		code, stdout, stderr := runCLI(context.Background(), t, "", "run", "--url", url, "--token", bulkToken,
			"--journal", journal, script, "--", fmt.Sprint(created), csvPath)
		switch {
		case code == exitOK:
			done = true
			if !strings.Contains(stdout, fmt.Sprintf("listed\t%d", synthetic+created)) {
				t.Errorf("run %d listed the wrong count:\n%s", runs, stdout)
			}
		case strings.Contains(stderr, "panic") || !strings.Contains(stderr, "faults.lua:"):
			t.Fatalf("run %d failed without a clear error:\n%s", runs, stderr)
		default:
			t.Logf("run %d failed, resuming: %s", runs, firstLine(stderr))
		}
	}
	if !done {
		t.Fatalf("no run succeeded in %d tries", runs)
	}
	counts := em.FaultCounts()
	total := 0
	for _, n := range counts {
		total += n
	}
	t.Logf("%d runs; %d faults injected and survived: %v", runs, total, counts)
	if total == 0 {
		t.Fatal("no fault was injected")
	}
	em.Close()

	// Read the end state from the same database, without faults.
	clean, err := emulator.New(emulator.Options{DBPath: db, Token: bulkToken})
	if err != nil {
		t.Fatal(err)
	}
	defer clean.Close()
	c, _ := clickapi.New(clickapi.Options{BaseURL: serveLoopback(t, clean), Token: bulkToken})
	groups, err := c.UserGroups(context.Background(), clickapi.ListOptions{PageSize: 1000, Name: "Fault Group"}).All()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, g := range groups {
		seen[g.Name]++
	}
	if len(seen) != created || len(groups) != created {
		t.Errorf("%d fault groups (%d distinct), want %d each once", len(groups), len(seen), created)
	}
	members := 0
	for _, g := range groups {
		page, err := c.ListAssignedUsers(context.Background(), g.ID, clickapi.ListOptions{PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != want[g.Name] {
			t.Errorf("%s has %d members, want %d", g.Name, page.Total, want[g.Name])
		}
		members += page.Total
	}
	if st := clean.Stats(); members != relations || st.Memberships != relations || st.Users != relations {
		t.Errorf("end state: %d memberships in the fault groups, stats %+v; want %d memberships and users", members, st, relations)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
