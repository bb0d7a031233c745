package bindings

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/audit"
)

// The demo seed's grants these tests read (emulator/demo.go): Design Team
// has readwrite on Annual Report, Brand Refresh and Spring Campaign 2026;
// Brand Refresh is reached by Brand Studio (2), Design Team (2), Executive
// (1) and directly by ada.lovelace (2); grace.hopper reads Media Archive;
// Finance Docs is reached by Executive (1), Finance (2), Legal (1) and
// directly by admin@example.com (2).

func TestPermissionListBothDirections(t *testing.T) {
	h := newAccessHarness(t, false, false)
	h.want(t, `
for r in permission.list{group = "Design Team", on = "projects"} do print(r.userGroup.name, r.project.name, r.permission.permissionType) end
for r in permission.list{project = "brand refresh", of = "groups"} do print(r.project.name, r.userGroup.name, r.permission.permissionType) end
for r in permission.list{project = "Brand Refresh", of = "users"} do print(r.user.username, r.permission.permissionType, r.permission.userId == r.user.id) end
for r in permission.list{user = "ada.lovelace@example.com", on = "project"} do print(r.project.name, r.permission.permissionType) end
for r in permission.list{user = "grace.hopper@example.com", on = "drives"} do print(r.sharedClouDrive.name, r.permission.permissionType) end
for r in permission.list{drive = "Finance Docs", of = "groups"} do print(r.sharedCloudDrive.name, r.userGroup.name, r.permission.permissionType) end
for r in permission.list{drive = "Finance Docs", of = "users"} do print(r.user.username, r.sharedClouDrive.name) end
for r in permission.list{group = "Legal", on = "drives", name = "VAULT"} do print(r.sharedCloudDrive.name, r.permission.permissionType) end
`, `Design Team	Annual Report	2
Design Team	Brand Refresh	2
Design Team	Spring Campaign 2026	2
Brand Refresh	Brand Studio	2
Brand Refresh	Design Team	2
Brand Refresh	Executive	1
ada.lovelace@example.com	2	true
Brand Refresh	2
Trailer Cut	1
Media Archive	1
Finance Docs	Executive	1
Finance Docs	Finance	2
Finance Docs	Legal	1
admin@example.com	Finance Docs
Legal Vault	2
`)
	// Lazily paged: one request per page, and count is one small request.
	h.reset()
	const route = "GET /userspermission/get_usergroups_assigned_to_project"
	h.want(t, `
local n = 0
for r in permission.list{project = "Feature Film: Harbor", of = "groups", pagesize = 1} do n = n + 1 end
print(n, permission.list{project = "Feature Film: Harbor", of = "groups"}:count())`, "4\t4\n")
	if got := h.count(route); got != 5 {
		t.Errorf("%d requests of %s, want 4 pages and 1 count", got, route)
	}
	// A table from a listing, or an id, names the end as well as a name.
	h.want(t, `
local g = usergroup.find("Executive")
print(#permission.list{group = g, on = "drives"}:all(), #permission.list{group = g.id, on = "drives"}:all())`, "1\t1\n")
}

func TestPermissionListBadQueries(t *testing.T) {
	h := newAccessHarness(t, false, false)
	for src, want := range map[string]string{
		`permission.list{group = "Design Team", user = "x@y.z", on = "projects"}`: "give one of group=, user=, project= or drive=, not group= and user=",
		`permission.list{on = "projects"}`:                                        "give one of group=, user=, project= or drive=",
		`permission.list{group = "Design Team"}`:                                  `field "on" is required`,
		`permission.list{group = "Design Team", on = "users"}`:                    `field "on": "users": want "projects" or "drives"`,
		`permission.list{project = "Trailer Cut", on = "groups"}`:                 `with project=, say of="groups" or of="users"`,
		`permission.list{project = "Trailer Cut", of = "users", name = "ada"}`:    `field "name": this listing filters by username=`,
		`permission.list{group = "No Such Group", on = "projects"}`:               `field "group": no group named "No Such Group"`,
		`permission.list{drive = 42, of = "groups"}`:                              `field "drive": a drive id, name or table expected, got number`,
		`permission.list{group = "Design Team", on = "projects", colour = 1}`:     `unknown field "colour"`,
	} {
		if got := h.fail(t, src); !strings.Contains(got, "permission.list: "+want) {
			t.Errorf("%s:\n\tgot  %s\n\twant %s", src, got, want)
		}
	}
}

