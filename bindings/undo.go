package bindings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/printable"
)

// UndoReport says what Undo did (or, under dry run, would do).
type UndoReport struct {
	Unassigned    int      // memberships a run added, removed again
	Reassigned    int      // memberships a run removed, added again
	Untouched     []string // changes already reversed by other hands, left alone
	CannotReverse []string // what the API cannot undo: created users, group inserts, updates, deletes
	// Grants a run added, revoked again; grants it revoked, granted again
	// at their level before; levels it changed, set back (undo_permissions.go).
	GrantsRevoked, GrantsRestored, LevelsSetBack int
}

// undoStep is one membership change to reverse.
type undoStep struct {
	remove bool // true: the run added it, so remove it
	pair   audit.Pair
}

// Undo reverses the membership changes recorded in entries (an audit
// log), newest first, through the client of opts: memberships the run
// added are unassigned, memberships it removed are assigned again. A
// change that others have already reversed (the member is gone, or back)
// is left alone and reported. What cannot be reversed through the API
// (users an import created, groups inserted, updated or deleted) is
// reported. Under opts.DryRun nothing is sent. Each step is printed to out
// as it goes.
func Undo(ctx context.Context, opts Options, entries []audit.Entry, out io.Writer) (*UndoReport, error) {
	m := newModule(opts)
	rep := &UndoReport{}
	steps := undoSteps(entries, rep)
	groups, err := m.groupIndex(ctx)
	if err != nil {
		return rep, fmt.Errorf("undo: list groups: %w", err)
	}
	u := &undoer{m: m, out: out, rep: rep, members: map[string]*memberIndex{}}
	if err := u.readMembers(ctx, steps, groups); err != nil {
		return rep, fmt.Errorf("undo: %w", err)
	}
	for _, s := range steps {
		g := groups.byID[s.pair.UserGroupID]
		if g == nil {
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("%s in group %s: the group is gone", pairLabel(s.pair), groupLabel(s.pair)))
			continue
		}
		if err := u.reverse(ctx, s, g); err != nil {
			return rep, err
		}
	}
	if err := u.reversePermissions(ctx, permissionChanges(entries)); err != nil {
		return rep, err
	}
	return rep, nil
}

// undoSteps lists the membership changes of entries to reverse, newest
// first, and reports in rep what cannot be reversed: created users, group
// and user writes, and the memberships a lost answer left unknown. Dry
// runs changed nothing.
func undoSteps(entries []audit.Entry, rep *UndoReport) []undoStep {
	var steps []undoStep
	for _, e := range slices.Backward(entries) {
		if e.DryRun {
			continue
		}
		// A failed call changed nothing, except one whose answer was lost:
		// its Added, Removed and CreatedUsers are what reading back found.
		for _, p := range slices.Backward(e.Added) {
			steps = append(steps, undoStep{remove: true, pair: p})
		}
		for _, p := range slices.Backward(e.Removed) {
			steps = append(steps, undoStep{remove: false, pair: p})
		}
		for _, u := range e.CreatedUsers {
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("user %s was created by %s: clickscript does not delete users", u, e.Op))
		}
		for _, p := range e.Unknown {
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("%s in group %s: whether %s (%s) changed it is unknown (no clear answer came and reading back failed): check the group and reverse it by hand",
				pairLabel(p), groupLabel(p), e.Op, e.Endpoint))
		}
		if e.Error != "" {
			continue
		}
		switch {
		case strings.HasSuffix(e.Endpoint, clickapi.RouteInsertGroup):
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("group %s was inserted by %s: delete it yourself if it should go", e.Group, e.Op))
		case strings.HasSuffix(e.Endpoint, clickapi.RouteUpdateGroup):
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("group %s was updated by %s: its previous values are not recorded", e.Group, e.Op))
		case strings.HasSuffix(e.Endpoint, clickapi.RouteDeleteGroup):
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("group %s was deleted by %s: a soft delete cannot be undone through the API", e.Group, e.Op))
		}
		switch {
		case e.User != "":
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("user %s was changed by %s (%s): undo does not reverse user writes", e.User, e.Op, e.Endpoint))
		case e.APIToken != "":
			rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("API token %s was changed by %s (%s): undo does not reverse token writes", e.APIToken, e.Op, e.Endpoint))
		}
	}
	return steps
}

// undoer reverses steps one at a time, reading each group's members once
// and keeping them up to date as it changes them.
type undoer struct {
	m       *module
	out     io.Writer
	rep     *UndoReport
	members map[string]*memberIndex // by group id
}

