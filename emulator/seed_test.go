package emulator

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// writeSeed writes a seed file and returns its path.
func writeSeed(t testing.TB, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSeedFile(t *testing.T) {
	path := writeSeed(t, `{
	  "groups": [
	    {"name": "Design Team", "description": "Creative staff"},
	    {"id": "6f1c0d2e-8b1a-4c55-9a57-0c1f3a2b4d5e", "name": "Old Team", "active": false, "deleted": true},
	    {"name": "Dormant", "active": false}
	  ],
	  "users": [
	    {"username": "ada.lovelace@example.com", "firstname": "Ada", "lastname": "Lovelace"},
	    {"username": "grace@example.com", "firstName": "Grace", "status": 2, "userType": 32, "mfa": true},
	    {"username": "local-only"}
	  ],
	  "memberships": [
	    {"username": "ADA.LOVELACE@example.com", "groupName": "design team"},
	    {"username": "grace@example.com", "userGroupId": "6f1c0d2e-8b1a-4c55-9a57-0c1f3a2b4d5e"},
	    {"username": "grace@example.com", "groupName": "Dormant"}
	  ],
	  "projects": [{"name": "Brand Refresh", "groups": [{"groupName": "Design Team", "permissionType": 2}]}],
	  "drives": [{"name": "Media Archive", "storageName": "media", "groups": [{"groupName": "Design Team", "permissionType": 1}]}]
	}`)
	e := newEmu(t, Options{Seed: path, Deterministic: true, Groups: 2, Users: 2, Memberships: 3})
	if s := e.Stats(); s != (Stats{Groups: 4, Users: 5, Memberships: 5}) {
		t.Fatalf("stats %+v", s)
	}
	all := groupsPage(t, e, "")
	if got := names(all.Data); !slices.Equal(got, []string{"Design Team", "Dormant", "Group 0000001", "Group 0000002"}) {
		t.Fatalf("groups %q", got)
	}
	if all.Data[1].Active || !all.Data[0].Active {
		t.Errorf("active flags: %+v", all.Data[:2])
	}
	grace := userNamed(t, e, "grace@example.com")
	if grace.Firstname != "Grace" || grace.Status != userInactive || grace.UserType != 32 || !grace.MFA || grace.Email != "grace@example.com" {
		t.Errorf("grace %+v", grace)
	}
	if lo := userNamed(t, e, "local-only"); lo.Email != "" || lo.Status != userActive || lo.UserType != 64 {
		t.Errorf("local-only %+v", lo)
	}
	if got := groupNames(groupRows(t, e, grace.ID, "").Data); !slices.Equal(got, []string{"Dormant"}) {
		t.Errorf("grace's live groups %q", got)
	}
	d := decode[apiCollection[groupDetailsRow]](t, call(t, e, "GET", routeGroupsWithDetails+"?name=design", ""))
	row := d.Data[0]
	if len(row.UsersData) != 1 || len(row.ProjectsData) != 1 || row.ProjectsData[0].Permission.PermissionType != levelReadWrite ||
		len(row.DrivesData) != 1 || row.DrivesData[0].Permission.PermissionType != levelRead {
		t.Errorf("design details %+v", row)
	}
	if got := usernamesOf(usersPage(t, e, "username=user000&sortfield=Username&descending=false").Data); !slices.Equal(got, []string{"user0000001@example.com", "user0000002@example.com"}) {
		t.Errorf("synthetic users %q", got)
	}
}

func TestSeedFileErrors(t *testing.T) {
	tests := []struct{ name, body, msg string }{
		{"malformed", `{"groups": [`, "unexpected EOF"},
		{"unknown key", `{"grops": []}`, `unknown field "grops"`},
		{"duplicate group", `{"groups": [{"name": "A"}, {"name": "a"}]}`, `groups[1]: name: "a" is taken`},
		{"blank group", `{"groups": [{"name": " "}]}`, "groups[0]: name: required"},
		{"long group", `{"groups": [{"name": "` + strings.Repeat("x", 101) + `"}]}`, "groups[0]: name: at most 100 characters (got 101)"},
		{"bad id", `{"groups": [{"id": "x", "name": "A"}]}`, `groups[0]: id: "x" is not a uuid`},
		{"id twice", `{"groups": [{"id": "6f1c0d2e-8b1a-4c55-9a57-0c1f3a2b4d5e", "name": "A"}], "users": [{"id": "6f1c0d2e-8b1a-4c55-9a57-0c1f3a2b4d5e", "username": "u"}]}`, "users[0]: id: 6f1c0d2e-8b1a-4c55-9a57-0c1f3a2b4d5e is used twice"},
		{"duplicate user", `{"users": [{"username": "U@x"}, {"username": "u@X"}]}`, `users[1]: username: "u@X" is taken`},
		{"no username", `{"users": [{"firstname": "A"}]}`, "users[0]: username: required"},
		{"unknown member user", `{"groups": [{"name": "A"}], "memberships": [{"username": "nobody", "groupName": "A"}]}`, `memberships[0]: username: no user "nobody"`},
		{"unknown member group", `{"users": [{"username": "u"}], "memberships": [{"username": "u", "groupName": "B"}]}`, `memberships[0]: groupName: no user group "B"`},
		{"member twice", `{"groups": [{"name": "A"}], "users": [{"username": "u"}], "memberships": [{"username": "u", "groupName": "A"}, {"username": "U", "groupName": "a"}]}`, `memberships[1]: user "u" is already in group "A"`},
		{"member without group", `{"users": [{"username": "u"}], "memberships": [{"username": "u"}]}`, "memberships[0]: userGroupId or groupName: required"},
		{"grant of unknown group", `{"projects": [{"name": "P", "groups": [{"groupName": "Z"}]}]}`, `projects[0]: groups[0]: groupName: no user group "Z"`},
		{"synthetic clash", `{"groups": [{"name": "Group 0000001"}]}`, `synthetic group "Group 0000001": name is taken`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeSeed(t, tt.body)
			_, err := New(Options{Seed: path, Groups: 1})
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want one containing %q", err, tt.msg)
			}
		})
	}
	if _, err := New(Options{Seed: filepath.Join(t.TempDir(), "missing.json")}); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Fatalf("missing seed file: %v", err)
	}
}

