package bindings

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

// This file turns the API's models into Lua tables whose keys are exactly
// the models' JSON keys, so that the vendor's documentation carries over.
// The conversion is written out by hand: it sits on the hot path of every
// listing and avoids a JSON round trip per item.

func groupTable(L *lua.LState, g *clickapi.UserGroup) *lua.LTable {
	t := L.CreateTable(0, 6)
	t.RawSetString("id", lua.LString(g.ID))
	t.RawSetString("accountId", lua.LString(g.AccountID))
	t.RawSetString("name", lua.LString(g.Name))
	t.RawSetString("description", lua.LString(g.Description))
	t.RawSetString("active", lua.LBool(g.Active))
	t.RawSetString("deleted", lua.LBool(g.Deleted))
	return t
}

func userTable(L *lua.LState, u *clickapi.User) *lua.LTable {
	t := L.CreateTable(0, 10)
	t.RawSetString("id", lua.LString(u.ID))
	t.RawSetString("firstname", lua.LString(u.Firstname))
	t.RawSetString("lastname", lua.LString(u.Lastname))
	t.RawSetString("username", lua.LString(u.Username))
	t.RawSetString("email", lua.LString(u.Email))
	t.RawSetString("userType", lua.LNumber(u.UserType))
	t.RawSetString("status", lua.LNumber(u.Status))
	t.RawSetString("owner", lua.LBool(u.Owner))
	t.RawSetString("mfa", lua.LBool(u.MFA))
	t.RawSetString("createDate", lua.LString(u.CreateDate))
	return t
}

func assignmentTable(L *lua.LState, a *clickapi.UserUserGroup) *lua.LTable {
	t := L.CreateTable(0, 3)
	t.RawSetString("id", lua.LString(a.ID))
	t.RawSetString("userId", lua.LString(a.UserID))
	t.RawSetString("userGroupId", lua.LString(a.UserGroupID))
	return t
}

// dtoTable converts a member or membership row; absent parts are left out.
func dtoTable(L *lua.LState, d *clickapi.UserUserGroupDTO) *lua.LTable {
	t := L.CreateTable(0, 3)
	if d.User != nil {
		t.RawSetString("user", userTable(L, d.User))
	}
	if d.UserGroup != nil {
		t.RawSetString("userGroup", groupTable(L, d.UserGroup))
	}
	if d.UserUserGroup != nil {
		t.RawSetString("userUserGroup", assignmentTable(L, d.UserUserGroup))
	}
	return t
}

func detailsTable(L *lua.LState, g *clickapi.UserGroupWithDetails) *lua.LTable {
	t := L.CreateTable(0, 7)
	t.RawSetString("id", lua.LString(g.ID))
	t.RawSetString("name", lua.LString(g.Name))
	t.RawSetString("description", lua.LString(g.Description))
	t.RawSetString("active", lua.LBool(g.Active))
	users := L.CreateTable(len(g.UsersData), 0)
	for i := range g.UsersData {
		m := &g.UsersData[i]
		row := L.CreateTable(0, 2)
		if m.User != nil {
			row.RawSetString("user", userTable(L, m.User))
		}
		if m.UserUserGroup != nil {
			row.RawSetString("userUserGroup", assignmentTable(L, m.UserUserGroup))
		}
		users.RawSetInt(i+1, row)
	}
	t.RawSetString("usersData", users)
	projects := L.CreateTable(len(g.ProjectsData), 0)
	for i := range g.ProjectsData {
		p := &g.ProjectsData[i]
		row := L.CreateTable(0, 2)
		if p.Project != nil {
			row.RawSetString("project", projectTable(L, p.Project))
		}
		if p.Permission != nil {
			row.RawSetString("permission", permissionTable(L, p.Permission))
		}
		projects.RawSetInt(i+1, row)
	}
	t.RawSetString("projectsData", projects)
	drives := L.CreateTable(len(g.DrivesData), 0)
	for i := range g.DrivesData {
		d := &g.DrivesData[i]
		row := L.CreateTable(0, 2)
		if d.SharedCloudDrive != nil {
			row.RawSetString("sharedCloudDrive", driveTable(L, d.SharedCloudDrive))
		}
		if d.Permission != nil {
			row.RawSetString("permission", permissionTable(L, d.Permission))
		}
		drives.RawSetInt(i+1, row)
	}
	t.RawSetString("drivesData", drives)
	return t
}

// permissionTable converts a permission record; the ids that do not apply
// to its kind are left out.
func permissionTable(L *lua.LState, p *clickapi.Permission) *lua.LTable {
	t := L.CreateTable(0, 4)
	t.RawSetString("id", lua.LString(p.ID))
	for _, kv := range [][2]string{{"userId", p.UserID}, {"userGroupId", p.UserGroupID},
		{"projectId", p.ProjectID}, {"sharedCloudDriveId", p.SharedCloudDriveID}} {
		if kv[1] != "" {
			t.RawSetString(kv[0], lua.LString(kv[1]))
		}
	}
	t.RawSetString("permissionType", lua.LNumber(p.PermissionType))
	return t
}
