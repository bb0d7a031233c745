package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/google/uuid"
)

// assignedUsers serves GET /usergroup/get_assigned_users: the live members
// of a live group.
func (e *Emulator) assignedUsers(_ *http.Request, q url.Values) (any, error) {
	gid, err := queryID(q, "userGroupId")
	if err != nil {
		return nil, err
	}
	lq, err := parseList(q, clickapi.MemberSortFields(), clickapi.DefaultMemberSort, "username")
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	st := e.st
	g := st.liveGroup(gid)
	if g == nil {
		return nil, notFoundf("userGroupId: no user group %s", gid)
	}
	var items []*member
	if x := st.byGroup[gid]; x != nil {
		items = x.items
	}
	var keep func(*member) bool
	if lq.filter != "" {
		keep = func(m *member) bool { return strings.Contains(m.ulower, lq.filter) }
	}
	var page []*member
	var total int
	if lq.sort == clickapi.DefaultMemberSort {
		page, total = window(items, keep, lq.desc, lq.offset(), lq.size)
	} else {
		cmp, ok := findOrder(memberOrders(func(m *member) *user { return st.users[m.userID] }), lq.sort)
		if !ok {
			return nil, fmt.Errorf("member list: no order for sort field %q", lq.sort)
		}
		page, total = sortedWindow(items, cmp, keep, lq.desc, lq.offset(), lq.size)
	}
	gm := g.model()
	data := make([]clickapi.UserUserGroupDTO, len(page))
	for i, m := range page {
		data[i] = clickapi.UserUserGroupDTO{User: st.users[m.userID].model(), UserGroup: &gm, UserUserGroup: m.model()}
	}
	return clickapi.Collection[clickapi.UserUserGroupDTO]{Data: data, Total: total, Options: lq.options()}, nil
}

// assignedUserGroups serves GET /usergroup/get_assigned_usergroups: the
// live groups of a live user.
func (e *Emulator) assignedUserGroups(_ *http.Request, q url.Values) (any, error) {
	uid, err := queryID(q, "userId")
	if err != nil {
		return nil, err
	}
	lq, err := parseList(q, clickapi.UserGroupSortFields(), clickapi.DefaultUserGroupSort, "name")
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	st := e.st
	u := st.liveUser(uid)
	if u == nil {
		return nil, notFoundf("userId: no user %s", uid)
	}
	groupOf := func(m *member) *group { return st.groups[m.groupID] }
	keep := func(m *member) bool {
		g := groupOf(m)
		return !g.deleted && (lq.filter == "" || strings.Contains(g.lower, lq.filter))
	}
	cmp, ok := findOrder(membershipOrders(groupOf), lq.sort)
	if !ok {
		return nil, fmt.Errorf("membership list: no order for sort field %q", lq.sort)
	}
	page, total := sortedWindow(st.byUser[uid], cmp, keep, lq.desc, lq.offset(), lq.size)
	um := u.model()
	data := make([]clickapi.UserUserGroupDTO, len(page))
	for i, m := range page {
		gm := groupOf(m).model()
		data[i] = clickapi.UserUserGroupDTO{User: um, UserGroup: &gm, UserUserGroup: m.model()}
	}
	return clickapi.Collection[clickapi.UserUserGroupDTO]{Data: data, Total: total, Options: lq.options()}, nil
}

// stage adds the assignment of u to g to w unless it exists or w has it.
func stage(w *write, staged map[pair]bool, u *user, g *group) {
	p := pair{u.id, g.id}
	if w.s.pairs[p] != nil || staged[p] {
		return
	}
	staged[p] = true
	w.members = append(w.members, &member{id: w.newID(), userID: u.id, groupID: g.id, ulower: u.lower, created: w.now})
}

// assignUsers serves POST /usergroup/assign_users. Pairs that exist, or
// repeat within the body, are skipped; an unknown user or group fails the
// whole request and changes nothing.
func (e *Emulator) assignUsers(r *http.Request, _ url.Values) (any, error) {
	var rows []clickapi.UserUserGroup
	if err := readArray(r, &rows, "{userId, userGroupId}"); err != nil {
		return nil, err
	}
	bad := problems{code: clickapi.CodeValidation}
	ids := make([]pair, len(rows))
	for i, row := range rows {
		uid, err := parseID(fmt.Sprintf("[%d].userId", i), row.UserID)
		bad.addErr(err)
		gid, err := parseID(fmt.Sprintf("[%d].userGroupId", i), row.UserGroupID)
		bad.addErr(err)
		ids[i] = pair{uid, gid}
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	missing := problems{code: clickapi.CodeNotFound}
	for i, p := range ids {
		if st.liveUser(p.user) == nil {
			missing.addf("[%d].userId: no user %s", i, p.user)
		}
		if st.liveGroup(p.group) == nil {
			missing.addf("[%d].userGroupId: no user group %s", i, p.group)
		}
	}
	if err := missing.err(); err != nil {
		return nil, err
	}
	w := st.begin()
	staged := map[pair]bool{}
	for _, p := range ids {
		stage(w, staged, st.users[p.user], st.groups[p.group])
	}
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("assign users: %w", err)
	}
	return nil, nil
}

