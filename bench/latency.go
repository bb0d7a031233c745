package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// latencyConcurrency is clickscript's --concurrency in the latency cases.
const latencyConcurrency = 4

// latencyWorkload is one case of the latency benchmark: the emulator it
// needs, what prepares it (untimed), and the clickscript and Python
// programs that do the same work.
type latencyWorkload struct {
	name     string
	goal     string
	emulator []string
	// prepare, when set, changes a fresh emulator before the timed run
	// and returns the arguments both programs take after the URL and token.
	prepare func(url string) ([]string, error)
	cs      func(dir string, args []string) []string // after "clickscript run --url U --token T --concurrency 4"
	py      func(dir string, args []string) []string // after "python3 FILE.py U T"
	check   func(cs bool, out string) error
}

// latencyCase runs every workload against an emulator that delays every
// request by 20 ms, then by 100 ms: clickscript --concurrency 4 beside
// the seed-style Python requests loop, and the floor, ceil(requests / 4)
// x latency, of the requests clickscript made, counted at the emulator.
func latencyCase(e *env) error {
	loads, err := latencyWorkloads(e.dir)
	if err != nil {
		return err
	}
	reps := max(1, e.reps/5)
	for _, lat := range []time.Duration{20 * time.Millisecond, 100 * time.Millisecond} {
		fmt.Printf("\n### latency %v per request, --concurrency %d, median of %d\n\n", lat, latencyConcurrency, reps)
		fmt.Println("| case | clickscript | requests | floor | clickscript / floor | python3 requests loop | requests | python / clickscript |")
		fmt.Println("|---|---|---|---|---|---|---|---|")
		var kinds []string
		for _, w := range loads {
			var csT, pyT []time.Duration
			var csReq, pyReq emulator.RequestCounts
			for range reps { // interleaved, so that machine noise hits both alike
				d, c, err := runLatency(e, w, lat, true)
				if err != nil {
					return fmt.Errorf("%s, clickscript: %w", w.name, err)
				}
				csT, csReq = append(csT, d), c
				d, c, err = runLatency(e, w, lat, false)
				if err != nil {
					return fmt.Errorf("%s, python: %w", w.name, err)
				}
				pyT, pyReq = append(pyT, d), c
			}
			cs, pyt := median(csT), median(pyT)
			floor := time.Duration(math.Ceil(float64(csReq.Total)/latencyConcurrency)) * lat
			fmt.Printf("| %s | %v | %d | %v | %.2fx | %v | %d | %.2fx |\n", w.name, cs.Round(time.Millisecond), csReq.Total,
				floor, float64(cs)/float64(floor), pyt.Round(time.Millisecond), pyReq.Total, float64(pyt)/float64(cs))
			kinds = append(kinds, fmt.Sprintf("- %s (goal at 20ms: %s): clickscript %s; python %s", w.name, w.goal, byKind(csReq), byKind(pyReq)))
		}
		fmt.Println("\nrequests by kind, counted at the emulator:")
		for _, k := range kinds {
			fmt.Println(k)
		}
	}
	return nil
}

func byKind(c emulator.RequestCounts) string {
	var parts []string
	for _, k := range c.Kinds() {
		parts = append(parts, fmt.Sprintf("%d %s", c.ByRoute[k], k))
	}
	return strings.Join(parts, ", ")
}

