package bindings

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
	"github.com/clickscript/clickscript/stdlib"
)

// harness is a Lua state wired to an emulator that counts requests.
type harness struct {
	L    *lua.LState
	out  *bytes.Buffer
	logs *bytes.Buffer
	mu   sync.Mutex
	reqs map[string]int // "GET /usergroup/get_all" -> count
	url  string
	em   *emulator.Emulator
	// intercept, if set, sees each request first (with its count so far,
	// itself included) and answers it instead of the emulator when it
	// returns true.
	intercept func(w http.ResponseWriter, r *http.Request, n int) bool
}

func (h *harness) count(endpoint string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reqs[endpoint]
}

func (h *harness) writes() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for k, v := range h.reqs {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

func (h *harness) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reqs = map[string]int{}
	h.out.Reset()
}

func newHarness(t *testing.T, emOpts emulator.Options, dryRun bool) *harness {
	t.Helper()
	return newHarnessWith(t, emOpts, Options{DryRun: dryRun, Concurrency: 3, BatchSize: 7})
}

// newHarnessWith is newHarness with the modules' options opts (the client
// and the logger are the harness's).
func newHarnessWith(t *testing.T, emOpts emulator.Options, opts Options) *harness {
	t.Helper()
	emOpts.Deterministic = true
	emOpts.Token = "tok-bindings-test"
	em, err := emulator.New(emOpts)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{out: &bytes.Buffer{}, logs: &bytes.Buffer{}, reqs: map[string]int{}, em: em}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.reqs[r.Method+" "+r.URL.Path]++
		n, intercept := h.reqs[r.Method+" "+r.URL.Path], h.intercept
		h.mu.Unlock()
		if intercept != nil && intercept(w, r, n) {
			return
		}
		em.ServeHTTP(w, r)
	}))
	h.url = srv.URL
	client, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: em.Token()})
	if err != nil {
		t.Fatal(err)
	}
	L := lua.NewState()
	L.SetContext(context.Background())
	logger := slog.New(slog.NewTextHandler(h.logs, nil))
	stdlib.Open(L, stdlib.Options{Logger: logger})
	opts.Client, opts.Logger = client, logger
	Open(L, opts)
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		var parts []string
		for i := 1; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		fmt.Fprintln(h.out, strings.Join(parts, "\t"))
		return 0
	}))
	h.L = L
	t.Cleanup(func() { L.Close(); srv.Close(); em.Close() })
	return h
}

func (h *harness) run(t *testing.T, src string) string {
	t.Helper()
	h.out.Reset()
	if err := h.L.DoString(src); err != nil {
		t.Fatalf("script failed: %v\n%s", err, src)
	}
	return h.out.String()
}

func (h *harness) fail(t *testing.T, src string) string {
	t.Helper()
	err := h.L.DoString(src)
	if err == nil {
		t.Fatalf("script succeeded, want an error:\n%s", src)
	}
	if ae, ok := err.(*lua.ApiError); ok {
		return h.L.ToStringMeta(ae.Object).String()
	}
	return err.Error()
}

func TestListSeesEveryGroupOnce(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "none", Groups: 1000}, false)
	out := h.run(t, `
local seen, n = {}, 0
for g in usergroup.list{pagesize = 50} do
  assert(not seen[g.id], "seen twice: " .. g.name)
  seen[g.id] = true
  n = n + 1
end
print(n)`)
	if out != "1000\n" {
		t.Fatalf("saw %q groups", out)
	}
	if got := h.count("GET /usergroup/get_all"); got != 20 {
		t.Errorf("%d list requests, want 20", got)
	}
	h.reset()
	out = h.run(t, `local it = usergroup.list{} print(it:count())`)
	if out != "1000\n" || h.count("GET /usergroup/get_all") != 1 {
		t.Errorf("count: %q after %d requests, want 1000 after 1", out, h.count("GET /usergroup/get_all"))
	}
	h.reset()
	out = h.run(t, `local g = usergroup.list{sortfield = "Name", descending = true}:first() print(g.name)`)
	if out != "Group 0001000\n" || h.count("GET /usergroup/get_all") != 1 {
		t.Errorf("first: %q after %d requests, want 1", out, h.count("GET /usergroup/get_all"))
	}
	h.reset()
	out = h.run(t, `print(#usergroup.list{name = "group 00001", pagesize = 3}:all())`)
	if out != "100\n" { // Group 0000100 .. Group 0000199
		t.Errorf("all with filter: %q", out)
	}
}

