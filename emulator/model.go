package emulator

import (
	"bytes"
	"cmp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// group is a user group as the store keeps it. Records are never mutated
// once published: a write replaces the pointer, so readers holding the read
// lock see a consistent record.
type group struct {
	id          uuid.UUID
	name        string
	lower       string // strings.ToLower(name): the index and uniqueness key
	description string
	lowerDesc   string
	active      bool
	deleted     bool
	created     int64 // unix nanoseconds
}

// user is an account user as the store keeps it.
type user struct {
	id         uuid.UUID
	username   string
	lower      string // strings.ToLower(username)
	firstname  string
	lastname   string
	email      string
	lowerFirst string
	lowerLast  string
	lowerEmail string
	userType   int
	status     int // UserStatus flags
	owner      bool
	mfa        bool
	deleted    bool
	created    int64
}

// member is one user-to-group assignment.
type member struct {
	id      uuid.UUID
	userID  uuid.UUID
	groupID uuid.UUID
	ulower  string // the user's lower-case username: the per-group index key
	created int64
}

// pair identifies an assignment by its user and group.
type pair struct{ user, group uuid.UUID }

// newGroup returns a group record with its derived keys filled in.
func newGroup(id uuid.UUID, name, description string, active, deleted bool, created int64) *group {
	return &group{
		id: id, name: name, lower: strings.ToLower(name),
		description: description, lowerDesc: strings.ToLower(description),
		active: active, deleted: deleted, created: created,
	}
}

// withKeys fills in u's derived lower-case keys and returns u.
func (u *user) withKeys() *user {
	u.lower = strings.ToLower(u.username)
	u.lowerFirst = strings.ToLower(u.firstname)
	u.lowerLast = strings.ToLower(u.lastname)
	u.lowerEmail = strings.ToLower(u.email)
	return u
}

// formatTime renders a unix-nanosecond timestamp as the bbolt file keeps
// it: RFC 3339 in UTC, fractional seconds only when non-zero.
func formatTime(n int64) string {
	return time.Unix(0, n).UTC().Format(time.RFC3339Nano)
}

// apiTime renders a unix-nanosecond timestamp as a createDate value of an
// answer: UTC with a Z, whole seconds, like "2026-01-01T00:00:00Z"
// [click:user.md] (I26).
func apiTime(n int64) string {
	return time.Unix(0, n).UTC().Format(time.RFC3339)
}

// parseTime reads a formatTime value back.
func parseTime(s string) (int64, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, err
	}
	return t.UnixNano(), nil
}

// model is g as the API shows it.
func (g *group) model() apiGroup {
	return apiGroup{
		ID: g.id.String(), AccountID: accountID, Name: g.name,
		Description: g.description, Active: g.active, Deleted: g.deleted,
	}
}

// model is u as the API shows it.
func (u *user) model() *apiUser {
	return &apiUser{
		ID: u.id.String(), Firstname: u.firstname, Lastname: u.lastname,
		Username: u.username, Email: u.email, UserType: u.userType,
		Status: u.status, Owner: u.owner, MFA: u.mfa, CreateDate: apiTime(u.created),
	}
}

// model is m as the API shows it.
func (m *member) model() *apiMembership {
	return &apiMembership{ID: m.id.String(), UserID: m.userID.String(), UserGroupID: m.groupID.String()}
}

// cmpID orders uuids as their canonical strings order.
func cmpID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// order is a named sort order over records of type T.
type order[T any] struct {
	field string
	cmp   func(a, b *T) int
}

// groupOrders are the orders of the group lists, one per
// groupSortFields() entry. Text sorts ignore case; every order ends
// on the id so it is total and stable.
func groupOrders() []order[group] {
	return []order[group]{
		{"Name", func(a, b *group) int {
			return cmp.Or(strings.Compare(a.lower, b.lower), cmpID(a.id, b.id))
		}},
		{"CreateDate", func(a, b *group) int {
			return cmp.Or(cmp.Compare(a.created, b.created), cmpID(a.id, b.id))
		}},
		{"Description", func(a, b *group) int {
			return cmp.Or(strings.Compare(a.lowerDesc, b.lowerDesc), strings.Compare(a.lower, b.lower), cmpID(a.id, b.id))
		}},
	}
}

// userOrders are the orders of the user list, one per userSortFields()
// entry.
func userOrders() []order[user] {
	byText := func(key func(*user) string) func(a, b *user) int {
		return func(a, b *user) int {
			return cmp.Or(strings.Compare(key(a), key(b)), strings.Compare(a.lower, b.lower), cmpID(a.id, b.id))
		}
	}
	return []order[user]{
		{"Username", func(a, b *user) int {
			return cmp.Or(strings.Compare(a.lower, b.lower), cmpID(a.id, b.id))
		}},
		{"Email", byText(func(u *user) string { return u.lowerEmail })},
		{"CreateDate", func(a, b *user) int {
			return cmp.Or(cmp.Compare(a.created, b.created), cmpID(a.id, b.id))
		}},
		{"Firstname", byText(func(u *user) string { return u.lowerFirst })},
		{"Lastname", byText(func(u *user) string { return u.lowerLast })},
	}
}

// cmpMemberUsername is the order of each group's member index (the
// User.Username sort): lower-case username, then assignment id.
func cmpMemberUsername(a, b *member) int {
	return cmp.Or(strings.Compare(a.ulower, b.ulower), cmpID(a.id, b.id))
}

// memberOrders are the orders of get_assigned_users, one per
// memberSortFields() entry; users resolves a member's user.
func memberOrders(users func(*member) *user) []order[member] {
	return []order[member]{
		{"User.Username", cmpMemberUsername},
		{"User.Email", func(a, b *member) int {
			return cmp.Or(strings.Compare(users(a).lowerEmail, users(b).lowerEmail), cmpMemberUsername(a, b))
		}},
		{"User.CreateDate", func(a, b *member) int {
			return cmp.Or(cmp.Compare(users(a).created, users(b).created), cmpID(a.id, b.id))
		}},
		{"CreateDate", func(a, b *member) int {
			return cmp.Or(cmp.Compare(a.created, b.created), cmpID(a.id, b.id))
		}},
	}
}

// membershipOrders are the orders of get_assigned_usergroups, one per
// userGroupSortFields() entry; groups resolves a member's group.
func membershipOrders(groups func(*member) *group) []order[member] {
	return []order[member]{
		{"UserGroup.Name", func(a, b *member) int {
			return cmp.Or(strings.Compare(groups(a).lower, groups(b).lower), cmpID(a.groupID, b.groupID), cmpID(a.id, b.id))
		}},
		{"UserGroup.CreateDate", func(a, b *member) int {
			return cmp.Or(cmp.Compare(groups(a).created, groups(b).created), cmpID(a.groupID, b.groupID), cmpID(a.id, b.id))
		}},
		{"CreateDate", func(a, b *member) int {
			return cmp.Or(cmp.Compare(a.created, b.created), cmpID(a.id, b.id))
		}},
	}
}

// findOrder returns the comparator of field among orders.
func findOrder[T any](orders []order[T], field string) (func(a, b *T) int, bool) {
	for _, o := range orders {
		if o.field == field {
			return o.cmp, true
		}
	}
	return nil, false
}
