package bindings

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

// This file is the permission module: who (a group or a user) can reach
// what (a project or a shared cloud drive), at which level. Its writes
// read the subject's current grants first and send only what changes: a
// POST for a grant that does not exist, a PUT for one at another level
// (the contract's ensure-logic, section 9, right whatever the agent does
// with a duplicate add).

func permissionFuncs() []Func {
	return []Func{
		{Module: "permission", Name: "list", impl: (*module).permList,
			Params: []Param{{"query", "PermissionQuery", "{group=|user=, on=\"projects\"|\"drives\"} or {project=|drive=, of=\"groups\"|\"users\"}, " +
				"plus name= (username= for users), sortfield=, descending=, pagesize="}},
			Returns: "ListIterator<UserGroupProjectPermissionDTO|UserGroupSharedCloudDrivePermissionDTO|UserProjectPermissionDTO|UserSharedCloudDrivePermissionDTO>",
			Summary: "The grants of a group or user, or on a project or drive, page by page: rows {userGroup= or user=, project= or sharedCloudDrive= " +
				"(user rows: sharedClouDrive, the vendor's spelling), permission=}."},
		{Module: "permission", Name: "grant", impl: (*module).permGrant,
			Params: []Param{{"grants", "PermissionGrant[]", "{{group=|user=, project=|drive=, level=\"read\"|\"readwrite\"|1|2}, ...}: ids, tables or exact names"},
				{"opts", "BulkOptions?", "{batch=}"}},
			Returns: "GrantResult",
			Summary: "Makes each subject reach each object at the level given: adds missing grants and changes other levels, in batches; validated whole before the first write."},
		{Module: "permission", Name: "set", impl: (*module).permSet,
			Params: []Param{{"grant", "table", "a row of permission.list, a permission record, or {group=|user=, project=|drive=}"},
				{"level", "string|integer", "\"read\" (1) or \"readwrite\" (2)"}},
			Returns: "table",
			Summary: "Changes the level of an existing grant; returns its permission record. No request when the level is already right."},
		{Module: "permission", Name: "revoke", impl: (*module).permRevoke,
			Params:  []Param{{"grant", "table", "a row of permission.list, a permission record, or {group=|user=, project=|drive=}"}},
			Returns: "boolean",
			Summary: "Removes a grant; false when there was none to remove."},
	}
}

// pairKind is one of the four kinds of grant.
type pairKind struct {
	subject string // "group" or "user"
	object  string // "project" or "drive"
}

func (k pairKind) String() string { return k.subject + "-" + k.object }

func (k pairKind) route() string {
	switch k {
	case pairKind{"group", "project"}:
		return clickapi.RouteGroupProjectPermission
	case pairKind{"group", "drive"}:
		return clickapi.RouteGroupDrivePermission
	case pairKind{"user", "project"}:
		return clickapi.RouteUserProjectPermission
	}
	return clickapi.RouteUserDrivePermission
}

// subjectKey and objectKey are the record keys of the kind's ids.
func (k pairKind) subjectKey() string {
	if k.subject == "group" {
		return "userGroupId"
	}
	return "userId"
}

func (k pairKind) objectKey() string {
	if k.object == "project" {
		return "projectId"
	}
	return "sharedCloudDriveId"
}

// grantRec is one grant, of any kind.
type grantRec struct {
	kind      pairKind
	id        string // the permission record's id; "" for a grant to add
	subjectID string
	objectID  string
	level     clickapi.PermissionLevel
	where     string // how messages name it: "item 3"
	name      string // the object's name, when known: for plans
	action    grantAction
	prev      clickapi.PermissionLevel // a change's level before
}

func (g grantRec) pair() string { return g.kind.String() + "/" + g.subjectID + "/" + g.objectID }

func (g grantRec) change(prev clickapi.PermissionLevel) audit.PermissionChange {
	return audit.PermissionChange{ID: g.id, Subject: g.kind.subject, SubjectID: g.subjectID, Object: g.kind.object,
		ObjectID: g.objectID, Level: int(g.level), PrevLevel: int(prev)}
}

// recordTable is a permission record as the API shows it.
func recordTable(L *lua.LState, g grantRec) *lua.LTable {
	t := L.CreateTable(0, 4)
	t.RawSetString("id", lua.LString(g.id))
	t.RawSetString(g.kind.subjectKey(), lua.LString(g.subjectID))
	t.RawSetString(g.kind.objectKey(), lua.LString(g.objectID))
	t.RawSetString("permissionType", lua.LNumber(g.level))
	return t
}

