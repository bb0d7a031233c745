package clickapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// UserGroup is a group of users in the agent's account. Name holds at most
// MaxNameLength characters; the server sets ID and AccountID itself.
type UserGroup struct {
	ID          string `json:"id"`
	AccountID   string `json:"accountId"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	Deleted     bool   `json:"deleted"`
}

// MaxNameLength is the longest user group name the agent accepts, in characters.
const MaxNameLength = 100

// NewUserGroup is the body of InsertUserGroup.
type NewUserGroup struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
}

// UserGroupUpdate is the body of UpdateUserGroup. Every field is sent: the
// agent replaces the group's name, description and active flag.
type UserGroupUpdate struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
}

// User is an account user as the agent returns it. Note the all-lowercase
// firstname and lastname keys, unlike the import body (see ImportUser).
type User struct {
	ID         string     `json:"id"`
	Firstname  string     `json:"firstname"`
	Lastname   string     `json:"lastname"`
	Username   string     `json:"username"`
	Email      string     `json:"email"`
	UserType   int        `json:"userType"`
	Status     UserStatus `json:"status"`
	Owner      bool       `json:"owner"`
	MFA        bool       `json:"mfa"`
	CreateDate string     `json:"createDate"`
}

// UserStatus is a set of user status flags [click:user.md].
type UserStatus int

// User status flags.
const (
	UserActive   UserStatus = 1
	UserInactive UserStatus = 2
	UserPending  UserStatus = 4
)

// UserType is a set of user type flags [web:authentication.md]; a user has
// one, a list filter may combine several.
type UserType int

// User types.
const (
	UserTypeProviderAdmin       UserType = 1
	UserTypeResellerAdmin       UserType = 2
	UserTypeAccountAdmin        UserType = 4
	UserTypeAccountUser         UserType = 8
	UserTypeDesktopAdmin        UserType = 16
	UserTypeDesktopCreativeUser UserType = 32
	UserTypeDesktopStandardUser UserType = 64
)

// FlagName names one flag value: Name as scripts write it, Vendor as the
// vendor's docs do.
type FlagName struct {
	Name   string
	Vendor string
	Value  int
}

// UserStatusNames returns the names of the user status flags, as scripts
// write them ("active", ...), in the order of their values.
func UserStatusNames() []FlagName {
	return []FlagName{{"active", "Active", int(UserActive)}, {"inactive", "Inactive", int(UserInactive)}, {"pending", "Pending", int(UserPending)}}
}

// UserTypeNames returns the names of the user types, as scripts write them
// ("desktop_admin", ...), in the order of their values.
func UserTypeNames() []FlagName {
	return []FlagName{
		{"provider_admin", "ProviderAdmin", int(UserTypeProviderAdmin)},
		{"reseller_admin", "ResellerAdmin", int(UserTypeResellerAdmin)},
		{"account_admin", "AccountAdmin", int(UserTypeAccountAdmin)},
		{"account_user", "AccountUser", int(UserTypeAccountUser)},
		{"desktop_admin", "DesktopAdmin", int(UserTypeDesktopAdmin)},
		{"desktop_creative_user", "DesktopCreativeUser", int(UserTypeDesktopCreativeUser)},
		{"desktop_standard_user", "DesktopStandardUser", int(UserTypeDesktopStandardUser)},
	}
}

// FlagNames spells the flags set in v with their script names, joined by
// "|": "active|pending". Bits without a name are shown as a number.
func FlagNames(v int, names []FlagName) string { return flagNames(v, names, false) }

// String names the user type(s) as the vendor does: "DesktopAdmin".
func (t UserType) String() string { return flagNames(int(t), UserTypeNames(), true) }

// String names the status flags as the vendor does: "Active|Pending".
func (s UserStatus) String() string { return flagNames(int(s), UserStatusNames(), true) }

func flagNames(v int, names []FlagName, vendor bool) string {
	var parts []string
	for _, n := range names {
		if v&n.Value != 0 {
			if vendor {
				parts = append(parts, n.Vendor)
			} else {
				parts = append(parts, n.Name)
			}
			v &^= n.Value
		}
	}
	if v != 0 || len(parts) == 0 {
		parts = append(parts, strconv.Itoa(v))
	}
	return strings.Join(parts, "|")
}

// UserUserGroup is one user-to-group assignment. ID is the assignment id that
// UnassignUser takes.
type UserUserGroup struct {
	ID          string `json:"id,omitempty"`
	UserID      string `json:"userId"`
	UserGroupID string `json:"userGroupId"`
}

// UserUserGroupDTO is one row of GetAssignedUsers and GetAssignedUserGroups:
// the user, the group and the assignment that links them. UserGroup may be
// nil in member listings and User may be nil in group listings.
type UserUserGroupDTO struct {
	User          *User          `json:"user,omitempty"`
	UserGroup     *UserGroup     `json:"userGroup,omitempty"`
	UserUserGroup *UserUserGroup `json:"userUserGroup,omitempty"`
}

// UserGroupWithDetails is a row of ListUserGroupsWithDetails: a group with
// its members, projects and shared cloud drives inlined.
type UserGroupWithDetails struct {
	ID           string              `json:"id"`
	Name         string              `json:"name"`
	Description  string              `json:"description"`
	Active       bool                `json:"active"`
	UsersData    []UserMembership    `json:"usersData"`
	ProjectsData []ProjectPermission `json:"projectsData"`
	DrivesData   []DrivePermission   `json:"drivesData"`
}

// UserMembership is one member of a group in UserGroupWithDetails.
type UserMembership struct {
	User          *User          `json:"user"`
	UserUserGroup *UserUserGroup `json:"userUserGroup"`
}

// ProjectPermission is a project a group can reach, with the group's permission.
type ProjectPermission struct {
	Project    *Project    `json:"project"`
	Permission *Permission `json:"permission"`
}

// DrivePermission is a shared cloud drive a group can reach, with the
// group's permission [web:usergroup.md]. The drive also decodes from the
// vendor's misspelt key sharedClouDrive.
type DrivePermission struct {
	SharedCloudDrive *SharedCloudDrive `json:"sharedCloudDrive"`
	Permission       *Permission       `json:"permission"`
}

// UnmarshalJSON accepts the drive under sharedCloudDrive or sharedClouDrive.
func (d *DrivePermission) UnmarshalJSON(b []byte) error {
	var v struct {
		Drive      *SharedCloudDrive `json:"sharedCloudDrive"`
		Misspelt   *SharedCloudDrive `json:"sharedClouDrive"`
		Permission *Permission       `json:"permission"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*d = DrivePermission{SharedCloudDrive: cmp.Or(v.Drive, v.Misspelt), Permission: v.Permission}
	return nil
}

