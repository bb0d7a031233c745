package bindings

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clickscript/clickscript/emulator"
)

// TestMembersOf: usergroup.members_of yields the members of every group
// given, group after group, exactly as a members loop per group does,
// while reading the groups side by side at the emulator (issue 16).
func TestMembersOf(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "none", Groups: 12, Users: 300, Memberships: 600, CountRequests: true,
		Faults: emulator.Faults{Latency: 1, LatencyDelay: 5 * time.Millisecond}}, false)
	// One page per group: only reading groups side by side puts more than
	// one request in flight.
	if got := h.run(t, `local n = 0
for m in usergroup.members_of(usergroup.list{}:all(), {pagesize = 50}) do n = n + 1 end
print(n)`); got != "600\n" {
		t.Fatalf("members_of yielded %q, want 600", got)
	}
	if c := h.em.Requests(); c.Peak < 2 || c.Peak > 4 {
		t.Errorf("peak %d requests in flight, want the groups read side by side within the client's 4", c.Peak)
	}
	loop := h.run(t, `for g in usergroup.list{} do
  for m in usergroup.members(g, {pagesize = 20}) do print(g.id, m.userGroup.id, m.user.username) end
end`)
	before := h.em.Requests()
	fan := h.run(t, `for m in usergroup.members_of(usergroup.list{}:all(), {pagesize = 20}) do
  print(m.userGroup.id, m.userGroup.id, m.user.username)
end`)
	if strings.Count(loop, "\n") != 600 || fan != loop {
		t.Fatalf("members_of yielded %d rows, a loop per group %d, or in another order", strings.Count(fan, "\n"), strings.Count(loop, "\n"))
	}
	c := h.em.Requests().Sub(before)
	// 12 groups of 50 members, pages of 20: 3 pages each, and the list.
	if n := c.ByRoute["GET /usergroup/get_assigned_users"]; n != 36 {
		t.Errorf("%d member pages read, want 36", n)
	}
	if c.Peak > 4 {
		t.Errorf("peak %d requests in flight, over the client's 4", c.Peak)
	}
	if got := h.run(t, `print(usergroup.members_of(usergroup.list{}:all()):count())`); got != "600\n" {
		t.Errorf("count = %q, want 600", got)
	}
	if got := h.run(t, `print(usergroup.members_of({}):first(), #usergroup.members_of({}):all())`); got != "nil\t0\n" {
		t.Errorf("no groups: %q", got)
	}
	msg := h.fail(t, `usergroup.members_of({"nope"})`)
	if !strings.Contains(msg, "usergroup.members_of") || !strings.Contains(msg, "item 1") {
		t.Errorf("bad id: %q", msg)
	}
}

// TestMembersOfBreakAfterFirst: a loop left after the first member has
// read the first group alone and has nothing in flight; the run's end
// (CloseIterators) stops one left later.
func TestMembersOfBreakAfterFirst(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "none", Groups: 12, Users: 300, Memberships: 600, CountRequests: true,
		Faults: emulator.Faults{Latency: 1, LatencyDelay: 5 * time.Millisecond}}, false)
	h.run(t, `groups = usergroup.list{}:all()`)
	before := h.em.Requests()
	h.run(t, `for m in usergroup.members_of(groups, {pagesize = 20}) do break end
for u in user.list{} do end`)
	c := h.em.Requests().Sub(before)
	if n := c.ByRoute["GET /usergroup/get_assigned_users"]; n != 3 {
		t.Errorf("%d member pages read after a break at the first member, want 3 (the first group's)", n)
	}
	if n := CloseIterators(h.L); n != 1 {
		t.Errorf("CloseIterators stopped %d walks, want the one left by break", n)
	}
	h.run(t, `local it = usergroup.members_of(groups, {pagesize = 20}); it(); it()`)
	if n := CloseIterators(h.L); n != 1 {
		t.Errorf("CloseIterators stopped %d walks, want 1", n)
	}
}

// TestResolutionReadsGroupsAndUsersSideBySide: before a bulk write, the
// listing of the users starts while that of the groups is in flight
// (issue 16 item 3), counted at the server.
func TestResolutionReadsGroupsAndUsersSideBySide(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo", Faults: emulator.Faults{Latency: 1, LatencyDelay: 20 * time.Millisecond}}, false)
	var mu sync.Mutex
	inFlight := map[string]int{}
	overlap := false
	h.intercept = func(w http.ResponseWriter, r *http.Request, _ int) bool {
		mu.Lock()
		inFlight[r.URL.Path]++
		if inFlight["/usergroup/get_all"] > 0 && inFlight["/user/get_all_users"] > 0 {
			overlap = true
		}
		mu.Unlock()
		h.em.ServeHTTP(w, r)
		mu.Lock()
		inFlight[r.URL.Path]--
		mu.Unlock()
		return true
	}
	h.run(t, `usergroup.import({{user = {username = "new.person@example.com", firstName = "New", lastName = "Person"}, userGroups = {{name = "Design Team"}}}})`)
	if n := h.count("GET /user/get_all_users"); n == 0 {
		t.Fatal("the import read no users")
	}
	mu.Lock()
	defer mu.Unlock()
	if !overlap {
		t.Error("the groups and the users were listed one after the other")
	}
}
