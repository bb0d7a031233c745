package emulator

import (
	"fmt"
	"net/http"
	"net/url"
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
	x := e.st.userSorts[lq.sort]
	if x == nil {
		return nil, fmt.Errorf("user list: no index for sort field %q", lq.sort)
	}
	var keep func(*user) bool
	if lq.filter != "" {
		keep = func(u *user) bool { return strings.Contains(u.lower, lq.filter) }
	}
	page, total := x.window(keep, lq.desc, lq.offset(), lq.size)
	data := make([]clickapi.User, len(page))
	for i, u := range page {
		data[i] = *u.model()
	}
	return clickapi.Collection[clickapi.User]{Data: data, Total: total, Options: lq.options()}, nil
}
