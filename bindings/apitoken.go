package bindings

import (
	"context"
	"fmt"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

func apitokenFuncs() []Func {
	return []Func{
		{Module: "apitoken", Name: "list", impl: (*module).apitokenList,
			Returns: "APITokenInfo[]",
			Summary: "The signed-in user's API tokens, without their values."},
		{Module: "apitoken", Name: "insert", impl: (*module).apitokenInsert,
			Params:  []Param{{"token", "NewAPITokenOptions", "{title=, expires=} (expires: \"2027-01-01\" or an RFC 3339 time; absent: as the agent decides)"}},
			Returns: "APIToken",
			Summary: "Creates a long-lived API token and returns it, its value in `token`: the only time it is shown. It is never logged or audited."},
		{Module: "apitoken", Name: "delete", impl: (*module).apitokenDelete,
			Params:  []Param{{"token", "string|APITokenInfo", "the token's id, title (exact, unique), value, or a table from apitoken.list"}},
			Returns: "boolean",
			Summary: "Deletes an API token: its holders are refused from then on."},
	}
}

// apiTokenInfoTable is a token without its value, as apitoken.list gives it.
func apiTokenInfoTable(L *lua.LState, t *clickapi.APIToken) *lua.LTable {
	tb := L.CreateTable(0, 4)
	tb.RawSetString("id", lua.LString(t.ID))
	tb.RawSetString("title", lua.LString(t.Title))
	tb.RawSetString("expirationDate", lua.LString(t.ExpirationDate))
	tb.RawSetString("createDate", lua.LString(t.CreateDate))
	return tb
}

// apiTokenTable is a new token with its value: what apitoken.insert returns.
func apiTokenTable(L *lua.LState, t *clickapi.APIToken) *lua.LTable {
	tb := apiTokenInfoTable(L, t)
	tb.RawSetString("token", lua.LString(t.Token.Reveal()))
	return tb
}

func (m *module) apitokenList(L *lua.LState) int {
	a := args{L, "apitoken.list"}
	toks, err := m.client.APITokens(ctx(L))
	if err != nil {
		raise(L, a.fn, err)
	}
	out := L.CreateTable(len(toks), 0)
	for i := range toks {
		out.RawSetInt(i+1, apiTokenInfoTable(L, &toks[i]))
	}
	L.Push(out)
	return 1
}

// parseExpiry reads the expires option: a date ("2027-01-01", midnight
// UTC) or an RFC 3339 time; it must lie in the future.
func parseExpiry(s string, now time.Time) (string, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t, err = clickapi.ParseDate(s); err != nil {
			return "", fmt.Errorf("%q: want a date such as 2027-01-01 or a time such as 2027-01-01T00:00:00Z", s)
		}
	}
	if !t.After(now) {
		return "", fmt.Errorf("%q is not in the future", s)
	}
	return clickapi.FormatDate(t), nil
}

func (m *module) apitokenInsert(L *lua.LState) int {
	a := args{L, "apitoken.insert"}
	f := a.fields(a.table(1, false), "field", "title", "expires")
	nt := clickapi.NewAPIToken{Title: strings.TrimSpace(f.str("title", true))}
	if nt.Title == "" {
		a.errorf("field \"title\" is empty")
	}
	if s := f.str("expires", false); s != "" {
		exp, err := parseExpiry(s, time.Now())
		if err != nil {
			a.errorf("field \"expires\": %v", err)
		}
		nt.ExpirationDate = exp
	}
	var created *clickapi.APIToken
	sent := m.write(L, writeCall{op: a.fn, endpoint: "POST " + clickapi.RouteInsertAPIToken, items: 1, body: nt,
		send: func(c context.Context) (err error) {
			created, err = m.client.InsertAPIToken(c, nt)
			return err
		},
		audit: func(e *audit.Entry, err error) {
			if err != nil {
				return
			}
			e.APIToken = created.ID
		}})
	if !sent {
		created = &clickapi.APIToken{ID: DryRunID, Title: nt.Title, ExpirationDate: nt.ExpirationDate}
	}
	L.Push(apiTokenTable(L, created))
	return 1
}

// apiTokenRef resolves argument n to a token id: an id, a table with an
// id, or a string naming one token by its exact title or its value.
func (m *module) apiTokenRef(L *lua.LState, a args, n int) string {
	v := L.Get(n)
	s, ok := v.(lua.LString)
	if !ok || checkUUID(string(s)) == nil {
		return a.id(n, "API token")
	}
	toks, err := m.client.APITokens(ctx(L))
	if err != nil {
		raise(L, a.fn, err)
	}
	var ids []string
	for _, t := range toks {
		if t.Title == string(s) || t.Token.Reveal() == string(s) {
			ids = append(ids, t.ID)
		}
	}
	switch len(ids) {
	case 0:
		// Not echoed: the string may be a token value with a typo.
		a.errorf("bad argument #%d (no API token has this title or value)", n)
	case 1:
		return ids[0]
	}
	a.errorf("bad argument #%d (%d API tokens have this title: give the id, one of %s)", n, len(ids), strings.Join(ids, ", "))
	return ""
}

func (m *module) apitokenDelete(L *lua.LState) int {
	a := args{L, "apitoken.delete"}
	id := m.apiTokenRef(L, a, 1)
	m.write(L, writeCall{op: a.fn, endpoint: "DELETE " + clickapi.RouteDeleteAPIToken, items: 1,
		send: func(c context.Context) error { return m.client.DeleteAPIToken(c, id) },
		audit: func(e *audit.Entry, err error) {
			if err == nil {
				e.APIToken = id
			}
		}})
	L.Push(lua.LTrue)
	return 1
}
