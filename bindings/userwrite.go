package bindings

import (
	"context"
	"errors"
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

func userWriteFuncs() []Func {
	return []Func{
		{Module: "user", Name: "find", impl: (*module).userFind,
			Params:  []Param{{"username", "string", "exact username, any case"}},
			Returns: "User?",
			Summary: "The user with this username (case-insensitively), or nil."},
		{Module: "user", Name: "insert", impl: (*module).userInsert,
			Params:  []Param{{"user", "NewUser", "{username=, firstname=, lastname=, email=, userType=} (email defaults to the username, userType to 64)"}},
			Returns: "User",
			Summary: "Creates a user (Pending, sent an activation email, billed a seat) and returns it with its id; the username must be a bare email of at most 50 characters; never created twice by a retry."},
		{Module: "user", Name: "edit", impl: (*module).userEdit,
			Params:  []Param{{"user", "User", "{id= or username=, and the fields to change}"}},
			Returns: "User",
			Summary: "Reads the user, applies the given fields and sends the whole user back (read-modify-write); returns the user as the agent applied it."},
		{Module: "user", Name: "delete", impl: (*module).userDelete,
			Params:  []Param{{"user", "string|User", "user id, username or user table"}},
			Returns: "boolean",
			Summary: "Deletes a user (a soft delete that also cancels the user's billing items)."},
	}
}

func (m *module) userFind(L *lua.LState) int {
	a := args{L, "user.find"}
	u, err := m.client.FindUser(ctx(L), a.name(1))
	pushFound(L, a, err, func() lua.LValue { return userTable(L, u) })
	return 1
}

// userFields returns the keys of a User table; user.edit accepts them all.
func userFields() []string {
	return []string{"id", "firstname", "lastname", "username", "email", "userType", "status", "owner", "mfa", "createDate"}
}

func (m *module) userInsert(L *lua.LState) int {
	a := args{L, "user.insert"}
	f := a.fields(a.table(1, false), "field", "username", "firstname", "lastname", "firstName", "lastName", "email", "userType")
	u := clickapi.NewUser{
		Username:  f.str("username", true),
		Firstname: firstNonEmpty(f.str("firstname", false), f.str("firstName", false)),
		Lastname:  firstNonEmpty(f.str("lastname", false), f.str("lastName", false)),
		Email:     f.str("email", false),
		UserType:  f.integer("userType", int(clickapi.DesktopStandardUser)),
	}
	if field, msg := checkUser(clickapi.ImportUser{Username: u.Username, Email: u.Email, FirstName: u.Firstname, LastName: u.Lastname}); msg != "" {
		a.errorf("bad argument #1 (field %q: %s)", field, msg)
	}
	if w := lookAlike("user.insert", u.Username); w != "" {
		m.log.Warn(w)
	}
	if u.Email == "" {
		u.Email = u.Username
	}
	var created *clickapi.User
	sent := m.write(L, writeCall{op: a.fn, endpoint: "POST " + clickapi.RouteInsertUser, items: 1, body: u,
		send: func(c context.Context) (err error) {
			created, err = m.client.InsertUser(c, u)
			return err
		},
		audit: func(e *audit.Entry, err error) {
			if err != nil {
				return
			}
			e.User = created.ID
			e.CreatedUsers = []string{created.Username}
		}})
	if !sent {
		created = &clickapi.User{ID: DryRunID, Firstname: u.Firstname, Lastname: u.Lastname, Username: u.Username,
			Email: u.Email, UserType: u.UserType, Status: clickapi.UserPending}
	}
	L.Push(userTable(L, created))
	return 1
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func (m *module) userEdit(L *lua.LState) int {
	a := args{L, "user.edit"}
	t := a.table(1, false)
	f := a.fields(t, "field", userFields()...)
	id, username := f.str("id", false), f.str("username", false)
	if id == "" && username == "" {
		a.errorf("bad argument #1 (the user table needs an id or a username)")
	}
	if id != "" {
		if err := checkUUID(id); err != nil {
			a.errorf("field \"id\": %v", err)
		}
	}
	cur, err := m.currentUser(ctx(L), id, username)
	if err != nil {
		raise(L, a.fn, err)
	}
	// The whole user as read, with the fields the script gave.
	u := *cur
	if f.get("firstname") != lua.LNil {
		u.Firstname = f.str("firstname", false)
	}
	if f.get("lastname") != lua.LNil {
		u.Lastname = f.str("lastname", false)
	}
	if username != "" {
		u.Username = username
	}
	if f.get("email") != lua.LNil {
		u.Email = f.str("email", false)
	}
	u.UserType = f.integer("userType", u.UserType)
	u.Status = clickapi.UserStatus(f.integer("status", int(u.Status)))
	u.Owner = f.boolean("owner", u.Owner, false)
	u.MFA = f.boolean("mfa", u.MFA, false)
	out := &u
	m.write(L, writeCall{op: a.fn, endpoint: "PUT " + clickapi.RouteEditUser, items: 1, body: u,
		send: func(c context.Context) (err error) {
			out, err = m.client.EditUser(c, u)
			return err
		},
		audit: func(e *audit.Entry, err error) {
			if err == nil {
				e.User = u.ID
			}
		}})
	L.Push(userTable(L, out))
	return 1
}

// currentUser reads the user to edit: by username when one is given (and,
// with an id too, only if the ids agree: a username being changed is not
// found under its new value), else by id, reading every user.
func (m *module) currentUser(c context.Context, id, username string) (*clickapi.User, error) {
	if username != "" {
		u, err := m.client.FindUser(c, username)
		var miss *clickapi.LookupError
		switch {
		case err == nil && (id == "" || u.ID == id):
			return u, nil
		case err != nil && !errors.As(err, &miss):
			return nil, err
		case id == "":
			return nil, fmt.Errorf("no user with username %q", username)
		}
	}
	p := m.client.Users(c, clickapi.ListOptions{PageSize: clickapi.MaxPageSize})
	defer p.Close()
	for {
		u, ok := p.Next()
		if !ok {
			if err := p.Err(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("no user with id %s", id)
		}
		if u.ID == id {
			return &u, nil
		}
	}
}

// userRef reads argument n as a user: an id, a user table, or a username.
func (m *module) userRef(L *lua.LState, a args, n int) string {
	v := L.Get(n)
	if s, ok := v.(lua.LString); ok && checkUUID(string(s)) != nil {
		u, err := m.client.FindUser(ctx(L), string(s))
		var miss *clickapi.LookupError
		if errors.As(err, &miss) && len(miss.IDs) == 0 {
			a.errorf("bad argument #%d (no user with username %q)", n, string(s))
		}
		if err != nil {
			raise(L, a.fn, err)
		}
		return u.ID
	}
	return a.id(n, "user")
}

func (m *module) userDelete(L *lua.LState) int {
	a := args{L, "user.delete"}
	id := m.userRef(L, a, 1)
	m.write(L, writeCall{op: a.fn, endpoint: "DELETE " + clickapi.RouteDeleteUser, items: 1,
		send: func(c context.Context) error { return m.client.DeleteUser(c, id) },
		audit: func(e *audit.Entry, err error) {
			if err == nil {
				e.User = id
			}
		}})
	L.Push(lua.LTrue)
	return 1
}
