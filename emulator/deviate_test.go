package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseDeviations(t *testing.T) {
	d, err := ParseDeviations(" users-ascending, NO-OPTIONS ,serial")
	if err != nil || d != (Deviations{UsersAscending: true, NoOptions: true, Serial: true}) {
		t.Fatalf("got %+v, %v", d, err)
	}
	if d.String() != "users-ascending,no-options,serial" || !d.Any() {
		t.Errorf("String %q", d.String())
	}
	all := []string{}
	for _, dv := range deviations() {
		all = append(all, dv.name)
		if !strings.Contains(DeviationHelp(), dv.name+" ") {
			t.Errorf("help lacks %s", dv.name)
		}
	}
	every, err := ParseDeviations(strings.Join(all, ","))
	if err != nil || every.String() != strings.Join(all, ",") {
		t.Errorf("every deviation: %+v, %v", every, err)
	}
	if d, err := ParseDeviations(""); err != nil || d.Any() {
		t.Errorf("empty spec: %+v, %v", d, err)
	}
	for spec, want := range map[string]string{
		"nope":                            `unknown deviation "nope"; use one of users-ascending, filter-case-sensitive`,
		"serial,serial":                   `deviation "serial" given twice`,
		"users-ascending,,no-options":     `unknown deviation ""`,
		"users-ascending,no-options,bare": `unknown deviation "bare"`,
	} {
		if _, err := ParseDeviations(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", spec, err, want)
		}
	}
}

// TestDeviationsOff shows the documented behaviour each deviation breaks,
// so that a deviation test below differs from something checked.
func TestDeviationsOff(t *testing.T) {
	e := demoEmu(t)
	if a := raw(t, e, "GET", routeAgentStatus, ""); string(a.body) != "1" {
		t.Errorf("agent_status %s", a.body)
	}
	users := usersPage(t, e, "pagesize=2")
	if users.Data[0].Username == "admin@example.com" {
		t.Errorf("users start with the oldest")
	}
	if c := groupsPage(t, e, "name=FINANCE"); c.Total != 1 {
		t.Errorf("filter ignoring case: %d", c.Total)
	}
	a := call(t, e, "GET", routeGroups+"?page=99", "")
	wantKeys(t, a.body, "data", "total", "options")
	if c := decode[apiCollection[apiGroup]](t, a); c.Total != demoLiveGroups || len(c.Data) != 0 {
		t.Errorf("past the end: %+v", c)
	}
	wantUnauthorized(t, raw(t, e, "GET", routeGroups, ""))
}