// grantBody is the request body of records of kind k: the API's records.
func grantBody(k pairKind, recs []grantRec) any {
	switch k {
	case pairKind{"group", "project"}:
		body := make([]clickapi.UserGroupProjectPermission, len(recs))
		for i, g := range recs {
			body[i] = clickapi.UserGroupProjectPermission{ID: g.id, UserGroupID: g.subjectID, ProjectID: g.objectID, PermissionType: g.level}
		}
		return body
	case pairKind{"group", "drive"}:
		body := make([]clickapi.UserGroupSharedCloudDrivePermission, len(recs))
		for i, g := range recs {
			body[i] = clickapi.UserGroupSharedCloudDrivePermission{ID: g.id, UserGroupID: g.subjectID, SharedCloudDriveID: g.objectID, PermissionType: g.level}
		}
		return body
	case pairKind{"user", "project"}:
		body := make([]clickapi.UserProjectPermission, len(recs))
		for i, g := range recs {
			body[i] = clickapi.UserProjectPermission{ID: g.id, UserID: g.subjectID, ProjectID: g.objectID, PermissionType: g.level}
		}
		return body
	}
	body := make([]clickapi.UserSharedCloudDrivePermission, len(recs))
	for i, g := range recs {
		body[i] = clickapi.UserSharedCloudDrivePermission{ID: g.id, UserID: g.subjectID, SharedCloudDriveID: g.objectID, PermissionType: g.level}
	}
	return body
}

// sendGrants POSTs (add) or PUTs (change) records of one kind.
func (m *module) sendGrants(c context.Context, k pairKind, add bool, recs []grantRec) error {
	switch body := grantBody(k, recs).(type) {
	case []clickapi.UserGroupProjectPermission:
		if add {
			return m.client.GrantUserGroupProjectPermissions(c, body)
		}
		return m.client.SetUserGroupProjectPermissions(c, body)
	case []clickapi.UserGroupSharedCloudDrivePermission:
		if add {
			return m.client.GrantUserGroupSharedCloudDrivePermissions(c, body)
		}
		return m.client.SetUserGroupSharedCloudDrivePermissions(c, body)
	case []clickapi.UserProjectPermission:
		if add {
			return m.client.GrantUserProjectPermissions(c, body)
		}
		return m.client.SetUserProjectPermissions(c, body)
	case []clickapi.UserSharedCloudDrivePermission:
		if add {
			return m.client.GrantUserSharedCloudDrivePermissions(c, body)
		}
		return m.client.SetUserSharedCloudDrivePermissions(c, body)
	}
	return fmt.Errorf("permission kind %s", k)
}

// revokeGrant deletes one record of kind k.
func (m *module) revokeGrant(c context.Context, k pairKind, id string) error {
	switch k {
	case pairKind{"group", "project"}:
		return m.client.RevokeUserGroupProjectPermission(c, id)
	case pairKind{"group", "drive"}:
		return m.client.RevokeUserGroupSharedCloudDrivePermission(c, id)
	case pairKind{"user", "project"}:
		return m.client.RevokeUserProjectPermission(c, id)
	}
	return m.client.RevokeUserSharedCloudDrivePermission(c, id)
}

// currentGrants reads every grant of kind k that subjectID has: object id -> grant.
func (m *module) currentGrants(c context.Context, k pairKind, subjectID string) (map[string]grantRec, error) {
	out := map[string]grantRec{}
	add := func(id, subject, object string, level clickapi.PermissionLevel, name string) {
		if id != "" && subject == subjectID {
			out[object] = grantRec{kind: k, id: id, subjectID: subject, objectID: object, level: level, name: name}
		}
	}
	opts := clickapi.ListOptions{PageSize: clickapi.MaxPageSize}
	var err error
	switch k {
	case pairKind{"group", "project"}:
		err = each(m.client.ProjectsAssignedToUserGroup(c, subjectID, opts), func(d clickapi.UserGroupProjectPermissionDTO) {
			if p := d.Permission; p != nil {
				add(p.ID, p.UserGroupID, p.ProjectID, p.PermissionType, projectName(d.Project))
			}
		})
	case pairKind{"group", "drive"}:
		err = each(m.client.SharedCloudDrivesAssignedToUserGroup(c, subjectID, opts), func(d clickapi.UserGroupSharedCloudDrivePermissionDTO) {
			if p := d.Permission; p != nil {
				add(p.ID, p.UserGroupID, p.SharedCloudDriveID, p.PermissionType, driveName(d.SharedCloudDrive))
			}
		})
	case pairKind{"user", "project"}:
		err = each(m.client.ProjectsAssignedToUser(c, subjectID, opts), func(d clickapi.UserProjectPermissionDTO) {
			if p := d.Permission; p != nil {
				add(p.ID, p.UserID, p.ProjectID, p.PermissionType, projectName(d.Project))
			}
		})
	default:
		err = each(m.client.SharedCloudDrivesAssignedToUser(c, subjectID, opts), func(d clickapi.UserSharedCloudDrivePermissionDTO) {
			if p := d.Permission; p != nil {
				add(p.ID, p.UserID, p.SharedCloudDriveID, p.PermissionType, driveName(d.SharedCloudDrive))
			}
		})
	}
	if err != nil {
		return nil, fmt.Errorf("read the %s grants of %s %s: %w", k.object, k.subject, subjectID, err)
	}
	return out, nil
}

