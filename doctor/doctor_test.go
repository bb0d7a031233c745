package doctor

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// runAgainst runs the doctor against a demo emulator started with opts.
func runAgainst(t *testing.T, opts emulator.Options) Report {
	t.Helper()
	opts.Seed, opts.Deterministic, opts.Token = "demo", true, "tok-doctor"
	em, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(em)
	t.Cleanup(func() {
		srv.Close()
		em.Close()
	})
	c, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: "tok-doctor"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), c, Options{Samples: 5})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func printed(r Report) string {
	var b strings.Builder
	r.Print(&b)
	return b.String()
}

func TestEmulatorIsAllGreen(t *testing.T) {
	rep := runAgainst(t, emulator.Options{})
	if d := rep.Differences(); len(d) > 0 {
		t.Fatalf("the emulator differs from the contract:\n%s", printed(rep))
	}
	out := printed(rep)
	// Every list clickscript walks is checked, each on every point.
	for _, list := range []string{"usergroup/get_all", "usergroup/get_all_with_details", "user/get_all_users",
		"projects/get_all", "sharedclouddrive/get_all", "usergroup/get_assigned_users", "usergroup/get_assigned_usergroups"} {
		for _, point := range []string{": shape", ": default order", ": page size served", ": total", ": page past the end"} {
			if !strings.Contains(out, list+point) {
				t.Errorf("no check %q%q:\n%s", list, point, out)
			}
		}
		if !strings.Contains(out, list+": name filter") && !strings.Contains(out, list+": username filter") {
			t.Errorf("no filter check of %s:\n%s", list, out)
		}
	}
	for _, item := range []string{"agent state", "token", "unknown token", "latency", "parallel requests"} {
		if !strings.Contains(out, "\n"+item+" ") {
			t.Errorf("no check %q:\n%s", item, out)
		}
	}
	if !strings.Contains(out, " 0 differ\n") {
		t.Errorf("summary:\n%s", out)
	}
}

// TestEachDeviationIsNamed starts the emulator with each of its deviations
// from the contract and expects the doctor to find exactly that one.
func TestEachDeviationIsNamed(t *testing.T) {
	for _, c := range []struct {
		deviation string
		item      string // a check that must differ
		observed  string // in its observation
	}{
		{emulator.DeviateUsersAscending, "user/get_all_users: default order", "ascending"},
		{emulator.DeviateFilterCaseSensitive, "usergroup/get_all: name filter", "case-sensitive"},
		{emulator.DeviateNoOptions, "usergroup/get_all: shape", "no options"},
		{emulator.DeviateBareArray, "usergroup/get_all: shape", "a bare JSON array"},
		{emulator.DeviatePastEndError, "usergroup/get_all: page past the end", "499 DEFAULT"},
		{emulator.DeviateTotalIsPage, "usergroup/get_all: total", "with pagesize=1"},
		{emulator.DeviateSerial, "parallel requests", "served one at a time"},
		{emulator.DeviateAgentNotStarted, "agent state", "0 Created"},
		{emulator.DeviateAuth499, "unknown token", "499 AUTH"},
	} {
		t.Run(c.deviation, func(t *testing.T) {
			dev, err := emulator.ParseDeviations(c.deviation)
			if err != nil {
				t.Fatal(err)
			}
			rep := runAgainst(t, emulator.Options{Deviations: dev})
			found := false
			for _, d := range rep.Differences() {
				if d.Item == c.item && strings.Contains(d.Observed, c.observed) {
					found = true
				}
			}
			if !found {
				t.Errorf("no difference %q observing %q:\n%s", c.item, c.observed, printed(rep))
			}
		})
	}
}

// TestPageCapIsANote: a silent cap breaks no documented fact (I5) and the
// pager copes, so the doctor names it without failing.
func TestPageCapIsANote(t *testing.T) {
	rep := runAgainst(t, emulator.Options{PageCap: 25})
	if d := rep.Differences(); len(d) > 0 {
		t.Errorf("a page cap is not a difference:\n%s", printed(rep))
	}
	for _, c := range rep.Checks {
		if c.Item == "usergroup/get_all: page size served" {
			if c.Verdict != Note || !strings.Contains(c.Observed, "25 rows for pagesize=50: a silent cap") {
				t.Errorf("page size check: %+v", c)
			}
			return
		}
	}
	t.Errorf("no page size check:\n%s", printed(rep))
}

func TestPrintableEscapesControls(t *testing.T) {
	var b strings.Builder
	Report{Checks: []Check{{"x", "y", "\x1b]0;title\x07", Differs}}}.Print(&b)
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Errorf("a control character reached the report: %q", b.String())
	}
}

func TestSwapCase(t *testing.T) {
	if got := swapCase("Design Team 2"); got != "dESIGN tEAM 2" {
		t.Errorf("swapCase = %q", got)
	}
}
