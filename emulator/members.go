package emulator

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"
)

// assignedUsers serves GET /usergroup/get_assigned_users: the live members
// of a live group.
func (e *Emulator) assignedUsers(_ *http.Request, q url.Values) (any, error) {
	gid, err := queryID(q, "userGroupId")
	if err != nil {
		return nil, err
	}
	lq, err := e.parseList(q, listSpec{fields: memberSortFields(), defaultSort: defaultMemberSort, filter: "username"})
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
		keep = func(m *member) bool { return lq.match(st.users[m.userID].username, m.ulower) }
	}
	var page []*member
	var total int
	if lq.sort == defaultMemberSort {
		page, total = window(items, keep, lq.desc, lq.offset(), lq.size)
	} else {
		cmp, ok := findOrder(memberOrders(func(m *member) *user { return st.users[m.userID] }), lq.sort)
		if !ok {
			return nil, fmt.Errorf("member list: no order for sort field %q", lq.sort)
		}
		page, total = sortedWindow(items, cmp, keep, lq.desc, lq.offset(), lq.size)
	}
	gm := g.model()
	data := make([]apiMembershipRow, len(page))
	for i, m := range page {
		data[i] = apiMembershipRow{User: st.users[m.userID].model(), UserGroup: &gm, UserUserGroup: m.model()}
	}
	return collection(e, lq, data, total)
}

// assignedUserGroups serves GET /usergroup/get_assigned_usergroups: the
// live groups of a live user.
func (e *Emulator) assignedUserGroups(_ *http.Request, q url.Values) (any, error) {
	uid, err := queryID(q, "userId")
	if err != nil {
		return nil, err
	}
	lq, err := e.parseList(q, listSpec{fields: userGroupSortFields(), defaultSort: defaultUserGroupSort, filter: "name"})
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
		return !g.deleted && lq.match(g.name, g.lower)
	}
	cmp, ok := findOrder(membershipOrders(groupOf), lq.sort)
	if !ok {
		return nil, fmt.Errorf("membership list: no order for sort field %q", lq.sort)
	}
	page, total := sortedWindow(st.byUser[uid], cmp, keep, lq.desc, lq.offset(), lq.size)
	um := u.model()
	data := make([]apiMembershipRow, len(page))
	for i, m := range page {
		gm := groupOf(m).model()
		data[i] = apiMembershipRow{User: um, UserGroup: &gm, UserUserGroup: m.model()}
	}
	return collection(e, lq, data, total)
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
	var rows []pairRequest
	if err := readArray(r, &rows, "{userId, userGroupId}"); err != nil {
		return nil, err
	}
	bad := problems{code: codeBadInput}
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
	missing := problems{code: codeUnknownID}
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

// importEntry is an import entry after validation.
type importEntry struct {
	user   importUserRequest // Username trimmed
	groups []groupRefRequest // Name trimmed; ID used only without a name (I20)
}

// importUsers serves POST /usergroup/import_users [click:usergroup.md]
// with the Web's semantics [web:usergroup.md]: 402 before any work without
// an active subscription; per entry the user is reused when the username
// exists in the account (ignoring case), skipped silently when it belongs
// to another account, else created (Pending, userType 64 and email the
// username unless given: I19); each group is matched by name ignoring case
// and created when missing, or by id when the name is empty, skipping the
// pair when that id is unknown (I20); existing memberships are kept.
// Additive only: 200, no body. A malformed entry (DEFAULT) or a username
// that is no email address (INVALID_EMAIL) rejects the whole body before
// any write.
func (e *Emulator) importUsers(r *http.Request, _ url.Values) (any, error) {
	if e.noSubscribed {
		return nil, &paymentRequired{msg: "The account has no active subscription."}
	}
	var rows []importRequest
	if err := readArray(r, &rows, "{user, userGroups}"); err != nil {
		return nil, err
	}
	entries, err := validateImport(rows)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	w := st.begin()
	newGroups := map[string]*group{}
	created := map[string]*user{}
	staged := map[pair]bool{}
	for _, en := range entries {
		if e.otherAccount[strings.ToLower(en.user.Username)] {
			continue
		}
		u := e.importedUser(w, created, en.user)
		for _, ref := range en.groups {
			if g := e.importedGroup(w, newGroups, ref); g != nil {
				stage(w, staged, u, g)
			}
		}
	}
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("import users: %w", err)
	}
	return nil, nil
}

