package emulator

import (
	"slices"
	"strings"
	"testing"
)

// usersPage fetches one page of get_all_users.
func usersPage(t testing.TB, e *Emulator, query string) apiCollection[apiUser] {
	t.Helper()
	return decode[apiCollection[apiUser]](t, call(t, e, "GET", routeUsers+"?"+query, ""))
}

func TestListUsers(t *testing.T) {
	e := demoEmu(t)
	all := usersPage(t, e, "pagesize=1000")
	if all.Total != 299 || len(all.Data) != 299 {
		t.Fatalf("%d demo users listed of %d, want 299 (300 less one deleted)", len(all.Data), all.Total)
	}
	var names []string
	statuses := map[int]int{}
	for _, u := range all.Data {
		names = append(names, u.Username)
		statuses[u.Status]++
		if u.Username == "former.employee@example.com" {
			t.Errorf("deleted user listed")
		}
	}
	// [click:user.md]: sortfield CreateDate, descending true by default.
	newestFirst := slices.IsSortedFunc(all.Data, func(a, b apiUser) int { return strings.Compare(b.CreateDate, a.CreateDate) })
	if !newestFirst || all.Data[0].CreateDate == all.Data[len(all.Data)-1].CreateDate {
		t.Errorf("default order is not CreateDate descending: first %s, last %s", all.Data[0].CreateDate, all.Data[len(all.Data)-1].CreateDate)
	}
	if all.Options.Sort[0] != (apiSort{Field: "CreateDate", Descending: true}) {
		t.Errorf("options.sort %+v, want CreateDate descending", all.Options.Sort)
	}
	if statuses[userInactive] == 0 || statuses[userPending] == 0 || statuses[userActive] < 250 {
		t.Errorf("statuses %v: want mostly active, some inactive and pending", statuses)
	}

	a := call(t, e, "GET", routeUsers+"?username=ada.lovelace", "")
	if !strings.Contains(string(a.body), `"firstname":"Ada","lastname":"Lovelace"`) {
		t.Errorf("user keys are not lowercase firstname/lastname: %s", a.body)
	}
	if c := usersPage(t, e, "username=ADMIN@"); c.Total != 1 || !c.Data[0].Owner || c.Data[0].UserType != 16 {
		t.Errorf("admin: %+v", c.Data)
	}
	for _, field := range userSortFields() {
		for _, desc := range []string{"false", "true"} {
			c := usersPage(t, e, "pagesize=1000&sortfield="+field+"&descending="+desc)
			key := func(u apiUser) string {
				switch field {
				case "Email":
					return strings.ToLower(u.Email)
				case "CreateDate":
					return u.CreateDate
				case "Firstname":
					return strings.ToLower(u.Firstname)
				case "Lastname":
					return strings.ToLower(u.Lastname)
				}
				return strings.ToLower(u.Username)
			}
			sorted := slices.IsSortedFunc(c.Data, func(a, b apiUser) int {
				if desc == "true" {
					a, b = b, a
				}
				return strings.Compare(key(a), key(b))
			})
			if !sorted || c.Total != 299 {
				t.Errorf("sort %s descending=%s: sorted=%v total=%d", field, desc, sorted, c.Total)
			}
		}
	}
	if c := usersPage(t, e, "pagesize=10&page=3"); !slices.Equal(usernamesOf(c.Data), names[20:30]) {
		t.Errorf("page 3: %q", usernamesOf(c.Data))
	}
	if c := usersPage(t, e, "page=31&pagesize=10"); len(c.Data) != 0 || c.Total != 299 {
		t.Errorf("page past the end: %d of %d", len(c.Data), c.Total)
	}
	wantProblem(t, call(t, e, "GET", routeUsers+"?sortfield=Name", ""), codeDefault,
		`sortfield: unknown field "Name"; use one of CreateDate, Username, Email, Firstname, Lastname`)
	wantProblem(t, call(t, e, "GET", routeUsers+"?pagesize=-1", ""), codeDefault, "pagesize: must be at least 1 (got -1)")
}

// usernamesOf lists the usernames of users.
func usernamesOf(us []apiUser) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}

