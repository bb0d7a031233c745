package bindings

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

// TestAccessClassesMatchTables keeps the classes of the access modules
// (docs.go) true to the tables the bindings make.
func TestAccessClassesMatchTables(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	user, group := &clickapi.User{}, &clickapi.UserGroup{}
	project, drive := &clickapi.Project{}, &clickapi.SharedCloudDrive{}
	wantKeys(t, "Project", tableKeys(t, projectTable(L, project)))
	wantKeys(t, "SharedCloudDrive", tableKeys(t, driveTable(L, drive)))
	tok := &clickapi.APIToken{ID: "t", Token: "v"}
	wantKeys(t, "APIToken", tableKeys(t, apiTokenTable(L, tok)))
	wantKeys(t, "APITokenInfo", tableKeys(t, apiTokenInfoTable(L, tok)))

	gp := gpTable(L, &clickapi.UserGroupProjectPermissionDTO{UserGroup: group, Project: project, Permission: &clickapi.UserGroupProjectPermission{}})
	wantKeys(t, "UserGroupProjectPermissionDTO", tableKeys(t, gp))
	wantKeys(t, "UserGroupProjectPermission", tableKeys(t, gp.RawGetString("permission")))
	gd := gdTable(L, &clickapi.UserGroupSharedCloudDrivePermissionDTO{UserGroup: group, SharedCloudDrive: drive, Permission: &clickapi.UserGroupSharedCloudDrivePermission{}})
	wantKeys(t, "UserGroupSharedCloudDrivePermissionDTO", tableKeys(t, gd))
	wantKeys(t, "UserGroupSharedCloudDrivePermission", tableKeys(t, gd.RawGetString("permission")))
	up := upTable(L, &clickapi.UserProjectPermissionDTO{User: user, Project: project, Permission: &clickapi.UserProjectPermission{}})
	wantKeys(t, "UserProjectPermissionDTO", tableKeys(t, up))
	wantKeys(t, "UserProjectPermission", tableKeys(t, up.RawGetString("permission")))
	ud := udTable(L, &clickapi.UserSharedCloudDrivePermissionDTO{User: user, SharedCloudDrive: drive, Permission: &clickapi.UserSharedCloudDrivePermission{}})
	wantKeys(t, "UserSharedCloudDrivePermissionDTO", tableKeys(t, ud))
	wantKeys(t, "UserSharedCloudDrivePermission", tableKeys(t, ud.RawGetString("permission")))
}

// TestAccessOptionClassesMatchBindings checks the documented fields of
// the access modules' argument tables against what the bindings accept.
func TestAccessOptionClassesMatchBindings(t *testing.T) {
	h := newAccessHarness(t, true, false)
	known := func(call, kind string) []string {
		t.Helper()
		msg := h.fail(t, call)
		m := regexp.MustCompile(`unknown ` + kind + ` "zzz" \(known: ([^)]*)\)`).FindStringSubmatch(msg)
		if m == nil {
			t.Fatalf("%s: %s", call, msg)
		}
		out := strings.Split(m[1], ", ")
		slices.Sort(out)
		return out
	}
	wantKeys(t, "NameListOptions", known(`project.list{zzz = 1}`, "option"))
	wantKeys(t, "NameListOptions", known(`drive.list{zzz = 1}`, "option"))
	wantKeys(t, "PermissionQuery", known(`permission.list{zzz = 1}`, "field"))
	wantKeys(t, "NewAPITokenOptions", known(`apitoken.insert{zzz = 1}`, "field"))
	wantKeys(t, "PermissionSyncOptions", known(`permission.sync({group = "Legal"}, {}, {zzz = 1})`, "option"))
	wantKeys(t, "PermissionSubject", known(`permission.sync({zzz = 1}, {})`, "subject field"))
	if err := h.L.DoString(`result = permission.sync({group = "Legal"}, {}, {force = true})`); err != nil {
		t.Fatal(err)
	}
	wantKeys(t, "PermissionSyncResult", tableKeys(t, h.L.GetGlobal("result")))
	if err := h.L.DoString(`result = permission.grant{}`); err != nil {
		t.Fatal(err)
	}
	wantKeys(t, "GrantResult", tableKeys(t, h.L.GetGlobal("result")))
	msg := h.fail(t, `permission.grant{{zzz = 1}}`)
	m := regexp.MustCompile(`unknown field "zzz" \(known: ([^)]*)\)`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("permission.grant: %s", msg)
	}
	got := strings.Split(m[1], ", ")
	slices.Sort(got)
	wantKeys(t, "PermissionGrant", got)
}
