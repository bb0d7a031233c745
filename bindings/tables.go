package bindings

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/ltable"
)

// This file turns the API's models into Lua tables whose keys are exactly
// the models' JSON keys, so that the vendor's documentation carries over.
// The conversion is written out by hand: it sits on the hot path of every
// listing and avoids a JSON round trip per item.

// The records of listings are built with ltable shapes: a few allocations
// a record instead of one per key and value (BenchmarkGroupTable).
var (
	groupShape = ltable.NewShape("id", "accountId", "name", "description", "active", "deleted")
	userShape  = ltable.NewShape("id", "firstname", "lastname", "username", "email",
		"userType", "status", "owner", "mfa", "createDate")
	assignmentShape = ltable.NewShape("id", "userId", "userGroupId")
	// dtoShapes[bits] holds the parts present: 1 user, 2 userGroup, 4 userUserGroup.
	dtoShapes = [8]*ltable.Shape{
		ltable.NewShape(),
		ltable.NewShape("user"),
		ltable.NewShape("userGroup"),
		ltable.NewShape("user", "userGroup"),
		ltable.NewShape("userUserGroup"),
		ltable.NewShape("user", "userUserGroup"),
		ltable.NewShape("userGroup", "userUserGroup"),
		ltable.NewShape("user", "userGroup", "userUserGroup"),
	}
)

func groupTable(L *lua.LState, g *clickapi.UserGroup) *lua.LTable {
	var r ltable.Record
	r.String(g.ID)
	r.String(g.AccountID)
	r.String(g.Name)
	r.String(g.Description)
	r.Bool(g.Active)
	r.Bool(g.Deleted)
	return groupShape.New(&r)
}

func userTable(L *lua.LState, u *clickapi.User) *lua.LTable {
	var r ltable.Record
	r.String(u.ID)
	r.String(u.Firstname)
	r.String(u.Lastname)
	r.String(u.Username)
	r.String(u.Email)
	r.Number(float64(u.UserType))
	r.Number(float64(u.Status))
	r.Bool(u.Owner)
	r.Bool(u.MFA)
	r.String(u.CreateDate)
	return userShape.New(&r)
}

func assignmentTable(L *lua.LState, a *clickapi.UserUserGroup) *lua.LTable {
	var r ltable.Record
	r.String(a.ID)
	r.String(a.UserID)
	r.String(a.UserGroupID)
	return assignmentShape.New(&r)
}

// dtoTable converts a member or membership row; absent parts are left out.
func dtoTable(L *lua.LState, d *clickapi.UserUserGroupDTO) *lua.LTable {
	var r ltable.Record
	bits := 0
	if d.User != nil {
		r.Value(userTable(L, d.User))
		bits |= 1
	}
	if d.UserGroup != nil {
		r.Value(groupTable(L, d.UserGroup))
		bits |= 2
	}
	if d.UserUserGroup != nil {
		r.Value(assignmentTable(L, d.UserUserGroup))
		bits |= 4
	}
	return dtoShapes[bits].New(&r)
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
