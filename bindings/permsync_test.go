package bindings

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Design Team starts with readwrite on Annual Report, Brand Refresh and
// Spring Campaign 2026, and no drive (emulator/demo.go).
const designProjects = `
local out = {}
for r in permission.list{group = "Design Team", on = "projects"} do out[#out + 1] = r.project.name .. "=" .. r.permission.permissionType end
for r in permission.list{group = "Design Team", on = "drives"} do out[#out + 1] = r.sharedCloudDrive.name .. "=" .. r.permission.permissionType end
print(table.concat(out, ", "))`

const designSync = `
r = permission.sync({group = "Design Team"}, {
  {project = "Brand Refresh", level = "readwrite"},   -- as it is
  {project = "Annual Report", level = "read"},        -- 2 -> 1
  {project = "Trailer Cut", level = 2},                -- new
  {drive = "Marketing Assets", level = "read"},       -- new
}, OPTS)
print(r.added, r.changed, r.removed, r.unchanged, r.dry_run)`

func TestPermissionSyncIsExact(t *testing.T) {
	h := newAccessHarness(t, false, true)
	h.want(t, strings.Replace(designSync, "OPTS", "{max_remove = 1}", 1), "2\t1\t1\t1\tfalse\n")
	h.want(t, designProjects, "Annual Report=1, Brand Refresh=2, Trailer Cut=2, Marketing Assets=1\n")
	// The audit log has every change with the level before.
	var changes []string
	for _, e := range h.auditEntries(t) {
		for _, p := range e.Permissions {
			changes = append(changes, fmt.Sprintf("%s %s %d->%d", e.Op, p.Object, p.PrevLevel, p.Level))
		}
	}
	slices.Sort(changes)
	want := []string{"permission.sync drive 0->1", "permission.sync project 0->2", "permission.sync project 2->0", "permission.sync project 2->1"}
	if !slices.Equal(changes, want) {
		t.Errorf("audit %q, want %q", changes, want)
	}
	// Again: nothing to do, nothing sent.
	h.reset()
	h.want(t, strings.Replace(designSync, "OPTS", "nil", 1), "0\t0\t0\t4\tfalse\n")
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes on a re-run", n)
	}
}

func TestPermissionSyncGuardsAndScope(t *testing.T) {
	h := newAccessHarness(t, false, false)
	// One removal (Spring Campaign) against max_remove 0: refused before any write.
	msg := h.fail(t, strings.Replace(designSync, "OPTS", "{max_remove = 0}", 1))
	if !strings.Contains(msg, "permission.sync: would revoke 1 of the 3 grants of group ") || !strings.Contains(msg, "over max_remove (0); nothing was changed") {
		t.Errorf("guard: %s", msg)
	}
	if msg := h.fail(t, strings.Replace(designSync, "OPTS", `{max_remove = "10%"}`, 1)); !strings.Contains(msg, "over max_remove (0)") {
		t.Errorf("percentage guard: %s", msg)
	}
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes after a refused sync", n)
	}
	// add_only keeps Spring Campaign; on = "projects" leaves drives alone.
	h.want(t, `
local r = permission.sync({group = "Design Team"}, {{project = "Trailer Cut", level = 1}}, {add_only = true, max_remove = 0})
print(r.added, r.removed)
r = permission.sync({group = "Legal"}, {{project = "Annual Report", level = 1}}, {on = "projects"})
print(r.added, r.removed, r.unchanged)`, "1\t0\n0\t0\t1\n")
	h.want(t, designProjects, "Annual Report=2, Brand Refresh=2, Spring Campaign 2026=2, Trailer Cut=1\n")
	h.want(t, `for r in permission.list{group = "Legal", on = "drives"} do print(r.sharedCloudDrive.name) end`, "Finance Docs\nLegal Vault\n")
	// remove_only revokes what is not desired and adds nothing.
	h.want(t, `
local r = permission.sync({group = "Legal"}, {{drive = "Legal Vault", level = 1}}, {on = "drives", remove_only = true})
print(r.added, r.changed, r.removed)`, "0\t0\t1\n")
	h.want(t, `for r in permission.list{group = "Legal", on = "drives"} do print(r.sharedCloudDrive.name, r.permission.permissionType) end`, "Legal Vault\t2\n")

	for src, want := range map[string]string{
		`permission.sync({}, {})`: "permission.sync: bad argument #1 (give {group=} or {user=})",
		`permission.sync({group = "Legal", user = "ada.lovelace@example.com"}, {})`:                                            "give one of group= or user=, not both",
		`permission.sync({group = "Legal"}, {{drive = "Legal Vault", level = 1}}, {on = "projects"})`:                          `desired[1]: drive= is outside this sync (on="projects")`,
		`permission.sync({group = "Legal"}, {{project = "Annual Report", level = 1}, {project = "annual report", level = 2}})`: "desired[2]: the same project as desired[1]",
		`permission.sync({group = "Legal"}, {{level = 1}})`:                                                                    "desired[1]: give one of project= or drive=",
		`permission.sync({group = "Legal"}, {}, {add_only = true, remove_only = true})`:                                        `options "add_only" and "remove_only" exclude each other`,
	} {
		if got := h.fail(t, src); !strings.Contains(got, want) {
			t.Errorf("%s:\n\tgot  %s\n\twant %s", src, got, want)
		}
	}
}

func TestPermissionSyncDryRun(t *testing.T) {
	h := newAccessHarness(t, true, false)
	h.want(t, strings.Replace(designSync, "OPTS", "nil", 1), "2\t1\t1\t1\ttrue\n")
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes under dry run", n)
	}
	h.want(t, designProjects, "Annual Report=2, Brand Refresh=2, Spring Campaign 2026=2\n")
	for _, want := range []string{"msg=plan op=permission.sync", "add=2 change=1 revoke=1 unchanged=1", `msg="  - revoke"`, `msg="  ~ level"`} {
		if !strings.Contains(h.logs.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, h.logs.String())
		}
	}
}