func TestDefaultPageSize(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "none", Groups: 1000}, false)
	client, _ := clickapi.New(clickapi.Options{BaseURL: h.url, Token: "tok-bindings-test"})
	L := lua.NewState()
	defer L.Close()
	L.SetContext(context.Background())
	Open(L, Options{Client: client, PageSize: 200})
	if err := L.DoString(`assert(#usergroup.list{}:all() == 1000) assert(#usergroup.list{pagesize = 500}:all() == 1000)`); err != nil {
		t.Fatal(err)
	}
	// 5 pages of the profile's 200, then 2 of the script's own 500.
	if got := h.count("GET /usergroup/get_all"); got != 7 {
		t.Errorf("%d list requests, want 7", got)
	}
}

func TestTablesMirrorJSONKeys(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo"}, false)
	out := h.run(t, `
local function keys(t) local k = {} for n in pairs(t) do k[#k+1] = n end table.sort(k) return table.concat(k, ",") end
local g = usergroup.find("design team")
print(keys(g))
local m = usergroup.members(g):first()
print(keys(m), keys(m.user), keys(m.userUserGroup))
local d = usergroup.list_details{name = "Design Team"}:first()
print(keys(d))
local r = usergroup.groups_of(m.user):first()
print(keys(r), r.userGroup ~= nil)
print(keys(user.list{}:first()))`)
	want := "accountId,active,deleted,description,id,name\n" +
		"user,userGroup,userUserGroup\tcreateDate,email,firstname,id,lastname,mfa,owner,status,userType,username\tid,userGroupId,userId\n" +
		"active,description,drivesData,id,name,projectsData,usersData\n" +
		"user,userGroup,userUserGroup\ttrue\n" +
		"createDate,email,firstname,id,lastname,mfa,owner,status,userType,username\n"
	if out != want {
		t.Errorf("keys:\n%s\nwant:\n%s", out, want)
	}
}

