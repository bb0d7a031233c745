package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/clickscript/clickscript/clickapi"
)

// listUsers serves GET /user/get_all_users: the live users.
func (e *Emulator) listUsers(_ *http.Request, q url.Values) (any, error) {
	lq, err := parseList(q, clickapi.UserSortFields(), clickapi.DefaultUserSort, "username")
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	x := e.st.userSorts[clickapi.DefaultUserSort]
	var keep func(*user) bool
	if lq.filter != "" {
		keep = func(u *user) bool { return strings.Contains(u.lower, lq.filter) }
	}
	var page []*user
	var total int
	if lq.sort == clickapi.DefaultUserSort {
		page, total = x.window(keep, lq.desc, lq.offset(), lq.size)
	} else {
		i := slices.IndexFunc(userOrders(), func(o order[user]) bool { return o.field == lq.sort })
		if i < 0 {
			return nil, fmt.Errorf("user list: no order for sort field %q", lq.sort)
		}
		page, total = sortedWindow(x.items, userOrders()[i].cmp, keep, lq.desc, lq.offset(), lq.size)
	}
	data := make([]clickapi.User, len(page))
	for i, u := range page {
		data[i] = *u.model()
	}
	return clickapi.Collection[clickapi.User]{Data: data, Total: total, Options: lq.options()}, nil
}