func TestSyntheticDataset(t *testing.T) {
	e := newEmu(t, Options{Deterministic: true, Groups: 1000, Users: 300, Memberships: 2500})
	if s := e.Stats(); s != (Stats{Groups: 1000, Users: 300, Memberships: 2500}) {
		t.Fatalf("stats %+v", s)
	}
	if c := groupsPage(t, e, "page=20&pagesize=50&descending=true"); c.Data[49].Name != "Group 0000001" {
		t.Errorf("last group %q", c.Data[49].Name)
	}
	u := userNamed(t, e, "user0000007@example.com")
	if n := groupRows(t, e, u.ID, "").Total; n < 8 || n > 9 {
		t.Errorf("user 7 is in %d groups, want 2500/300 rounded", n)
	}
	if _, err := New(Options{Groups: 2, Users: 2, Memberships: 5}); err == nil || !strings.Contains(err.Error(), "make only 4 pairs") {
		t.Errorf("too many memberships: %v", err)
	}
	if _, err := New(Options{Groups: -1}); err == nil {
		t.Errorf("negative size accepted")
	}
	// Memberships over seeded users and groups when no synthetic ones are asked for.
	d := newEmu(t, Options{Seed: "demo", Memberships: 50})
	if got := d.Stats().Memberships - demoEmu(t).Stats().Memberships; got < 40 || got > 50 {
		t.Errorf("%d synthetic memberships over the demo data, want about 50", got)
	}
}

func TestDemoSeedShape(t *testing.T) {
	e := demoEmu(t)
	e.mu.RLock()
	defer e.mu.RUnlock()
	var inactive, deleted, empty int
	for _, g := range e.st.groups {
		switch {
		case g.deleted:
			deleted++
		case !g.active:
			inactive++
		}
		if !g.deleted && (e.st.byGroup[g.id] == nil || e.st.byGroup[g.id].len() == 0) {
			empty++
		}
	}
	if n := len(e.st.groups); n < 38 || n > 45 || deleted != 2 || inactive < 3 || empty != 2 {
		t.Errorf("groups %d, inactive %d, deleted %d, empty %d", n, inactive, deleted, empty)
	}
	if n := len(e.st.users); n != 300 {
		t.Errorf("%d users", n)
	}
	for id, ms := range e.st.byUser {
		if len(ms) < 1 || len(ms) > 4 {
			t.Errorf("user %s in %d groups", id, len(ms))
		}
	}
	if len(e.st.byUser) != len(e.st.users) {
		t.Errorf("%d of %d users are in a group", len(e.st.byUser), len(e.st.users))
	}
	if len(e.st.projects) != 11 || len(e.st.drives) != 6 { // one project is soft-deleted
		t.Errorf("%d projects, %d drives", len(e.st.projects), len(e.st.drives))
	}
}

func TestDeterministicRunsAreEqual(t *testing.T) {
	run := func() []string {
		e := demoEmu(t)
		call(t, e, "POST", routeInsertGroup, `{"name":"Stable"}`)
		return snapshot(t, e)
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatal("two deterministic runs differ")
	}
	if !strings.Contains(a[0], `"id":"00000000-0000-4000-8000-000000000001"`) {
		t.Errorf("first id is not counter 1: %.200s", a[0])
	}
}

func TestRandomIDs(t *testing.T) {
	e := newEmu(t, Options{Seed: "demo"})
	g := decode[apiGroup](t, call(t, e, "POST", routeInsertGroup, `{"name":"Random"}`))
	id := parseUUID(t, g.ID)
	if id.Version() != 4 || id.Variant() != uuid.RFC4122 || strings.HasPrefix(g.ID, "00000000-0000") {
		t.Errorf("id %s is not a random v4 uuid", g.ID)
	}
	u := userNamed(t, e, "ada.lovelace@example.com")
	if strings.HasPrefix(u.CreateDate, "2026-01-01T00:0") {
		t.Errorf("non-deterministic createDate %s looks like the fixed clock", u.CreateDate)
	}
}
