package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/bits"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// listSeeds are realistic and nasty query strings for the list parsers.
func listSeeds() []string {
	return []string{
		"",
		"page=1&pagesize=50",
		"page=2&pagesize=20&sortfield=CreateDate&descending=true&name=design",
		"PAGE=3&PageSize=7&SortField=user.username&Descending=FALSE&username=ada",
		"page=0", "page=-1", "pagesize=0", "pagesize=-5", "pagesize=1000000",
		"page=9223372036854775807&pagesize=1000",
		"page=9223372036854775808",
		"page=99999999999999999999999999",
		"page=+1", "page=0x10", "page=1e3", "page= 1", "page=1.0", "page=%31",
		"page=1&page=2&page=x",
		"sortfield=", "sortfield=Name%00", "sortfield=NAME", "sortfield=User.CreateDate", "sortfield=Bogus",
		"descending=yes", "descending=1", "descending=TRUE",
		"name=%zz", "name=%E2%80%AE%F0%9F%98%80", "name=%ff%fe", "username=" + strings.Repeat("a", 5000),
		"page=1;pagesize=2", "&&&==&", "=x", "page", "page=&pagesize=",
		"token=abc&page=1",
	}
}

// listFieldSets are the sort fields, default sort and filter parameter of
// each list endpoint.
func listFieldSets() []struct {
	fields       []string
	sort, filter string
} {
	return []struct {
		fields       []string
		sort, filter string
	}{
		{groupSortFields(), defaultGroupSort, "name"},
		{memberSortFields(), defaultMemberSort, "username"},
		{userGroupSortFields(), defaultUserGroupSort, "name"},
		{userSortFields(), defaultUserSort, "username"},
	}
}

// FuzzParseList feeds arbitrary query strings to parseList: it must never
// panic, and must give either a sane listQuery or a DEFAULT problem.
func FuzzParseList(f *testing.F) {
	e := newEmu(f, Options{})
	for _, s := range listSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // as r.URL.Query() does
		for _, set := range listFieldSets() {
			lq, err := e.parseList(q, listSpec{fields: set.fields, defaultSort: set.sort, filter: set.filter})
			if err != nil {
				checkProblem(t, err, codeDefault)
				continue
			}
			if lq.page < 1 || lq.size < 1 || lq.size > maxPageSize {
				t.Fatalf("%q: page %d, size %d", raw, lq.page, lq.size)
			}
			if !slices.Contains(set.fields, lq.sort) {
				t.Fatalf("%q: sort %q is not one of %v", raw, lq.sort, set.fields)
			}
			if lq.filter != param(q, set.filter) || lq.lower != strings.ToLower(lq.filter) {
				t.Fatalf("%q: filter %q", raw, lq.filter)
			}
			off := lq.offset()
			if off < 0 || off > math.MaxInt-maxPageSize {
				t.Fatalf("%q: offset %d out of range", raw, off)
			}
			if hi, lo := bits.Mul64(uint64(lq.page-1), uint64(lq.size)); hi == 0 && lo <= math.MaxInt-maxPageSize && off != int(lo) {
				t.Fatalf("%q: offset %d, want %d", raw, off, lo)
			}
		}
	})
}

// checkProblem fails unless err is a *problem of type code whose answer
// body is a well-formed ValidationProblemDetails.
func checkProblem(t *testing.T, err error, code string) {
	t.Helper()
	p, ok := errors.AsType[*problem](err)
	if !ok {
		t.Fatalf("error %T %v, want a *problem", err, err)
	}
	if p.code != code || len(p.msgs) == 0 {
		t.Fatalf("problem %v, want %s with messages", p, code)
	}
	for _, m := range p.msgs {
		if m == "" || !utf8.ValidString(m) {
			t.Fatalf("problem message %q is empty or not UTF-8", m)
		}
	}
	if _, err := json.Marshal(p.body(statusValidation)); err != nil {
		t.Fatalf("problem body: %v", err)
	}
}

