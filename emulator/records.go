package emulator

import (
	"fmt"

	"github.com/google/uuid"
)

// groupRecord is a group as the bbolt file stores it (JSON).
type groupRecord struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	Deleted     bool   `json:"deleted"`
	CreateDate  string `json:"createDate"`
}

// userRecord is a user as the bbolt file stores it.
type userRecord struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	Firstname  string `json:"firstname"`
	Lastname   string `json:"lastname"`
	Email      string `json:"email"`
	UserType   int    `json:"userType"`
	Status     int    `json:"status"`
	Owner      bool   `json:"owner"`
	MFA        bool   `json:"mfa"`
	Deleted    bool   `json:"deleted"`
	CreateDate string `json:"createDate"`
}

// memberRecord is an assignment as the bbolt file stores it.
type memberRecord struct {
	ID          string `json:"id"`
	UserID      string `json:"userId"`
	UserGroupID string `json:"userGroupId"`
	CreateDate  string `json:"createDate"`
}

// record is g as stored.
func (g *group) record() groupRecord {
	return groupRecord{g.id.String(), g.name, g.description, g.active, g.deleted, formatTime(g.created)}
}

// group decodes r.
func (r groupRecord) group() (*group, error) {
	id, err := uuid.Parse(r.ID)
	if err != nil {
		return nil, fmt.Errorf("group id %q: %w", r.ID, err)
	}
	created, err := parseTime(r.CreateDate)
	if err != nil {
		return nil, fmt.Errorf("group %s: createDate: %w", r.ID, err)
	}
	return newGroup(id, r.Name, r.Description, r.Active, r.Deleted, created), nil
}

// record is u as stored.
func (u *user) record() userRecord {
	return userRecord{u.id.String(), u.username, u.firstname, u.lastname, u.email,
		u.userType, u.status, u.owner, u.mfa, u.deleted, formatTime(u.created)}
}

// user decodes r.
func (r userRecord) user() (*user, error) {
	id, err := uuid.Parse(r.ID)
	if err != nil {
		return nil, fmt.Errorf("user id %q: %w", r.ID, err)
	}
	created, err := parseTime(r.CreateDate)
	if err != nil {
		return nil, fmt.Errorf("user %s: createDate: %w", r.ID, err)
	}
	u := &user{id: id, username: r.Username, firstname: r.Firstname, lastname: r.Lastname,
		email: r.Email, userType: r.UserType, status: r.Status, owner: r.Owner, mfa: r.MFA,
		deleted: r.Deleted, created: created}
	return u.withKeys(), nil
}

// record is m as stored.
func (m *member) record() memberRecord {
	return memberRecord{m.id.String(), m.userID.String(), m.groupID.String(), formatTime(m.created)}
}

// member decodes r; users supplies the assignment's user for its key.
func (r memberRecord) member(users map[uuid.UUID]*user) (*member, error) {
	var ids [3]uuid.UUID
	for i, s := range []string{r.ID, r.UserID, r.UserGroupID} {
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("assignment %q: id %q: %w", r.ID, s, err)
		}
		ids[i] = id
	}
	created, err := parseTime(r.CreateDate)
	if err != nil {
		return nil, fmt.Errorf("assignment %s: createDate: %w", r.ID, err)
	}
	u := users[ids[1]]
	if u == nil {
		return nil, fmt.Errorf("assignment %s: no user %s", r.ID, r.UserID)
	}
	return &member{id: ids[0], userID: ids[1], groupID: ids[2], ulower: u.lower, created: created}, nil
}
