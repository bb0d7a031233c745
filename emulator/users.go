package emulator

import (
	"fmt"
	"net/http"
	"net/url"
)

// userList is what get_all_users accepts [click:user.md]: CreateDate
// descending unless asked (ascending under the users-ascending deviation).
func (e *Emulator) userList() listSpec {
	return listSpec{fields: userSortFields(), defaultSort: defaultUserSort,
		defaultDesc: defaultUserDesc && !e.dev.UsersAscending, filter: "username"}
}

// userFilter is the flag filters of get_all_users.
type userFilter struct {
	status  int  // UserStatus flags; default 7, all [click:user.md]
	types   int  // UserType flags; -1 when absent: all types (I21)
	deleted bool // add the deleted users (I12)
}

// parseUserFilter reads userStatus, userType and deleted.
func parseUserFilter(q url.Values) (userFilter, error) {
	var f userFilter
	var err error
	if f.status, err = flagParam(q, "userStatus", defaultUserStatus); err != nil {
		return f, err
	}
	if f.types, err = flagParam(q, "userType", -1); err != nil {
		return f, err
	}
	f.deleted, err = boolParam(q, "deleted")
	return f, err
}

// userPage returns the users of one page of lq under f, and the total: the
// users whose status has a flag of f.status, whose type has a flag of
// f.types and whose username contains the filter, ignoring case. The
// caller holds the read lock.
func (e *Emulator) userPage(lq listQuery, f userFilter) ([]*user, int, error) {
	var keep func(*user) bool
	if lq.filter != "" || f.status != defaultUserStatus || f.types != -1 {
		keep = func(u *user) bool {
			return u.status&f.status != 0 && (f.types == -1 || u.userType&f.types != 0) && lq.match(u.username, u.lower)
		}
	}
	x := e.st.userSorts[defaultUserSort]
	if lq.sort == defaultUserSort && !f.deleted {
		page, total := x.window(keep, lq.desc, lq.offset(), lq.size)
		return page, total, nil
	}
	cmp, ok := findOrder(userOrders(), lq.sort)
	if !ok {
		return nil, 0, fmt.Errorf("user list: no order for sort field %q", lq.sort)
	}
	items := x.items
	if f.deleted {
		items = make([]*user, 0, len(e.st.users))
		for _, u := range e.st.users {
			items = append(items, u)
		}
	}
	page, total := sortedWindow(items, cmp, keep, lq.desc, lq.offset(), lq.size)
	return page, total, nil
}

// listUsers serves GET /user/get_all_users [click:user.md]:
// DTOCollection<User>.
func (e *Emulator) listUsers(_ *http.Request, q url.Values) (any, error) {
	lq, err := e.parseList(q, e.userList())
	if err != nil {
		return nil, err
	}
	f, err := parseUserFilter(q)
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	page, total, err := e.userPage(lq, f)
	if err != nil {
		return nil, err
	}
	data := make([]apiUser, len(page))
	for i, u := range page {
		data[i] = *u.model()
	}
	return collection(e, lq, data, total)
}