// reverse undoes one step in group g, or reports why it leaves it alone.
func (u *undoer) reverse(ctx context.Context, s undoStep, g *clickapi.UserGroup) error {
	pr, who, rep := s.pair, pairLabel(s.pair), u.rep
	idx, err := u.membersOf(ctx, g.ID)
	if err != nil {
		return fmt.Errorf("undo: %w", err)
	}
	current, present := idx.find(pr)
	switch {
	case s.remove && !present:
		rep.Untouched = append(rep.Untouched, fmt.Sprintf("%s is no longer in %s", who, g.Name))
	case s.remove:
		say(u.out, "unassign %s from %s\n", who, g.Name)
		if !u.m.dryRun {
			if err := u.m.client.UnassignUser(ctx, current.ID); err != nil && !errors.Is(err, clickapi.ErrNotFound) {
				return fmt.Errorf("undo: unassign %s from %s: %w", printable.Escape(who), printable.Escape(g.Name), err)
			}
		}
		idx.drop(current)
		rep.Unassigned++
	case present:
		rep.Untouched = append(rep.Untouched, fmt.Sprintf("%s is in %s again already", who, g.Name))
	case pr.UserID == "":
		rep.CannotReverse = append(rep.CannotReverse, fmt.Sprintf("%s was removed from %s, but the audit log lacks the user id (unassign called with an id only)", who, g.Name))
	default:
		say(u.out, "assign %s to %s again\n", who, g.Name)
		if !u.m.dryRun {
			if err := u.m.client.AssignUsers(ctx, []clickapi.UserUserGroup{{UserID: pr.UserID, UserGroupID: g.ID}}); err != nil {
				return fmt.Errorf("undo: assign %s to %s again: %w", printable.Escape(who), printable.Escape(g.Name), err)
			}
		}
		idx.add(pr)
		rep.Reassigned++
	}
	return nil
}

// readMembers reads the members of every group the steps touch, up to
// --concurrency groups at once, before the first step is reversed.
func (u *undoer) readMembers(ctx context.Context, steps []undoStep, groups *groupIndexT) error {
	var ids []string
	seen := map[string]bool{}
	for _, s := range steps {
		id := s.pair.UserGroupID
		if !seen[id] && groups.byID[id] != nil {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	idx := make([]*memberIndex, len(ids))
	_, err := forEachConcurrently(ctx, u.m.conc, len(ids), nil, func(c context.Context, i int) error {
		members, err := u.m.groupMembers(c, ids[i])
		if err != nil {
			return err
		}
		idx[i] = newMemberIndex(ids[i], members)
		return nil
	})
	if err != nil {
		return err
	}
	for i, id := range ids {
		u.members[id] = idx[i]
	}
	return nil
}

func newMemberIndex(groupID string, members []member) *memberIndex {
	idx := &memberIndex{byID: map[string]audit.Pair{}, byUser: map[string]audit.Pair{}, byName: map[string]audit.Pair{}}
	for _, mb := range members {
		idx.add(audit.Pair{ID: mb.assignmentID, UserID: mb.userID, Username: mb.username, UserGroupID: groupID})
	}
	return idx
}

// membersOf returns the members of a group, read on first use.
func (u *undoer) membersOf(ctx context.Context, groupID string) (*memberIndex, error) {
	if idx, ok := u.members[groupID]; ok {
		return idx, nil
	}
	members, err := u.m.groupMembers(ctx, groupID)
	if err != nil {
		return nil, err
	}
	idx := newMemberIndex(groupID, members)
	u.members[groupID] = idx
	return idx, nil
}

func pairLabel(p audit.Pair) string {
	switch {
	case p.Username != "":
		return p.Username
	case p.UserID != "":
		return "user " + p.UserID
	}
	return "assignment " + p.ID
}

func groupLabel(p audit.Pair) string {
	if p.GroupName != "" {
		return fmt.Sprintf("%q (%s)", p.GroupName, p.UserGroupID)
	}
	return p.UserGroupID
}

// memberIndex is a group's current members, kept up to date as undo works.
type memberIndex struct {
	byID, byUser, byName map[string]audit.Pair
}

// find looks a pair up by assignment id, user id or username.
func (m *memberIndex) find(p audit.Pair) (audit.Pair, bool) {
	for _, look := range []struct {
		key string
		in  map[string]audit.Pair
	}{{p.ID, m.byID}, {p.UserID, m.byUser}, {strings.ToLower(p.Username), m.byName}} {
		if look.key == "" {
			continue
		}
		if r, ok := look.in[look.key]; ok {
			return r, true
		}
	}
	return audit.Pair{}, false
}

func (m *memberIndex) drop(p audit.Pair) {
	delete(m.byID, p.ID)
	delete(m.byUser, p.UserID)
	delete(m.byName, strings.ToLower(p.Username))
}

func (m *memberIndex) add(p audit.Pair) {
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
