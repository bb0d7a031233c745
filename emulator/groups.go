package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// groupList is what the group lists accept [click:usergroup.md].
func groupList() listSpec {
	return listSpec{fields: groupSortFields(), defaultSort: defaultGroupSort, filter: "name"}
}

// groupPage returns the groups of one page of lq and the total: the live
// groups, or with deleted only the soft-deleted ones (I12). The caller
// holds the read lock.
func (e *Emulator) groupPage(lq listQuery, deleted bool) ([]*group, int, error) {
	keep := func(g *group) bool { return lq.match(g.name, g.lower) }
	if deleted {
		cmp, ok := findOrder(groupOrders(), lq.sort)
		if !ok {
			return nil, 0, fmt.Errorf("group list: no order for sort field %q", lq.sort)
		}
		var gone []*group
		for _, g := range e.st.groups {
			if g.deleted {
				gone = append(gone, g)
			}
		}
		page, total := sortedWindow(gone, cmp, keep, lq.desc, lq.offset(), lq.size)
		return page, total, nil
	}
	x := e.st.groupSorts[lq.sort]
	if x == nil {
		return nil, 0, fmt.Errorf("group list: no index for sort field %q", lq.sort)
	}
	if lq.filter == "" {
		keep = nil
	}
	page, total := x.window(keep, lq.desc, lq.offset(), lq.size)
	return page, total, nil
}

// parseGroupList reads a group list request: paging and the deleted flag.
func (e *Emulator) parseGroupList(q url.Values) (listQuery, bool, error) {
	lq, err := e.parseList(q, groupList())
	if err != nil {
		return lq, false, err
	}
	deleted, err := boolParam(q, "deleted")
	return lq, deleted, err
}

// listGroups serves GET /usergroup/get_all: DTOCollection<UserGroup>
// [click:usergroup.md].
func (e *Emulator) listGroups(_ *http.Request, q url.Values) (any, error) {
	lq, deleted, err := e.parseGroupList(q)
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	page, total, err := e.groupPage(lq, deleted)
	if err != nil {
		return nil, err
	}
	data := make([]apiGroup, len(page))
	for i, g := range page {
		data[i] = g.model()
	}
	return collection(e, lq, data, total)
}

// listGroupDetails serves GET /usergroup/get_all_with_details:
// DTOCollection<UserGroupWithDetailsDTO> [web:usergroup.md].
func (e *Emulator) listGroupDetails(_ *http.Request, q url.Values) (any, error) {
	lq, deleted, err := e.parseGroupList(q)
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	page, total, err := e.groupPage(lq, deleted)
	if err != nil {
		return nil, err
	}
	data := make([]groupDetailsRow, len(page))
	for i, g := range page {
		data[i] = e.details(g)
	}
	return collection(e, lq, data, total)
}

// details is g with its live members (by username) and its permissions
// on live projects and drives (by name) inlined. The caller holds the read
// lock.
func (e *Emulator) details(g *group) groupDetailsRow {
	st := e.st
	var members []*member
	if x := st.byGroup[g.id]; x != nil {
		members = x.items
	}
	row := groupDetailsRow{
		ID: g.id.String(), Name: g.name, Description: g.description, Active: g.active,
		UsersData:    make([]apiUserRow, 0, len(members)),
		ProjectsData: st.groupProjectsData(g.id),
		DrivesData:   st.groupDrivesData(g.id),
	}
	for _, m := range members {
		row.UsersData = append(row.UsersData, apiUserRow{User: st.users[m.userID].model(), UserUserGroup: m.model()})
	}
	return row
}

// insertGroup serves POST /usergroup/insert [click:usergroup.md]: the
// created group; a name a live group has, ignoring case, is DUPLICATE
// (I11). An id in the body is ignored.
func (e *Emulator) insertGroup(r *http.Request, _ url.Values) (any, error) {
	var req groupRequest
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	if msg := nameProblem("name", req.Name); msg != "" {
		return nil, invalidf("%s", msg)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st.groupNames[strings.ToLower(req.Name)] != nil {
		return nil, duplicateName()
	}
	w := e.st.begin()
	g := newGroup(w.newID(), req.Name, req.Description, req.Active, false, w.now)
	w.groups = append(w.groups, g)
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("insert group: %w", err)
	}
	return g.model(), nil
}

// updateGroup serves PUT /usergroup/update: it replaces the name,
// description and active flag of a live group.
func (e *Emulator) updateGroup(r *http.Request, _ url.Values) (any, error) {
	var req groupRequest
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	id, err := parseID("id", req.ID)
	if err != nil {
		return nil, err
	}
	if msg := nameProblem("name", req.Name); msg != "" {
		return nil, invalidf("%s", msg)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.st.liveGroup(id)
	if old == nil {
		return nil, notFoundf("id: no user group %s", id)
	}
	if other := e.st.groupNames[strings.ToLower(req.Name)]; other != nil && other.id != id {
		return nil, duplicateName()
	}
	w := e.st.begin()
	g := newGroup(id, req.Name, req.Description, req.Active, false, old.created)
	w.groups = append(w.groups, g)
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("update group: %w", err)
	}
	return g.model(), nil
}

// deleteGroup serves DELETE /usergroup/delete: a soft delete. The group's
// assignments stay stored.
func (e *Emulator) deleteGroup(_ *http.Request, q url.Values) (any, error) {
	id, err := queryID(q, "id")
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.st.liveGroup(id)
	if old == nil {
		return nil, notFoundf("id: no user group %s", id)
	}
	w := e.st.begin()
	g := *old
	g.deleted = true
	w.groups = append(w.groups, &g)
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("delete group: %w", err)
	}
	return nil, nil
}
