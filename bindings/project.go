package bindings

import (
	"errors"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

func projectFuncs() []Func {
	return []Func{
		{Module: "project", Name: "list", impl: (*module).projectList,
			Params:  []Param{{"opts", "NameListOptions?", "{name=, sortfield=, descending=, pagesize=}"}},
			Returns: "ListIterator<Project>",
			Summary: "Every project of the account, page by page (soft-deleted ones are left out)."},
		{Module: "project", Name: "find", impl: (*module).projectFind,
			Params:  []Param{{"name", "string", "exact project name, any case"}},
			Returns: "Project?",
			Summary: "The live project whose name matches exactly (case-insensitively), or nil; several such projects are an error listing their ids."},
	}
}

func (m *module) projectList(L *lua.LState) int {
	a := args{L, "project.list"}
	opts := m.listOptions(a, 1, "name")
	L.Push(newIter(L, a.fn, opts, m.client.Projects, m.client.ListProjects, projectTable))
	return 1
}

func (m *module) projectFind(L *lua.LState) int {
	a := args{L, "project.find"}
	p, err := m.client.FindProject(ctx(L), a.name(1))
	pushFound(L, a, err, func() lua.LValue { return projectTable(L, p) })
	return 1
}

// name returns argument n as a non-empty string.
func (a args) name(n int) string {
	s, ok := a.L.Get(n).(lua.LString)
	if !ok || strings.TrimSpace(string(s)) == "" {
		a.badArg(n, "non-empty string", a.L.Get(n))
	}
	return string(s)
}

// pushFound pushes the result of a look-up by name: the record, nil when
// there is none, or a raised error (several matches, a failed request).
func pushFound(L *lua.LState, a args, err error, table func() lua.LValue) {
	var miss *clickapi.LookupError
	switch {
	case errors.As(err, &miss) && len(miss.IDs) == 0:
		L.Push(lua.LNil)
	case err != nil:
		raise(L, a.fn, err)
	default:
		L.Push(table())
	}
}

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
