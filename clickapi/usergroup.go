package clickapi

import (
	"context"
	"net/url"
	"strconv"
)

// ListOptions selects a page of a list endpoint. Zero values are left out
// of the query, so the agent applies its defaults (page 1, size 50, the
// endpoint's default sort field).
type ListOptions struct {
	Page       int
	PageSize   int
	SortField  string // PascalCase property path: "Name", "User.Username", ...
	Descending bool
	Name       string // case-insensitive substring filter on the group name (group lists)
	Username   string // case-insensitive substring filter on the username (member and user lists)
	// UserStatus filters the user lists by status flags; 0 sends nothing,
	// so the agent's default, UserStatusAll, applies [click:user.md].
	UserStatus UserStatus
	// UserType filters the user lists by type flags; 0 (UserTypeAll) sends
	// nothing: "All" has no documented number (INFERRED I21).
	UserType UserType
}

// query encodes the options; filter names the filters the endpoint takes:
// "name", "username", or "user" (username, userStatus and userType).
func (o ListOptions) query(filter string) url.Values {
	q := url.Values{}
	if o.Page > 0 {
		q.Set("page", strconv.Itoa(o.Page))
	}
	if o.PageSize > 0 {
		q.Set("pagesize", strconv.Itoa(o.PageSize))
	}
	if o.SortField != "" {
		q.Set("sortfield", o.SortField)
	}
	if o.Descending {
		q.Set("descending", "true")
	}
	switch filter {
	case "name":
		if o.Name != "" {
			q.Set("name", o.Name)
		}
	case "username", "user":
		if o.Username != "" {
			q.Set("username", o.Username)
		}
	}
	if filter == "user" {
		if o.UserStatus != 0 {
			q.Set("userStatus", strconv.Itoa(int(o.UserStatus)))
		}
		if o.UserType != UserTypeAll {
			q.Set("userType", strconv.Itoa(int(o.UserType)))
		}
	}
	return q
}

// pager builds a Pager that repeats list with opts for pages 1, 2, ...,
// as parallel as the client allows (sequential clients fetch each page
// only when it is needed). route names the list in errors.
func pager[T any](ctx context.Context, c *Client, route string, opts ListOptions, key func(T) string,
	list func(context.Context, ListOptions) (*Collection[T], error)) *Pager[T] {
	fetch := func(ctx context.Context, page, size int) (*Collection[T], error) {
		o := opts
		o.Page = page
		if opts.PageSize > 0 || size != DefaultPageSize {
			o.PageSize = size // else the agent's default, unsaid
		}
		return list(ctx, o)
	}
	return NewPager(ctx, fetch, PagerOptions[T]{PageSize: opts.PageSize, Key: key,
		Concurrency: c.limiter.Ceiling(), NoPrefetch: c.seq, Endpoint: "GET " + route})
}

func list[T any](ctx context.Context, c *Client, route, filter string, extra url.Values, opts ListOptions) (*Collection[T], error) {
	q := opts.query(filter)
	for k, v := range extra {
		q[k] = v
	}
	var col Collection[T]
	if err := c.do(ctx, call{method: "GET", route: route, query: q, idempotent: true}, &col); err != nil {
		return nil, err
	}
	if col.Data == nil {
		col.Data = []T{}
	}
	return &col, nil
}

// ListUserGroups returns one page of the account's user groups
// (GET /usergroup/get_all). It uses opts.Name as the filter.
func (c *Client) ListUserGroups(ctx context.Context, opts ListOptions) (*Collection[UserGroup], error) {
	return list[UserGroup](ctx, c, RouteGroups, "name", nil, opts)
}

// UserGroups walks every page of ListUserGroups from opts.Page 1.
func (c *Client) UserGroups(ctx context.Context, opts ListOptions) *Pager[UserGroup] {
	return pager(ctx, c, RouteGroups, opts, func(g UserGroup) string { return g.ID }, c.ListUserGroups)
}

// ListUserGroupsWithDetails returns one page of groups with their members,
// projects and drives inlined (GET /usergroup/get_all_with_details).
func (c *Client) ListUserGroupsWithDetails(ctx context.Context, opts ListOptions) (*Collection[UserGroupWithDetails], error) {
	return list[UserGroupWithDetails](ctx, c, RouteGroupsWithDetails, "name", nil, opts)
}

// UserGroupsWithDetails walks every page of ListUserGroupsWithDetails.
func (c *Client) UserGroupsWithDetails(ctx context.Context, opts ListOptions) *Pager[UserGroupWithDetails] {
	return pager(ctx, c, RouteGroupsWithDetails, opts, func(g UserGroupWithDetails) string { return g.ID }, c.ListUserGroupsWithDetails)
}