// validateImport checks every entry of an import body and returns them
// trimmed, or the problems of the whole body.
func validateImport(rows []importRequest) ([]importEntry, error) {
	bad := problems{code: codeBadInput}
	badEmail := problems{code: codeBadEmail}
	entries := make([]importEntry, len(rows))
	for i, row := range rows {
		iu := row.User
		iu.Username = strings.TrimSpace(iu.Username)
		iu.Email = strings.TrimSpace(iu.Email)
		switch {
		case iu.Username == "":
			bad.addf("[%d].user.username: required", i)
		case !validEmail(iu.Username):
			badEmail.addf("[%d].user.username: %q is not an email address", i, iu.Username)
		case len(iu.Username) > maxUsername:
			bad.addf("[%d].user.username: at most %d characters (got %d)", i, maxUsername, len(iu.Username))
		}
		if iu.Email != "" && !validEmail(iu.Email) {
			badEmail.addf("[%d].user.email: %q is not an email address", i, iu.Email)
		}
		if iu.UserType != nil && (*iu.UserType < 0 || *iu.UserType > typeDesktopStandardUser*2-1) {
			bad.addf("[%d].user.userType: %d is not a user type", i, *iu.UserType)
		}
		en := importEntry{user: iu}
		for j, ref := range row.UserGroups {
			where := fmt.Sprintf("[%d].userGroups[%d]", i, j)
			ref.Name = strings.TrimSpace(ref.Name)
			switch {
			case ref.Name != "":
				if msg := nameProblem(where+".name", ref.Name); msg != "" {
					bad.addf("%s", msg)
				}
			case ref.ID != "":
				_, err := parseID(where+".id", ref.ID)
				bad.addErr(err)
			default:
				bad.addf("%s: name (or id) required", where)
			}
			en.groups = append(en.groups, ref)
		}
		entries[i] = en
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	if err := badEmail.err(); err != nil {
		return nil, err
	}
	return entries, nil
}

// importedGroup returns the group an import entry names: the live group
// with that name ignoring case, or the one this write creates, or a new
// active one (I20); by id only when the name is empty, nil when that id is
// unknown.
func (e *Emulator) importedGroup(w *write, created map[string]*group, ref groupRefRequest) *group {
	if ref.Name == "" {
		return e.st.liveGroup(uuid.MustParse(ref.ID))
	}
	key := strings.ToLower(ref.Name)
	if g := e.st.groupNames[key]; g != nil {
		return g
	}
	if g := created[key]; g != nil {
		return g
	}
	g := newGroup(w.newID(), ref.Name, "", true, false, w.now)
	created[key] = g
	w.groups = append(w.groups, g)
	return g
}

// importedUser returns the live user named like iu, or the one this write
// already creates, or stages a new one (I19).
func (e *Emulator) importedUser(w *write, created map[string]*user, iu importUserRequest) *user {
	key := strings.ToLower(iu.Username)
	if u := e.st.userNames[key]; u != nil {
		return u
	}
	if u := created[key]; u != nil {
		return u
	}
	u := &user{id: w.newID(), username: iu.Username, firstname: iu.FirstName, lastname: iu.LastName,
		email: cmp.Or(iu.Email, iu.Username), userType: importedUserType, status: importedUserStatus, created: w.now}
	if iu.UserType != nil && *iu.UserType != 0 {
		u.userType = *iu.UserType
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
