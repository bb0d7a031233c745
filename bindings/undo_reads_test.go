package bindings

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// TestUndoReadsGroupsSideBySide: undo reads the members of every group
// it touches up to --concurrency at once, counted at the emulator, and
// then reverses every step (issue 16 item 3).
func TestUndoReadsGroupsSideBySide(t *testing.T) {
	em, err := emulator.New(emulator.Options{Seed: "none", Groups: 8, Users: 80, Memberships: 80, Token: "tok-undo-reads", CountRequests: true,
		Faults: emulator.Faults{Latency: 1, LatencyDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(em)
	t.Cleanup(func() { srv.Close(); em.Close() })
	client, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: "tok-undo-reads", Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	// One membership of each group, recorded as added by a run.
	var added []audit.Pair
	groups, err := client.UserGroups(context.Background(), clickapi.ListOptions{}).All()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		page, err := client.ListAssignedUsers(context.Background(), g.ID, clickapi.ListOptions{PageSize: 1})
		if err != nil || len(page.Data) != 1 {
			t.Fatalf("group %s: %v", g.Name, err)
		}
		d := page.Data[0]
		added = append(added, audit.Pair{ID: d.UserUserGroup.ID, UserID: d.User.ID, Username: d.User.Username, UserGroupID: g.ID, GroupName: g.Name})
	}
	before := em.Requests()
	var out bytes.Buffer
	rep, err := Undo(context.Background(), Options{Client: client, Concurrency: 4},
		[]audit.Entry{{Op: "usergroup.import", Endpoint: "/usergroup/import_users", Status: 200, Added: added}}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unassigned != 8 {
		t.Fatalf("report %+v\n%s", rep, out.String())
	}
	c := em.Requests().Sub(before)
	if n := c.ByRoute["GET /usergroup/get_assigned_users"]; n != 8 {
		t.Errorf("%d member reads, want one per group", n)
	}
	// The unassigns go one at a time, in order: only the reads overlap.
	if c.Peak < 2 || c.Peak > 4 {
		t.Errorf("peak %d requests in flight, want the groups read side by side within 4", c.Peak)
	}
}
