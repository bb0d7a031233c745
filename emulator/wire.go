package emulator

// This file holds the JSON shapes the emulator reads and writes, keyed
// exactly as the vendor's samples show them (contract sections 2-8). They
// are the emulator's own, so that what it emits follows the vendor's pages
// and not the client's models. Input keys bind ignoring case, as
// encoding/json and ASP.NET both do (I3).

// apiGroup is a UserGroup [web:usergroup.md].
type apiGroup struct {
	ID          string `json:"id"`
	AccountID   string `json:"accountId"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	Deleted     bool   `json:"deleted"`
}

// apiUser is a User [click:user.md]; note the all-lowercase firstname and
// lastname.
type apiUser struct {
	ID         string `json:"id"`
	Firstname  string `json:"firstname"`
	Lastname   string `json:"lastname"`
	Username   string `json:"username"`
	Email      string `json:"email"`
	UserType   int    `json:"userType"`
	Status     int    `json:"status"`
	Owner      bool   `json:"owner"`
	MFA        bool   `json:"mfa"`
	CreateDate string `json:"createDate"`
}

// apiMembership is a UserUserGroup [click:usergroup.md].
type apiMembership struct {
	ID          string `json:"id"`
	UserID      string `json:"userId"`
	UserGroupID string `json:"userGroupId"`
}

// apiMembershipRow is a UserUserGroupDTO [web:user.md] [web:usergroup.md].
type apiMembershipRow struct {
	User          *apiUser       `json:"user"`
	UserGroup     *apiGroup      `json:"userGroup"`
	UserUserGroup *apiMembership `json:"userUserGroup"`
}

// apiUserRow is a usersData row of group details [web:usergroup.md].
type apiUserRow struct {
	User          *apiUser       `json:"user"`
	UserUserGroup *apiMembership `json:"userUserGroup"`
}

// apiCollection is a DTOCollection<T> [click:user.md] [web:index.md].
type apiCollection[T any] struct {
	Data    []T        `json:"data"`
	Total   int        `json:"total"`
	Options apiOptions `json:"options"`
}

// apiCollectionNoOptions is a DTOCollection<T> without options, as some
// Web samples show it [web:usergroup.md]; only the no-options deviation
// emits it.
type apiCollectionNoOptions[T any] struct {
	Data  []T `json:"data"`
	Total int `json:"total"`
}

// apiOptions is a collection's page echo [click:user.md] with the Web's
// sort list [web:index.md].
type apiOptions struct {
	Page     int       `json:"page"`
	PageSize int       `json:"pageSize"`
	Sort     []apiSort `json:"sort"`
}

// apiSort is one entry of options.sort [web:index.md].
type apiSort struct {
	Field      string `json:"field"`
	Descending bool   `json:"descending"`
}

// apiProblem is a ValidationProblemDetails [click:errors.md]: exactly the
// three keys of the vendor's sample.
type apiProblem struct {
	Type   string              `json:"type"`
	Status int                 `json:"status"`
	Errors map[string][]string `json:"errors"`
}

// apiLogin answers login and mfa_respond [click:authentication.md].
type apiLogin struct {
	JWTToken  string `json:"jwtToken"`
	Challenge int    `json:"challenge"`
	Session   string `json:"session"`
}

// apiUserInfo answers GET /authentication/user [click:authentication.md].
type apiUserInfo struct {
	AccountName      string `json:"accountName"`
	AccountID        string `json:"accountId"`
	UserID           string `json:"userId"`
	FirstName        string `json:"firstName"`
	LastName         string `json:"lastName"`
	Username         string `json:"username"`
	UserType         int    `json:"userType"`
	JWTToken         string `json:"jwtToken"`
	Owner            bool   `json:"owner"`
	Migration        bool   `json:"migration"`
	SubscriptionType int    `json:"subscriptionType"`
	MFA              bool   `json:"mfa"`
	AuthProvider     int    `json:"authProvider"`
}

// loginRequest is the body of POST /authentication/login
// [click:authentication.md]; a requestToken is ignored (I16).
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Type     int    `json:"type"`
}

// mfaRequest is the body of POST /authentication/mfa_respond
// [click:authentication.md].
type mfaRequest struct {
	UserCode string `json:"userCode"`
	Session  string `json:"session"`
}

// logoutRequest is the body of POST /authentication/logout
// [click:authentication.md].
type logoutRequest struct {
	JWTToken string `json:"jwtToken"`
}

// groupRequest is the body of usergroup insert and update
// [click:usergroup.md]; insert has no id.
type groupRequest struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
}

// pairRequest is one row of assign_users [click:usergroup.md].
type pairRequest struct {
	UserID      string `json:"userId"`
	UserGroupID string `json:"userGroupId"`
}

// importRequest is one UserUserGroupRelation of import_users: the union
// of the Click and Web samples [click:usergroup.md] [web:usergroup.md].
type importRequest struct {
	User       importUserRequest `json:"user"`
	UserGroups []groupRefRequest `json:"userGroups"`
}

// importUserRequest is the user of an import entry.
type importUserRequest struct {
	Username  string `json:"username"`
	Email     string `json:"email"`
	UserType  *int   `json:"userType"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

// groupRefRequest is a group of an import entry.
type groupRefRequest struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