// unassignUser serves DELETE /usergroup/unassign_user.
func (e *Emulator) unassignUser(_ *http.Request, q url.Values) (any, error) {
	id, err := queryID(q, "id")
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.st.members[id]
	if m == nil {
		return nil, notFoundf("id: no assignment %s", id)
	}
	w := e.st.begin()
	w.removals = append(w.removals, m)
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("unassign user: %w", err)
	}
	return nil, nil
}

// groupRef is an import entry's group reference after validation.
type groupRef struct {
	where string // e.g. "[2].userGroups[0]"
	id    uuid.UUID
	name  string // set when the reference is by name
}

// importUsers serves POST /usergroup/import_users: users are matched by
// username ignoring case and created when missing; groups by id, or by
// exact name ignoring case when the id is empty. Existing assignments are
// skipped; an unknown group fails the whole request and changes nothing.
func (e *Emulator) importUsers(r *http.Request, _ url.Values) (any, error) {
	var rows []clickapi.UserUserGroupRelation
	if err := readArray(r, &rows, "{user, userGroups}"); err != nil {
		return nil, err
	}
	bad := problems{code: clickapi.CodeValidation}
	refs := make([][]groupRef, len(rows))
	for i, row := range rows {
		if strings.TrimSpace(row.User.Username) == "" {
			bad.addf("[%d].user.username: required", i)
		}
		for j, ref := range row.UserGroups {
			where := fmt.Sprintf("[%d].userGroups[%d]", i, j)
			switch {
			case ref.ID != "":
				id, err := parseID(where+".id", ref.ID)
				bad.addErr(err)
				refs[i] = append(refs[i], groupRef{where: where, id: id})
			case ref.Name != "":
				refs[i] = append(refs[i], groupRef{where: where, name: ref.Name})
			default:
				bad.addf("%s: id or name required", where)
			}
		}
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	missing := problems{code: clickapi.CodeNotFound}
	groups := make([][]*group, len(rows))
	for i, rs := range refs {
		for _, ref := range rs {
			var g *group
			if ref.name != "" {
				if g = st.groupNames[strings.ToLower(ref.name)]; g == nil {
					missing.addf("%s.name: no user group named %q", ref.where, ref.name)
				}
			} else if g = st.liveGroup(ref.id); g == nil {
				missing.addf("%s.id: no user group %s", ref.where, ref.id)
			}
			groups[i] = append(groups[i], g)
		}
	}
	if err := missing.err(); err != nil {
		return nil, err
	}
	w := st.begin()
	created := map[string]*user{}
	staged := map[pair]bool{}
	for i, row := range rows {
		u := e.importedUser(w, created, row.User)
		for _, g := range groups[i] {
			stage(w, staged, u, g)
		}
	}
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("import users: %w", err)
	}
	return nil, nil
}

// importedUser returns the live user named like iu, or the one this write
// already creates, or stages a new one.
func (e *Emulator) importedUser(w *write, created map[string]*user, iu clickapi.ImportUser) *user {
	name := strings.TrimSpace(iu.Username)
	key := strings.ToLower(name)
	if u := e.st.userNames[key]; u != nil {
		return u
	}
	if u := created[key]; u != nil {
		return u
	}
	u := &user{id: w.newID(), username: name, firstname: iu.FirstName, lastname: iu.LastName,
		userType: importedUserType, status: importedUserStatus, created: w.now}
	if strings.Contains(name, "@") {
		u.email = name
	}
	u.withKeys()
	created[key] = u
	w.users = append(w.users, u)
	return u
}

// addErr records the messages of err, a *problem, if it is not nil.
func (ps *problems) addErr(err error) {
	if err == nil {
		return
	}
	if p, ok := errors.AsType[*problem](err); ok {
		ps.add(p)
		return
	}
	ps.addf("%v", err)
}
