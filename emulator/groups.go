package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/clickscript/clickscript/clickapi"
)

// groupPage returns the live groups of one page of lq and the total. The
// caller holds the read lock.
func (e *Emulator) groupPage(lq listQuery) ([]*group, int, error) {
	x := e.st.groupSorts[lq.sort]
	if x == nil {
		return nil, 0, fmt.Errorf("group list: no index for sort field %q", lq.sort)
	}
	var keep func(*group) bool
	if lq.filter != "" {
		keep = func(g *group) bool { return strings.Contains(g.lower, lq.filter) }
	}
	page, total := x.window(keep, lq.desc, lq.offset(), lq.size)
	return page, total, nil
}

// listGroups serves GET /usergroup/get_all.
func (e *Emulator) listGroups(_ *http.Request, q url.Values) (any, error) {
	lq, err := parseList(q, clickapi.GroupSortFields(), clickapi.DefaultGroupSort, "name")
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	page, total, err := e.groupPage(lq)
	if err != nil {
		return nil, err
	}
	data := make([]clickapi.UserGroup, len(page))
	for i, g := range page {
		data[i] = g.model()
	}
	return clickapi.Collection[clickapi.UserGroup]{Data: data, Total: total, Options: lq.options()}, nil
}

// listGroupDetails serves GET /usergroup/get_all_with_details.
func (e *Emulator) listGroupDetails(_ *http.Request, q url.Values) (any, error) {
	lq, err := parseList(q, clickapi.GroupSortFields(), clickapi.DefaultGroupSort, "name")
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	page, total, err := e.groupPage(lq)
	if err != nil {
		return nil, err
	}
	data := make([]groupDetailsRow, len(page))
	for i, g := range page {
		data[i] = e.details(g)
	}
	return clickapi.Collection[groupDetailsRow]{Data: data, Total: total, Options: lq.options()}, nil
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
		UsersData:    make([]clickapi.UserMembership, 0, len(members)),
		ProjectsData: st.groupProjectsData(g.id),
		DrivesData:   st.groupDrivesData(g.id),
	}
	for _, m := range members {
		row.UsersData = append(row.UsersData, clickapi.UserMembership{User: st.users[m.userID].model(), UserUserGroup: m.model()})
	}
	return row
}

// insertGroup serves POST /usergroup/insert.
func (e *Emulator) insertGroup(r *http.Request, _ url.Values) (any, error) {
	var req clickapi.NewUserGroup
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
	var req clickapi.UserGroupUpdate
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