// projectName and driveName are the name of a listing row's object, "" when absent.
func projectName(p *clickapi.Project) string {
	if p == nil {
		return ""
	}
	return p.Name
}

func driveName(d *clickapi.SharedCloudDrive) string {
	if d == nil {
		return ""
	}
	return d.Name
}

// each calls fn for every item of a listing.
func each[T any](p *clickapi.Pager[T], fn func(T)) error {
	defer p.Close()
	for {
		it, ok := p.Next()
		if !ok {
			return p.Err()
		}
		fn(it)
	}
}

// Row tables: the DTOs with their API keys; absent parts are left out.

func gpTable(L *lua.LState, d *clickapi.UserGroupProjectPermissionDTO) *lua.LTable {
	t := L.CreateTable(0, 3)
	if d.UserGroup != nil {
		t.RawSetString("userGroup", groupTable(L, d.UserGroup))
	}
	if d.Project != nil {
		t.RawSetString("project", projectTable(L, d.Project))
	}
	if p := d.Permission; p != nil {
		t.RawSetString("permission", recordTable(L, grantRec{kind: pairKind{"group", "project"}, id: p.ID, subjectID: p.UserGroupID, objectID: p.ProjectID, level: p.PermissionType}))
	}
	return t
}

func gdTable(L *lua.LState, d *clickapi.UserGroupSharedCloudDrivePermissionDTO) *lua.LTable {
	t := L.CreateTable(0, 3)
	if d.UserGroup != nil {
		t.RawSetString("userGroup", groupTable(L, d.UserGroup))
	}
	if d.SharedCloudDrive != nil {
		t.RawSetString("sharedCloudDrive", driveTable(L, d.SharedCloudDrive))
	}
	if p := d.Permission; p != nil {
		t.RawSetString("permission", recordTable(L, grantRec{kind: pairKind{"group", "drive"}, id: p.ID, subjectID: p.UserGroupID, objectID: p.SharedCloudDriveID, level: p.PermissionType}))
	}
	return t
}

func upTable(L *lua.LState, d *clickapi.UserProjectPermissionDTO) *lua.LTable {
	t := L.CreateTable(0, 3)
	if d.User != nil {
		t.RawSetString("user", userTable(L, d.User))
	}
	if d.Project != nil {
		t.RawSetString("project", projectTable(L, d.Project))
	}
	if p := d.Permission; p != nil {
		t.RawSetString("permission", recordTable(L, grantRec{kind: pairKind{"user", "project"}, id: p.ID, subjectID: p.UserID, objectID: p.ProjectID, level: p.PermissionType}))
	}
	return t
}

// udTable keeps the vendor's key "sharedClouDrive" for the drive.
func udTable(L *lua.LState, d *clickapi.UserSharedCloudDrivePermissionDTO) *lua.LTable {
	t := L.CreateTable(0, 3)
	if d.User != nil {
		t.RawSetString("user", userTable(L, d.User))
	}
	if d.SharedCloudDrive != nil {
		t.RawSetString("sharedClouDrive", driveTable(L, d.SharedCloudDrive))
	}
	if p := d.Permission; p != nil {
		t.RawSetString("permission", recordTable(L, grantRec{kind: pairKind{"user", "drive"}, id: p.ID, subjectID: p.UserID, objectID: p.SharedCloudDriveID, level: p.PermissionType}))
	}
	return t
}