// FuzzHandler sends arbitrary requests with a valid token to a demo
// emulator: it must never panic, answer only 200, 401, 404, 405 or 499
// (an in-memory emulator has no storage to fail, so a 500 is a bug), give
// every 499 a problem document and every 200 a JSON body or none, and keep
// its indexes consistent.
func FuzzHandler(f *testing.F) {
	e := newEmu(f, Options{Seed: "demo", Deterministic: true})
	routes := make([]string, 0, len(e.routes))
	for r := range e.routes {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	idx := func(route string) uint8 { return uint8(slices.Index(routes, route)) }
	const group = "00000000-0000-4000-8000-000000000005" // Marketing Americas
	const user = "00000000-0000-4000-8000-000000000069"  // aaliyah.ibrahim@example.com
	for _, s := range []struct {
		method string
		route  string
		query  string
		body   string
	}{
		{"GET", routeGroups, "page=1&pagesize=5&sortfield=Name", ""},
		{"GET", routeGroupsWithDetails, "name=market&descending=true", ""},
		{"GET", routeUsers, "username=ada&sortfield=Email", ""},
		{"GET", routeAssignedUsers, "userGroupId=" + group + "&pagesize=3", ""},
		{"GET", routeAssignedUserGroups, "userId=" + user, ""},
		{"GET", routeAssignedUsers, "userGroupId=not-a-uuid", ""},
		{"POST", routeInsertGroup, "", `{"name":"Fuzz","description":"d","active":true}`},
		{"POST", routeInsertGroup, "", `{"name":"   "}`},
		{"POST", routeInsertGroup, "", `{"name":"x"} trailing`},
		{"POST", routeInsertGroup, "", `[1,2]`},
		{"PUT", routeUpdateGroup, "", `{"id":"` + group + `","name":"Renamed","active":false}`},
		{"DELETE", routeDeleteGroup, "id=" + group, ""},
		{"POST", routeAssignUsers, "", `[{"userId":"` + user + `","userGroupId":"` + group + `"}]`},
		{"POST", routeAssignUsers, "", `{"userId":1}`},
		{"DELETE", routeUnassignUser, "id=00000000-0000-4000-8000-000000000999", ""},
		{"POST", routeImportUsers, "", `[{"user":{"username":"fuzz@example.com","firstName":"F"},"userGroups":[{"name":"Marketing APAC"},{"id":"` + group + `"}]}]`},
		{"POST", routeImportUsers, "", `[{"user":{"username":""},"userGroups":[{}]}]`},
		{"POST", routeImportUsers, "", `[null]`},
		{"POST", routeLogin, "", `{"username":"admin@example.com","password":"admin","type":16}`},
		{"POST", routeMFARespond, "", `{"session":"x","code":"1"}`},
		{"GET", routeAgentStatus, "", ""},
		{"PATCH", routeGroups, "", ""},
		{"GET", "/nope", "", ""},
		{"", routeGroups, "%zz", "\xff"},
	} {
		f.Add(s.method, idx(s.route), s.route, s.query, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method string, route uint8, path, query string, body []byte) {
		if int(route) < len(routes) {
			path = routes[route]
		}
		raw := query
		if raw != "" {
			raw += "&"
		}
		raw += tokenParam + "=" + e.Token()
		req := (&http.Request{
			Method:        method,
			URL:           &url.URL{Path: path, RawQuery: raw},
			Header:        http.Header{"Content-Type": {"application/json"}},
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
			Host:          "emulator.test",
		}).WithContext(context.Background())
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		checkAnswer(t, rec)
		checkIndexes(t, e)
	})
}

// checkAnswer fails unless rec holds an answer of the contract's shape.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.Bytes()
	switch rec.Code {
	case http.StatusOK:
		if len(body) > 0 && (!json.Valid(body) || rec.Header().Get("Content-Type") != "application/json") {
			t.Fatalf("200 with body %q, content type %q", body, rec.Header().Get("Content-Type"))
		}
	case http.StatusUnauthorized, http.StatusNotFound, http.StatusMethodNotAllowed:
		if len(body) > 0 {
			t.Fatalf("%d with body %q", rec.Code, body)
		}
	case statusValidation:
		var p apiProblem
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("499 body %q: %v", body, err)
		}
		code := rec.Header().Get(errorCodeHeader)
		if code == "" || p.Type != code || p.Status != statusValidation || len(p.Errors[code]) == 0 {
			t.Fatalf("499 with error-code %q and body %s", code, body)
		}
	default:
		t.Fatalf("status %d, body %q", rec.Code, body)
	}
}

// checkIndexes fails unless e's sorted indexes hold every live record.
func checkIndexes(t *testing.T, e *Emulator) {
	t.Helper()
	e.mu.RLock()
	defer e.mu.RUnlock()
	for field, x := range e.st.groupSorts {
		if x.len() != len(e.st.groupNames) {
			t.Fatalf("group index %s holds %d groups, want %d", field, x.len(), len(e.st.groupNames))
		}
	}
	for field, x := range e.st.userSorts {
		if x.len() != len(e.st.userNames) {
			t.Fatalf("user index %s holds %d users, want %d", field, x.len(), len(e.st.userNames))
		}
	}
	if len(e.st.members) != len(e.st.pairs) {
		t.Fatalf("%d assignments, %d pairs", len(e.st.members), len(e.st.pairs))
	}
}
