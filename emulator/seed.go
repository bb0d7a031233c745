package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"
)

// SeedFile is the JSON format of a seed file (Options.Seed set to a path),
// and the shape the built-in demo seed is written in. Every list is
// optional; unknown keys are errors, and keys match case-insensitively.
// Records load in file order: groups, users, memberships, projects,
// drives. A record without an id gets a generated one. Example:
//
//	{
//	  "groups": [
//	    {"name": "Design Team", "description": "Creative staff"},
//	    {"id": "6f1c0d2e-8b1a-4c55-9a57-0c1f3a2b4d5e", "name": "Old Team", "active": false, "deleted": true}
//	  ],
//	  "users": [
//	    {"username": "ada.lovelace@example.com", "firstname": "Ada", "lastname": "Lovelace"},
//	    {"id": "2b7e4f1a-3c5d-4e6f-8a9b-0c1d2e3f4a5b", "username": "grace@example.com", "status": 2, "userType": 32, "mfa": true}
//	  ],
//	  "memberships": [
//	    {"username": "ada.lovelace@example.com", "groupName": "Design Team"},
//	    {"userId": "2b7e4f1a-3c5d-4e6f-8a9b-0c1d2e3f4a5b", "userGroupId": "6f1c0d2e-8b1a-4c55-9a57-0c1f3a2b4d5e"}
//	  ],
//	  "projects": [
//	    {"name": "Brand Refresh", "groups": [{"groupName": "Design Team", "permissionType": 2}],
//	     "users": [{"username": "grace@example.com", "permissionType": 1}]}
//	  ],
//	  "drives": [
//	    {"name": "Media Archive", "storageName": "media-bucket", "prefix": "archive/",
//	     "groups": [{"groupName": "Design Team", "permissionType": 1}]}
//	  ]
//	}
type SeedFile struct {
	Groups      []SeedGroup      `json:"groups"`
	Users       []SeedUser       `json:"users"`
	Memberships []SeedMembership `json:"memberships"`
	Projects    []SeedProject    `json:"projects"`
	Drives      []SeedDrive      `json:"drives"`
}

// SeedGroup is a user group of a seed file. Name follows the insert rules
// (not blank, at most 100 characters, unique among live groups ignoring
// case). Active defaults to true.
type SeedGroup struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Active      *bool  `json:"active,omitempty"`
	Deleted     bool   `json:"deleted,omitempty"`
}

// SeedUser is a user of a seed file. Username is required and unique among
// live users ignoring case. Email defaults to the username when it holds
// an "@", UserType to 64 (standard user) and Status to 1 (active).
type SeedUser struct {
	ID        string `json:"id,omitempty"`
	Username  string `json:"username"`
	Firstname string `json:"firstname,omitempty"`
	Lastname  string `json:"lastname,omitempty"`
	Email     string `json:"email,omitempty"`
	UserType  int    `json:"userType,omitempty"`
	Status    int    `json:"status,omitempty"`
	Owner     bool   `json:"owner,omitempty"`
	MFA       bool   `json:"mfa,omitempty"`
	Deleted   bool   `json:"deleted,omitempty"`
}

// SeedMembership puts a user in a group. The user is named by UserID or by
// Username, the group by UserGroupID or by GroupName; names ignore case and
// prefer live records, so a deleted group or user is reached by name only
// when no live one has it.
type SeedMembership struct {
	ID          string `json:"id,omitempty"`
	UserID      string `json:"userId,omitempty"`
	Username    string `json:"username,omitempty"`
	UserGroupID string `json:"userGroupId,omitempty"`
	GroupName   string `json:"groupName,omitempty"`
}

