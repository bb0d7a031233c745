package emulator

import (
	"strings"
	"testing"
)

func TestSeedFileAccess(t *testing.T) {
	path := writeSeed(t, `{
	  "groups": [{"name": "Design Team"}],
	  "users": [{"username": "owner@example.com", "owner": true}, {"username": "grace@example.com"}],
	  "projects": [
	    {"id": "11111111-1111-1111-1111-111111111111", "name": "Brand Refresh",
	     "groups": [{"groupName": "design team", "permissionType": 2}],
	     "users": [{"username": "GRACE@example.com", "permissionType": 1}]},
	    {"name": "Shelved", "active": false, "deleted": true}
	  ],
	  "drives": [{"name": "Media", "storageName": "media-bucket", "syncType": 1, "allowDelete": true,
	     "users": [{"username": "grace@example.com", "permissionType": 2}]}]
	}`)
	e := newEmu(t, Options{Seed: path, Deterministic: true})
	grace := userNamed(t, e, "grace@example.com")
	rows, _ := permPage[userProjectRow](t, e, routeProjectsOfUser, urlValues("userId", grace.ID))
	if len(rows) != 1 || rows[0].Project.ID != "11111111-1111-1111-1111-111111111111" || rows[0].Permission.PermissionType != levelRead {
		t.Fatalf("grace's projects %+v", rows)
	}
	groups, _ := permPage[groupProjectRow](t, e, routeGroupsOfProject, urlValues("projectId", rows[0].Project.ID))
	if len(groups) != 1 || groups[0].UserGroup.Name != "Design Team" || groups[0].Permission.PermissionType != levelReadWrite {
		t.Fatalf("the project's groups %+v", groups)
	}
	media := driveNamed(t, e, "Media")
	owner := userNamed(t, e, "owner@example.com")
	if media.CreatorUserID != owner.ID || media.SyncType != 1 || media.DriveType != defaultDriveType || !media.AllowDelete || media.StorageName != "media-bucket" {
		t.Fatalf("drive %+v", media)
	}
	if a := call(t, e, "GET", routeProjects+"?deleted=true", ""); !strings.Contains(string(a.body), `"name":"Shelved","description":"","active":false,"deleted":true`) {
		t.Fatalf("deleted project: %s", a.body)
	}
}

func TestSeedFileAccessErrors(t *testing.T) {
	for _, tc := range []struct{ name, body, msg string }{
		{"level", `{"groups": [{"name": "A"}], "projects": [{"name": "P", "groups": [{"groupName": "A", "permissionType": 3}]}]}`,
			"projects[0]: groups[0]: permissionType: 3 is not 1 (Read) or 2 (ReadWrite)"},
		{"no level", `{"users": [{"username": "u"}], "drives": [{"name": "D", "users": [{"username": "u"}]}]}`,
			"drives[0]: users[0]: permissionType: 0 is not 1"},
		{"twice", `{"users": [{"username": "u"}], "drives": [{"name": "D", "users": [{"username": "u", "permissionType": 1}, {"username": "U", "permissionType": 2}]}]}`,
			"drives[0]: users[1]: the pair already has user-shared cloud drive permission"},
		{"unknown user", `{"projects": [{"name": "P", "users": [{"username": "nobody", "permissionType": 1}]}]}`,
			`projects[0]: users[0]: username: no user "nobody"`},
		{"long drive name", `{"drives": [{"name": "` + strings.Repeat("d", 51) + `"}]}`, "drives[0]: name: at most 50 characters"},
		{"blank project", `{"projects": [{"name": " "}]}`, "projects[0]: name: required"},
		{"old grant keys", `{"groups": [{"name": "A"}], "projects": [{"name": "P", "groups": [{"groupName": "A", "read": true}]}]}`, `unknown field "read"`},
		{"bad cloud account", `{"drives": [{"name": "D", "cloudAccountId": "x"}]}`, `drives[0]: cloudAccountId: "x" is not a uuid`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(Options{Seed: writeSeed(t, tc.body)})
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want %q", err, tc.msg)
			}
		})
	}
}