// Permission is a permission record as the details rows inline it: one of
// UserProjectPermission, UserSharedCloudDrivePermission,
// UserGroupProjectPermission or UserGroupSharedCloudDrivePermission
// [click:userspermission.md]; the ids that do not apply are empty.
type Permission struct {
	ID                 string          `json:"id"`
	UserID             string          `json:"userId,omitempty"`
	UserGroupID        string          `json:"userGroupId,omitempty"`
	ProjectID          string          `json:"projectId,omitempty"`
	SharedCloudDriveID string          `json:"sharedCloudDriveId,omitempty"`
	PermissionType     PermissionLevel `json:"permissionType"`
}

// UserUserGroupRelation is one entry of ImportUsers: a user, reused or
// created by username, and the groups to put them in [click:usergroup.md].
type UserUserGroupRelation struct {
	User       ImportUser `json:"user"`
	UserGroups []GroupRef `json:"userGroups"`
}

// ImportUser is the user part of an import entry. The client sends the
// union of both doc sets: username, firstName and lastName
// [click:usergroup.md], email and userType [web:usergroup.md]. ImportUsers
// fills an empty Email with the username and a zero UserType with
// DefaultImportUserType (INFERRED I19).
type ImportUser struct {
	Username  string   `json:"username"`
	Email     string   `json:"email,omitempty"`
	UserType  UserType `json:"userType,omitempty"`
	FirstName string   `json:"firstName,omitempty"`
	LastName  string   `json:"lastName,omitempty"`
}

// GroupRef is a group of an import entry. The agent matches groups by name,
// case-insensitively, and creates the missing ones [web:usergroup.md]; the
// client sends the name always and the id when it knows it, as the Click
// sample does [click:usergroup.md] (INFERRED I20: the role of id is not
// documented).
type GroupRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// LoginType is the kind of desktop user logging in [click:authentication.md].
type LoginType int

// Login types.
const (
	DesktopAdmin        LoginType = 16
	DesktopCreativeUser LoginType = 32
	DesktopStandardUser LoginType = 64
)

// LoginRequest is the body of Login. No requestToken: the agent's page
// shows none (INFERRED I16).
type LoginRequest struct {
	Username string    `json:"username"`
	Password string    `json:"password"`
	Type     LoginType `json:"type"`
}

// Challenge is the second factor the agent asks for after a password.
type Challenge int

// Challenges [click:authentication.md].
const (
	ChallengeNone Challenge = 0
	ChallengeTOTP Challenge = 1
	ChallengeSMS  Challenge = 2
)

// LoginResponse is the answer of Login and MFARespond. JWTToken is empty
// while a challenge is pending; answer it with MFARespond and Session.
type LoginResponse struct {
	JWTToken  string    `json:"jwtToken"`
	Challenge Challenge `json:"challenge"`
	Session   string    `json:"session"`
}

// MFARequest is the body of MFARespond [click:authentication.md]: the code
// the user received (TOTP or, INFERRED I15, SMS) and the login's session.
type MFARequest struct {
	UserCode string `json:"userCode"`
	Session  string `json:"session"`
}

// LogoutRequest is the body of Logout: the token to end, carried in the
// body and not as a token parameter [click:authentication.md].
type LogoutRequest struct {
	JWTToken string `json:"jwtToken"`
}

