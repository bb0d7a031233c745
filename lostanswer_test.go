package main

import (
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// These tests lose the answer of every membership write (issue 15 item
// 12): the emulator applies the request, then resets the connection, on
// every attempt. The run must find out what landed and record exactly
// that, so that the results file, the audit log, the journal and undo
// agree with a fault-free read-back of the same database.

// lostAnswerCSV adds two new users to Design Team and Finance and an
// existing user (not yet a member) to Finance.
const lostAnswerCSV = "username,firstName,lastName,group\n" +
	"lost.one@example.com,Lost,One,Design Team\n" +
	"lost.two@example.com,Lost,Two,Finance\n" +
	"zoe.lopez@example.com,Zoe,Lopez,Finance\n"

// startLossyAgent starts the demo emulator on a database in dir, losing
// the answer of every request for routes.
func startLossyAgent(t *testing.T, db, routes string) *countingAgent {
	t.Helper()
	f, err := emulator.ParseFaults("reset-after=1,routes=" + routes)
	if err != nil {
		t.Fatal(err)
	}
	return startCountingAgent(t, emulator.Options{Seed: "demo", DBPath: db, Faults: f})
}

// reopenClean closes a and serves the same database without faults.
func reopenClean(t *testing.T, a *countingAgent, db string) *countingAgent {
	t.Helper()
	a.stop()
	return startCountingAgent(t, emulator.Options{DBPath: db})
}

// added lists "group/username" for every membership in after and not in before.
func added(before, after map[string][]string) []string {
	var out []string
	for g, users := range after {
		for _, u := range users {
			if !slices.Contains(before[g], u) {
				out = append(out, g+"/"+u)
			}
		}
	}
	slices.Sort(out)
	return out
}

// readResults reads a results file: outcome -> sorted "group/user".
func readResults(t *testing.T, path string) (map[string][]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range rows[1:] { // row, user, group, action, outcome, message
		out[r[4]] = append(out[r[4]], r[2]+"/"+r[1])
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out, rows[1:]
}

// auditPairs returns the audit entries of an endpoint and "group/username"
// of their added, removed and unknown pairs, sorted.
func auditPairs(t *testing.T, path, endpoint string) (entries []audit.Entry, add, remove, unknown []string) {
	t.Helper()
	all, err := audit.ReadLog(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Endpoint != endpoint {
			continue
		}
		entries = append(entries, e)
		for _, p := range e.Added {
			add = append(add, p.GroupName+"/"+p.Username)
		}
		for _, p := range e.Removed {
			remove = append(remove, p.GroupName+"/"+p.Username)
		}
		for _, p := range e.Unknown {
			unknown = append(unknown, p.GroupName+"/"+p.Username)
		}
	}
	slices.Sort(add)
	slices.Sort(remove)
	slices.Sort(unknown)
	return entries, add, remove, unknown
}

func journalLen(t *testing.T, path string) int {
	t.Helper()
	j, err := audit.OpenJournal(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	return j.Len()
}

func TestLostImportAnswerIsReadBack(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "agent.db")
	a := startLossyAgent(t, db, clickapi.RouteImportUsers)
	before := a.memberships(t)
	if slices.Contains(before["Finance"], "zoe.lopez@example.com") {
		t.Fatal("the demo seed changed: zoe.lopez is in Finance already")
	}
	csvPath, auditFile, journal, results := filepath.Join(dir, "m.csv"), filepath.Join(dir, "a.audit"), filepath.Join(dir, "j"), filepath.Join(dir, "r.csv")
	os.WriteFile(csvPath, []byte(lostAnswerCSV), 0o600)

	code, stdout, stderr := a.cli(t, "run", "--audit", auditFile, "--journal", journal, "--results", results,
		"scripts/import_memberships.lua", "--", csvPath)
	if code != exitOK || !strings.Contains(stdout, "added 3 memberships (0 already in place, 0 skipped by the journal, 2 new users)") ||
		!strings.Contains(stderr, "no clear answer; reading back found the batch in place") {
		t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := a.count("POST " + clickapi.RouteImportUsers); n != clickapi.DefaultRetryPolicy().MaxAttempts {
		t.Fatalf("%d import requests, want every attempt of the retry policy (%d) lost", n, clickapi.DefaultRetryPolicy().MaxAttempts)
	}

	clean := reopenClean(t, a, db)
	after := clean.memberships(t)
	want := added(before, after)
	if len(want) != 3 {
		t.Fatalf("the agent holds %d new memberships, want 3: %v", len(want), want)
	}
	outcomes, rows := readResults(t, results)
	if !slices.Equal(outcomes["applied"], want) || len(rows) != 3 {
		t.Errorf("results %v, want the 3 that landed applied: %v", outcomes, want)
	}
	for _, r := range rows {
		if !strings.Contains(r[5], "no clear answer; reading back found it in place") {
			t.Errorf("results row %v does not say the answer was lost", r)
		}
	}
	entries, add, _, unknown := auditPairs(t, auditFile, "POST "+clickapi.RouteImportUsers)
	if len(entries) != 1 || entries[0].Error == "" || !slices.Equal(add, want) || len(unknown) != 0 ||
		!strings.Contains(entries[0].ReadBack, "found 3 of 3 in place") || len(entries[0].CreatedUsers) != 2 {
		t.Errorf("audit %+v: want one entry with its error, added %v, 2 created users", entries, want)
	}
	if n := journalLen(t, journal); n != 1 {
		t.Errorf("journal holds %d batches, want the 1 that landed", n)
	}

	// Undo reverses exactly what landed; the 2 users it created cannot be
	// deleted, so it exits 1.
	code, stdout, stderr = clean.cli(t, "undo", auditFile)
	if code != exitError || !strings.Contains(stdout, "undone: 3 unassigned, 0 assigned again, 0 left alone, 2 cannot be reversed") {
		t.Fatalf("undo: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := clean.memberships(t); !mapsEqual(got, before) {
		t.Errorf("after undo: %v new memberships, want none", added(before, got))
	}
}

func TestLostSyncAnswersAreReadBack(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "agent.db")
	a := startLossyAgent(t, db, clickapi.RouteImportUsers+"+"+clickapi.RouteUnassignUser)
	before := a.memberships(t)
	auditFile, results := filepath.Join(dir, "a.audit"), filepath.Join(dir, "r.csv")

	code, stdout, stderr := a.cli(t, "run", "--audit", auditFile, "--results", results,
		"scripts/sync_group_from_csv.lua", "--", "Design Team", "scripts/data/design_team.csv")
	if code != exitOK || !strings.Contains(stdout, "added 3, removed 3") {
		t.Fatalf("sync: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := a.count("DELETE " + clickapi.RouteUnassignUser); n != 3*clickapi.DefaultRetryPolicy().MaxAttempts {
		t.Fatalf("%d unassign requests, want every attempt lost", n)
	}

	clean := reopenClean(t, a, db)
	after := clean.memberships(t)
	gained, lost := added(before, after), added(after, before)
	if len(gained) != 3 || len(lost) != 3 {
		t.Fatalf("the agent gained %v and lost %v, want 3 each", gained, lost)
	}
	outcomes, rows := readResults(t, results)
	if len(rows) != 6 || len(outcomes["applied"]) != 6 {
		t.Errorf("results %v: want 6 rows applied", outcomes)
	}
	_, add, _, _ := auditPairs(t, auditFile, "POST "+clickapi.RouteImportUsers)
	entries, _, remove, unknown := auditPairs(t, auditFile, "DELETE "+clickapi.RouteUnassignUser)
	if !slices.Equal(add, gained) || !slices.Equal(remove, lost) || len(unknown) != 0 || len(entries) != 3 {
		t.Errorf("audit added %v, removed %v, unknown %v; the agent gained %v, lost %v", add, remove, unknown, gained, lost)
	}
	for _, e := range entries {
		if e.Error == "" || e.ReadBack != "no clear answer; reading back found it removed" {
			t.Errorf("unassign entry %+v: want its error and what reading back found", e)
		}
	}

	code, stdout, stderr = clean.cli(t, "undo", auditFile)
	if code != exitError || !strings.Contains(stdout, "undone: 3 unassigned, 3 assigned again") {
		t.Fatalf("undo: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := clean.memberships(t); !mapsEqual(got, before) {
		t.Errorf("after undo: gained %v, lost %v; want the state before the sync", added(before, got), added(got, before))
	}
}

// TestLostAnswerUnreadable: the answer is lost and reading the groups
// back fails too. The rows are unknown (neither failed nor added), the
// journal keeps nothing, and undo says what it cannot know and exits 1.
func TestLostAnswerUnreadable(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "agent.db")
	a := startLossyAgent(t, db, clickapi.RouteImportUsers)
	before := a.memberships(t)
	// Once an import was sent, every member list answers 500.
	a.reset(func(r *http.Request, n int) bool {
		return r.URL.Path == clickapi.RouteAssignedUsers && a.count("POST "+clickapi.RouteImportUsers) > 0
	})
	csvPath, auditFile, journal, results := filepath.Join(dir, "m.csv"), filepath.Join(dir, "a.audit"), filepath.Join(dir, "j"), filepath.Join(dir, "r.csv")
	os.WriteFile(csvPath, []byte(lostAnswerCSV), 0o600)

	code, stdout, stderr := a.cli(t, "run", "--audit", auditFile, "--journal", journal, "--results", results,
		"scripts/import_memberships.lua", "--", csvPath)
	if code != exitError || !strings.Contains(stderr, "no clear answer; reading back found 0 of 3 in place, and could not tell for 3") {
		t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
	}
	outcomes, _ := readResults(t, results)
	if len(outcomes["unknown"]) != 3 || len(outcomes) != 1 {
		t.Errorf("results %v: want the 3 rows unknown", outcomes)
	}
	entries, add, _, unknown := auditPairs(t, auditFile, "POST "+clickapi.RouteImportUsers)
	if len(entries) != 1 || len(add) != 0 || len(unknown) != 3 || entries[0].Error == "" {
		t.Errorf("audit %+v: want one entry, nothing added, 3 unknown", entries)
	}
	if n := journalLen(t, journal); n != 0 {
		t.Errorf("journal holds %d batches, want none", n)
	}

	clean := reopenClean(t, a, db)
	landed := clean.memberships(t)
	if len(added(before, landed)) != 3 {
		t.Fatalf("the emulator applied %v, want the 3 rows", added(before, landed))
	}
	code, stdout, stderr = clean.cli(t, "undo", auditFile)
	if code != exitError || !strings.Contains(stdout, "undone: 0 unassigned, 0 assigned again, 0 left alone, 3 cannot be reversed") ||
		!strings.Contains(stdout, "cannot reverse: lost.one@example.com in group \"Design Team\"") ||
		!strings.Contains(stdout, "is unknown (no clear answer came and reading back failed)") {
		t.Fatalf("undo: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := clean.memberships(t); !mapsEqual(got, landed) {
		t.Error("undo of unknown changes changed memberships")
	}
}