// permList reads a PermissionQuery and returns the iterator of its listing.
func (m *module) permList(L *lua.LState) int {
	a := args{L, "permission.list"}
	f := a.fields(a.table(1, false), "field", "group", "user", "project", "drive", "on", "of",
		"name", "username", "sortfield", "descending", "pagesize")
	var end, dir string
	for _, k := range []string{"group", "user", "project", "drive"} {
		if f.get(k) != lua.LNil {
			if end != "" {
				a.errorf("give one of group=, user=, project= or drive=, not %s= and %s=", end, k)
			}
			end = k
		}
	}
	switch end {
	case "":
		a.errorf("give one of group=, user=, project= or drive=")
	case "group", "user":
		if f.get("of") != lua.LNil {
			a.errorf("with %s=, say on=\"projects\" or on=\"drives\" (of= is for project= and drive=)", end)
		}
		dir = plural(f.str("on", true))
		if dir != "projects" && dir != "drives" {
			a.errorf("field \"on\": %q: want \"projects\" or \"drives\"", f.str("on", false))
		}
	default:
		if f.get("on") != lua.LNil {
			a.errorf("with %s=, say of=\"groups\" or of=\"users\" (on= is for group= and user=)", end)
		}
		dir = plural(f.str("of", true))
		if dir != "groups" && dir != "users" {
			a.errorf("field \"of\": %q: want \"groups\" or \"users\"", f.str("of", false))
		}
	}
	filter, other := "name", "username"
	if dir == "users" {
		filter, other = "username", "name"
	}
	if f.get(other) != lua.LNil {
		a.errorf("field %q: this listing filters by %s=", other, filter)
	}
	opts := clickapi.ListOptions{
		SortField:  f.str("sortfield", false),
		Descending: f.boolean("descending", false, false),
		PageSize:   f.integer("pagesize", 0),
		Name:       f.str("name", false),
		Username:   f.str("username", false),
	}
	if opts.PageSize < 0 || opts.PageSize > clickapi.MaxPageSize {
		a.errorf("field \"pagesize\": %d is not between 1 and %d", opts.PageSize, clickapi.MaxPageSize)
	}
	if opts.PageSize == 0 {
		opts.PageSize = m.pageSize
	}
	id := m.refID(L, a, end, f.get(end), "field \""+end+"\"", nil)
	c := m.client
	var it *lua.LUserData
	switch end + " " + dir {
	case "group projects":
		it = newIter(L, a.fn, opts, bindWalk(c.ProjectsAssignedToUserGroup, id), bindList(c.ListProjectsAssignedToUserGroup, id), gpTable)
	case "project groups":
		it = newIter(L, a.fn, opts, bindWalk(c.UserGroupsAssignedToProject, id), bindList(c.ListUserGroupsAssignedToProject, id), gpTable)
	case "group drives":
		it = newIter(L, a.fn, opts, bindWalk(c.SharedCloudDrivesAssignedToUserGroup, id), bindList(c.ListSharedCloudDrivesAssignedToUserGroup, id), gdTable)
	case "drive groups":
		it = newIter(L, a.fn, opts, bindWalk(c.UserGroupsAssignedToSharedCloudDrive, id), bindList(c.ListUserGroupsAssignedToSharedCloudDrive, id), gdTable)
	case "user projects":
		it = newIter(L, a.fn, opts, bindWalk(c.ProjectsAssignedToUser, id), bindList(c.ListProjectsAssignedToUser, id), upTable)
	case "project users":
		it = newIter(L, a.fn, opts, bindWalk(c.UsersAssignedToProject, id), bindList(c.ListUsersAssignedToProject, id), upTable)
	case "user drives":
		it = newIter(L, a.fn, opts, bindWalk(c.SharedCloudDrivesAssignedToUser, id), bindList(c.ListSharedCloudDrivesAssignedToUser, id), udTable)
	default: // "drive users"
		it = newIter(L, a.fn, opts, bindWalk(c.UsersAssignedToSharedCloudDrive, id), bindList(c.ListUsersAssignedToSharedCloudDrive, id), udTable)
	}
	L.Push(it)
	return 1
}

// plural maps "project" to "projects" (and leaves "projects" alone).
func plural(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s != "" && !strings.HasSuffix(s, "s") {
		s += "s"
	}
	return s
}

