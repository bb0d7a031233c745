package clickapi

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

// UserStatus is a set of user status flags.
type UserStatus int

// User status flags.
const (
	UserActive   UserStatus = 1
	UserInactive UserStatus = 2
	UserPending  UserStatus = 4
)

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

// DrivePermission is a shared cloud drive a group can reach, with the group's permission.
type DrivePermission struct {
	SharedCloudDrive *SharedCloudDrive `json:"sharedCloudDrive"`
	Permission       *Permission       `json:"permission"`
}

// Permission is a group's access level on a project or drive.
// (INFERRED: the vendor does not publish its keys.)
type Permission struct {
	ID    string `json:"id"`
	Read  bool   `json:"read"`
	Write bool   `json:"write"`
	Admin bool   `json:"admin"`
}

// UserUserGroupRelation is one entry of ImportUsers: a user, matched or
// created by username, and the groups to put them in.
type UserUserGroupRelation struct {
	User       ImportUser `json:"user"`
	UserGroups []GroupRef `json:"userGroups"`
}

// ImportUser is the user part of an import entry. The import body uses
// camelCase firstName/lastName (the agent binds case-insensitively).
type ImportUser struct {
	Username  string `json:"username"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}

// GroupRef names a group in an import entry, by id or, when ID is empty, by name.
type GroupRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// LoginType is the kind of desktop user logging in.
type LoginType int

// Login types.
const (
	DesktopAdmin        LoginType = 16
	DesktopCreativeUser LoginType = 32
	DesktopStandardUser LoginType = 64
)

// LoginRequest is the body of Login.
type LoginRequest struct {
	Username string    `json:"username"`
	Password string    `json:"password"`
	Type     LoginType `json:"type"`
}

// Challenge is the second factor the agent asks for after a password.
type Challenge int

// Challenges.
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

// MFARequest is the body of MFARespond. (INFERRED key names.)
type MFARequest struct {
	Session string `json:"session"`
	Code    string `json:"userCode"`
}

// AgentStatus is the agent's state as GET /management/agent_status reports it.
type AgentStatus int

// Agent states. The vendor documents 0 Created and 1 Started.
const (
	AgentCreated AgentStatus = 0
	AgentStarted AgentStatus = 1
)

// Collection is one page of a list endpoint (the agent's DTOCollection<T>).
// Total counts every match, not just this page.
type Collection[T any] struct {
	Data    []T         `json:"data"`
	Total   int         `json:"total"`
	Options PageOptions `json:"options"`
}

// PageOptions echoes the page a Collection holds. Pages start at 1.
type PageOptions struct {
	Page     int `json:"page"`
	PageSize int `json:"pageSize"`
}

// ProblemDetails is the body of a 499 answer (ASP.NET ValidationProblemDetails).
type ProblemDetails struct {
	Type   string              `json:"type"`
	Title  string              `json:"title,omitempty"`
	Status int                 `json:"status"`
	Errors map[string][]string `json:"errors"`
}
