package emulator

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// accessSnapshot is every access answer that shows state: group and user
// details, tokens, projects and drives with details.
func accessSnapshot(t *testing.T, e *Emulator) []string {
	t.Helper()
	var out []string
	for _, target := range []string{
		routeGroupsWithDetails + "?pagesize=1000",
		routeUsersWithDetails + "?pagesize=1000",
		routeAPITokens,
		routeProjects + "?pagesize=1000",
		routeProjects + "?deleted=true",
		routeDrivesWithDetails + "?pagesize=1000",
	} {
		a := call(t, e, "GET", target, "")
		if a.status != 200 {
			t.Fatalf("%s: %d %s", target, a.status, a.body)
		}
		out = append(out, string(a.body))
	}
	return out
}

func TestAccessPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "click.db")
	opts := Options{Token: testToken, Seed: "demo", DBPath: path, Deterministic: true}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ada := userNamed(t, e, demoAda)
	grace := userNamed(t, e, demoGrace)
	finance := groupNamed(t, e, "Finance")
	podcast := projectNamed(t, e, "Podcast Season 3")
	vault := driveNamed(t, e, "Legal Vault")
	wantOK(t, call(t, e, "POST", routeUserProjectPerms, fmt.Sprintf(`[{"userId":%q,"projectId":%q,"permissionType":2}]`, ada.ID, podcast.ID)))
	wantOK(t, call(t, e, "POST", routeGroupDrivePerms, fmt.Sprintf(`[{"userGroupId":%q,"sharedCloudDriveId":%q,"permissionType":1}]`, finance.ID, vault.ID)))
	rows, _ := permPage[groupDriveRow](t, e, routeDrivesOfGroup, urlValues("userGroupId", finance.ID))
	wantOK(t, call(t, e, "PUT", routeGroupDrivePerms, fmt.Sprintf(`[{"id":%q,"permissionType":2}]`, rows[0].Permission.ID)))
	direct, _ := permPage[userProjectRow](t, e, routeProjectsOfUser, urlValues("userId", grace.ID))
	wantOK(t, call(t, e, "DELETE", routeUserProjectPerms+"?id="+direct[0].Permission.ID, ""))
	decode[apiTokenJSON](t, call(t, e, "POST", routeInsertAPIToken, `{"title":"kept","expirationDate":"2030-01-01T00:00:00Z"}`))
	gone := decode[apiTokenJSON](t, call(t, e, "POST", routeInsertAPIToken, `{"title":"gone"}`))
	wantOK(t, call(t, e, "DELETE", routeDeleteAPIToken+"?id="+gone.ID, ""))
	jane := decode[apiUser](t, call(t, e, "POST", routeInsertUser, `{"username":"jane@example.com","firstname":"Jane"}`))
	decode[apiUser](t, call(t, e, "PUT", routeEditUser, fmt.Sprintf(`{"id":%q,"lastname":"Doe","userType":32}`, jane.ID)))
	wantOK(t, call(t, e, "DELETE", routeDeleteUser+"?id="+grace.ID, ""))
	want, wantStats := accessSnapshot(t, e), e.Stats()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e2 := newEmu(t, opts)
	got := accessSnapshot(t, e2)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("answer %d after reopening differs:\n%s\nwant\n%s", i, got[i], want[i])
		}
	}
	if e2.Stats() != wantStats {
		t.Errorf("stats %+v, want %+v", e2.Stats(), wantStats)
	}
	// Grace stays deleted, her username free, her memberships hidden.
	wantProblem(t, call(t, e2, "GET", routeProjectsOfUser+"?userId="+grace.ID, ""), codeNotFound)
}

// A file of the earlier format (version 1, no permission buckets) is
// refused with a message naming the versions, not misread.
func TestAccessPersistenceOldFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "click.db")
	db, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaKey), []byte(`{"version":1,"seeded":true,"counters":{"nextId":3,"clock":0}}`))
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{DBPath: path}); err == nil || !strings.Contains(err.Error(), "format version 1, want 2") {
		t.Fatalf("opening a version 1 file: %v", err)
	}
}
