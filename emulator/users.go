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

// listUsers serves GET /user/get_all_users [click:user.md]: the users whose
// status has a flag of userStatus (default 7: all), whose type has a flag
// of userType (absent: all, I21) and whose username contains username,
// ignoring case. deleted=true adds the deleted users (I12).
func (e *Emulator) listUsers(_ *http.Request, q url.Values) (any, error) {
	lq, err := e.parseList(q, e.userList())
	if err != nil {
		return nil, err
	}
	status, err := flagParam(q, "userStatus", defaultUserStatus)
	if err != nil {
		return nil, err
	}
	types, err := flagParam(q, "userType", -1)
	if err != nil {
		return nil, err
	}
	deleted, err := boolParam(q, "deleted")
	if err != nil {
		return nil, err
	}
	var keep func(*user) bool
	if lq.filter != "" || status != defaultUserStatus || types != -1 {
		keep = func(u *user) bool {
			return u.status&status != 0 && (types == -1 || u.userType&types != 0) && lq.match(u.username, u.lower)
		}
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	x := e.st.userSorts[defaultUserSort]
	var page []*user
	var total int
	switch {
	case lq.sort == defaultUserSort && !deleted:
		page, total = x.window(keep, lq.desc, lq.offset(), lq.size)
	default:
		cmp, ok := findOrder(userOrders(), lq.sort)
		if !ok {
			return nil, fmt.Errorf("user list: no order for sort field %q", lq.sort)
		}
		items := x.items
		if deleted {
			items = make([]*user, 0, len(e.st.users))
			for _, u := range e.st.users {
				items = append(items, u)
			}
		}
		page, total = sortedWindow(items, cmp, keep, lq.desc, lq.offset(), lq.size)
	}
	data := make([]apiUser, len(page))
	for i, u := range page {
		data[i] = *u.model()
	}
	return collection(e, lq, data, total)
}
