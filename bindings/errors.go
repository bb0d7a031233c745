package bindings

import (
	"errors"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

// errorMetaName names the metatable of API error tables.
const errorMetaName = "clickscript.error"

// raise turns a failed API call of binding op into a Lua error. An
// *clickapi.APIError becomes a table {status=, type=, messages=, op=} whose
// __tostring reads "usergroup.insert: 499 DUPLICATE: ..."; any other error
// (a refused connection, a cancelled context) is raised as a string that
// starts with op.
func raise(L *lua.LState, op string, err error) {
	var apiErr *clickapi.APIError
	if !errors.As(err, &apiErr) {
		L.RaiseError("%s: %s", op, err.Error())
		return
	}
	t := L.CreateTable(0, 6)
	t.RawSetString("status", lua.LNumber(apiErr.Status))
	t.RawSetString("type", lua.LString(apiErr.Type))
	msgs := L.CreateTable(len(apiErr.Messages), 0)
	for i, m := range apiErr.Messages {
		msgs.RawSetInt(i+1, lua.LString(m))
	}
	t.RawSetString("messages", msgs)
	t.RawSetString("op", lua.LString(op))
	t.RawSetString("endpoint", lua.LString(apiErr.Endpoint))
	msg := apiErrorText(apiErr)
	if full := err.Error(); full != apiErr.Error() {
		// Wrapped with context (which batch, what was applied): keep it all.
		msg = full
	}
	t.RawSetString("message", lua.LString(op+": "+msg))
	L.SetMetatable(t, L.GetTypeMetatable(errorMetaName))
	L.Error(t, 1)
}

// apiErrorText is an API error without its endpoint: the op says where.
func apiErrorText(e *clickapi.APIError) string {
	return strings.TrimPrefix(e.Error(), e.Endpoint+": ")
}

// registerErrorType creates the metatable of API error tables.
func registerErrorType(L *lua.LState) {
	mt := L.NewTypeMetatable(errorMetaName)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(t.RawGetString("message"))
		return 1
	}))
}
