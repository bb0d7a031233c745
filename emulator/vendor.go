package emulator

// This file holds what the vendor documents (FOUND facts of the wire
// contract, ../shared/api/click-api.md): each value names its source page.
// The emulator's own guesses live in rules.go.

// Routes of the Click API the emulator serves [click:usergroup.md]
// [click:user.md] [click:authentication.md] [click:management.md]. Paths
// match ignoring case (rules.go, I1).
const (
	routeAgentStatus        = "/management/agent_status"
	routeLogin              = "/authentication/login"
	routeMFARespond         = "/authentication/mfa_respond"
	routeLogout             = "/authentication/logout"
	routeUserInfo           = "/authentication/user"
	routeUsers              = "/user/get_all_users"
	routeGroups             = "/usergroup/get_all"
	routeGroupsWithDetails  = "/usergroup/get_all_with_details"
	routeInsertGroup        = "/usergroup/insert"
	routeUpdateGroup        = "/usergroup/update"
	routeDeleteGroup        = "/usergroup/delete"
	routeAssignedUsers      = "/usergroup/get_assigned_users"
	routeAssignedUserGroups = "/usergroup/get_assigned_usergroups"
	routeAssignUsers        = "/usergroup/assign_users"
	routeUnassignUser       = "/usergroup/unassign_user"
	routeImportUsers        = "/usergroup/import_users"
)

// tokenParam carries the token on every protected call, never an
// Authorization header [click:index.md].
const tokenParam = "token"

// statusValidation is the status of application errors [click:errors.md];
// statusPaymentRequired answers import_users without an active
// subscription [web:usergroup.md].
const (
	statusValidation      = 499
	statusPaymentRequired = 402
)

// errorCodeHeader repeats the problem type of a 499 [click:errors.md].
const errorCodeHeader = "error-code"

// Application error codes the emulator answers [web:errors.md]
// [click:errors.md]. Which failure gets which code is rules.go's I11.
const (
	codeDefault      = "DEFAULT"
	codeAuth         = "AUTH"
	codeNotFound     = "NOT_FOUND"
	codeDuplicate    = "DUPLICATE"
	codeTOTP         = "TOTP"
	codeInvalidEmail = "INVALID_EMAIL"
	codeCost         = "COST"
)

// msgDuplicateName is the vendor's message for a taken name [click:errors.md].
const msgDuplicateName = "A resource with the same name already exists."

// defaultPageSize is every list's page size unless asked [click:usergroup.md]
// [click:user.md].
const defaultPageSize = 50

// Default sort fields and directions of the lists [click:usergroup.md]
// [click:user.md].
const (
	defaultGroupSort     = "Name"           // get_all, get_all_with_details; ascending
	defaultMemberSort    = "User.Username"  // get_assigned_users; ascending
	defaultUserGroupSort = "UserGroup.Name" // get_assigned_usergroups; ascending
	defaultUserSort      = "CreateDate"     // get_all_users; descending
	defaultUserDesc      = true
)

// UserStatus flags [click:user.md]; the user list filters on
// defaultUserStatus unless asked.
const (
	userActive        = 1
	userInactive      = 2
	userPending       = 4
	defaultUserStatus = userActive | userInactive | userPending
)

// UserType flags [web:authentication.md] [click:authentication.md].
const (
	typeProviderAdmin       = 1
	typeResellerAdmin       = 2
	typeAccountAdmin        = 4
	typeAccountUser         = 8
	typeDesktopAdmin        = 16
	typeDesktopCreativeUser = 32
	typeDesktopStandardUser = 64
)

// Login challenges [click:authentication.md].
const (
	challengeNone = 0
	challengeTOTP = 1
	challengeSMS  = 2
)

// Agent lifecycle states of GET /management/agent_status [click:management.md].
const (
	AgentCreated  = 0
	AgentStarted  = 1
	AgentStopped  = 2
	AgentPaused   = 4
	AgentDisposed = 8
)

// Limits of names: group names at most 100 characters [web:usergroup.md].
const maxGroupName = 100

// subscriptionMonthly is the AccountSubscriptionType Monthly
// [click:authentication.md].
const subscriptionMonthly = 1
