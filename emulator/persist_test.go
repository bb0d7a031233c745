package emulator

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// snapshot fetches answers that cover the whole visible state.
func snapshot(t testing.TB, e *Emulator) []string {
	t.Helper()
	var out []string
	for _, target := range []string{
		routeGroups + "?pagesize=1000",
		routeGroups + "?pagesize=1000&sortfield=CreateDate",
		routeGroupsWithDetails + "?pagesize=1000",
		routeUsers + "?pagesize=1000",
		routeUsers + "?pagesize=1000&sortfield=CreateDate",
	} {
		a := call(t, e, "GET", target, "")
		if a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", target, a.status, a.body)
		}
		out = append(out, string(a.body))
	}
	return out
}

func TestPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "click.db")
	opts := Options{Token: testToken, Seed: "demo", DBPath: path, Deterministic: true}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ada := userNamed(t, e, "ada.lovelace@example.com")
	g := decode[apiGroup](t, call(t, e, "POST", routeInsertGroup, `{"name":"Persisted Team","active":true}`))
	wantOK(t, call(t, e, "POST", routeAssignUsers, mustJSON(t, []pairRequest{{UserID: ada.ID, UserGroupID: g.ID}})))
	wantOK(t, call(t, e, "POST", routeImportUsers, `[{"user":{"username":"imported@example.com"},"userGroups":[{"name":"Persisted Team"},{"name":"Finance"}]}]`))
	decode[apiGroup](t, call(t, e, "PUT", routeUpdateGroup, mustJSON(t, groupRequest{ID: g.ID, Name: "Persisted Team 2", Description: "renamed"})))
	wantOK(t, call(t, e, "DELETE", routeDeleteGroup+"?id="+groupNamed(t, e, "Legal").ID, ""))
	victim := memberRows(t, e, groupNamed(t, e, "QA").ID, "").Data[0].UserUserGroup.ID
	wantOK(t, call(t, e, "DELETE", routeUnassignUser+"?id="+victim, ""))
	want, wantStats := snapshot(t, e), e.Stats()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	opts.Seed, opts.Groups = "none", 10 // ignored: the file was seeded
	e2 := newEmu(t, opts)
	if got := snapshot(t, e2); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("state after reopening differs:\n%s\nwant\n%s", got, want)
	}
	if e2.Stats() != wantStats {
		t.Fatalf("stats %+v, want %+v", e2.Stats(), wantStats)
	}
	if rows := memberRows(t, e2, g.ID, ""); rows.Total != 2 {
		t.Errorf("persisted team has %d members, want 2", rows.Total)
	}
	wantProblem(t, call(t, e2, "DELETE", routeUnassignUser+"?id="+victim, ""), codeNotFound)

	// Counters continue: new ids are fresh and the clock moves on.
	n := decode[apiGroup](t, call(t, e2, "POST", routeInsertGroup, `{"name":"After Reopen"}`))
	e2.mu.RLock()
	created := e2.st.groups[parseUUID(t, n.ID)].created
	older := e2.st.groups[parseUUID(t, g.ID)].created
	e2.mu.RUnlock()
	if n.ID <= g.ID || created <= older {
		t.Errorf("after reopening: id %s (previous %s), created %d (previous %d)", n.ID, g.ID, created, older)
	}
}

func TestPersistenceFailedWriteLeavesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "click.db")
	opts := Options{Token: testToken, Seed: "demo", DBPath: path, Deterministic: true}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ada := userNamed(t, e, "ada.lovelace@example.com")
	empty := groupNamed(t, e, "Music Licensing")
	before := e.Stats()

	// Rejected before the transaction: one bad row fails the batch.
	wantProblem(t, call(t, e, "POST", routeAssignUsers, mustJSON(t, []pairRequest{
		{UserID: ada.ID, UserGroupID: empty.ID}, {UserID: ada.ID, UserGroupID: "88888888-8888-4888-8888-888888888888"},
	})), codeNotFound)
	wantProblem(t, call(t, e, "POST", routeImportUsers, `[{"user":{"username":"batch-a@example.com"},"userGroups":[{"name":"Finance"}]},{"user":{"username":"batch-b"},"userGroups":[{"name":"Nope"}]}]`), codeInvalidEmail)

	// Failed in the transaction: the file is gone from under the emulator.
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	body := `[{"user":{"username":"batch-a@example.com"},"userGroups":[{"name":"Finance"},{"name":"Music Licensing"}]},{"user":{"username":"batch-b@example.com"},"userGroups":[{"name":"Finance"}]}]`
	if a := call(t, e, "POST", routeImportUsers, body); a.status != http.StatusInternalServerError || len(a.body) != 0 {
		t.Fatalf("import on a closed file: %d %q, want an empty 500", a.status, a.body)
	}
	if e.Stats() != before {
		t.Fatalf("a failed commit changed memory: %+v -> %+v", before, e.Stats())
	}
	if c := usersPage(t, e, "username=batch-"); c.Total != 0 {
		t.Fatalf("a failed commit created users: %+v", c.Data)
	}

	e2 := newEmu(t, opts)
	if e2.Stats() != before {
		t.Fatalf("after reopening: %+v, want %+v", e2.Stats(), before)
	}
	if rows := memberRows(t, e2, empty.ID, ""); rows.Total != 0 {
		t.Fatalf("music licensing has %d members", rows.Total)
	}
	wantOK(t, call(t, e2, "POST", routeImportUsers, body))
	if e2.Stats().Memberships != before.Memberships+3 {
		t.Fatalf("retried import: %+v", e2.Stats())
	}
}

func TestPersistenceReseedsInterruptedSeed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "click.db")
	db, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketGroups)).Put([]byte("half-written"), []byte(`{"id":"junk"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	e := newEmu(t, Options{DBPath: path, Groups: 3})
	if s := e.Stats(); s.Groups != 3 {
		t.Fatalf("after reseeding: %+v", s)
	}
}

func TestPersistenceBatchedSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 70,000 records")
	}
	path := filepath.Join(t.TempDir(), "click.db")
	opts := Options{Token: testToken, DBPath: path, Groups: 60_000, Users: 2_000, Memberships: 8_000}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	want := e.Stats()
	first := string(call(t, e, "GET", routeGroups+"?page=1000&pagesize=50", "").body)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := newEmu(t, opts)
	if got := e2.Stats(); got != want || got.Groups != 60_000 || got.Memberships != 8_000 {
		t.Fatalf("stats %+v, want %+v", got, want)
	}
	if got := string(call(t, e2, "GET", routeGroups+"?page=1000&pagesize=50", "").body); got != first {
		t.Fatalf("page 1000 after reopening differs")
	}
}

func TestPersistenceFileIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "click.db")
	newEmu(t, Options{DBPath: path})
	if _, err := New(Options{DBPath: path}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("second open of a file in use: %v", err)
	}
}

func TestPersistedRecordsAreJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "click.db")
	e := newEmu(t, Options{DBPath: path, Seed: "demo", Deterministic: true})
	// The demo seeds no API token: mint one so that its bucket is filled.
	decode[apiTokenJSON](t, call(t, e, "POST", routeInsertAPIToken, `{"title":"persisted"}`))
	err := e.db.View(func(tx *bolt.Tx) error {
		for _, name := range bucketNames() {
			b := tx.Bucket([]byte(name))
			if b.Stats().KeyN == 0 {
				t.Errorf("bucket %s is empty", name)
			}
			if err := b.ForEach(func(k, v []byte) error {
				if !json.Valid(v) {
					t.Errorf("%s %x: not JSON: %s", name, k, v)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