// InsertUserGroup creates a group and returns it with its new id
// (POST /usergroup/insert). It is not idempotent: it is resent only when
// the first attempt provably never reached the agent.
func (c *Client) InsertUserGroup(ctx context.Context, g NewUserGroup) (*UserGroup, error) {
	var out UserGroup
	if err := c.do(ctx, call{method: "POST", route: RouteInsertGroup, body: g}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateUserGroup replaces a group's name, description and active flag and
// returns the group (PUT /usergroup/update).
func (c *Client) UpdateUserGroup(ctx context.Context, g UserGroupUpdate) (*UserGroup, error) {
	var out UserGroup
	if err := c.do(ctx, call{method: "PUT", route: RouteUpdateGroup, body: g, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUserGroup soft-deletes a group (DELETE /usergroup/delete)
// [click:usergroup.md]. It is resent after an ambiguous failure; a resend
// answered NOT_FOUND counts as done (INFERRED I11).
func (c *Client) DeleteUserGroup(ctx context.Context, id string) error {
	return c.do(ctx, call{method: "DELETE", route: RouteDeleteGroup, query: url.Values{"id": {id}}, idempotent: true, deletes: true}, nil)
}

// ListAssignedUsers returns one page of a group's members
// (GET /usergroup/get_assigned_users). It uses opts.Username as the filter.
func (c *Client) ListAssignedUsers(ctx context.Context, groupID string, opts ListOptions) (*Collection[UserUserGroupDTO], error) {
	return list[UserUserGroupDTO](ctx, c, RouteAssignedUsers, "username", url.Values{"userGroupId": {groupID}}, opts)
}

// AssignedUsers walks every page of ListAssignedUsers.
func (c *Client) AssignedUsers(ctx context.Context, groupID string, opts ListOptions) *Pager[UserUserGroupDTO] {
	return pager(ctx, c, RouteAssignedUsers, opts, assignmentKey, func(ctx context.Context, o ListOptions) (*Collection[UserUserGroupDTO], error) {
		return c.ListAssignedUsers(ctx, groupID, o)
	})
}

// ListAssignedUserGroups returns one page of the groups a user belongs to
// (GET /usergroup/get_assigned_usergroups). It uses opts.Name as the filter.
func (c *Client) ListAssignedUserGroups(ctx context.Context, userID string, opts ListOptions) (*Collection[UserUserGroupDTO], error) {
	return list[UserUserGroupDTO](ctx, c, RouteAssignedUserGroups, "name", url.Values{"userId": {userID}}, opts)
}

// AssignedUserGroups walks every page of ListAssignedUserGroups.
func (c *Client) AssignedUserGroups(ctx context.Context, userID string, opts ListOptions) *Pager[UserUserGroupDTO] {
	return pager(ctx, c, RouteAssignedUserGroups, opts, assignmentKey, func(ctx context.Context, o ListOptions) (*Collection[UserUserGroupDTO], error) {
		return c.ListAssignedUserGroups(ctx, userID, o)
	})
}

func assignmentKey(d UserUserGroupDTO) string {
	if d.UserUserGroup != nil {
		return d.UserUserGroup.ID
	}
	return ""
}

// AssignUsers adds users to groups (POST /usergroup/assign_users). Pairs
// that already exist are skipped by the agent, so it is safe to resend.
func (c *Client) AssignUsers(ctx context.Context, pairs []UserUserGroup) error {
	if pairs == nil {
		pairs = []UserUserGroup{}
	}
	return c.do(ctx, call{method: "POST", route: RouteAssignUsers, body: pairs, idempotent: true}, nil)
}

// UnassignUser removes one assignment, by its id (the UserUserGroup id, not
// the user id) (DELETE /usergroup/unassign_user) [click:usergroup.md]. A
// resend answered NOT_FOUND counts as done (INFERRED I11).
func (c *Client) UnassignUser(ctx context.Context, assignmentID string) error {
	return c.do(ctx, call{method: "DELETE", route: RouteUnassignUser, query: url.Values{"id": {assignmentID}}, idempotent: true, deletes: true}, nil)
}

// ImportUsers maps users to groups (POST /usergroup/import_users): each
// user is reused by username, skipped when the username belongs to another
// account, or created; each group is matched by name, case-insensitively,
// and created when missing [web:usergroup.md]. It is additive, so it is
// resent like a read after an ambiguous failure. An empty Email is sent as
// the username and a zero UserType as DefaultImportUserType (I19); the
// caller's slice is not changed. Without an active subscription the agent
// answers 402 before any work: the error is ErrPaymentRequired.
func (c *Client) ImportUsers(ctx context.Context, relations []UserUserGroupRelation) error {
	body := make([]UserUserGroupRelation, len(relations))
	for i, r := range relations {
		if r.User.Email == "" {
			r.User.Email = r.User.Username
		}
		if r.User.UserType == 0 {
			r.User.UserType = DefaultImportUserType
		}
		if r.UserGroups == nil {
			r.UserGroups = []GroupRef{}
		}
		body[i] = r
	}
	return c.do(ctx, call{method: "POST", route: RouteImportUsers, body: body, idempotent: true, slow: true}, nil)
}