func TestSortFieldsHaveOrders(t *testing.T) {
	have := func(fields []string, orders []string) {
		t.Helper()
		for _, f := range fields {
			if !slices.Contains(orders, f) {
				t.Errorf("sort field %s has no order", f)
			}
		}
	}
	fieldsOf := func(n int, field func(int) string) []string {
		out := make([]string, n)
		for i := range n {
			out[i] = field(i)
		}
		return out
	}
	g, u := groupOrders(), userOrders()
	m, ms := memberOrders(nil), membershipOrders(nil)
	have(groupSortFields(), fieldsOf(len(g), func(i int) string { return g[i].field }))
	have(userSortFields(), fieldsOf(len(u), func(i int) string { return u[i].field }))
	have(memberSortFields(), fieldsOf(len(m), func(i int) string { return m[i].field }))
	have(userGroupSortFields(), fieldsOf(len(ms), func(i int) string { return ms[i].field }))
	for _, def := range []struct {
		field  string
		fields []string
	}{
		{defaultGroupSort, groupSortFields()},
		{defaultUserSort, userSortFields()},
		{defaultMemberSort, memberSortFields()},
		{defaultUserGroupSort, userGroupSortFields()},
	} {
		if !slices.Contains(def.fields, def.field) {
			t.Errorf("default sort %s is not among %q", def.field, def.fields)
		}
	}
}

// TestListUsersFilters shows the userStatus and userType flag filters
// [click:user.md] (I21), the username filter ignoring case, and deleted
// (I12).
func TestListUsersFilters(t *testing.T) {
	e := demoEmu(t)
	all := usersPage(t, e, "pagesize=1000").Data
	count := func(keep func(apiUser) bool) int {
		n := 0
		for _, u := range all {
			if keep(u) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		query string
		keep  func(apiUser) bool
	}{
		{"userStatus=7", func(apiUser) bool { return true }},
		{"userStatus=1", func(u apiUser) bool { return u.Status == userActive }},
		{"userStatus=2", func(u apiUser) bool { return u.Status == userInactive }},
		{"userStatus=6", func(u apiUser) bool { return u.Status == userInactive || u.Status == userPending }},
		{"userType=16", func(u apiUser) bool { return u.UserType == typeDesktopAdmin }},
		{"userType=48", func(u apiUser) bool { return u.UserType == typeDesktopAdmin || u.UserType == typeDesktopCreativeUser }},
		{"userType=64&userStatus=4", func(u apiUser) bool { return u.UserType == typeDesktopStandardUser && u.Status == userPending }},
		{"usertype=32", func(u apiUser) bool { return u.UserType == typeDesktopCreativeUser }},
		{"username=LOVELACE", func(u apiUser) bool { return strings.Contains(u.Username, "lovelace") }},
		{"username=.Chen@", func(u apiUser) bool { return strings.Contains(u.Username, ".chen@") }},
	}
	for _, tt := range tests {
		want := count(tt.keep)
		c := usersPage(t, e, "pagesize=1000&"+tt.query)
		if c.Total != want || len(c.Data) != want || want == 0 {
			t.Errorf("%s: %d rows of %d, want %d (and more than 0)", tt.query, len(c.Data), c.Total, want)
		}
		for _, u := range c.Data {
			if !tt.keep(u) {
				t.Errorf("%s: listed %+v", tt.query, u)
			}
		}
	}
	if c := usersPage(t, e, "userStatus=0"); c.Total != 0 {
		t.Errorf("userStatus=0 lists %d users", c.Total)
	}
	wantProblem(t, call(t, e, "GET", routeUsers+"?userType=admins", ""), codeDefault, `userType: "admins" is not a flag value`)
	wantProblem(t, call(t, e, "GET", routeUsers+"?userStatus=-1", ""), codeDefault, `userStatus: "-1" is not a flag value`)

	// deleted=true adds the deleted users [web:user.md] (I12).
	withDeleted := usersPage(t, e, "pagesize=1000&deleted=true")
	if withDeleted.Total != len(all)+1 || !slices.Contains(usernamesOf(withDeleted.Data), "former.employee@example.com") {
		t.Errorf("deleted=true: %d users, want %d with former.employee", withDeleted.Total, len(all)+1)
	}
	if c := usersPage(t, e, "deleted=true&username=former"); c.Total != 1 {
		t.Errorf("deleted=true&username=former: %d", c.Total)
	}
	wantProblem(t, call(t, e, "GET", routeUsers+"?deleted=yes", ""), codeDefault, `deleted: "yes" is not a boolean`)
}
