package emulator

import (
	"slices"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
)

// usersPage fetches one page of get_all_users.
func usersPage(t testing.TB, e *Emulator, query string) clickapi.Collection[clickapi.User] {
	t.Helper()
	return decode[clickapi.Collection[clickapi.User]](t, call(t, e, "GET", clickapi.RouteUsers+"?"+query, ""))
}

func TestListUsers(t *testing.T) {
	e := demoEmu(t)
	all := usersPage(t, e, "pagesize=1000")
	if all.Total != 299 || len(all.Data) != 299 {
		t.Fatalf("%d demo users listed of %d, want 299 (300 less one deleted)", len(all.Data), all.Total)
	}
	var names []string
	statuses := map[clickapi.UserStatus]int{}
	for _, u := range all.Data {
		names = append(names, u.Username)
		statuses[u.Status]++
		if u.Username == "former.employee@example.com" {
			t.Errorf("deleted user listed")
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("default order is not by username")
	}
	if statuses[clickapi.UserInactive] == 0 || statuses[clickapi.UserPending] == 0 || statuses[clickapi.UserActive] < 250 {
		t.Errorf("statuses %v: want mostly active, some inactive and pending", statuses)
	}

	a := call(t, e, "GET", clickapi.RouteUsers+"?username=ada.lovelace", "")
	if !strings.Contains(string(a.body), `"firstname":"Ada","lastname":"Lovelace"`) {
		t.Errorf("user keys are not lowercase firstname/lastname: %s", a.body)
	}
	if c := usersPage(t, e, "username=ADMIN@"); c.Total != 1 || !c.Data[0].Owner || c.Data[0].UserType != 16 {
		t.Errorf("admin: %+v", c.Data)
	}
	for _, field := range clickapi.UserSortFields() {
		for _, desc := range []string{"false", "true"} {
			c := usersPage(t, e, "pagesize=1000&sortfield="+field+"&descending="+desc)
			key := func(u clickapi.User) string {
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
			sorted := slices.IsSortedFunc(c.Data, func(a, b clickapi.User) int {
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
	wantProblem(t, call(t, e, "GET", clickapi.RouteUsers+"?sortfield=Name", ""), clickapi.CodeValidation,
		`sortfield: unknown field "Name"; use one of Username, Email, CreateDate, Firstname, Lastname`)
	wantProblem(t, call(t, e, "GET", clickapi.RouteUsers+"?pagesize=-1", ""), clickapi.CodeValidation, "pagesize: must be at least 1 (got -1)")
}

// usernamesOf lists the usernames of users.
func usernamesOf(us []clickapi.User) []string {
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
	have(clickapi.GroupSortFields(), fieldsOf(len(g), func(i int) string { return g[i].field }))
	have(clickapi.UserSortFields(), fieldsOf(len(u), func(i int) string { return u[i].field }))
	have(clickapi.MemberSortFields(), fieldsOf(len(m), func(i int) string { return m[i].field }))
	have(clickapi.UserGroupSortFields(), fieldsOf(len(ms), func(i int) string { return ms[i].field }))
	for _, def := range []struct {
		field  string
		fields []string
	}{
		{clickapi.DefaultGroupSort, clickapi.GroupSortFields()},
		{clickapi.DefaultUserSort, clickapi.UserSortFields()},
		{clickapi.DefaultMemberSort, clickapi.MemberSortFields()},
		{clickapi.DefaultUserGroupSort, clickapi.UserGroupSortFields()},
	} {
		if !slices.Contains(def.fields, def.field) {
			t.Errorf("default sort %s is not among %q", def.field, def.fields)
		}
	}
}
