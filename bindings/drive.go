package bindings

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

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
