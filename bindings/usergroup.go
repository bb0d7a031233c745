package bindings

import (
	"context"
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

func usergroupFuncs() []Func {
	return []Func{
		{Module: "usergroup", Name: "list", impl: (*module).list,
			Params:  []Param{{"opts", "GroupListOptions?", "{name=, sortfield=, descending=, pagesize=}"}},
			Returns: "ListIterator<UserGroup>",
			Summary: "Every user group, page by page: a for-loop iterator with :all(), :first() and :count()."},
		{Module: "usergroup", Name: "list_details", impl: (*module).listDetails,
			Params:  []Param{{"opts", "GroupListOptions?", "{name=, sortfield=, descending=, pagesize=}"}},
			Returns: "ListIterator<UserGroupWithDetails>",
			Summary: "Every user group with its members, projects and drives inlined."},
		{Module: "usergroup", Name: "find", impl: (*module).find,
			Params:  []Param{{"name", "string", "exact group name, any case"}},
			Returns: "UserGroup?",
			Summary: "The group whose name matches exactly (case-insensitively), or nil."},
		{Module: "usergroup", Name: "insert", impl: (*module).insert,
			Params:  []Param{{"group", "NewUserGroup", "{name=, description=, active=} (active defaults to true)"}},
			Returns: "UserGroup",
			Summary: "Creates a group and returns it with its id."},
		{Module: "usergroup", Name: "update", impl: (*module).update,
			Params:  []Param{{"group", "UserGroup", "{id=, name=, description=, active=}: every field, as the agent replaces them all"}},
			Returns: "UserGroup",
			Summary: "Replaces a group's name, description and active flag; returns the group."},
		{Module: "usergroup", Name: "delete", impl: (*module).delete,
			Params:  []Param{{"group", "string|UserGroup", "group id or group table"}},
			Returns: "boolean",
			Summary: "Soft-deletes a group."},
		{Module: "usergroup", Name: "members", impl: (*module).members,
			Params: []Param{{"group", "string|UserGroup", "group id or group table"},
				{"opts", "MemberListOptions?", "{username=, sortfield=, descending=, pagesize=}"}},
			Returns: "ListIterator<UserUserGroupDTO>",
			Summary: "The group's members, page by page: rows {user=, userGroup=, userUserGroup=}."},
		{Module: "usergroup", Name: "members_of", impl: (*module).membersOf,
			Params: []Param{{"groups", "(string|UserGroup)[]", "group ids or group tables, e.g. usergroup.list{}:all()"},
				{"opts", "MemberListOptions?", "{username=, sortfield=, descending=, pagesize=}"}},
			Returns: "ListIterator<UserUserGroupDTO>",
			Summary: "The members of every group given, group after group, the groups read side by side (up to --concurrency): faster than a members loop per group."},
		{Module: "usergroup", Name: "groups_of", impl: (*module).groupsOf,
			Params: []Param{{"user", "string|User", "user id or user table"},
				{"opts", "GroupListOptions?", "{name=, sortfield=, descending=, pagesize=}"}},
			Returns: "ListIterator<UserUserGroupDTO>",
			Summary: "The groups a user belongs to, page by page."},
		{Module: "usergroup", Name: "assign", impl: (*module).assign,
			Params: []Param{{"pairs", "UserUserGroup[]", "{{userId=, userGroupId=}, ...}"},
				{"opts", "BulkOptions?", "{batch=}"}},
			Returns: "BulkResult",
			Summary: "Adds users to groups in concurrent batches; existing pairs are skipped, so a re-run is safe."},
		{Module: "usergroup", Name: "unassign", impl: (*module).unassign,
			Params:  []Param{{"assignment", "string|UserUserGroup", "assignment id (userUserGroup.id), not a user id"}},
			Returns: "boolean",
			Summary: "Removes one user-to-group assignment."},
		{Module: "usergroup", Name: "import", impl: (*module).importUsers,
			Params: []Param{{"relations", "UserUserGroupRelation[]", "{{user={username=, email=, userType=, firstName=, lastName=}, userGroups={{id=}|{name=}}}, ...}"},
				{"opts", "ImportOptions?", "{batch=, create_groups=}"}},
			Returns: "BulkResult",
			Summary: "Maps users, created when missing, to groups in concurrent batches; validated whole before the first write (usernames bare emails of at most 50 characters, named as item N); a lost answer is read back."},
		{Module: "usergroup", Name: "import_csv", impl: (*module).importCSV,
			Params: []Param{{"path", "string", "CSV with a header row: username and group (a group name or id), optionally email, userType, firstName, lastName"},
				{"opts", "ImportOptions?", "{batch=, create_groups=}"}},
			Returns: "BulkResult",
			Summary: "Imports memberships from a CSV file; every row is checked first and bad rows are named by file and line."},
		{Module: "usergroup", Name: "sync", impl: (*module).sync,
			Params: []Param{{"group", "string|UserGroup", "group id, group table or exact group name"},
				{"desired", "(string|ImportUser)[]", "usernames, or {username=, firstName=, lastName=} tables"},
				{"opts", "SyncOptions?", "{add_only=, remove_only=, max_remove= (count or \"10%\", default 50%), force=, allow_empty=, batch=}"}},
			Returns: "SyncResult",
			Summary: "Makes the group's members exactly the desired usernames (bare emails of at most 50 characters, checked first): adds through import, removes through unassign."},
	}
}

// listOptions reads a list's options table (argument n); filter is the
// endpoint's filter key, "name" or "username".
func (m *module) listOptions(a args, n int, filter string) clickapi.ListOptions {
	return m.listOptionsFrom(a, a.fields(a.table(n, true), "option", filter, "sortfield", "descending", "pagesize"), filter)
}

// listOptionsFrom reads the paging, sort and filter options of f, whose
// keys the caller checked.
func (m *module) listOptionsFrom(a args, f fields, filter string) clickapi.ListOptions {
	o := clickapi.ListOptions{
		SortField:  f.str("sortfield", false),
		Descending: f.boolean("descending", false, false),
		PageSize:   f.integer("pagesize", 0),
	}
	if o.PageSize < 0 || o.PageSize > clickapi.MaxPageSize {
		a.errorf("option \"pagesize\": %d is not between 1 and %d", o.PageSize, clickapi.MaxPageSize)
	}
	if o.PageSize == 0 {
		o.PageSize = m.pageSize
	}
	if filter == "name" {
		o.Name = f.str("name", false)
	} else {
		o.Username = f.str("username", false)
	}
	return o
}

func (m *module) list(L *lua.LState) int {
	a := args{L, "usergroup.list"}
	opts := m.listOptions(a, 1, "name")
	L.Push(newIter(L, a.fn, opts, m.client.UserGroups, m.client.ListUserGroups, groupTable))
	return 1
}

func (m *module) listDetails(L *lua.LState) int {
	a := args{L, "usergroup.list_details"}
	opts := m.listOptions(a, 1, "name")
	L.Push(newIter(L, a.fn, opts, m.client.UserGroupsWithDetails, m.client.ListUserGroupsWithDetails, detailsTable))
	return 1
}

func (m *module) members(L *lua.LState) int {
	a := args{L, "usergroup.members"}
	id := a.id(1, "group")
	opts := m.listOptions(a, 2, "username")
	L.Push(newIter(L, a.fn, opts, bindWalk(m.client.AssignedUsers, id), bindList(m.client.ListAssignedUsers, id), dtoTable))
	return 1
}

func (m *module) groupsOf(L *lua.LState) int {
	a := args{L, "usergroup.groups_of"}
	id := a.id(1, "user")
	opts := m.listOptions(a, 2, "name")
	L.Push(newIter(L, a.fn, opts, bindWalk(m.client.AssignedUserGroups, id), bindList(m.client.ListAssignedUserGroups, id), dtoTable))
	return 1
}

func (m *module) find(L *lua.LState) int {
	a := args{L, "usergroup.find"}
	name, ok := L.Get(1).(lua.LString)
	if !ok || strings.TrimSpace(string(name)) == "" {
		a.badArg(1, "non-empty string", L.Get(1))
	}
	g, err := m.findGroup(L, string(name))
	if err != nil {
		raise(L, a.fn, err)
	}
	if g == nil {
		L.Push(lua.LNil)
	} else {
		L.Push(groupTable(L, g))
	}
	return 1
}

// findGroup returns the live group named name (any case), or nil. The
// name filter is a substring match, so it walks the matches for the exact one.
func (m *module) findGroup(L *lua.LState, name string) (*clickapi.UserGroup, error) {
	p := m.client.UserGroups(ctx(L), clickapi.ListOptions{Name: name})
	defer p.Close()
	for {
		g, ok := p.Next()
		if !ok {
			return nil, p.Err()
		}
		if strings.EqualFold(g.Name, name) {
			return &g, nil
		}
	}
}

func (m *module) insert(L *lua.LState) int {
	a := args{L, "usergroup.insert"}
	f := a.fields(a.table(1, false), "field", "name", "description", "active")
	g := clickapi.NewUserGroup{
		Name:        f.str("name", true),
		Description: f.str("description", false),
		Active:      f.boolean("active", true, false),
	}
	w, created := m.insertCall(L, a.fn, g)
	if !m.write(L, w) {
		*created = clickapi.UserGroup{ID: DryRunID, Name: g.Name, Description: g.Description, Active: g.Active}
	}
	L.Push(groupTable(L, created))
	return 1
}

// insertCall is the write call that inserts g (with insertOnce) for op,
// and where the group created goes.
func (m *module) insertCall(L *lua.LState, op string, g clickapi.NewUserGroup) (writeCall, *clickapi.UserGroup) {
	created := &clickapi.UserGroup{}
	return writeCall{op: op, endpoint: "POST " + clickapi.RouteInsertGroup, body: g,
		send: func(context.Context) error {
			got, err := m.insertOnce(L, g)
			if err == nil {
				*created = *got
			}
			return err
		},
		audit: func(e *audit.Entry, err error) {
			if err == nil {
				e.Group = created.ID
			}
		},
	}, created
}

// insertAudited inserts g for op, audited, and returns the group.
func (m *module) insertAudited(L *lua.LState, op string, g clickapi.NewUserGroup) (*clickapi.UserGroup, error) {
	w, created := m.insertCall(L, op, g)
	return created, m.call(ctx(L), w)
}

// insertAttempts bounds how often insertOnce sends an insert whose
// outcome stayed unknown. Every resend follows a look-up that showed the
// group is not there, so the bound is about patience, not safety.
const insertAttempts = 6

// insertOnce inserts g so that a retry never creates it twice. The client
// resends an insert only when it provably never left; when an attempt may
// have landed (the connection broke after sending, a 5xx or a 429), the
// group is looked up by its exact name, which live groups never share: if
// it is there, the insert landed and the group is returned; if not, it is
// sent again. When the look-up itself fails, the insert is not resent: its
// outcome is unknown, and the error says so.
func (m *module) insertOnce(L *lua.LState, g clickapi.NewUserGroup) (*clickapi.UserGroup, error) {
	c := ctx(L)
	created, err := m.client.InsertUserGroup(c, g)
	unknown := false
	for attempt := 1; err != nil && c.Err() == nil; attempt++ {
		if !outcomeUnknown(err) && !(unknown && errors.Is(err, clickapi.ErrDuplicate)) {
			return nil, err
		}
		unknown = true
		found, ferr := m.findGroup(L, g.Name)
		if ferr != nil {
			return nil, fmt.Errorf("%w; whether the group was created is unknown: looking it up failed too: %v", err, ferr)
		}
		if found != nil {
			m.log.Warn("insert answered with an error, but the group is there: it landed", "op", "usergroup.insert", "group", g.Name, "error", err.Error())
			return found, nil
		}
		if attempt == insertAttempts {
			return nil, err
		}
		created, err = m.client.InsertUserGroup(c, g)
	}
	return created, err
}

// outcomeUnknown reports whether a failed write may still have been applied.
func outcomeUnknown(err error) bool {
	var apiErr *clickapi.APIError
	if !errors.As(err, &apiErr) {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	return apiErr.Status == 429 || apiErr.Status >= 500
}

// DryRunID is the id that writes return under --dry-run: a valid uuid, so
// that a script's later calls pass validation, and obviously not a real one.
const DryRunID = "00000000-0000-0000-0000-000000000000"

func (m *module) update(L *lua.LState) int {
	a := args{L, "usergroup.update"}
	f := a.fields(a.table(1, false), "field", "id", "accountId", "name", "description", "active", "deleted")
	u := clickapi.UserGroupUpdate{
		ID:          f.str("id", true),
		Name:        f.str("name", true),
		Description: f.str("description", true),
		Active:      f.boolean("active", false, true),
	}
	if err := checkUUID(u.ID); err != nil {
		a.errorf("field \"id\": %v", err)
	}
	g := &clickapi.UserGroup{ID: u.ID, Name: u.Name, Description: u.Description, Active: u.Active} // what a dry run returns
	m.write(L, writeCall{op: a.fn, endpoint: "PUT " + clickapi.RouteUpdateGroup, body: u,
		audit: func(e *audit.Entry, _ error) { e.Group = u.ID },
		send: func(c context.Context) error {
			updated, err := m.client.UpdateUserGroup(c, u)
			if err == nil {
				g = updated
			}
			return err
		}})
	L.Push(groupTable(L, g))
	return 1
}

func (m *module) delete(L *lua.LState) int {
	a := args{L, "usergroup.delete"}
	id := a.id(1, "group")
	m.write(L, writeCall{op: a.fn, endpoint: "DELETE " + clickapi.RouteDeleteGroup,
		send:  func(c context.Context) error { return m.client.DeleteUserGroup(c, id) },
		audit: func(e *audit.Entry, _ error) { e.Group = id }})
	L.Push(lua.LTrue)
	return 1
}

func (m *module) unassign(L *lua.LState) int {
	a := args{L, "usergroup.unassign"}
	id := a.id(1, "assignment")
	// With an assignment table (row.userUserGroup), the audit log keeps
	// who was in which group, so that undo can re-assign.
	p := audit.Pair{ID: id}
	if t, ok := L.Get(1).(*lua.LTable); ok {
		p.UserID, p.UserGroupID = stringField(t, "userId"), stringField(t, "userGroupId")
	}
	// An answer lost: the group, when known, is read back (readback.go).
	var rb *removeReadBack
	w := writeCall{op: a.fn, endpoint: "DELETE " + clickapi.RouteUnassignUser,
		send: func(c context.Context) error { return m.client.UnassignUser(c, id) },
		audit: func(e *audit.Entry, err error) {
			switch {
			case err == nil:
				e.Removed = []audit.Pair{p}
			case lostAnswer(err):
				found := m.readBackRemoval(ctx(L), p.UserGroupID, id)
				found.record(e, p)
				rb = &found
			}
		}}
	if m.dryRun {
		m.write(L, w)
	} else if err := m.call(ctx(L), w); err != nil {
		if rb != nil {
			err = rb.err(err)
		}
		if err != nil {
			raise(L, a.fn, err)
		}
	}
	L.Push(lua.LTrue)
	return 1
}