// runLatency starts a fresh emulator with every request delayed by lat,
// prepares it, runs one program and returns its wall time and the
// requests it made.
func runLatency(e *env, w latencyWorkload, lat time.Duration, cs bool) (time.Duration, emulator.RequestCounts, error) {
	args := append([]string{"--token", "bench", "--count-requests", "--faults", fmt.Sprintf("latency=%v@1", lat)}, w.emulator...)
	url, stop, err := startEmulatorProcess(e, args...)
	if err != nil {
		return 0, emulator.RequestCounts{}, err
	}
	defer stop()
	var extra []string
	if w.prepare != nil {
		if extra, err = w.prepare(url); err != nil {
			return 0, emulator.RequestCounts{}, fmt.Errorf("prepare: %w", err)
		}
	}
	var argv []string
	if cs {
		argv = append([]string{e.clickscript, "run", "--url", url, "--token", "bench", "--concurrency", fmt.Sprint(latencyConcurrency)}, w.cs(e.dir, extra)...)
	} else {
		argv = append([]string{"python3"}, w.py(e.dir, extra)...)
		argv = append(argv[:2], append([]string{url, "bench"}, argv[2:]...)...)
	}
	before, err := requestCounts(url)
	if err != nil {
		return 0, emulator.RequestCounts{}, err
	}
	d, out, err := runOnce(argv)
	if err != nil {
		return 0, emulator.RequestCounts{}, err
	}
	after, err := requestCounts(url)
	if err != nil {
		return 0, emulator.RequestCounts{}, err
	}
	if err := w.check(cs, out); err != nil {
		return 0, emulator.RequestCounts{}, err
	}
	return d, after.Sub(before), nil
}

// requestCounts reads the emulator's request counts.
func requestCounts(url string) (emulator.RequestCounts, error) {
	var c emulator.RequestCounts
	resp, err := http.Get(url + emulator.RequestsPath)
	if err != nil {
		return c, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return c, fmt.Errorf("%s: status %d", emulator.RequestsPath, resp.StatusCode)
	}
	return c, json.NewDecoder(resp.Body).Decode(&c)
}

func wantOutput(want string) func(bool, string) error {
	return func(_ bool, out string) error {
		if got := strings.TrimSpace(out); got != want {
			return fmt.Errorf("printed %q, want %q", got, want)
		}
		return nil
	}
}

