package bindings

import (
	lua "github.com/yuin/gopher-lua"
)

func userFuncs() []Func {
	return []Func{
		{Module: "user", Name: "list", impl: (*module).userList,
			Params:  []Param{{"opts", "UserListOptions?", "{username=, sortfield=, descending=, pagesize=}"}},
			Returns: "ListIterator<User>",
			Summary: "Every user of the account, page by page (read-only: resolve usernames to ids)."},
	}
}

func (m *module) userList(L *lua.LState) int {
	a := args{L, "user.list"}
	opts := m.listOptions(a, 1, "username")
	L.Push(newIter(L, a.fn, opts, m.client.Users, m.client.ListUsers, userTable))
	return 1
}
