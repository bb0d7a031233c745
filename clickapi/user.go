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
	return pager(ctx, c, RouteUsers, opts, func(u User) string { return u.ID }, c.ListUsers)
}
