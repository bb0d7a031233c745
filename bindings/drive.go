package bindings

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

func driveFuncs() []Func {
	return []Func{
		{Module: "drive", Name: "list", impl: (*module).driveList,
			Params:  []Param{{"opts", "NameListOptions?", "{name=, sortfield=, descending=, pagesize=}"}},
			Returns: "ListIterator<SharedCloudDrive>",
			Summary: "Every shared cloud drive of the account, page by page (soft-deleted ones are left out)."},
		{Module: "drive", Name: "find", impl: (*module).driveFind,
			Params:  []Param{{"name", "string", "exact drive name, any case"}},
			Returns: "SharedCloudDrive?",
			Summary: "The live shared cloud drive whose name matches exactly (case-insensitively), or nil; several are an error listing their ids."},
	}
}

func (m *module) driveList(L *lua.LState) int {
	a := args{L, "drive.list"}
	opts := m.listOptions(a, 1, "name")
	L.Push(newIter(L, a.fn, opts, m.client.SharedCloudDrives, m.client.ListSharedCloudDrives, driveTable))
	return 1
}

func (m *module) driveFind(L *lua.LState) int {
	a := args{L, "drive.find"}
	d, err := m.client.FindSharedCloudDrive(ctx(L), a.name(1))
	pushFound(L, a, err, func() lua.LValue { return driveTable(L, d) })
	return 1
}

func driveTable(L *lua.LState, d *clickapi.SharedCloudDrive) *lua.LTable {
	t := L.CreateTable(0, 8)
	t.RawSetString("id", lua.LString(d.ID))
	t.RawSetString("accountId", lua.LString(d.AccountID))
	t.RawSetString("name", lua.LString(d.Name))
	t.RawSetString("driveType", lua.LNumber(d.DriveType))
	t.RawSetString("syncType", lua.LNumber(d.SyncType))
	t.RawSetString("active", lua.LBool(d.Active))
	t.RawSetString("deleted", lua.LBool(d.Deleted))
	t.RawSetString("provider", lua.LString(d.Provider))
	return t
}
