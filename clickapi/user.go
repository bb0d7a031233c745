package clickapi

import "context"

// ListUsers returns one page of the account's users (GET
// /user/get_all_users) [click:user.md]. It uses opts.Username,
// opts.UserStatus and opts.UserType as filters. Unless opts says
// otherwise the agent sorts by CreateDate, newest first, and lists every
// status and type.
func (c *Client) ListUsers(ctx context.Context, opts ListOptions) (*Collection[User], error) {
	return list[User](ctx, c, RouteUsers, "user", nil, opts)
}

// Users walks every page of ListUsers.
func (c *Client) Users(ctx context.Context, opts ListOptions) *Pager[User] {
	return pager(ctx, opts, func(u User) string { return u.ID }, c.ListUsers)
}

// ListUsersWithDetails returns one page of users with their groups,
// projects and drives inlined (GET /user/get_all_users_with_details); it
// takes the options of ListUsers [click:user.md].
func (c *Client) ListUsersWithDetails(ctx context.Context, opts ListOptions) (*Collection[UserWithDetails], error) {
	return list[UserWithDetails](ctx, c, RouteUsersWithDetails, "user", nil, opts)
}

// UsersWithDetails walks every page of ListUsersWithDetails.
func (c *Client) UsersWithDetails(ctx context.Context, opts ListOptions) *Pager[UserWithDetails] {
	return pager(ctx, opts, func(u UserWithDetails) string { return u.ID }, c.ListUsersWithDetails)
}