func TestPermissionGrantAddsAndChangesOnly(t *testing.T) {
	h := newAccessHarness(t, false, true)
	h.want(t, `
local r = permission.grant{
  {group = "Design Team", project = "Brand Refresh", level = "read"},          -- 2 -> 1
  {group = "Design Team", project = "Trailer Cut", level = "readwrite"},       -- new
  {group = "Design Team", project = "Annual Report", level = 2},               -- as it is
  {user = "ada.lovelace@example.com", drive = "Media Archive", level = "READ"}, -- new
  {user = user.find("grace.hopper@example.com"), drive = drive.find("Media Archive"), level = 2}, -- 1 -> 2
}
print(r.items, r.added, r.changed, r.unchanged, r.batches, r.dry_run)
for r in permission.list{group = "Design Team", on = "projects"} do print(r.project.name, r.permission.permissionType) end
for r in permission.list{drive = "Media Archive", of = "users"} do print(r.user.username, r.permission.permissionType) end
`, `5	2	2	1	4	false
Annual Report	2
Brand Refresh	1
Spring Campaign 2026	2
Trailer Cut	2
ada.lovelace@example.com	1
grace.hopper@example.com	2
`)
	for _, route := range []string{"POST /userspermission/usergroups_project_permission", "PUT /userspermission/usergroups_project_permission",
		"POST /userspermission/users_sharedclouddrive_permision", "PUT /userspermission/users_sharedclouddrive_permision"} {
		if n := h.count(route); n != 1 {
			t.Errorf("%d requests %s, want 1", n, route)
		}
	}
	if b := h.body("POST /userspermission/usergroups_project_permission", 0); strings.Contains(b, `"id"`) || !strings.Contains(b, `"permissionType":2`) {
		t.Errorf("grant body %s: want a record without id at level 2", b)
	}
	if b := h.body("PUT /userspermission/usergroups_project_permission", 0); !strings.Contains(b, `"id":"`) || !strings.Contains(b, `"permissionType":1`) {
		t.Errorf("level change body %s: want the record with its id at level 1", b)
	}

	// The audit log has each change with the level before.
	var changes []string
	for _, e := range h.auditEntries(t) {
		for _, p := range e.Permissions {
			changes = append(changes, fmt.Sprintf("%s %s-%s %d->%d", e.Endpoint, p.Subject, p.Object, p.PrevLevel, p.Level))
			if p.SubjectID == "" || p.ObjectID == "" {
				t.Errorf("audit change without ids: %+v", p)
			}
		}
	}
	want := []string{
		"POST /userspermission/usergroups_project_permission group-project 0->2",
		"PUT /userspermission/usergroups_project_permission group-project 2->1",
		"POST /userspermission/users_sharedclouddrive_permision user-drive 0->1",
		"PUT /userspermission/users_sharedclouddrive_permision user-drive 1->2",
	}
	if !slices.Equal(changes, want) {
		t.Errorf("audit changes\n%q\nwant\n%q", changes, want)
	}

	// Run again: everything is as asked, nothing is sent.
	h.reset()
	h.want(t, `
local r = permission.grant{
  {group = "Design Team", project = "Brand Refresh", level = "read"},
  {group = "Design Team", project = "Trailer Cut", level = "readwrite"},
  {user = "ada.lovelace@example.com", drive = "Media Archive", level = 1},
}
print(r.items, r.added, r.changed, r.unchanged, r.batches)`, "3\t0\t0\t3\t0\n")
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes on a re-run, want 0", n)
	}

	// Batches of at most BatchSize (2) records.
	h.reset()
	h.want(t, `
local r = permission.grant{
  {group = "Executive", project = "Trailer Cut", level = 1},
  {group = "Executive", project = "Podcast Season 3", level = 1},
  {group = "Executive", project = "Training Library", level = 1},
}
print(r.added, r.batches)`, "3\t2\n")
	if n := h.count("POST /userspermission/usergroups_project_permission"); n != 2 {
		t.Errorf("%d grant requests for 3 records in batches of 2", n)
	}
}

