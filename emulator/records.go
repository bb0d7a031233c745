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

// grantRecord is a permission grant as the bbolt file stores it.
type grantRecord struct {
	ID          string `json:"id"`
	UserGroupID string `json:"userGroupId"`
	Read        bool   `json:"read"`
	Write       bool   `json:"write"`
	Admin       bool   `json:"admin"`
}

// projectRecord is a project as the bbolt file stores it.
type projectRecord struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Grants      []grantRecord `json:"grants"`
}

// driveRecord is a shared cloud drive as the bbolt file stores it.
type driveRecord struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Provider string        `json:"provider"`
	Grants   []grantRecord `json:"grants"`
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

// grantRecords are gs as stored.
func grantRecords(gs []grant) []grantRecord {
	out := make([]grantRecord, len(gs))
	for i, g := range gs {
		out[i] = grantRecord{g.id.String(), g.groupID.String(), g.read, g.write, g.admin}
	}
	return out
}

// grantsOf decodes rs.
func grantsOf(rs []grantRecord) ([]grant, error) {
	out := make([]grant, len(rs))
	for i, r := range rs {
		id, err := uuid.Parse(r.ID)
		if err != nil {
			return nil, fmt.Errorf("grant id %q: %w", r.ID, err)
		}
		gid, err := uuid.Parse(r.UserGroupID)
		if err != nil {
			return nil, fmt.Errorf("grant %s: userGroupId %q: %w", r.ID, r.UserGroupID, err)
		}
		out[i] = grant{id, gid, r.Read, r.Write, r.Admin}
	}
	return out, nil
}

// record is p as stored.
func (p *project) record() projectRecord {
	return projectRecord{p.id.String(), p.name, p.description, grantRecords(p.grants)}
}

// project decodes r.
func (r projectRecord) project() (*project, error) {
	id, err := uuid.Parse(r.ID)
	if err != nil {
		return nil, fmt.Errorf("project id %q: %w", r.ID, err)
	}
	gs, err := grantsOf(r.Grants)
	if err != nil {
		return nil, fmt.Errorf("project %s: %w", r.ID, err)
	}
	return &project{id, r.Name, r.Description, gs}, nil
}

// record is d as stored.
func (d *drive) record() driveRecord {
	return driveRecord{d.id.String(), d.name, d.provider, grantRecords(d.grants)}
}

// drive decodes r.
func (r driveRecord) drive() (*drive, error) {
	id, err := uuid.Parse(r.ID)
	if err != nil {
		return nil, fmt.Errorf("drive id %q: %w", r.ID, err)
	}
	gs, err := grantsOf(r.Grants)
	if err != nil {
		return nil, fmt.Errorf("drive %s: %w", r.ID, err)
	}
	return &drive{id, r.Name, r.Provider, gs}, nil
}
