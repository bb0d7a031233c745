package bindings

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// allGrants prints every grant of the groups and users the test touches.
const allGrants = `
local out = {}
for _, g in ipairs{"Design Team", "Executive", "Legal"} do
  for _, on in ipairs{"projects", "drives"} do
    for r in permission.list{group = g, on = on} do
      out[#out + 1] = g .. ">" .. (r.project or r.sharedCloudDrive).name .. "=" .. r.permission.permissionType
    end
  end
end
for r in permission.list{user = "ada.lovelace@example.com", on = "projects"} do out[#out + 1] = "ada>" .. r.project.name .. "=" .. r.permission.permissionType end
print(table.concat(out, ", "))`

func TestUndoRestoresGrantsExactly(t *testing.T) {
	h := newAccessHarness(t, false, true)
	before := h.run(t, allGrants)
	h.run(t, `
permission.sync({group = "Design Team"}, {
  {project = "Brand Refresh", level = "read"}, {project = "Trailer Cut", level = 2}, {drive = "Marketing Assets", level = 1},
}, {max_remove = 2})
permission.set({group = "Executive", project = "Brand Refresh"}, "readwrite")
permission.revoke{group = "Executive", project = "Brand Refresh"}
permission.grant{{group = "Legal", project = "Trailer Cut", level = 1}, {user = "ada.lovelace@example.com", project = "Trailer Cut", level = 2}}
`)
	if after := h.run(t, allGrants); after == before {
		t.Fatal("the changes changed nothing")
	}
	var out bytes.Buffer
	rep, err := Undo(context.Background(), Options{Client: h.client}, h.auditEntries(t), &out)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.run(t, allGrants); got != before {
		t.Errorf("after undo:\n%s\nwant the grants before:\n%s\nundo said:\n%s", got, before, out.String())
	}
	// Revoked again: Design Team's Trailer Cut and Marketing Assets, Legal's
	// Trailer Cut. Granted again: Design Team's Annual Report and Spring
	// Campaign (the sync revoked them), Executive's Brand Refresh. Set
	// back: Design Team's and Executive's Brand Refresh, ada's Trailer Cut
	// (ada read it already: the grant raised the level).
	if rep.GrantsRevoked != 3 || rep.GrantsRestored != 3 || rep.LevelsSetBack != 3 || len(rep.Untouched) != 0 {
		t.Errorf("report %+v\n%s", rep, out.String())
	}
	if !strings.Contains(out.String(), "grant group ") || !strings.Contains(out.String(), "set the grant of group ") {
		t.Errorf("undo output:\n%s", out.String())
	}
	// A second undo finds everything reversed already and sends nothing.
	h.reset()
	rep, err = Undo(context.Background(), Options{Client: h.client}, h.auditEntries(t), &out)
	if err != nil {
		t.Fatal(err)
	}
	if n := h.writes(); n != 0 || len(rep.Untouched) == 0 {
		t.Errorf("second undo: %d writes, report %+v", n, rep)
	}
}