// refID resolves a reference to a group, user, project or drive: a uuid,
// a table with an id, or an exact name (a username for users). where
// names it in errors; cache, when not nil, remembers names already
// resolved in this call.
func (m *module) refID(L *lua.LState, a args, kind string, v lua.LValue, where string, cache map[string]string) string {
	if t, ok := v.(*lua.LTable); ok {
		v = t.RawGetString("id")
		if v == lua.LNil {
			a.errorf("%s: the %s table has no id", where, kind)
		}
	}
	s, ok := v.(lua.LString)
	if !ok || strings.TrimSpace(string(s)) == "" {
		a.errorf("%s: a %s id, name or table expected, got %s", where, kind, typeName(v))
	}
	if checkUUID(string(s)) == nil {
		return string(s)
	}
	key := kind + "\x00" + strings.ToLower(string(s))
	if id, ok := cache[key]; ok {
		return id
	}
	id, err := m.findID(ctx(L), kind, string(s))
	if err != nil {
		raise(L, a.fn, fmt.Errorf("%s: %w", where, err))
	}
	if id == "" {
		a.errorf("%s: no %s named %q", where, kind, string(s))
	}
	if cache != nil {
		cache[key] = id
	}
	return id
}

// findID looks a name up: the id, "" when nothing has it, or an error
// (a failed request, an ambiguous name).
func (m *module) findID(c context.Context, kind, name string) (string, error) {
	var id string
	var err error
	switch kind {
	case "group":
		var g *clickapi.UserGroup
		p := m.client.UserGroups(c, clickapi.ListOptions{Name: name})
		defer p.Close()
		for g == nil {
			it, ok := p.Next()
			if !ok {
				return "", p.Err()
			}
			if strings.EqualFold(it.Name, name) {
				g = &it
			}
		}
		return g.ID, nil
	case "user":
		var u *clickapi.User
		if u, err = m.client.FindUser(c, name); err == nil {
			id = u.ID
		}
	case "project":
		var p *clickapi.Project
		if p, err = m.client.FindProject(c, name); err == nil {
			id = p.ID
		}
	default:
		var d *clickapi.SharedCloudDrive
		if d, err = m.client.FindSharedCloudDrive(c, name); err == nil {
			id = d.ID
		}
	}
	var miss *clickapi.LookupError
	if errors.As(err, &miss) && len(miss.IDs) == 0 {
		return "", nil
	}
	return id, err
}

// parseLevel reads a level: "read", "readwrite" or 1, 2.
func parseLevel(v lua.LValue) (clickapi.PermissionLevel, error) {
	switch x := v.(type) {
	case lua.LNumber:
		l := clickapi.PermissionLevel(int(x))
		if float64(x) != float64(int(x)) || !l.Valid() {
			return 0, fmt.Errorf("%v: want \"read\" (1) or \"readwrite\" (2)", x)
		}
		return l, nil
	case lua.LString:
		return clickapi.ParsePermissionLevel(string(x))
	}
	return 0, fmt.Errorf("a level \"read\" or \"readwrite\" (or 1, 2) expected, got %s", typeName(v))
}

// grantEnds reads which subject and object a table names (group= or
// user=, and project= or drive=), resolving them to ids.
func (m *module) grantEnds(L *lua.LState, a args, t *lua.LTable, where string, cache map[string]string) (grantRec, string) {
	var g grantRec
	var subj, obj []string
	for _, k := range []string{"group", "user"} {
		if t.RawGetString(k) != lua.LNil {
			subj = append(subj, k)
		}
	}
	for _, k := range []string{"project", "drive"} {
		if t.RawGetString(k) != lua.LNil {
			obj = append(obj, k)
		}
	}
	switch {
	case len(subj) != 1:
		return g, where + ": give one of group= or user="
	case len(obj) != 1:
		return g, where + ": give one of project= or drive="
	}
	g.kind = pairKind{subj[0], obj[0]}
	g.where = where
	g.subjectID = m.refID(L, a, subj[0], t.RawGetString(subj[0]), where+": "+subj[0], cache)
	g.objectID = m.refID(L, a, obj[0], t.RawGetString(obj[0]), where+": "+obj[0], cache)
	return g, ""
}

// grantStats is what permission.grant did or plans.
type grantStats struct {
	items, added, changed, unchanged, skipped, batches int
}

// grantAction is what a planned grant needs.
type grantAction int

const (
	grantKeep   grantAction = iota // already at the level asked
	grantAdd                       // no grant yet: POST
	grantChange                    // another level: PUT, with the record's id
)

