package clickapi

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"unicode/utf8"
)

// This file speaks the user endpoints besides the plain listing (contract
// section 8): the details listing, insert_user, edit_user and delete_user.

// ListUsersWithDetails returns one page of the account's users with their
// groups, projects and drives (GET /user/get_all_users_with_details). It
// takes the parameters and filters of ListUsers [click:user.md].
func (c *Client) ListUsersWithDetails(ctx context.Context, opts ListOptions) (*Collection[UserWithDetails], error) {
	return list[UserWithDetails](ctx, c, RouteUsersWithDetails, "user", nil, opts)
}

// UsersWithDetails walks every page of ListUsersWithDetails.
func (c *Client) UsersWithDetails(ctx context.Context, opts ListOptions) *Pager[UserWithDetails] {
	return pager(ctx, c, RouteUsersWithDetails, opts, func(u UserWithDetails) string { return u.ID }, c.ListUsersWithDetails)
}

// FindUser returns the user whose username equals username in any case,
// reading every page of the username filter's matches. No such user is a
// *LookupError matching ErrNotFound.
func (c *Client) FindUser(ctx context.Context, username string) (*User, error) {
	return findByName(ctx, "user", username, c.Users(ctx, ListOptions{Username: username}),
		func(u User) string { return u.Username }, func(u User) string { return u.ID },
		func(User) bool { return false }) // deleted users are not listed
}

// checkUserFields checks what insert_user limits: each of the four names
// at most MaxUserFieldLength characters, the username (required) and the
// email (when given) email addresses.
func checkUserFields(endpoint, firstname, lastname, username, email string) error {
	for _, f := range []struct{ key, val string }{
		{"firstname", firstname}, {"lastname", lastname}, {"username", username}, {"email", email},
	} {
		if n := utf8.RuneCountInString(f.val); n > MaxUserFieldLength {
			return fmt.Errorf("%s: %s: at most %d characters (got %d)", endpoint, f.key, MaxUserFieldLength, n)
		}
	}
	if username == "" {
		return fmt.Errorf("%s: username is empty", endpoint)
	}
	for _, f := range []struct{ key, val string }{{"username", username}, {"email", email}} {
		if f.val == "" {
			continue // an email left empty: insert sends the username
		}
		if a, err := mail.ParseAddress(f.val); err != nil || a.Address != f.val {
			return fmt.Errorf("%s: %s %q is not an email address", endpoint, f.key, f.val)
		}
	}
	return nil
}

// InsertUser creates a user and returns it with its id
// (POST /user/insert_user). The agent creates the user Pending, emails an
// activation link and bills a seat. An empty Email is sent as the
// username; UserType must be set (64 is DesktopStandardUser).
//
// An insert is not idempotent: when an attempt fails after it may have
// landed, InsertUser looks the username up and resends only when the user
// is not there.
func (c *Client) InsertUser(ctx context.Context, u NewUser) (*User, error) {
	r := call{method: "POST", route: RouteInsertUser}
	if u.Email == "" {
		u.Email = u.Username
	}
	if err := checkUserFields(r.endpoint(), u.Firstname, u.Lastname, u.Username, u.Email); err != nil {
		return nil, err
	}
	if u.UserType <= 0 {
		return nil, fmt.Errorf("%s: userType %d: want a user type such as 64 (DesktopStandardUser)", r.endpoint(), u.UserType)
	}
	r.body = u
	send := func() (*User, error) {
		var out User
		if err := c.do(ctx, r, &out); err != nil {
			return nil, err
		}
		return &out, nil
	}
	lookup := func() (*User, error) {
		found, err := c.FindUser(ctx, u.Username)
		if isLookupMiss(err) {
			return nil, nil
		}
		return found, err
	}
	return insertChecked(ctx, c, "user", send, lookup)
}

// isLookupMiss reports whether err is a look-up that found nothing.
func isLookupMiss(err error) bool {
	var le *LookupError
	return errors.As(err, &le) && len(le.IDs) == 0
}

// EditUser replaces a user and returns the user as the agent applied it
// (PUT /user/edit_user). Send the whole user as last read, with the
// changes made (read-modify-write): the agent keeps the values of keys
// left out, and the Web twin uses only id and userType, so a whole record
// is right for both. It is idempotent and resent after failures.
func (c *Client) EditUser(ctx context.Context, u User) (*User, error) {
	r := call{method: "PUT", route: RouteEditUser, body: u, idempotent: true}
	if u.ID == "" {
		return nil, fmt.Errorf("%s: id is empty", r.endpoint())
	}
	if err := checkUserFields(r.endpoint(), u.Firstname, u.Lastname, u.Username, u.Email); err != nil {
		return nil, err
	}
	var out User
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUser deletes a user, by id (DELETE /user/delete_user): a soft
// delete that also cancels the user's billing items. A NOT_FOUND answer
// to a resend counts as done.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	r := call{method: "DELETE", route: RouteDeleteUser, query: url.Values{"id": {id}}, idempotent: true, deletes: true}
	if id == "" {
		return fmt.Errorf("%s: id is empty", r.endpoint())
	}
	return c.do(ctx, r, nil)
}
