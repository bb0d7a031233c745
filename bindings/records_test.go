package bindings

import (
	"slices"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// Records of listings are built by ltable shapes rather than RawSetString;
// these pin what scripts do with them: read and change fields, walk them
// with pairs and next, encode them as JSON, extend them, and pass them
// back to the functions that take a record.
func TestRecordsWorkAsTables(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo"}, false)
	out := h.run(t, `
local function dump(t)
  local kv = {}
  for k, v in pairs(t) do
    if type(v) ~= "table" then kv[#kv+1] = k .. "=" .. type(v) .. ":" .. tostring(v) end
  end
  table.sort(kv)
  return table.concat(kv, " ")
end
local g = usergroup.find("Design Team")
print(type(g), g.name, g.active, g.deleted, #g.id, g["accountId"] == rawget(g, "accountId"))
print(dump(g):gsub("[0-9a-f-]+%-[0-9a-f-]+", "<uuid>"))
-- next and pairs agree, and each key comes once
local n, seen = 0, {}
local k, v = next(g)
while k do assert(not seen[k], k) seen[k] = true n = n + 1 k, v = next(g, k) end
print(n)
-- JSON round trip
local back = json.decode(json.encode(g))
for k, v in pairs(g) do assert(back[k] == v, "json: " .. k) end
for k, v in pairs(back) do assert(g[k] == v, "json extra: " .. k) end
-- changed, extended, trimmed
g.extra, g.description = 42, "changed"
g.deleted = nil
print(g.extra, g.description, g.deleted, dump(g):find("deleted") == nil)
-- strings of a record are ordinary strings
print(g.name:upper(), g.name .. "!", #g.name, string.format("%q", g.name), g.name == "Design Team")
local tk = {}
tk[g.name] = 1
print(tk["Design Team"])`)
	want := "table\tDesign Team\ttrue\tfalse\t36\ttrue\n" +
		"accountId=string:<uuid> active=boolean:true deleted=boolean:false description=string:" // cut at the description
	if !strings.HasPrefix(out, want) {
		t.Fatalf("records:\n%s\nwant a start of:\n%s", out, want)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 || lines[2] != "6" || lines[3] != "42\tchanged\tnil\ttrue" ||
		lines[4] != "DESIGN TEAM\tDesign Team!\t11\t\"Design Team\"\ttrue" || lines[5] != "1" {
		t.Errorf("records:\n%s", out)
	}

	// A record read from a listing goes back to update, members and
	// groups_of; a user record's numbers and flags read as numbers and
	// booleans.
	out = h.run(t, `
local g = usergroup.list{name = "Design Team"}:first()
g.description = "rewritten from a record"
local u = usergroup.update(g)
print(u.description, usergroup.find("Design Team").description)
local m = usergroup.members(g):first()
print(type(m.user.userType), type(m.user.status), type(m.user.mfa), type(m.user.owner), m.userUserGroup.userGroupId == g.id)
local r = usergroup.groups_of(m.user):first()
print(r.userGroup ~= nil, r.userUserGroup.userId == m.user.id)
local first = user.list{}:first()
for k, v in pairs(first) do assert(first[k] == v) end
print(json.decode(json.encode(m)).user.username == m.user.username)
-- the iterator converts every item from one reused slot: the records of
-- :all() and of a loop must still be distinct
local ids, n = {}, 0
for _, r in ipairs(usergroup.list{pagesize = 7}:all()) do if not ids[r.id] then n = n + 1 end ids[r.id] = true end
local names, k = {}, 0
for u in user.list{pagesize = 9} do names[#names+1] = u.username k = k + 1 end
table.sort(names)
local distinct = 1
for i = 2, #names do if names[i] ~= names[i-1] then distinct = distinct + 1 end end
print(n, distinct == k)`)
	if out != "rewritten from a record\trewritten from a record\n"+
		"number\tnumber\tboolean\tboolean\ttrue\n"+
		"true\ttrue\n"+
		"true\n"+
		"41\ttrue\n" {
		t.Errorf("records passed back:\n%s", out)
	}
}

// Every converter built on a shape gives the same table as writing each
// key with RawSetString would, for every part a member row can have.
func TestRecordConvertersMatchTheModels(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	u := &clickapi.User{ID: "u1", Firstname: "Ada", Lastname: "L", Username: "ada@example.com", Email: "ada@example.com",
		UserType: 2, Status: 1, Owner: true, MFA: false, CreateDate: "2026-01-02T03:04:05Z"}
	g := &clickapi.UserGroup{ID: "g1", AccountID: "a1", Name: "Team", Description: "", Active: true, Deleted: false}
	a := &clickapi.UserUserGroup{ID: "x1", UserID: "u1", UserGroupID: "g1"}
	const (
		user  = "{createDate=2026-01-02T03:04:05Z email=ada@example.com firstname=Ada id=u1 lastname=L mfa=false owner=true status=1 userType=2 username=ada@example.com}"
		group = "{accountId=a1 active=true deleted=false description= id=g1 name=Team}"
		link  = "{id=x1 userGroupId=g1 userId=u1}"
	)
	if got := luaString(userTable(L, u)); got != user {
		t.Errorf("user: %s", got)
	}
	if got := luaString(groupTable(L, g)); got != group {
		t.Errorf("group: %s", got)
	}
	if got := luaString(assignmentTable(L, a)); got != link {
		t.Errorf("assignment: %s", got)
	}
	for bits := range 8 {
		var d clickapi.UserUserGroupDTO
		var want []string
		if bits&1 != 0 {
			d.User, want = u, append(want, "user="+user)
		}
		if bits&2 != 0 {
			d.UserGroup, want = g, append(want, "userGroup="+group)
		}
		if bits&4 != 0 {
			d.UserUserGroup, want = a, append(want, "userUserGroup="+link)
		}
		if got := luaString(dtoTable(L, &d)); got != "{"+strings.Join(want, " ")+"}" {
			t.Errorf("row with parts %03b: %s", bits, got)
		}
	}
}

// luaString writes a table's keys in sorted order, nested tables inline.
func luaString(t *lua.LTable) string {
	var kv []string
	t.ForEach(func(k, v lua.LValue) {
		s := v.String()
		if sub, ok := v.(*lua.LTable); ok {
			s = luaString(sub)
		}
		kv = append(kv, k.String()+"="+s)
	})
	slices.Sort(kv)
	return "{" + strings.Join(kv, " ") + "}"
}