func (m *module) permGrant(L *lua.LState) int {
	a := args{L, "permission.grant"}
	items := a.list(1, a.table(1, false))
	size := m.bulkOptions(a, 2)
	var bad problems
	cache := map[string]string{}
	seen := map[string]string{}
	var recs []grantRec
	for i, v := range items {
		where := fmt.Sprintf("item %d", i+1)
		t, ok := v.(*lua.LTable)
		if !ok {
			bad.add(i+1, "%s: table {group=|user=, project=|drive=, level=} expected, got %s", where, v.Type())
			continue
		}
		var unknown []string
		t.ForEach(func(k, _ lua.LValue) {
			switch k.String() {
			case "group", "user", "project", "drive", "level":
			default:
				unknown = append(unknown, k.String())
			}
		})
		if len(unknown) > 0 {
			bad.add(i+1, "%s: unknown field %q (known: group, user, project, drive, level)", where, unknown[0])
			continue
		}
		level, err := parseLevel(t.RawGetString("level"))
		if err != nil {
			bad.add(i+1, "%s: level: %v", where, err)
			continue
		}
		g, msg := m.grantEnds(L, a, t, where, cache)
		if msg != "" {
			bad.add(i+1, "%s", msg)
			continue
		}
		g.level = level
		if first, dup := seen[g.pair()]; dup {
			bad.add(i+1, "%s: the same %s pair as %s", where, g.kind, first)
			continue
		}
		seen[g.pair()] = where
		recs = append(recs, g)
	}
	bad.raiseIfAny(a, "grants")

	if err := m.planGrants(ctx(L), recs); err != nil {
		raise(L, a.fn, err)
	}
	st := m.applyGrants(L, a.fn, recs, size, true)
	t := L.CreateTable(0, 7)
	t.RawSetString("items", lua.LNumber(st.items))
	t.RawSetString("added", lua.LNumber(st.added))
	t.RawSetString("changed", lua.LNumber(st.changed))
	t.RawSetString("unchanged", lua.LNumber(st.unchanged))
	t.RawSetString("skipped", lua.LNumber(st.skipped))
	t.RawSetString("batches", lua.LNumber(st.batches))
	t.RawSetString("dry_run", lua.LBool(m.dryRun))
	L.Push(t)
	return 1
}

// allKinds are the four kinds of grant, in the order writes go.
func allKinds() []pairKind {
	return []pairKind{{"group", "project"}, {"group", "drive"}, {"user", "project"}, {"user", "drive"}}
}

// grantBatch is one batch of planned grants of one kind, cut from the
// input in its order, unchanged grants included: what the journal knows
// it by does not depend on the state the agent was in when it was planned.
type grantBatch struct {
	kind    pairKind
	recs    []grantRec
	key     string // the journal's key; "" without a journal
	skipped bool   // the journal says an earlier run applied it
}

// journalGrant is how a grant enters a batch's journal key.
type journalGrant struct {
	Subject string `json:"s"`
	Object  string `json:"o"`
	Level   int    `json:"l"`
}

// grantBatches cuts the planned recs of each kind into batches of size,
// and asks the journal which of them an earlier run applied.
func (m *module) grantBatches(recs []grantRec, size int) ([]grantBatch, error) {
	var out []grantBatch
	for _, k := range allKinds() {
		var ofKind []grantRec
		for _, g := range recs {
			if g.kind == k {
				ofKind = append(ofKind, g)
			}
		}
		for from := 0; from < len(ofKind); from += size {
			b := grantBatch{kind: k, recs: ofKind[from:min(from+size, len(ofKind))]}
			if m.journal != nil {
				items := make([]journalGrant, len(b.recs))
				for i, g := range b.recs {
					items[i] = journalGrant{g.subjectID, g.objectID, int(g.level)}
				}
				var err error
				if b.key, err = audit.BatchKey("grant "+k.route(), items); err != nil {
					return nil, err
				}
				b.skipped = m.journal.Applied(b.key)
			}
			out = append(out, b)
		}
	}
	return out, nil
}

