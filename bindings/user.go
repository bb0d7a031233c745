package bindings

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

func userFuncs() []Func {
	return []Func{
		{Module: "user", Name: "list", impl: (*module).userList,
			Params:  []Param{{"opts", "UserListOptions?", "{username=, userStatus=, userType=, sortfield=, descending=, pagesize=}"}},
			Returns: "ListIterator<User>",
			Summary: "Every user of the account, newest first unless sorted otherwise; userStatus and userType filter by name (\"active\", \"desktop_admin\") or number."},
	}
}

// userListKeys are the options of user.list; status and type are short
// for userStatus and userType.
func userListKeys() []string {
	return []string{"username", "sortfield", "descending", "pagesize", "userStatus", "userType", "status", "type"}
}

func (m *module) userList(L *lua.LState) int {
	a := args{L, "user.list"}
	f := a.fields(a.table(1, true), "option", userListKeys()...)
	opts := m.listOptionsFrom(a, f, "username")
	opts.UserStatus = clickapi.UserStatus(flagOption(a, f, "userStatus", "status", clickapi.UserStatusNames(), int(clickapi.UserStatusAll)))
	opts.UserType = clickapi.UserType(flagOption(a, f, "userType", "type", clickapi.UserTypeNames(), 0))
	L.Push(newIter(L, a.fn, opts, m.client.Users, m.client.ListUsers, userTable))
	return 1
}

// flagOption reads a flag filter given as key or its short alias: a
// number, a name, several names joined by "|", or a list of names and
// numbers; the flags are combined into one mask. "all" is all, the number
// the agent documents for the status filter and, for userType, no
// parameter at all (INFERRED I21); all is 0 then. Absent: 0, the agent's
// default.
func flagOption(a args, f fields, key, alias string, names []clickapi.FlagName, all int) int {
	v := f.get(key)
	name := key
	if av := f.get(alias); av != lua.LNil {
		if v != lua.LNil {
			a.errorf("options %q and %q are the same filter: give one", key, alias)
		}
		v, name = av, alias
	}
	var mask int
	var add func(lua.LValue, string)
	add = func(x lua.LValue, where string) {
		switch x := x.(type) {
		case lua.LNumber:
			n := int(x)
			if float64(n) != float64(x) || n < 0 {
				a.errorf("option %q%s: %v is not a flag value", name, where, x)
			}
			mask |= n
		case lua.LString:
			for _, part := range strings.Split(string(x), "|") {
				mask |= flagValue(a, name+where, strings.TrimSpace(part), names, all)
			}
		case *lua.LTable:
			if where != "" {
				a.errorf("option %q%s: a name or a number expected, got a table", name, where)
			}
			for i, item := range a.list(1, x) {
				add(item, fmt.Sprintf("[%d]", i+1))
			}
		default:
			a.errorf("option %q%s: a name, a number or a list of them expected, got %s", name, where, x.Type())
		}
	}
	if v == lua.LNil {
		return 0
	}
	add(v, "")
	return mask
}

// flagValue looks a flag name up, ignoring case and "-" or " " for "_".
func flagValue(a args, option, name string, names []clickapi.FlagName, all int) int {
	key := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(name))
	if key == "all" {
		return all
	}
	known := make([]string, 0, len(names)+1)
	for _, n := range names {
		if key == n.Name || strings.EqualFold(name, n.Vendor) {
			return n.Value
		}
		known = append(known, n.Name)
	}
	a.errorf("option %q: unknown name %q (known: %s, all)", option, name, strings.Join(known, ", "))
	return 0
}
