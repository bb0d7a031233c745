package bindings

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

func projectTable(L *lua.LState, p *clickapi.Project) *lua.LTable {
	t := L.CreateTable(0, 6)
	t.RawSetString("id", lua.LString(p.ID))
	t.RawSetString("accountId", lua.LString(p.AccountID))
	t.RawSetString("name", lua.LString(p.Name))
	t.RawSetString("description", lua.LString(p.Description))
	t.RawSetString("active", lua.LBool(p.Active))
	t.RawSetString("deleted", lua.LBool(p.Deleted))
	return t
}