// applyGrants sends the planned grants (see planGrants) in batches of
// size: per batch, one POST of its additions and one PUT of its level
// changes, through the usual write path (dry run, audit log, errors). A
// batch the --journal holds is skipped; one whose requests all succeed is
// recorded in it. The first failure is raised, saying how many batches
// landed. It returns what was done (planned, under dry run).
func (m *module) applyGrants(L *lua.LState, op string, recs []grantRec, size int, logPlan bool) grantStats {
	st := grantStats{items: len(recs)}
	batches, err := m.grantBatches(recs, size)
	if err != nil {
		raise(L, op, err)
	}
	for _, b := range batches {
		for _, g := range b.recs {
			switch {
			case b.skipped:
				st.skipped++
			case g.action == grantKeep:
				st.unchanged++
			}
		}
	}
	if logPlan {
		m.logGrantPlan(L, op, batches, st)
	}
	applied := 0
	for i, b := range batches {
		if b.skipped {
			continue
		}
		sent := false
		for _, add := range []bool{true, false} {
			var part []grantRec
			for _, g := range b.recs {
				if (add && g.action == grantAdd) || (!add && g.action == grantChange) {
					part = append(part, g)
				}
			}
			if len(part) == 0 {
				continue
			}
			method := "PUT "
			if add {
				method = "POST "
			}
			st.batches++
			if add {
				st.added += len(part)
			} else {
				st.changed += len(part)
			}
			w := writeCall{op: op, endpoint: method + b.kind.route(), items: len(part), body: grantBody(b.kind, part),
				send: func(c context.Context) error { return m.sendGrants(c, b.kind, add, part) },
				audit: func(e *audit.Entry, err error) {
					if err != nil {
						return
					}
					for _, g := range part {
						e.Permissions = append(e.Permissions, g.change(g.prev))
					}
				}}
			if m.dryRun {
				m.logWrite(L, op, w.endpoint, w.count(), w.body)
				continue
			}
			if err := m.call(ctx(L), w); err != nil {
				msg := fmt.Sprintf("%d of %d batches applied", applied, len(batches))
				if m.journal != nil && applied > 0 {
					msg += " and recorded in the journal: run again with the same --journal to finish"
				}
				raise(L, op, fmt.Errorf("batch %d of %d (%s to %s): %w (%s)", i+1, len(batches), b.recs[0].where, b.recs[len(b.recs)-1].where, err, msg))
			}
			sent = true
		}
		if sent {
			applied++
			if m.journal != nil {
				if err := m.journal.Record(b.key, op, "grant "+b.kind.route(), len(b.recs)); err != nil {
					raise(L, op, err)
				}
			}
		}
	}
	return st
}

// planGrants reads the current grants of every subject named (up to
// --concurrency at once) and sets the action of each rec: keep, add, or
// change (with the record's id and the level before in prev).
func (m *module) planGrants(c context.Context, recs []grantRec) error {
	type subject struct {
		kind pairKind
		id   string
	}
	var subjects []subject
	current := map[subject]map[string]grantRec{}
	for _, g := range recs {
		s := subject{g.kind, g.subjectID}
		if _, ok := current[s]; !ok {
			current[s] = nil
			if s.id != DryRunID {
				subjects = append(subjects, s)
			}
		}
	}
	var mu sync.Mutex
	if _, err := forEachConcurrently(c, m.conc, len(subjects), nil, func(c context.Context, i int) error {
		cur, err := m.currentGrants(c, subjects[i].kind, subjects[i].id)
		mu.Lock()
		current[subjects[i]] = cur
		mu.Unlock()
		return err
	}); err != nil {
		return err
	}
	for i := range recs {
		recs[i].plan(current[subject{recs[i].kind, recs[i].subjectID}])
	}
	return nil
}

// plan sets g's action from the subject's current grants (object id -> grant).
func (g *grantRec) plan(current map[string]grantRec) {
	cur, ok := current[g.objectID]
	switch {
	case !ok:
		g.action = grantAdd
	case cur.level == g.level:
		g.action = grantKeep
		g.id = cur.id
	default:
		g.action = grantChange
		g.id = cur.id
		g.prev = cur.level
	}
	if g.name == "" {
		g.name = cur.name
	}
}

// logGrantPlan logs the plan of a grant: at info level under --dry-run
// (it is what the user reads), else at debug level.
func (m *module) logGrantPlan(L *lua.LState, op string, batches []grantBatch, st grantStats) {
	level := slog.LevelDebug
	if m.dryRun {
		level = slog.LevelInfo
	}
	var adds, changes []grantRec
	for _, b := range batches {
		for _, g := range b.recs {
			switch {
			case b.skipped:
			case g.action == grantAdd:
				adds = append(adds, g)
			case g.action == grantChange:
				changes = append(changes, g)
			}
		}
	}
	c := ctx(L)
	attrs := []slog.Attr{slog.String("op", op), slog.Int("add", len(adds)), slog.Int("change", len(changes)), slog.Int("unchanged", st.unchanged)}
	if st.skipped > 0 {
		attrs = append(attrs, slog.Int("skipped_by_journal", st.skipped))
	}
	m.log.LogAttrs(c, level, "plan", attrs...)
	for _, g := range adds[:min(len(adds), planPreviewRows)] {
		m.log.LogAttrs(c, level, "  + grant", slog.String(g.kind.subject, g.subjectID), slog.String(g.kind.object, g.objectID), slog.String("level", g.level.String()), slog.String("row", g.where))
	}
	for _, g := range changes[:min(len(changes), planPreviewRows)] {
		m.log.LogAttrs(c, level, "  ~ level", slog.String(g.kind.subject, g.subjectID), slog.String(g.kind.object, g.objectID), slog.String("level", g.level.String()), slog.String("row", g.where))
	}
}

