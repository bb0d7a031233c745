package clickapi

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	gojson "github.com/goccy/go-json"
)

// This file holds the records of access management: projects, shared
// cloud drives, permissions, user writes and API tokens (contract
// sections 4, 6, 8, 9 and 10).

// Project is an Amove project (contract section 4). Name holds at most
// MaxNameLength characters.
type Project struct {
	ID          string `json:"id"`
	AccountID   string `json:"accountId"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	Deleted     bool   `json:"deleted"`
}

// SharedCloudDrive is a cloud drive shared with users and groups (contract
// section 4). clickscript models the keys it uses; the agent sends more
// (prefix, storage, encryption flags, cloudAccount), which are ignored.
type SharedCloudDrive struct {
	ID        string    `json:"id"`
	AccountID string    `json:"accountId"`
	Name      string    `json:"name"`
	DriveType DriveType `json:"driveType"`
	SyncType  SyncType  `json:"syncType"`
	Active    bool      `json:"active"`
	Deleted   bool      `json:"deleted"`
	// Provider is not a key of the vendor's drive: the emulator's demo
	// data had it before the contract was rewritten. It is left out when
	// empty and will go once the emulator no longer sets it.
	Provider string `json:"provider,omitempty"`
}

// DriveType says how a shared cloud drive appears on the desktop.
type DriveType int

// Drive types (FOUND).
const (
	VirtualDrive DriveType = 1
	LocalPath    DriveType = 2
)

// SyncType says how a shared cloud drive keeps its files.
type SyncType int

// Sync types (FOUND).
const (
	SyncStream SyncType = 1
	SyncMirror SyncType = 2
)

// PermissionLevel is a permission record's permissionType: what a grant
// allows on a project or drive.
type PermissionLevel int

// Permission levels (FOUND: the only two the vendor documents).
const (
	PermissionRead      PermissionLevel = 1
	PermissionReadWrite PermissionLevel = 2
)

// Valid reports whether l is one of the documented levels.
func (l PermissionLevel) Valid() bool { return l == PermissionRead || l == PermissionReadWrite }

// String returns "read" or "readwrite", the names scripts use.
func (l PermissionLevel) String() string {
	switch l {
	case PermissionRead:
		return "read"
	case PermissionReadWrite:
		return "readwrite"
	}
	return "PermissionLevel(" + strconv.Itoa(int(l)) + ")"
}

// ParsePermissionLevel reads a level as scripts and CSV files write it:
// "read" or "readwrite" in any case (also "read_write", "read-write"), or
// the number 1 or 2.
func ParsePermissionLevel(s string) (PermissionLevel, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "read", "1":
		return PermissionRead, nil
	case "readwrite", "read_write", "read-write", "2":
		return PermissionReadWrite, nil
	}
	return 0, fmt.Errorf("permission level %q: want \"read\" (1) or \"readwrite\" (2)", s)
}

// UserProjectPermission gives one user access to one project. ID is the
// permission record's id: left out when granting, required when changing
// the level (see Client.GrantUserProjectPermissions).
type UserProjectPermission struct {
	ID             string          `json:"id,omitempty"`
	UserID         string          `json:"userId"`
	ProjectID      string          `json:"projectId"`
	PermissionType PermissionLevel `json:"permissionType"`
}

// UserSharedCloudDrivePermission gives one user access to one shared cloud drive.
type UserSharedCloudDrivePermission struct {
	ID                 string          `json:"id,omitempty"`
	UserID             string          `json:"userId"`
	SharedCloudDriveID string          `json:"sharedCloudDriveId"`
	PermissionType     PermissionLevel `json:"permissionType"`
}

// UserGroupProjectPermission gives every member of a group access to one project.
type UserGroupProjectPermission struct {
	ID             string          `json:"id,omitempty"`
	UserGroupID    string          `json:"userGroupId"`
	ProjectID      string          `json:"projectId"`
	PermissionType PermissionLevel `json:"permissionType"`
}

// UserGroupSharedCloudDrivePermission gives every member of a group access
// to one shared cloud drive.
type UserGroupSharedCloudDrivePermission struct {
	ID                 string          `json:"id,omitempty"`
	UserGroupID        string          `json:"userGroupId"`
	SharedCloudDriveID string          `json:"sharedCloudDriveId"`
	PermissionType     PermissionLevel `json:"permissionType"`
}

// UserProjectPermissionDTO is a row of the user-project permission
// listings: the user, the project and the permission linking them. Any
// part may be nil.
type UserProjectPermissionDTO struct {
	User       *User                  `json:"user,omitempty"`
	Project    *Project               `json:"project,omitempty"`
	Permission *UserProjectPermission `json:"permission,omitempty"`
}

// UserSharedCloudDrivePermissionDTO is a row of the user-drive permission
// listings. The vendor spells its drive key "sharedClouDrive"; decoding
// accepts "sharedCloudDrive" too.
type UserSharedCloudDrivePermissionDTO struct {
	User             *User                           `json:"user,omitempty"`
	SharedCloudDrive *SharedCloudDrive               `json:"sharedClouDrive,omitempty"`
	Permission       *UserSharedCloudDrivePermission `json:"permission,omitempty"`
}

// UnmarshalJSON decodes a row whose drive is under either spelling.
func (d *UserSharedCloudDrivePermissionDTO) UnmarshalJSON(b []byte) error {
	type plain UserSharedCloudDrivePermissionDTO
	var v struct {
		plain
		Alt *SharedCloudDrive `json:"sharedCloudDrive"`
	}
	if err := gojson.Unmarshal(b, &v); err != nil {
		return err
	}
	*d = UserSharedCloudDrivePermissionDTO(v.plain)
	if d.SharedCloudDrive == nil {
		d.SharedCloudDrive = v.Alt
	}
	return nil
}

// UserGroupProjectPermissionDTO is a row of the group-project permission listings.
type UserGroupProjectPermissionDTO struct {
	UserGroup  *UserGroup                  `json:"userGroup,omitempty"`
	Project    *Project                    `json:"project,omitempty"`
	Permission *UserGroupProjectPermission `json:"permission,omitempty"`
}

// UserGroupSharedCloudDrivePermissionDTO is a row of the group-drive
// permission listings. Decoding accepts the drive under "sharedClouDrive" too.
type UserGroupSharedCloudDrivePermissionDTO struct {
	UserGroup        *UserGroup                           `json:"userGroup,omitempty"`
	SharedCloudDrive *SharedCloudDrive                    `json:"sharedCloudDrive,omitempty"`
	Permission       *UserGroupSharedCloudDrivePermission `json:"permission,omitempty"`
}

// UnmarshalJSON decodes a row whose drive is under either spelling.
func (d *UserGroupSharedCloudDrivePermissionDTO) UnmarshalJSON(b []byte) error {
	type plain UserGroupSharedCloudDrivePermissionDTO
	var v struct {
		plain
		Alt *SharedCloudDrive `json:"sharedClouDrive"`
	}
	if err := gojson.Unmarshal(b, &v); err != nil {
		return err
	}
	*d = UserGroupSharedCloudDrivePermissionDTO(v.plain)
	if d.SharedCloudDrive == nil {
		d.SharedCloudDrive = v.Alt
	}
	return nil
}

// UserWithDetails is a row of GET /user/get_all_users_with_details: a user
// with the groups, projects and drives it reaches directly. The Click docs
// name the arrays userGroups, projects and sharedCloudDrives, the Web docs
// groups, projectsData and drivesData; decoding accepts both, encoding
// writes the Click names.
type UserWithDetails struct {
	User
	UserGroups        []UserUserGroupDTO                  `json:"userGroups"`
	Projects          []UserProjectPermissionDTO          `json:"projects"`
	SharedCloudDrives []UserSharedCloudDrivePermissionDTO `json:"sharedCloudDrives"`
}

// UnmarshalJSON decodes the user's own keys and the three arrays under
// either naming (the Click name wins when both are present).
func (u *UserWithDetails) UnmarshalJSON(b []byte) error {
	var user User
	if err := gojson.Unmarshal(b, &user); err != nil {
		return err
	}
	var v struct {
		UserGroups        []UserUserGroupDTO                  `json:"userGroups"`
		Groups            []UserUserGroupDTO                  `json:"groups"`
		Projects          []UserProjectPermissionDTO          `json:"projects"`
		ProjectsData      []UserProjectPermissionDTO          `json:"projectsData"`
		SharedCloudDrives []UserSharedCloudDrivePermissionDTO `json:"sharedCloudDrives"`
		DrivesData        []UserSharedCloudDrivePermissionDTO `json:"drivesData"`
	}
	if err := gojson.Unmarshal(b, &v); err != nil {
		return err
	}
	*u = UserWithDetails{
		User:              user,
		UserGroups:        firstNonNil(v.UserGroups, v.Groups),
		Projects:          firstNonNil(v.Projects, v.ProjectsData),
		SharedCloudDrives: firstNonNil(v.SharedCloudDrives, v.DrivesData),
	}
	return nil
}

func firstNonNil[T any](a, b []T) []T {
	if a != nil {
		return a
	}
	return b
}

// MaxUserFieldLength is the longest firstname, lastname, username or email
// insert_user accepts, in characters (FOUND).
const MaxUserFieldLength = 50

// NewUser is the body of InsertUser. The agent creates the user Pending and
// emails an activation link. Username must be an email address.
type NewUser struct {
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	UserType  int    `json:"userType"`
}

// APIToken is a long-lived credential of the signed-in user (contract
// section 6). Token is its secret value: the agent returns it on insert
// and in listings.
type APIToken struct {
	ID             string `json:"id"`
	Title          string `json:"title"`
	Token          Secret `json:"token"`
	ExpirationDate string `json:"expirationDate"` // RFC 3339; "" when the agent gave none
	CreateDate     string `json:"createDate"`
}

// NewAPIToken is the body of InsertAPIToken. ExpirationDate is optional:
// an RFC 3339 date such as "2027-01-01T00:00:00Z" (see FormatDate).
type NewAPIToken struct {
	Title          string `json:"title"`
	ExpirationDate string `json:"expirationDate,omitempty"`
}

// Secret is a credential value the agent returns, such as an API token.
// It prints as REDACTED through fmt and slog, so that a record holding one
// can be logged or wrapped in an error without showing it; Reveal returns
// the value. JSON encoding keeps the value.
type Secret string

// Reveal returns the secret's value. Call it only where the value must
// leave the program on purpose: the one place a new token is shown.
func (s Secret) Reveal() string { return string(s) }

// String returns REDACTED, or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString returns the quoted String, for %#v.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// LogValue keeps the value out of slog records.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