func TestArgumentErrors(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo"}, false)
	tests := map[string]string{
		`usergroup.list("x")`:                                                       "usergroup.list: bad argument #1 (table expected, got string)",
		`usergroup.list{nmae = "x"}`:                                                `usergroup.list: unknown option "nmae" (known: name, sortfield, descending, pagesize)`,
		`usergroup.list{pagesize = 0.5}`:                                            `usergroup.list: option "pagesize": integer expected, got 0.5`,
		`usergroup.list{pagesize = 100000}`:                                         `usergroup.list: option "pagesize": 100000 is not between 1 and 500`,
		`usergroup.list{descending = "yes"}`:                                        `usergroup.list: option "descending": boolean expected, got string`,
		`usergroup.list_details(1)`:                                                 "usergroup.list_details: bad argument #1 (table expected, got number)",
		`usergroup.find()`:                                                          "usergroup.find: bad argument #1 (non-empty string expected, got no value)",
		`usergroup.find("  ")`:                                                      "usergroup.find: bad argument #1 (non-empty string expected, got string)",
		`usergroup.insert("x")`:                                                     "usergroup.insert: bad argument #1 (table expected, got string)",
		`usergroup.insert{description = "d"}`:                                       `usergroup.insert: field "name" is required`,
		`usergroup.insert{name = "x", active = "yes"}`:                              `usergroup.insert: field "active": boolean expected, got string`,
		`usergroup.insert{name = "x", colour = "red"}`:                              `usergroup.insert: unknown field "colour"`,
		`usergroup.update{id = "x", name = "n", description = "", active = true}`:   `usergroup.update: field "id": "x" is not a uuid`,
		`usergroup.update{id = "11111111-1111-4111-8111-111111111111", name = "n"}`: `usergroup.update: field "description" is required`,
		`usergroup.delete()`:                                                        "usergroup.delete: bad argument #1 (group id (string) or group table expected, got no value)",
		`usergroup.delete("nope")`:                                                  `usergroup.delete: bad argument #1 (group id "nope" is not a uuid)`,
		`usergroup.delete({name = "x"})`:                                            "usergroup.delete: bad argument #1 (group table has no id)",
		`usergroup.members(true)`:                                                   "usergroup.members: bad argument #1 (group id (string) or group table expected, got boolean)",
		`usergroup.members("11111111-1111-4111-8111-111111111111", {name = "x"})`:   `usergroup.members: unknown option "name" (known: username, sortfield, descending, pagesize)`,
		`usergroup.groups_of(nil)`:                                                  "usergroup.groups_of: bad argument #1 (user id (string) or user table expected, got no value)",
		`usergroup.assign("x")`:                                                     "usergroup.assign: bad argument #1 (table expected, got string)",
		`usergroup.assign{userId = "a"}`:                                            "usergroup.assign: bad argument #1 (a list {...} expected",
		`usergroup.assign({}, {batch = 0})`:                                         `usergroup.assign: option "batch": 0 is not between 1 and 10000`,
		`usergroup.assign({{userId = "a", userGroupId = "11111111-1111-4111-8111-111111111111"}, 5})`: "usergroup.assign: 2 bad rows; nothing was sent:\n  item 1: userId: \"a\" is not a uuid\n  item 2: table {userId=, userGroupId=} expected, got number",
		`usergroup.unassign(12)`: "usergroup.unassign: bad argument #1 (assignment id (string) or assignment table expected, got number)",
		`usergroup.import{{user = {username = ""}, userGroups = {{name = "Design Team"}}}}`:                                                    "usergroup.import: 1 bad rows; nothing was sent:\n  item 1: user.username: empty",
		`usergroup.import{{user = {username = "a@x"}, userGroups = {}}}`:                                                                       "item 1 (a@x): userGroups: a non-empty list",
		`usergroup.import{{user = {username = "a@x"}, userGroups = {{id = "bad"}}}}`:                                                           `item 1 (a@x): userGroups[1].id: "bad" is not a uuid`,
		`usergroup.import{{user = {username = "a@x"}, userGroups = {{name = "G"}}}, {user = {username = "A@X"}, userGroups = {{name = "g"}}}}`: "item 2 (A@X): userGroups[1]: duplicate of item 1",
		`usergroup.sync(42, {})`:                                                   "usergroup.sync: bad argument #1 (group table, id or name expected, got number)",
		`usergroup.sync("No Such Group", {})`:                                      `usergroup.sync: bad argument #1 (no group named "No Such Group")`,
		`usergroup.sync("Design Team", {"a@x", "A@x"})`:                            "desired[2]: A@x repeats desired[1]",
		`usergroup.sync("Design Team", {}, {add_only = true, remove_only = true})`: `options "add_only" and "remove_only" exclude each other`,
		`usergroup.sync("Design Team", {}, {max_remove = "lots"})`:                 `option "max_remove": "lots" is neither a count nor a percentage`,
		`user.list{name = "x"}`:                                                    `user.list: unknown option "name" (known: username, sortfield, descending, pagesize, userStatus, userType, status, type)`,
		`local it = usergroup.list{} it.count()`:                                   "count: call it as a method, with a colon: it:count()",
	}
	for src, want := range tests {
		got := h.fail(t, src)
		if !strings.Contains(got, want) {
			t.Errorf("%s\n got: %s\nwant: %s", src, got, want)
		}
	}
	if n := h.writes(); n != 0 {
		t.Errorf("argument errors sent %d writes", n)
	}
}

func TestAPIErrorsFromTheServer(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo"}, false)
	got := h.fail(t, `usergroup.list{sortfield = "Nme"}:all()`)
	if !strings.HasPrefix(got, "usergroup.list: 499 DEFAULT: ") || !strings.Contains(got, "Nme") {
		t.Errorf("unknown sort field: %s", got)
	}
	got = h.fail(t, `for g in usergroup.list{sortfield = "Nme"} do end`)
	if !strings.HasPrefix(got, "usergroup.list: 499 DEFAULT") {
		t.Errorf("unknown sort field in a loop: %s", got)
	}
	got = h.fail(t, `usergroup.insert{name = string.rep("x", 101)}`)
	if !strings.HasPrefix(got, "usergroup.insert: 499 DEFAULT") {
		t.Errorf("long name: %s", got)
	}
}