// existingGrant reads argument n of set and revoke: a row of
// permission.list, a permission record, or {group=|user=, project=|drive=}.
// It returns the grant as it is now, read from the agent, so that the
// audit log records the level it really had (found false: there is none;
// a record whose id is no longer the pair's grant counts as none).
func (m *module) existingGrant(L *lua.LState, a args, n int) (grantRec, bool) {
	t := a.table(n, false)
	if row, ok := t.RawGetString("permission").(*lua.LTable); ok {
		t = row
	}
	where := fmt.Sprintf("argument #%d", n)
	if t.RawGetString("group") != lua.LNil || t.RawGetString("user") != lua.LNil {
		g, msg := m.grantEnds(L, a, t, where, nil)
		if msg != "" {
			a.errorf("%s", msg)
		}
		return m.lookupGrant(L, a, g)
	}
	// A permission record: the ids of both ends, and its own id.
	for _, k := range allKinds() {
		s, o := stringField(t, k.subjectKey()), stringField(t, k.objectKey())
		if s == "" || o == "" {
			continue
		}
		id := stringField(t, "id")
		for _, v := range []string{s, o} {
			if err := checkUUID(v); err != nil {
				a.errorf("%s: %v", where, err)
			}
		}
		g, found := m.lookupGrant(L, a, grantRec{kind: k, subjectID: s, objectID: o, where: where})
		if found && id != "" && g.id != id {
			return g, false
		}
		return g, found
	}
	a.errorf("%s: a row of permission.list, a permission record or {group=|user=, project=|drive=} expected", where)
	return grantRec{}, false
}

// lookupGrant finds the grant of g's subject on g's object.
func (m *module) lookupGrant(L *lua.LState, a args, g grantRec) (grantRec, bool) {
	if g.subjectID == DryRunID || g.objectID == DryRunID {
		return g, false
	}
	cur, err := m.currentGrants(ctx(L), g.kind, g.subjectID)
	if err != nil {
		raise(L, a.fn, err)
	}
	found, ok := cur[g.objectID]
	found.where = g.where
	return found, ok
}

func (m *module) permSet(L *lua.LState) int {
	a := args{L, "permission.set"}
	level, err := parseLevel(L.Get(2))
	if err != nil {
		a.errorf("bad argument #2 (%v)", err)
	}
	g, found := m.existingGrant(L, a, 1)
	if !found {
		a.errorf("no such grant to change: give the level with permission.grant")
	}
	if g.level == level {
		L.Push(recordTable(L, g))
		return 1
	}
	before := g.level
	g.level = level
	m.write(L, writeCall{op: a.fn, endpoint: "PUT " + g.kind.route(), items: 1, body: grantBody(g.kind, []grantRec{g}),
		send: func(c context.Context) error { return m.sendGrants(c, g.kind, false, []grantRec{g}) },
		audit: func(e *audit.Entry, err error) {
			if err != nil {
				return
			}
			e.Permissions = []audit.PermissionChange{g.change(before)}
		}})
	L.Push(recordTable(L, g))
	return 1
}

func (m *module) permRevoke(L *lua.LState) int {
	a := args{L, "permission.revoke"}
	g, found := m.existingGrant(L, a, 1)
	if !found {
		L.Push(lua.LFalse)
		return 1
	}
	before := g.level
	gone := g
	gone.level = 0
	m.write(L, writeCall{op: a.fn, endpoint: "DELETE " + g.kind.route(), items: 1,
		send: func(c context.Context) error { return m.revokeGrant(c, g.kind, g.id) },
		audit: func(e *audit.Entry, err error) {
			if err != nil {
				return
			}
			e.Permissions = []audit.PermissionChange{gone.change(before)}
		}})
	L.Push(lua.LTrue)
	return 1
}