func TestPermissionGrantCheckedWhole(t *testing.T) {
	h := newAccessHarness(t, false, false)
	msg := h.fail(t, `permission.grant{
  {group = "Design Team", project = "Trailer Cut", level = "readwrite"},
  {group = "Design Team", project = "Trailer Cut", level = "read"},
  {group = "Design Team", level = "read"},
  {group = "Design Team", user = "ada.lovelace@example.com", project = "Trailer Cut", level = 1},
  {group = "Design Team", project = "Trailer Cut", level = "write"},
  {group = "Design Team", project = "Trailer Cut", level = 3},
  {group = "Design Team", project = "Trailer Cut", colour = "red", level = 1},
  "Design Team",
}`)
	for _, want := range []string{
		"permission.grant: 7 bad grants; nothing was sent:",
		"item 2: the same group-project pair as item 1",
		"item 3: give one of project= or drive=",
		"item 4: give one of group= or user=",
		`item 5: level: permission level "write": want "read" (1) or "readwrite" (2)`,
		`item 6: level: 3: want "read" (1) or "readwrite" (2)`,
		`item 7: unknown field "colour"`,
		"item 8: table {group=|user=, project=|drive=, level=} expected, got string",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if got := h.fail(t, `permission.grant{{group = "Design Team", project = "No Such Project", level = 1}}`); !strings.Contains(got, `item 1: project: no project named "No Such Project"`) {
		t.Errorf("unknown project: %s", got)
	}
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes for bad input, want 0", n)
	}
}

func TestPermissionDryRun(t *testing.T) {
	h := newAccessHarness(t, true, false)
	h.want(t, `
local r = permission.grant{
  {group = "Design Team", project = "Brand Refresh", level = "read"},
  {group = "Design Team", project = "Trailer Cut", level = "readwrite"},
}
print(r.added, r.changed, r.unchanged, r.batches, r.dry_run)
print(permission.set({group = "Executive", project = "Brand Refresh"}, "readwrite").permissionType)
print(permission.revoke{group = "Executive", project = "Brand Refresh"})
for r in permission.list{project = "Brand Refresh", of = "groups"} do print(r.userGroup.name, r.permission.permissionType) end
`, `1	1	0	2	true
2
true
Brand Studio	2
Design Team	2
Executive	1
`)
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes under dry run", n)
	}
	logs := h.logs.String()
	for _, want := range []string{"msg=plan op=permission.grant add=1 change=1 unchanged=0", `msg="  + grant"`, `msg="  ~ level"`,
		`msg="dry run: not sent" op=permission.grant endpoint="POST /userspermission/usergroups_project_permission" items=1`,
		`msg="dry run: not sent" op=permission.revoke endpoint="DELETE /userspermission/usergroups_project_permission" items=1`} {
		if !strings.Contains(logs, want) {
			t.Errorf("dry-run log lacks %q:\n%s", want, logs)
		}
	}
}

func TestPermissionSetAndRevoke(t *testing.T) {
	h := newAccessHarness(t, false, true)
	h.want(t, `
local row = permission.list{group = "Executive", on = "projects"}:first()
print(row.project.name, row.permission.permissionType)
print(permission.set(row, "readwrite").permissionType)
print(permission.set({group = "Executive", project = "Brand Refresh"}, 2).permissionType)
print(permission.revoke(row.permission))
print(permission.revoke{group = "Executive", project = "Brand Refresh"})
print(permission.list{group = "Executive", on = "projects"}:count())
local ok, err = pcall(permission.set, {group = "Executive", project = "Brand Refresh"}, 1)
print(ok, err:match("permission%.set: .*"))
`, `Brand Refresh	1
2
2
true
false
0
false	permission.set: no such grant to change: give the level with permission.grant
`)
	if n := h.count("PUT /userspermission/usergroups_project_permission"); n != 1 {
		t.Errorf("%d level changes sent, want 1 (the second set found the level right)", n)
	}
	if n := h.count("DELETE /userspermission/usergroups_project_permission"); n != 1 {
		t.Errorf("%d revokes sent, want 1", n)
	}
	var got []audit.PermissionChange
	for _, e := range h.auditEntries(t) {
		got = append(got, e.Permissions...)
	}
	if len(got) != 2 || got[0].PrevLevel != 1 || got[0].Level != 2 || got[1].PrevLevel != 2 || got[1].Level != 0 || got[1].ID == "" {
		t.Errorf("audit changes %+v: want 1->2 then 2->revoked (the level really had, not the stale row's)", got)
	}
}