func TestWritesAndReadBack(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo"}, false)
	out := h.run(t, `
local g = usergroup.insert{name = "Night Shift", description = "late"}
print(g.name, g.active, #g.id)
g = usergroup.update{id = g.id, name = "Night Crew", description = "later", active = false}
print(g.name, g.active, g.description)
local users = user.list{pagesize = 5}:all()
local pairs_ = {}
for i = 1, 5 do pairs_[i] = {userId = users[i].id, userGroupId = g.id} end
local r = usergroup.assign(pairs_)
print(r.items, r.batches, usergroup.members(g):count())
usergroup.assign(pairs_) -- idempotent
print(usergroup.members(g):count())
local first = usergroup.members(g):first()
usergroup.unassign(first.userUserGroup)
print(usergroup.members(g):count())
local imp = usergroup.import{
  {user = {username = "new.person@example.com", firstName = "New", lastName = "Person"}, userGroups = {{id = g.id}}},
  {user = {username = users[1].username}, userGroups = {{name = "night crew"}}},
}
print(imp.items, usergroup.members(g):count())
print(usergroup.delete(g), usergroup.find("Night Crew"))`)
	want := "Night Shift\ttrue\t36\nNight Crew\tfalse\tlater\n5\t1\t5\n5\n4\n2\t6\ntrue\tnil\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestBatching(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "none", Groups: 3, Users: 40}, false)
	out := h.run(t, `
local g = usergroup.list{}:first()
local p = {}
for u in user.list{} do p[#p+1] = {userId = u.id, userGroupId = g.id} end
local r = usergroup.assign(p)
print(r.items, r.batches, usergroup.members(g):count())
r = usergroup.assign(p, {batch = 40})
print(r.batches, r.added, r.unchanged)`)
	if out != "40\t6\t40\n1\t0\t40\n" {
		t.Errorf("output %q", out)
	}
	// The second assign finds every pair in place and sends nothing.
	if got := h.count("POST /usergroup/assign_users"); got != 6 {
		t.Errorf("%d assign requests, want 6", got)
	}
}

func TestDryRunSendsNoWrite(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo"}, true)
	out := h.run(t, `
local g = usergroup.insert{name = "Dry Group"}
print(g.id, usergroup.find("Dry Group"))
local dt = usergroup.find("Design Team")
usergroup.update{id = dt.id, name = "Renamed", description = "", active = false}
usergroup.delete(dt)
local m = usergroup.members(dt):first()
usergroup.unassign(m.userUserGroup)
local r = usergroup.assign{{userId = m.user.id, userGroupId = g.id}}
print(r.dry_run, r.items)
r = usergroup.import{{user = {username = "ghost@example.com"}, userGroups = {{id = dt.id}}}}
local s = usergroup.sync(dt, {"ghost@example.com"}, {max_remove = "100%"})
print(s.dry_run, #s.adds, #s.removes, s.applied.added, s.applied.removed)
print(usergroup.find("Design Team").name, usergroup.members(dt):count())`)
	if h.writes() != 0 {
		t.Errorf("dry run sent %d writes: %v", h.writes(), h.reqs)
	}
	if !strings.HasPrefix(out, DryRunID+"\tnil\ntrue\t1\ntrue\t1\t") || !strings.HasSuffix(out, "\t0\t0\nDesign Team\t17\n") {
		t.Errorf("output:\n%s", out)
	}
	for _, want := range []string{"dry run: not sent", "op=usergroup.insert", `endpoint="POST /usergroup/insert"`, "op=usergroup.unassign", "items=1", "bytes=", "sync plan"} {
		if !strings.Contains(h.logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, h.logs.String())
		}
	}
}

