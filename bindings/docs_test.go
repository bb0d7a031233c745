package bindings

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// The tests here keep the class docs (docs.go) true to the tables the
// bindings really make and the options they really take.

func classByName(t *testing.T, name string) ClassDoc {
	t.Helper()
	for _, c := range Classes() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no class %s", name)
	return ClassDoc{}
}

func fieldNames(c ClassDoc) []string {
	var out []string
	for _, f := range c.Fields {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

func tableKeys(t *testing.T, v lua.LValue) []string {
	t.Helper()
	tb, ok := v.(*lua.LTable)
	if !ok {
		t.Fatalf("%v is not a table", v)
	}
	var out []string
	tb.ForEach(func(k, _ lua.LValue) { out = append(out, k.String()) })
	slices.Sort(out)
	return out
}

func wantKeys(t *testing.T, class string, got []string) {
	t.Helper()
	if want := fieldNames(classByName(t, class)); !slices.Equal(got, want) {
		t.Errorf("%s: the table has keys %v, the docs list %v", class, got, want)
	}
}

func TestClassesMatchModelTables(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	user := &clickapi.User{}
	group := &clickapi.UserGroup{}
	uug := &clickapi.UserUserGroup{ID: "a"}
	// Every id set, so that every documented key shows (a real record has
	// two of the four).
	perm := &clickapi.Permission{UserID: "u", UserGroupID: "g", ProjectID: "p", SharedCloudDriveID: "d"}
	wantKeys(t, "UserGroup", tableKeys(t, groupTable(L, group)))
	wantKeys(t, "User", tableKeys(t, userTable(L, user)))
	wantKeys(t, "UserUserGroup", tableKeys(t, assignmentTable(L, uug)))
	wantKeys(t, "UserUserGroupDTO", tableKeys(t, dtoTable(L, &clickapi.UserUserGroupDTO{User: user, UserGroup: group, UserUserGroup: uug})))
	wantKeys(t, "Permission", tableKeys(t, permissionTable(L, perm)))
	d := detailsTable(L, &clickapi.UserGroupWithDetails{
		UsersData:    []clickapi.UserMembership{{User: user, UserUserGroup: uug}},
		ProjectsData: []clickapi.ProjectPermission{{Project: &clickapi.Project{}, Permission: perm}},
		DrivesData:   []clickapi.DrivePermission{{SharedCloudDrive: &clickapi.SharedCloudDrive{}, Permission: perm}},
	})
	wantKeys(t, "UserGroupWithDetails", tableKeys(t, d))
	first := func(list string) *lua.LTable { return d.RawGetString(list).(*lua.LTable).RawGetInt(1).(*lua.LTable) }
	wantKeys(t, "UserMembership", tableKeys(t, first("usersData")))
	wantKeys(t, "ProjectPermission", tableKeys(t, first("projectsData")))
	wantKeys(t, "DrivePermission", tableKeys(t, first("drivesData")))
	wantKeys(t, "Project", tableKeys(t, first("projectsData").RawGetString("project")))
	wantKeys(t, "SharedCloudDrive", tableKeys(t, first("drivesData").RawGetString("sharedCloudDrive")))
}

func TestClassesFollowModelStructs(t *testing.T) {
	// A field added to a model shows up in its class, typed.
	c := classByName(t, "UserUserGroupDTO")
	want := []FieldDoc{{"user", "User?", ""}, {"userGroup", "UserGroup?", ""}, {"userUserGroup", "UserUserGroup?", ""}}
	if !slices.Equal(c.Fields, want) {
		t.Errorf("UserUserGroupDTO fields %v, want %v", c.Fields, want)
	}
	if f := classByName(t, "UserGroupWithDetails").Fields; f[len(f)-1] != (FieldDoc{"drivesData", "DrivePermission[]", ""}) {
		t.Errorf("UserGroupWithDetails.drivesData: %v", f[len(f)-1])
	}
	if f := classByName(t, "ImportUser").Fields; f[3] != (FieldDoc{"firstName", "string?", ""}) || f[1] != (FieldDoc{"email", "string?", ""}) {
		t.Errorf("ImportUser.email and firstName (omitempty): %v", f)
	}
}

// knownOptions are the options a function accepts, from the error it
// raises for an unknown one: "unknown option "zzz" (known: a, b)".
func knownOptions(t *testing.T, h *harness, call string) []string {
	t.Helper()
	msg := h.fail(t, strings.Replace(call, "OPTS", "{zzz = 1}", 1))
	m := regexp.MustCompile(`unknown option "zzz" \(known: ([^)]*)\)`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("%s: %s", call, msg)
	}
	out := strings.Split(m[1], ", ")
	slices.Sort(out)
	return out
}

func TestOptionClassesMatchBindings(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo"}, false)
	const gid = "00000000-0000-4000-8000-000000000001"
	calls := []struct{ class, call string }{
		{"GroupListOptions", "usergroup.list(OPTS)"},
		{"GroupListOptions", "usergroup.list_details(OPTS)"},
		{"GroupListOptions", `usergroup.groups_of("` + gid + `", OPTS)`},
		{"MemberListOptions", `usergroup.members("` + gid + `", OPTS)`},
		{"UserListOptions", "user.list(OPTS)"},
		{"BulkOptions", "usergroup.assign({}, OPTS)"},
		{"ImportOptions", "usergroup.import({}, OPTS)"},
		{"SyncOptions", `usergroup.sync("` + gid + `", {}, OPTS)`},
	}
	for _, c := range calls {
		wantKeys(t, c.class, knownOptions(t, h, c.call))
	}
}

func TestResultClassesMatchBindings(t *testing.T) {
	h := newHarness(t, emulator.Options{Seed: "demo"}, false)
	get := func(src string) lua.LValue {
		t.Helper()
		if err := h.L.DoString("result = " + src); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		return h.L.GetGlobal("result")
	}
	wantKeys(t, "BulkResult", tableKeys(t, get("usergroup.assign({})")))
	sync := get(`usergroup.sync(usergroup.insert{name = "Docs Test"}, {"ada.lovelace@example.com"})`)
	wantKeys(t, "SyncResult", tableKeys(t, sync))
	if applied := tableKeys(t, sync.(*lua.LTable).RawGetString("applied")); !slices.Equal(applied, []string{"added", "removed"}) {
		t.Errorf("SyncResult.applied keys %v, the docs say {added, removed}", applied)
	}
	apiErr := get(`select(2, pcall(usergroup.insert, {name = "Docs Test"}))`)
	wantKeys(t, "ApiError", tableKeys(t, apiErr))
	it := get("usergroup.list{}")
	mt := h.L.GetMetaField(it, "__index")
	var methods []string
	mt.(*lua.LTable).ForEach(func(k, _ lua.LValue) { methods = append(methods, k.String()) })
	slices.Sort(methods)
	wantKeys(t, "ListIterator<T>", methods)
}