func TestDeviations(t *testing.T) {
	t.Run(DeviateUsersAscending, func(t *testing.T) {
		e := newEmu(t, Options{Seed: "demo", Deterministic: true, Deviations: Deviations{UsersAscending: true}})
		c := usersPage(t, e, "pagesize=2")
		if c.Data[0].Username != "admin@example.com" || c.Options.Sort[0].Descending {
			t.Errorf("first %s, sort %+v: want the oldest first", c.Data[0].Username, c.Options.Sort)
		}
		if c := usersPage(t, e, "pagesize=1&descending=true"); c.Data[0].Username == "admin@example.com" {
			t.Errorf("descending=true still honoured? first %s", c.Data[0].Username)
		}
	})
	t.Run(DeviateFilterCaseSensitive, func(t *testing.T) {
		e := newEmu(t, Options{Seed: "demo", Deterministic: true, Deviations: Deviations{FilterCaseSensitive: true}})
		if c := groupsPage(t, e, "name=FINANCE"); c.Total != 0 {
			t.Errorf("FINANCE matched %d groups", c.Total)
		}
		if c := groupsPage(t, e, "name=Fin"); c.Total != 1 {
			t.Errorf("Fin matched %d groups", c.Total)
		}
		if c := usersPage(t, e, "username=ADA.LOVELACE"); c.Total != 0 {
			t.Errorf("ADA.LOVELACE matched %d users", c.Total)
		}
		fin := groupNamed(t, e, "Finance")
		if c := memberRows(t, e, fin.ID, "username=A"); c.Total != 0 {
			t.Errorf("members A: %d", c.Total)
		}
	})
	t.Run(DeviateNoOptions, func(t *testing.T) {
		e := newEmu(t, Options{Seed: "demo", Deviations: Deviations{NoOptions: true}})
		for _, path := range []string{routeGroups, routeUsers, routeGroupsWithDetails + "?pagesize=1"} {
			wantKeys(t, call(t, e, "GET", path, "").body, "data", "total")
		}
	})
	t.Run(DeviateBareArray, func(t *testing.T) {
		e := newEmu(t, Options{Seed: "demo", Deviations: Deviations{BareArray: true}})
		a := call(t, e, "GET", routeGroups+"?pagesize=3", "")
		var rows []apiGroup
		if err := json.Unmarshal(a.body, &rows); err != nil || len(rows) != 3 {
			t.Fatalf("%s: %v", a.body, err)
		}
		if a := call(t, e, "GET", routeGroups+"?page=99", ""); string(a.body) != "[]" {
			t.Errorf("empty page %s", a.body)
		}
	})
	t.Run(DeviatePastEndError, func(t *testing.T) {
		e := newEmu(t, Options{Seed: "demo", Deviations: Deviations{PastEndError: true}})
		wantProblem(t, call(t, e, "GET", routeGroups+"?page=99&pagesize=10", ""), codeDefault, "page: 99 is past the end (41 rows, 10 per page)")
		if c := groupsPage(t, e, "page=5&pagesize=10"); len(c.Data) != 1 {
			t.Errorf("last page: %d rows", len(c.Data))
		}
		if c := groupsPage(t, e, "name=nothing-like-this"); c.Total != 0 {
			t.Errorf("an empty list: %+v", c)
		}
	})
	t.Run(DeviateTotalIsPage, func(t *testing.T) {
		e := newEmu(t, Options{Seed: "demo", Deviations: Deviations{TotalIsPage: true}})
		if c := groupsPage(t, e, "pagesize=5"); c.Total != 5 {
			t.Errorf("total %d, want 5", c.Total)
		}
		if c := groupsPage(t, e, "page=99"); c.Total != 0 {
			t.Errorf("total past the end %d, want 0", c.Total)
		}
	})
	t.Run(DeviateAgentNotStarted, func(t *testing.T) {
		e := newEmu(t, Options{Deviations: Deviations{AgentNotStarted: true}})
		if a := raw(t, e, "GET", routeAgentStatus, ""); string(a.body) != "0" {
			t.Errorf("agent_status %s, want 0", a.body)
		}
	})
	t.Run(DeviateAuth499, func(t *testing.T) {
		e := newEmu(t, Options{Deviations: Deviations{Auth499: true}})
		wantProblem(t, raw(t, e, "GET", routeGroups, ""), codeAuth, "no accepted token")
		wantProblem(t, raw(t, e, "POST", routeLogin, `{"username":"admin@example.com","password":"x","type":16}`), codeAuth, "wrong password")
	})
	t.Run(DeviateSerial, func(t *testing.T) {
		e := newEmu(t, Options{Deviations: Deviations{Serial: true}})
		// Each request holds the emulator for its service time; two in
		// flight at once would show as overlapping intervals.
		type span struct{ start, end time.Time }
		var mu sync.Mutex
		var spans []span
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				rec := httptest.NewRecorder()
				start := time.Now()
				e.ServeHTTP(rec, httptest.NewRequest("GET", routeAgentStatus, nil))
				end := time.Now()
				if rec.Code != http.StatusOK {
					t.Errorf("status %d", rec.Code)
				}
				mu.Lock()
				spans = append(spans, span{start, end})
				mu.Unlock()
			})
		}
		wg.Wait()
		// One at a time, each ending at least serialServiceTime after it got
		// the emulator, so answers are that far apart (less the moment
		// between one's unlock and its caller reading the clock).
		slices.SortFunc(spans, func(a, b span) int { return a.end.Compare(b.end) })
		for i := 1; i < len(spans); i++ {
			if gap := spans[i].end.Sub(spans[i-1].end); gap < serialServiceTime/2 {
				t.Errorf("answers %d and %d came %s apart, want about %s", i-1, i, gap, serialServiceTime)
			}
		}
	})
}

// TestPageCap shows the silent cap (I5): at most PageCap rows whatever
// pagesize asks, options.pageSize echoing the size served, and a walk by
// that size seeing every row once.
func TestPageCap(t *testing.T) {
	e := newEmu(t, Options{Seed: "demo", Deterministic: true, PageCap: 25})
	c := groupsPage(t, e, "pagesize=100")
	if len(c.Data) != 25 || c.Options.PageSize != 25 || c.Total != demoLiveGroups {
		t.Fatalf("%d rows, pageSize %d, total %d", len(c.Data), c.Options.PageSize, c.Total)
	}
	if c := groupsPage(t, e, "pagesize=10"); len(c.Data) != 10 {
		t.Errorf("below the cap: %d rows", len(c.Data))
	}
	var seen []string
	for page := 1; ; page++ {
		c := usersPage(t, e, "pagesize=1000&page="+strconv.Itoa(page))
		if len(c.Data) == 0 {
			break
		}
		if c.Options.PageSize != 25 {
			t.Fatalf("page %d: pageSize %d", page, c.Options.PageSize)
		}
		seen = append(seen, usernamesOf(c.Data)...)
	}
	all := usernamesOf(usersPage(t, newEmu(t, Options{Seed: "demo", Deterministic: true}), "pagesize=1000").Data)
	if !slices.Equal(seen, all) {
		t.Errorf("capped walk saw %d users, want the %d of one big page in order", len(seen), len(all))
	}
	if _, err := New(Options{PageCap: -1}); err == nil {
		t.Error("a negative cap is accepted")
	}
}