// latencyWorkloads writes the scripts and data files of the latency cases
// into dir.
func latencyWorkloads(dir string) ([]latencyWorkload, error) {
	py := func(name string) string { p, _ := filepath.Abs(filepath.Join("bench", name)); return p }
	files := map[string]string{
		"lat_list.lua":    "local n = 0\nfor g in usergroup.list{pagesize = 50} do n = n + 1 end\nprint(n)\n",
		"lat_members.lua": "local n = 0\nfor m in usergroup.members_of(usergroup.list{pagesize = 50}:all(), {pagesize = 50}) do n = n + 1 end\nprint(n)\n",
		"lat_import.lua":  "local r = usergroup.import_csv(arg[1], {batch = 100})\nprint(r.added)\n",
		"lat_sync.lua": "local desired = {}\nfor _, r in ipairs(csv.read(arg[2])) do\n" +
			"  desired[#desired + 1] = {username = r.username, firstName = r.firstName, lastName = r.lastName}\nend\n" +
			"local r = usergroup.sync(arg[1], desired, {batch = 100, max_remove = \"20%\"})\nprint(#r.adds + #r.removes)\n",
	}
	// import: 2,000 users, each into 5 of the 50 groups.
	const users, perUser, groups = 2000, 5, 50
	var csv strings.Builder
	csv.WriteString("username,firstName,lastName,group\n")
	var rels []clickapi.UserUserGroupRelation
	for i := range users {
		user := fmt.Sprintf("person%05d@example.com", i)
		for k := range perUser {
			g := fmt.Sprintf("Group %07d", 1+(i+k*10)%groups)
			fmt.Fprintf(&csv, "%s,Person,%05d,%s\n", user, i, g)
			rels = append(rels, clickapi.UserUserGroupRelation{User: clickapi.ImportUser{Username: user, FirstName: "Person", LastName: fmt.Sprintf("%05d", i)},
				UserGroups: []clickapi.GroupRef{{Name: g}}})
		}
	}
	files["lat_import.csv"] = csv.String()
	var batches [][]clickapi.UserUserGroupRelation
	for from := 0; from < len(rels); from += 100 {
		batches = append(batches, rels[from:min(from+100, len(rels))])
	}
	data, err := json.Marshal(batches)
	if err != nil {
		return nil, err
	}
	files["lat_import.json"] = string(data)
	// sync: a group of 2,000 members (sync0000..sync1999); the list keeps
	// 1,800 of them and names 200 new users: 200 removes, 200 adds.
	var sync strings.Builder
	sync.WriteString("username,firstName,lastName\n")
	for i := 200; i < 2200; i++ {
		fmt.Fprintf(&sync, "sync%04d@example.com,Sync,%04d\n", i, i)
	}
	files["lat_sync.csv"] = sync.String()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			return nil, err
		}
	}
	at := func(name string) string { return filepath.Join(dir, name) }
	return []latencyWorkload{
		{name: "list 10,000 groups (pages of 50)", goal: "clickscript / floor <= 1.3x, python / clickscript >= 3.5x",
			emulator: []string{"--seed", "none", "--groups", "10000"},
			cs:       func(string, []string) []string { return []string{at("lat_list.lua")} },
			py:       func(string, []string) []string { return []string{py("list_baseline.py"), "50"} },
			check:    wantOutput("10000")},
		{name: "read the members of 50 groups (200 each, pages of 50)", goal: "clickscript / floor <= 1.5x",
			emulator: []string{"--seed", "none", "--groups", "50", "--users", "10000", "--memberships", "10000"},
			cs:       func(string, []string) []string { return []string{at("lat_members.lua")} },
			py:       func(string, []string) []string { return []string{py("members_baseline.py"), "50"} },
			check:    wantOutput("10000")},
		{name: "import 10,000 memberships (2,000 users) into 50 groups, batches of 100", goal: "python / clickscript >= 2x",
			emulator: []string{"--seed", "none", "--groups", "50", "--deterministic"},
			cs:       func(string, []string) []string { return []string{at("lat_import.lua"), "--", at("lat_import.csv")} },
			py:       func(string, []string) []string { return []string{py("import_baseline.py"), at("lat_import.json")} },
			check: func(cs bool, out string) error {
				if cs {
					return wantOutput("10000")(cs, out)
				}
				return wantOutput("100 batches")(cs, out)
			}},
		{name: "sync a 2,000-member group to a list 10% different, batches of 100", goal: "python / clickscript >= 2x",
			emulator: []string{"--seed", "none", "--groups", "50", "--deterministic"},
			prepare:  prepareSync,
			cs: func(_ string, a []string) []string {
				return []string{at("lat_sync.lua"), "--", "Group 0000001", at("lat_sync.csv")}
			},
			py: func(_ string, a []string) []string { return []string{py("sync_baseline.py"), a[0], at("lat_sync.csv")} },
			check: func(cs bool, out string) error {
				if cs {
					return wantOutput("400")(cs, out)
				}
				return wantOutput("200 added")(cs, out)
			}},
	}, nil
}

// prepareSync puts 2,000 users into "Group 0000001" and returns its id.
func prepareSync(url string) ([]string, error) {
	c, err := clickapi.New(clickapi.Options{BaseURL: url, Token: "bench", Concurrency: 8})
	if err != nil {
		return nil, err
	}
	g, err := c.ListUserGroups(bgctx(), clickapi.ListOptions{Name: "Group 0000001", PageSize: 1})
	if err != nil {
		return nil, err
	}
	if len(g.Data) != 1 {
		return nil, fmt.Errorf("no Group 0000001")
	}
	id := g.Data[0].ID
	var rels []clickapi.UserUserGroupRelation
	for i := range 2000 {
		rels = append(rels, clickapi.UserUserGroupRelation{
			User:       clickapi.ImportUser{Username: fmt.Sprintf("sync%04d@example.com", i), FirstName: "Sync", LastName: fmt.Sprintf("%04d", i)},
			UserGroups: []clickapi.GroupRef{{ID: id}}})
	}
	errs := make(chan error, 4)
	for b := range 4 {
		go func() { errs <- c.ImportUsers(bgctx(), rels[b*500:(b+1)*500]) }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			return nil, err
		}
	}
	return []string{id}, nil
}