// SeedProject is a project of a seed file, with the groups and users
// granted a permission on it. Active defaults to true.
type SeedProject struct {
	ID          string          `json:"id,omitempty"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Active      *bool           `json:"active,omitempty"`
	Deleted     bool            `json:"deleted,omitempty"`
	Groups      []SeedGrant     `json:"groups,omitempty"`
	Users       []SeedUserGrant `json:"users,omitempty"`
}

// SeedDrive is a shared cloud drive of a seed file, with the groups and
// users granted a permission on it. Active defaults to true, DriveType to
// 1 (VirtualDrive), SyncType to 2 (Mirror), ObjectsPerFolder to 10000,
// CloudAccountID to the account's one cloud account and the creator to
// the account owner (see rules.go).
type SeedDrive struct {
	ID                    string          `json:"id,omitempty"`
	Name                  string          `json:"name"`
	CloudAccountID        string          `json:"cloudAccountId,omitempty"`
	StorageName           string          `json:"storageName,omitempty"`
	Prefix                string          `json:"prefix,omitempty"`
	ObjectsPerFolder      int             `json:"objectsPerFolder,omitempty"`
	AllowDelete           bool            `json:"allowDelete,omitempty"`
	LocalCacheEncrypted   bool            `json:"localCacheEncrypted,omitempty"`
	CloudObjectsEncrypted bool            `json:"cloudObjectsEncrypted,omitempty"`
	DriveType             int             `json:"driveType,omitempty"`
	SyncType              int             `json:"syncType,omitempty"`
	Active                *bool           `json:"active,omitempty"`
	Deleted               bool            `json:"deleted,omitempty"`
	Groups                []SeedGrant     `json:"groups,omitempty"`
	Users                 []SeedUserGrant `json:"users,omitempty"`
}

// SeedGrant gives a group, named by UserGroupID or GroupName (as in
// SeedMembership), a permission: PermissionType 1 (Read) or 2 (ReadWrite).
type SeedGrant struct {
	ID             string `json:"id,omitempty"`
	UserGroupID    string `json:"userGroupId,omitempty"`
	GroupName      string `json:"groupName,omitempty"`
	PermissionType int    `json:"permissionType"`
}

// SeedUserGrant gives a user, named by UserID or Username (as in
// SeedMembership), a permission: PermissionType 1 (Read) or 2 (ReadWrite).
type SeedUserGrant struct {
	ID             string `json:"id,omitempty"`
	UserID         string `json:"userId,omitempty"`
	Username       string `json:"username,omitempty"`
	PermissionType int    `json:"permissionType"`
}

// readSeedFile reads and decodes the seed file at path.
func readSeedFile(path string) (*SeedFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var sf SeedFile
	if err := dec.Decode(&sf); err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("seed %s: unexpected data after the JSON object", path)
	}
	return &sf, nil
}

// seeder adds one seed's records to a store in loading mode.
type seeder struct {
	s   *store
	src string // names the seed in errors
}

// loadSeed adds the records of sf to s, which must be in loading mode.
// src names the seed in errors ("seed demo", "seed file.json").
func (s *store) loadSeed(sf *SeedFile, src string) error {
	sd := seeder{s: s, src: src}
	for i, g := range sf.Groups {
		if err := sd.group(g); err != nil {
			return fmt.Errorf("%s: groups[%d]: %w", src, i, err)
		}
	}
	for i, u := range sf.Users {
		if err := sd.user(u); err != nil {
			return fmt.Errorf("%s: users[%d]: %w", src, i, err)
		}
	}
	for i, m := range sf.Memberships {
		if err := sd.membership(m); err != nil {
			return fmt.Errorf("%s: memberships[%d]: %w", src, i, err)
		}
	}
	for i, p := range sf.Projects {
		if err := sd.project(p); err != nil {
			return fmt.Errorf("%s: projects[%d]: %w", src, i, err)
		}
	}
	for i, d := range sf.Drives {
		if err := sd.drive(d); err != nil {
			return fmt.Errorf("%s: drives[%d]: %w", src, i, err)
		}
	}
	return nil
}

// id returns the parsed explicit id, or a new one when explicit is empty.
func (sd seeder) id(explicit string) (uuid.UUID, error) {
	if explicit == "" {
		return sd.s.newID(&sd.s.c), nil
	}
	id, err := uuid.Parse(explicit)
	if err != nil {
		return uuid.UUID{}, fmt.Errorf("id: %q is not a uuid", explicit)
	}
	if sd.s.idTaken(id) {
		return uuid.UUID{}, fmt.Errorf("id: %s is used twice", id)
	}
	return id, nil
}

// group adds one seed group.
func (sd seeder) group(sg SeedGroup) error {
	if msg := nameProblem("name", sg.Name); msg != "" {
		return errors.New(msg)
	}
	if other := sd.s.groupNames[strings.ToLower(sg.Name)]; other != nil && !sg.Deleted {
		return fmt.Errorf("name: %q is taken by group %s", sg.Name, other.id)
	}
	id, err := sd.id(sg.ID)
	if err != nil {
		return err
	}
	active := sg.Active == nil || *sg.Active
	sd.s.addGroup(newGroup(id, sg.Name, sg.Description, active, sg.Deleted, sd.s.gen.tick(&sd.s.c)))
	return nil
}

// user adds one seed user.
func (sd seeder) user(su SeedUser) error {
	name := strings.TrimSpace(su.Username)
	if name == "" {
		return errors.New("username: required")
	}
	if other := sd.s.userNames[strings.ToLower(name)]; other != nil && !su.Deleted {
		return fmt.Errorf("username: %q is taken by user %s", name, other.id)
	}
	id, err := sd.id(su.ID)
	if err != nil {
		return err
	}
	u := &user{id: id, username: name, firstname: su.Firstname, lastname: su.Lastname,
		email: su.Email, userType: su.UserType, status: su.Status,
		owner: su.Owner, mfa: su.MFA, deleted: su.Deleted, created: sd.s.gen.tick(&sd.s.c)}
	if u.email == "" && strings.Contains(name, "@") {
		u.email = name
	}
	if u.userType == 0 {
		u.userType = seededUserType
	}
	if u.status == 0 {
		u.status = seededUserStatus
	}
	sd.s.addUser(u.withKeys())
	return nil
}

// membership adds one seed membership.
func (sd seeder) membership(sm SeedMembership) error {
	u, err := sd.findUser(sm.UserID, sm.Username)
	if err != nil {
		return err
	}
	g, err := sd.findGroup(sm.UserGroupID, sm.GroupName)
	if err != nil {
		return err
	}
	if other := sd.s.pairs[pair{u.id, g.id}]; other != nil {
		return fmt.Errorf("user %q is already in group %q (assignment %s)", u.username, g.name, other.id)
	}
	id, err := sd.id(sm.ID)
	if err != nil {
		return err
	}
	sd.s.addMember(&member{id: id, userID: u.id, groupID: g.id, ulower: u.lower, created: sd.s.gen.tick(&sd.s.c)})
	return nil
}

// findUser resolves a user by id or by username, as SeedMembership says.
func (sd seeder) findUser(id, username string) (*user, error) {
	switch {
	case id != "":
		uid, err := uuid.Parse(id)
		if err != nil {
			return nil, fmt.Errorf("userId: %q is not a uuid", id)
		}
		if u := sd.s.users[uid]; u != nil {
			return u, nil
		}
		return nil, fmt.Errorf("userId: no user %s", uid)
	case username != "":
		key := strings.ToLower(strings.TrimSpace(username))
		if u := sd.s.userNames[key]; u != nil {
			return u, nil
		}
		if u := firstDeleted(sd.s.users, func(u *user) bool { return u.deleted && u.lower == key },
			func(u *user) uuid.UUID { return u.id }); u != nil {
			return u, nil
		}
		return nil, fmt.Errorf("username: no user %q", username)
	default:
		return nil, errors.New("userId or username: required")
	}
}

// findGroup resolves a group by id or by name, as SeedMembership says.
func (sd seeder) findGroup(id, name string) (*group, error) {
	switch {
	case id != "":
		gid, err := uuid.Parse(id)
		if err != nil {
			return nil, fmt.Errorf("userGroupId: %q is not a uuid", id)
		}
		if g := sd.s.groups[gid]; g != nil {
			return g, nil
		}
		return nil, fmt.Errorf("userGroupId: no user group %s", gid)
	case name != "":
		key := strings.ToLower(name)
		if g := sd.s.groupNames[key]; g != nil {
			return g, nil
		}
		if g := firstDeleted(sd.s.groups, func(g *group) bool { return g.deleted && g.lower == key },
			func(g *group) uuid.UUID { return g.id }); g != nil {
			return g, nil
		}
		return nil, fmt.Errorf("groupName: no user group %q", name)
	default:
		return nil, errors.New("userGroupId or groupName: required")
	}
}

// firstDeleted returns the record of m that match accepts with the
// smallest id, or nil. It scans m: names of deleted records are not indexed.
func firstDeleted[T any](m map[uuid.UUID]*T, match func(*T) bool, id func(*T) uuid.UUID) *T {
	var best *T
	for _, v := range m {
		if match(v) && (best == nil || cmpID(id(v), id(best)) < 0) {
			best = v
		}
	}
	return best
}
