package bindings

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

// This file is what a membership write does when its answer was lost
// (clickapi.ErrOutcomeUnknown: the agent may have applied it, the
// connection dropped): it reads the groups involved back, through
// groupMembers, and records exactly what is in place, so that the
// results file, the audit log, the journal and undo agree with the agent.

// lostAnswer reports whether err leaves open what a write did.
func lostAnswer(err error) bool { return errors.Is(err, clickapi.ErrOutcomeUnknown) }

// readGroups reads the members of each group once. A group that cannot be
// read is left out of members and maps to its error in failed.
func (m *module) readGroups(c context.Context, groupIDs []string) (members map[string][]member, failed map[string]error) {
	members, failed = map[string][]member{}, map[string]error{}
	for _, id := range groupIDs {
		if _, done := members[id]; done {
			continue
		}
		if _, done := failed[id]; done {
			continue
		}
		ms, err := m.groupMembers(c, id)
		if err != nil {
			failed[id] = err
			continue
		}
		members[id] = ms
	}
	return members, failed
}

// addReadBack is what reading back found of the rows of a batch whose
// answer was lost: landed rows are members now (with the assignment read
// back), missing rows are not, unknown rows are in groups that could not
// be read (readErr is the first such error).
type addReadBack struct {
	landed  []*row
	pairs   []audit.Pair // the memberships of landed, as read back
	missing []*row
	unknown []*row
	readErr error
}

// readBackAdds reads back the groups of rows, which a lost answer may or
// may not have added.
func (m *module) readBackAdds(c context.Context, rows []*row) *addReadBack {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.groupID
	}
	members, failed := m.readGroups(c, ids)
	rb := &addReadBack{}
	for _, r := range rows {
		if err, bad := failed[r.groupID]; bad {
			rb.unknown = append(rb.unknown, r)
			rb.readErr = cmpOr(rb.readErr, err)
			continue
		}
		mb, ok := findMember(members[r.groupID], r.userID, r.user.Username)
		if !ok {
			rb.missing = append(rb.missing, r)
			continue
		}
		rb.landed = append(rb.landed, r)
		rb.pairs = append(rb.pairs, audit.Pair{ID: mb.assignmentID, UserID: mb.userID, Username: mb.username,
			UserGroupID: r.groupID, GroupName: r.groupName})
	}
	return rb
}

// findMember finds a user among members by id or, ignoring case, by username.
func findMember(members []member, userID, username string) (member, bool) {
	for _, mb := range members {
		if userID != "" && mb.userID == userID || username != "" && strings.EqualFold(mb.username, username) {
			return mb, true
		}
	}
	return member{}, false
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// all reports whether every row landed.
func (rb *addReadBack) all() bool { return len(rb.missing) == 0 && len(rb.unknown) == 0 }

// record writes into the call's audit entry what landed and what is unknown.
func (rb *addReadBack) record(e *audit.Entry, kind bulkKind) {
	e.Added = rb.pairs
	seen := map[string]bool{}
	for _, r := range rb.landed {
		if key := strings.ToLower(r.user.Username); kind == kindImport && r.newUser && !seen[key] {
			seen[key] = true
			e.CreatedUsers = append(e.CreatedUsers, r.user.Username)
		}
	}
	for _, r := range rb.unknown {
		e.Unknown = append(e.Unknown, audit.Pair{UserID: r.userID, Username: r.user.Username, UserGroupID: r.groupID, GroupName: r.groupName})
	}
	e.ReadBack = rb.summary()
}

// summary says what reading back found, for the audit log and errors.
func (rb *addReadBack) summary() string {
	n := len(rb.landed) + len(rb.missing) + len(rb.unknown)
	s := fmt.Sprintf("no clear answer; reading back found %d of %d in place", len(rb.landed), n)
	if len(rb.unknown) > 0 {
		s += fmt.Sprintf(", and could not tell for %d (%v)", len(rb.unknown), rb.readErr)
	}
	return s
}

// results writes the results rows of a batch whose answer was lost.
func (m *module) readBackResults(rb *addReadBack, callErr error) {
	for _, r := range rb.landed {
		m.result(r, "add", "applied", "no clear answer; reading back found it in place")
	}
	for _, r := range rb.missing {
		m.result(r, "add", "failed", callErr.Error()+" (no clear answer; reading back found it not in place)")
	}
	for _, r := range rb.unknown {
		m.result(r, "add", "unknown", fmt.Sprintf("%v (no clear answer, and reading back failed: %v)", callErr, rb.readErr))
	}
}

// removeReadBack is what reading back found of a removal whose answer was
// lost: gone (it landed), still there, or unknown (readErr).
type removeReadBack struct {
	gone    bool
	readErr error
}

// readBackRemoval reads group back to see whether assignment is gone.
func (m *module) readBackRemoval(c context.Context, groupID, assignmentID string) removeReadBack {
	if groupID == "" {
		return removeReadBack{readErr: errors.New("the group of the assignment is not known, so it cannot be read back")}
	}
	members, err := m.groupMembers(c, groupID)
	if err != nil {
		return removeReadBack{readErr: err}
	}
	for _, mb := range members {
		if mb.assignmentID == assignmentID {
			return removeReadBack{}
		}
	}
	return removeReadBack{gone: true}
}

// record writes into the call's audit entry what reading back found of
// the removal of p.
func (rb removeReadBack) record(e *audit.Entry, p audit.Pair) {
	switch {
	case rb.readErr != nil:
		e.Unknown = []audit.Pair{p}
		e.ReadBack = fmt.Sprintf("no clear answer, and reading back failed: %v", rb.readErr)
	case rb.gone:
		e.Removed = []audit.Pair{p}
		e.ReadBack = "no clear answer; reading back found it removed"
	default:
		e.ReadBack = "no clear answer; reading back found it still in place"
	}
}

// err is the error of a removal whose answer was lost: nil when it
// landed, else callErr with what reading back found.
func (rb removeReadBack) err(callErr error) error {
	switch {
	case rb.readErr != nil:
		return fmt.Errorf("%w (no clear answer, and reading back failed, so whether it was removed is unknown: %v)", callErr, rb.readErr)
	case rb.gone:
		return nil
	}
	return fmt.Errorf("%w (no clear answer; reading back found it still in place)", callErr)
}
