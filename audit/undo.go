package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/clickscript/clickscript/clickapi"
)

// UndoReport says what Undo did (or, under dry run, would do).
type UndoReport struct {
	Unassigned    int      // memberships a run added, removed again
	Reassigned    int      // memberships a run removed, added again
	Untouched     []string // changes already reversed by other hands, left alone
	CannotReverse []string // what the API cannot undo: created users, group inserts, updates, deletes
}

// undoStep is one membership change to reverse.
type undoStep struct {
	remove bool // true: the run added it, so remove it
	pair   Pair
}

// Undo reverses the membership changes recorded in entries, newest first:
// memberships the run added are unassigned, memberships it removed are
// assigned again. A change that others have already reversed (the member
// is gone, or back) is left alone and reported. What cannot be reversed
// through the API (users an import created, groups inserted, updated or
// deleted) is reported. Under dryRun nothing is sent. Each step is printed
// to out as it goes.
func Undo(ctx context.Context, c *clickapi.Client, entries []Entry, dryRun bool, out io.Writer) (*UndoReport, error) {
	rep := &UndoReport{}
	var steps []undoStep
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.DryRun || e.Error != "" {
			continue
		}
		for _, p := range slices.Backward(e.Added) {
			steps = append(steps, undoStep{remove: true, pair: p})
		}
		for _, p := range slices.Backward(e.Removed) {
			steps = append(steps, undoStep{remove: false, pair: p})
		}
		for _, u := range e.CreatedUsers {
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("user %s was created by %s: clickscript does not delete users", u, e.Op))
		}
		switch {
		case strings.HasSuffix(e.Endpoint, clickapi.RouteInsertGroup):
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("group %s was inserted by %s: delete it yourself if it should go", e.Group, e.Op))
		case strings.HasSuffix(e.Endpoint, clickapi.RouteUpdateGroup):
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("group %s was updated by %s: its previous values are not recorded", e.Group, e.Op))
		case strings.HasSuffix(e.Endpoint, clickapi.RouteDeleteGroup):
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("group %s was deleted by %s: a soft delete cannot be undone through the API", e.Group, e.Op))
		}
		if len(e.Permissions) > 0 {
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("%d permission changes by %s: undo does not reverse permission changes yet", len(e.Permissions), e.Op))
		}
		switch {
		case e.User != "":
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("user %s was changed by %s (%s): undo does not reverse user writes", e.User, e.Op, e.Endpoint))
		case e.APIToken != "":
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("API token %s was changed by %s (%s): undo does not reverse token writes", e.APIToken, e.Op, e.Endpoint))
		}
	}

	groups := map[string]*clickapi.UserGroup{}
	p := c.UserGroups(ctx, clickapi.ListOptions{PageSize: clickapi.MaxPageSize})
	for {
		g, ok := p.Next()
		if !ok {
			break
		}
		groups[g.ID] = &g
	}
	if err := p.Err(); err != nil {
		return rep, fmt.Errorf("undo: list groups: %w", err)
	}
	members := map[string]*memberIndex{}
	memberOf := func(groupID string) (*memberIndex, error) {
		if m, ok := members[groupID]; ok {
			return m, nil
		}
		m, err := readMembers(ctx, c, groupID)
		if err != nil {
			return nil, err
		}
		members[groupID] = m
		return m, nil
	}

	for _, s := range steps {
		pr := s.pair
		who := pr.label()
		g := groups[pr.UserGroupID]
		if g == nil {
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("%s in group %s: the group is gone", who, pr.groupLabel()))
			continue
		}
		m, err := memberOf(g.ID)
		if err != nil {
			return rep, err
		}
		current, present := m.find(pr)
		switch {
		case s.remove && !present:
			rep.Untouched = append(rep.Untouched, fmt.Sprintf("%s is no longer in %s", who, g.Name))
		case s.remove:
			fmt.Fprintf(out, "unassign %s from %s\n", who, g.Name)
			if !dryRun {
				if err := c.UnassignUser(ctx, current.ID); err != nil && !errors.Is(err, clickapi.ErrNotFound) {
					return rep, fmt.Errorf("undo: unassign %s from %s: %w", who, g.Name, err)
				}
			}
			m.drop(current)
			rep.Unassigned++
		case present:
			rep.Untouched = append(rep.Untouched, fmt.Sprintf("%s is in %s again already", who, g.Name))
		case pr.UserID == "":
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("%s was removed from %s, but the audit log lacks the user id (unassign called with an id only)", who, g.Name))
		default:
			fmt.Fprintf(out, "assign %s to %s again\n", who, g.Name)
			if !dryRun {
				if err := c.AssignUsers(ctx, []clickapi.UserUserGroup{{UserID: pr.UserID, UserGroupID: g.ID}}); err != nil {
					return rep, fmt.Errorf("undo: assign %s to %s: %w", who, g.Name, err)
				}
			}
			m.add(pr)
			rep.Reassigned++
		}
	}
	return rep, nil
}

func (p Pair) label() string {
	switch {
	case p.Username != "":
		return p.Username
	case p.UserID != "":
		return "user " + p.UserID
	}
	return "assignment " + p.ID
}

func (p Pair) groupLabel() string {
	if p.GroupName != "" {
		return fmt.Sprintf("%q (%s)", p.GroupName, p.UserGroupID)
	}
	return p.UserGroupID
}

// memberIndex is a group's current members, kept up to date as undo works.
type memberIndex struct {
	byID, byUser, byName map[string]Pair
}

func newMemberIndex() *memberIndex {
	return &memberIndex{byID: map[string]Pair{}, byUser: map[string]Pair{}, byName: map[string]Pair{}}
}

func readMembers(ctx context.Context, c *clickapi.Client, groupID string) (*memberIndex, error) {
	m := newMemberIndex()
	p := c.AssignedUsers(ctx, groupID, clickapi.ListOptions{PageSize: clickapi.MaxPageSize})
	for {
		d, ok := p.Next()
		if !ok {
			break
		}
		if d.User != nil && d.UserUserGroup != nil {
			m.add(Pair{ID: d.UserUserGroup.ID, UserID: d.User.ID, Username: d.User.Username, UserGroupID: groupID})
		}
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("undo: list members of %s: %w", groupID, err)
	}
	return m, nil
}

// find looks a pair up by assignment id, user id or username.
func (m *memberIndex) find(p Pair) (Pair, bool) {
	for _, look := range []struct {
		key string
		in  map[string]Pair
	}{{p.ID, m.byID}, {p.UserID, m.byUser}, {strings.ToLower(p.Username), m.byName}} {
		if look.key == "" {
			continue
		}
		if r, ok := look.in[look.key]; ok {
			return r, true
		}
	}
	return Pair{}, false
}

func (m *memberIndex) drop(p Pair) {
	delete(m.byID, p.ID)
	delete(m.byUser, p.UserID)
	delete(m.byName, strings.ToLower(p.Username))
}

func (m *memberIndex) add(p Pair) {
	if p.ID != "" {
		m.byID[p.ID] = p
	}
	if p.UserID != "" {
		m.byUser[p.UserID] = p
	}
	if p.Username != "" {
		m.byName[strings.ToLower(p.Username)] = p
	}
}
