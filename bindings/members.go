package bindings

import (
	"context"
	"fmt"

	"github.com/clickscript/clickscript/clickapi"
)

// member is one member of a group: who, and the assignment that makes
// them one (which unassign takes).
type member struct {
	username, userID, assignmentID string
}

// groupMembers reads every member of a group, every page. Bulk writes
// (which leave existing memberships out), sync (which compares them with
// the desired list) and undo (which checks what is still there) all read
// members through it. A row without its user or its assignment is a bad
// answer: none of them could act on it.
func (m *module) groupMembers(c context.Context, groupID string) ([]member, error) {
	p := m.client.AssignedUsers(c, groupID, clickapi.ListOptions{PageSize: clickapi.MaxPageSize})
	defer p.Close()
	var out []member
	for {
		d, ok := p.Next()
		if !ok {
			break
		}
		if d.User == nil || d.UserUserGroup == nil {
			return nil, fmt.Errorf("%s: %w: member row without user or userUserGroup", clickapi.RouteAssignedUsers, clickapi.ErrBadResponse)
		}
		out = append(out, member{username: d.User.Username, userID: d.User.ID, assignmentID: d.UserUserGroup.ID})
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("list members of group %s: %w", groupID, err)
	}
	return out, nil
}