func TestSync(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo"}, false)
	// Start from a known membership: the first 4 users.
	h.run(t, `
g = usergroup.insert{name = "Sync Target"}
users = user.list{sortfield = "Username"}:all()
-- user lists default to descending [click:user.md]: order them here.
table.sort(users, function(a, b) return a.username < b.username end)
local p = {}
for i = 1, 4 do p[i] = {userId = users[i].id, userGroupId = g.id} end
usergroup.assign(p)
function members()
  local names = {}
  for m in usergroup.members(g) do names[#names+1] = m.user.username end
  return table.concat(names, ",")
end`)
	// Desired: users 3..6 and a new user: adds 5, 6, new; removes 1, 2.
	out := h.run(t, `
local r = usergroup.sync(g, {users[3].username, users[4].username:upper(), users[5].username, {username = users[6].username}, "zz.new@example.com"})
print(#r.adds, #r.removes, r.unchanged, r.applied.added, r.applied.removed)
print(r.removes[1] == users[1].username, r.removes[2] == users[2].username)
local want = {users[3].username, users[4].username, users[5].username, users[6].username, "zz.new@example.com"}
table.sort(want)
print(members() == table.concat(want, ","))`)
	if out != "3\t2\t2\t3\t2\ntrue\ttrue\ntrue\n" {
		t.Errorf("sync:\n%s", out)
	}
	// max_remove stops an oversized removal before any write.
	h.reset()
	got := h.fail(t, `usergroup.sync(g, {"zz.new@example.com"}, {max_remove = 2})`)
	if !strings.Contains(got, `would remove 4 of 5 members of "Sync Target", over max_remove (2); nothing was changed`) || h.writes() != 0 {
		t.Errorf("max_remove: %s (writes %d)", got, h.writes())
	}
	got = h.fail(t, `usergroup.sync(g, {}, {max_remove = "50%"})`)
	if !strings.Contains(got, "over max_remove (2)") || h.writes() != 0 {
		t.Errorf("max_remove 50%%: %s", got)
	}
	// Without max_remove the guard is 50% of the members, rounded up (3 of 5 here).
	got = h.fail(t, `usergroup.sync(g, {"zz.new@example.com"})`)
	if !strings.Contains(got, `would remove 4 of 5 members of "Sync Target", over max_remove (3, the default 50%)`) || h.writes() != 0 {
		t.Errorf("default max_remove: %s (writes %d)", got, h.writes())
	}
	// Emptying a group needs allow_empty, whatever max_remove or force say.
	for _, opts := range []string{`{max_remove = "100%"}`, `{force = true}`, `{max_remove = 5, force = true, allow_empty = false}`} {
		got = h.fail(t, `usergroup.sync(g, {}, `+opts+`)`)
		if !strings.Contains(got, `would remove all 5 members of "Sync Target" and leave it empty; nothing was changed (pass allow_empty=true`) || h.writes() != 0 {
			t.Errorf("empty with %s: %s (writes %d)", opts, got, h.writes())
		}
	}
	// A max_remove that is no count is an argument error naming the option.
	for _, v := range []string{"1/0", "-1/0", "0/0", "-1", "1.5", "2^60"} {
		got = h.fail(t, `usergroup.sync(g, {}, {max_remove = `+v+`})`)
		if !strings.Contains(got, `option "max_remove": `) || !strings.Contains(got, "is not a count") || strings.Contains(got, "over max_remove") || h.writes() != 0 {
			t.Errorf("max_remove = %s: %s (writes %d)", v, got, h.writes())
		}
	}
	// add_only keeps everyone; remove_only adds no one.
	out = h.run(t, `
local r = usergroup.sync(g, {users[1].username}, {add_only = true})
print(#r.adds, #r.removes, select(2, members():gsub(",", "")) + 1)
r = usergroup.sync(g, {users[1].username, users[2].username}, {remove_only = true, max_remove = 10})
print(#r.adds, #r.removes, members() == users[1].username)`)
	if out != "1\t0\t6\n0\t5\ttrue\n" {
		t.Errorf("add_only/remove_only:\n%s", out)
	}
	// allow_empty (with a max_remove that allows it) empties the group.
	out = h.run(t, `
local r = usergroup.sync(g, {}, {max_remove = 1, allow_empty = true})
print(#r.adds, #r.removes, usergroup.members(g):count())`)
	if out != "0\t1\t0\n" {
		t.Errorf("allow_empty:\n%s", out)
	}
}