// UserInfo is the signed-in user as GET /authentication/user answers
// [click:authentication.md]. The Web twin spells firstname/lastname
// [web:user.md]: keys decode in either casing. JWTToken is the caller's own
// token echoed back: a Secret, so it never prints, through fmt or slog.
type UserInfo struct {
	AccountName      string   `json:"accountName"`
	AccountID        string   `json:"accountId"`
	UserID           string   `json:"userId"`
	FirstName        string   `json:"firstName"`
	LastName         string   `json:"lastName"`
	Username         string   `json:"username"`
	UserType         UserType `json:"userType"`
	JWTToken         Secret   `json:"jwtToken"`
	Owner            bool     `json:"owner"`
	Migration        bool     `json:"migration"`
	SubscriptionType int      `json:"subscriptionType"` // 1 Monthly, 2 Yearly
	MFA              bool     `json:"mfa"`
	AuthProvider     int      `json:"authProvider"` // 0 AWSCognito, 1 Google, 2 EntraID, 4 Okta, 8 SAML, 16 External
}

// LogValue logs the user without the token: slog's JSON handler would
// otherwise encode JWTToken's value.
func (u UserInfo) LogValue() slog.Value {
	u.JWTToken = Secret(u.JWTToken.String())
	type plain UserInfo // no LogValue: no recursion
	return slog.AnyValue(plain(u))
}

// SubscriptionName names a subscriptionType [click:authentication.md].
func SubscriptionName(t int) string {
	switch t {
	case 1:
		return "Monthly"
	case 2:
		return "Yearly"
	}
	return "subscription " + strconv.Itoa(t)
}

// AuthProviderName names an authProvider [click:authentication.md].
func AuthProviderName(p int) string {
	switch p {
	case 0:
		return "AWSCognito"
	case 1:
		return "Google"
	case 2:
		return "EntraID"
	case 4:
		return "Okta"
	case 8:
		return "SAML"
	case 16:
		return "External"
	}
	return "provider " + strconv.Itoa(p)
}

// AgentStatus is the agent's lifecycle state as GET
// /management/agent_status reports it [click:management.md].
type AgentStatus int

// Agent states [click:management.md]. Only AgentStarted means the
// protected API is usable.
const (
	AgentCreated  AgentStatus = 0 // no user signed in
	AgentStarted  AgentStatus = 1 // running with a signed-in user
	AgentStopped  AgentStatus = 2
	AgentPaused   AgentStatus = 4 // drives suspended
	AgentDisposed AgentStatus = 8 // a new login is needed
)

// String names the state: "Started", or "state N" for an unknown one.
func (s AgentStatus) String() string {
	switch s {
	case AgentCreated:
		return "Created"
	case AgentStarted:
		return "Started"
	case AgentStopped:
		return "Stopped"
	case AgentPaused:
		return "Paused"
	case AgentDisposed:
		return "Disposed"
	}
	return "state " + strconv.Itoa(int(s))
}

// UnmarshalJSON reads the documented bare integer (1), and also a quoted
// integer ("1") or an object ({"status": 1}) (INFERRED I14).
func (s *AgentStatus) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var n int
	switch {
	case len(b) > 0 && b[0] == '{':
		var v struct {
			Status *json.RawMessage `json:"status"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		if v.Status == nil || bytes.HasPrefix(bytes.TrimSpace(*v.Status), []byte("{")) {
			return fmt.Errorf("agent status object without a status: %.60s", b)
		}
		return s.UnmarshalJSON(*v.Status)
	case len(b) > 0 && b[0] == '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		var err error
		if n, err = strconv.Atoi(strings.TrimSpace(str)); err != nil {
			return fmt.Errorf("agent status %s is not a number", b)
		}
	default:
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("agent status %.60s is not a number", b)
		}
	}
	*s = AgentStatus(n)
	return nil
}

// Collection is one page of a list endpoint (the agent's DTOCollection<T>).
// Total counts every match, not just this page (INFERRED I4). Options may be
// absent [web:usergroup.md]: then it holds zeros, which the pager ignores.
type Collection[T any] struct {
	Data    []T         `json:"data"`
	Total   int         `json:"total"`
	Options PageOptions `json:"options"`
}

// PageOptions echoes the page a Collection holds [click:user.md]. Pages
// start at 1. Values that are not positive (older samples show 0
// placeholders) mean "not said". The Web twin adds a sort array
// [web:index.md], which the client does not need and ignores.
type PageOptions struct {
	Page     int `json:"page"`
	PageSize int `json:"pageSize"`
}

// ProblemDetails is the body of a 499 answer (ASP.NET ValidationProblemDetails)
// [click:errors.md] [web:errors.md].
type ProblemDetails struct {
	Type   string              `json:"type"`
	Title  string              `json:"title,omitempty"`
	Status int                 `json:"status"`
	Errors map[string][]string `json:"errors"`
}
