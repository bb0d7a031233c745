// Package doctor checks a live agent against the Click API wire contract
// (../shared/api/click-api.md), reading only: the agent's state, the
// token, the shape, default order, filters, served page size, totals and
// end of every list clickscript walks, the latency of small requests and
// whether parallel requests are served in parallel. It knows the client
// (clickapi) and nothing of Lua or the command line.
package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/printable"
)

// Verdict is how an observation compares with the contract.
type Verdict int

// The verdicts. Differs marks what scripts rely on; Note what differs from
// the emulator's choices where the vendor documents nothing (a silent page
// cap, say), which clickscript copes with.
const (
	OK Verdict = iota
	Note
	Differs
)

func (v Verdict) String() string {
	switch v {
	case OK:
		return "ok"
	case Note:
		return "note"
	}
	return "DIFFERS"
}

// Check is one line of the report.
type Check struct {
	Item, Expected, Observed string
	Verdict                  Verdict
}

// Report is every check of one run, in the order they ran.
type Report struct {
	Checks []Check
}

// Differences returns the checks whose verdict is Differs.
func (r Report) Differences() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Verdict == Differs {
			out = append(out, c)
		}
	}
	return out
}

// Print writes the report as an aligned table and a summary line.
func (r Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ITEM\tEXPECTED\tOBSERVED\tVERDICT")
	counts := map[Verdict]int{}
	for _, c := range r.Checks {
		counts[c.Verdict]++
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Item, c.Expected, printable.Escape(c.Observed), c.Verdict)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d checks: %d ok, %d notes, %d differ\n", len(r.Checks), counts[OK], counts[Note], counts[Differs])
}

// Options tunes a run.
type Options struct {
	// Samples is how many small requests measure latency; 0: 20.
	Samples int
	// Parallel is how many requests go at once to see whether the agent
	// serves them side by side; 0: 4 (the client's --concurrency default).
	Parallel int
}

// Run checks the agent behind c. It sends only reads. The report holds
// every check; an error is returned only when ctx ends.
func Run(ctx context.Context, c *clickapi.Client, opts Options) (Report, error) {
	if opts.Samples <= 0 {
		opts.Samples = 20
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	d := &doctor{c: c, opts: opts}
	d.agent(ctx)
	if !d.token(ctx) {
		return d.report, ctx.Err()
	}
	d.unknownToken(ctx)
	for _, p := range d.listProbes(ctx) {
		if ctx.Err() != nil {
			break
		}
		d.list(ctx, p)
	}
	d.latency(ctx)
	return d.report, ctx.Err()
}

type doctor struct {
	c      *clickapi.Client
	opts   Options
	report Report
	p50    time.Duration // of the latency samples, for the parallel check
}

func (d *doctor) add(item, expected, observed string, v Verdict) {
	d.report.Checks = append(d.report.Checks, Check{item, expected, observed, v})
}

// agent checks agent_status: only 1 (Started) means the API is usable.
func (d *doctor) agent(ctx context.Context) {
	st, err := d.c.AgentStatus(ctx)
	switch {
	case err != nil:
		d.add("agent state", "1 Started", "no answer: "+err.Error(), Differs)
	case st != clickapi.AgentStarted:
		d.add("agent state", "1 Started", fmt.Sprintf("%d %s: start the agent and sign in (POST /management/command/0)", int(st), st), Differs)
	default:
		d.add("agent state", "1 Started", fmt.Sprintf("%d %s", int(st), st), OK)
	}
}

// token checks that the token is good and says whose it is.
func (d *doctor) token(ctx context.Context) bool {
	u, err := d.c.WhoAmI(ctx)
	if err != nil {
		d.add("token", "accepted (GET /authentication/user)", err.Error(), Differs)
		return false
	}
	d.add("token", "accepted (GET /authentication/user)",
		fmt.Sprintf("%s, account %s, %s", u.Username, u.AccountName, u.UserType), OK)
	return true
}

// unknownToken checks how a token the agent cannot know is refused.
func (d *doctor) unknownToken(ctx context.Context) {
	const item, expected = "unknown token", "401, empty body [click:errors.md]"
	_, err := d.c.GetRawWithToken(ctx, clickapi.RouteWhoAmI, nil, "clickscript-doctor-probe-not-a-token")
	var e *clickapi.APIError
	switch {
	case err == nil:
		d.add(item, expected, "200: accepted", Differs)
	case errors.As(err, &e) && e.Status == 401:
		d.add(item, expected, "401", OK)
	case errors.As(err, &e):
		d.add(item, expected, fmt.Sprintf("%d %s (clickscript reads it as 401)", e.Status, e.Type), Differs)
	default:
		d.add(item, expected, err.Error(), Differs)
	}
}

// listProbe is one list endpoint and what the contract says of it.
type listProbe struct {
	name        string // as the report names it
	route       string
	query       url.Values // required ids
	sortKey     string     // JSON path of the default sort field in a row
	sortName    string     // the documented sortfield
	descending  bool       // the documented default direction
	filterParam string     // "name" or "username"
	filterKey   string     // JSON path the filter matches
}

// listProbes returns the lists to check; lists that need an id are
// checked when the account has a group with members.
func (d *doctor) listProbes(ctx context.Context) []listProbe {
	probes := []listProbe{
		{name: "usergroup/get_all", route: clickapi.RouteGroups, sortKey: "name", sortName: "Name", filterParam: "name", filterKey: "name"},
		{name: "usergroup/get_all_with_details", route: clickapi.RouteGroupsWithDetails, sortKey: "name", sortName: "Name", filterParam: "name", filterKey: "name"},
		{name: "user/get_all_users", route: clickapi.RouteUsers, sortKey: "createDate", sortName: "CreateDate", descending: true, filterParam: "username", filterKey: "username"},
		{name: "projects/get_all", route: clickapi.RouteProjects, sortKey: "name", sortName: "Name", filterParam: "name", filterKey: "name"},
		{name: "sharedclouddrive/get_all", route: clickapi.RouteSharedCloudDrives, sortKey: "name", sortName: "Name", filterParam: "name", filterKey: "name"},
	}
	groupID, userID, ok := d.groupWithMembers(ctx)
	if !ok {
		d.add("usergroup/get_assigned_users", "checked", "skipped: no group with members to read", Note)
		return probes
	}
	return append(probes,
		listProbe{name: "usergroup/get_assigned_users", route: clickapi.RouteAssignedUsers, query: url.Values{"userGroupId": {groupID}},
			sortKey: "user.username", sortName: "User.Username", filterParam: "username", filterKey: "user.username"},
		listProbe{name: "usergroup/get_assigned_usergroups", route: clickapi.RouteAssignedUserGroups, query: url.Values{"userId": {userID}},
			sortKey: "userGroup.name", sortName: "UserGroup.Name", filterParam: "name", filterKey: "userGroup.name"},
	)
}

// groupWithMembers finds, among the first groups, one with members, and
// the member whose groups the second membership list reads.
func (d *doctor) groupWithMembers(ctx context.Context) (groupID, userID string, ok bool) {
	groups, err := d.c.ListUserGroups(ctx, clickapi.ListOptions{Page: 1, PageSize: 20})
	if err != nil {
		return "", "", false
	}
	for _, g := range groups.Data {
		m, err := d.c.ListAssignedUsers(ctx, g.ID, clickapi.ListOptions{Page: 1, PageSize: 1})
		if err == nil && len(m.Data) > 0 && m.Data[0].User != nil {
			return g.ID, m.Data[0].User.ID, true
		}
	}
	return "", "", false
}

// page is a decoded list answer, as generic JSON.
type page struct {
	rows     []map[string]any
	total    int
	hasTotal bool
	options  map[string]any
	bare     bool // a JSON array rather than a collection
}

func (d *doctor) get(ctx context.Context, p listProbe, q url.Values) (*page, error) {
	query := url.Values{}
	for k, v := range p.query {
		query[k] = v
	}
	for k, v := range q {
		query[k] = v
	}
	raw, err := d.c.GetRaw(ctx, p.route, query)
	if err != nil {
		return nil, err
	}
	return parsePage(raw)
}

// parsePage reads a collection ({data, total, options}) or a bare array.
func parsePage(raw []byte) (*page, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	pg := &page{}
	var data any
	switch v := v.(type) {
	case []any:
		pg.bare, data = true, v
	case map[string]any:
		data = v["data"]
		if n, ok := v["total"].(json.Number); ok {
			t, err := n.Int64()
			pg.total, pg.hasTotal = int(t), err == nil
		}
		pg.options, _ = v["options"].(map[string]any)
	default:
		return nil, fmt.Errorf("a JSON %T, not a collection", v)
	}
	rows, ok := data.([]any)
	if !ok {
		return nil, errors.New("no data array")
	}
	for i, r := range rows {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("row %d is not an object", i+1)
		}
		pg.rows = append(pg.rows, m)
	}
	return pg, nil
}

// pageSizeAsked is the size the list checks ask for, the documented default.
const pageSizeAsked = clickapi.DefaultPageSize

// bigPage is the large page size asked to see what the agent serves (the
// client's own maximum, I5).
const bigPage = 500

func (d *doctor) list(ctx context.Context, p listProbe) {
	first, err := d.get(ctx, p, url.Values{"page": {"1"}, "pagesize": {strconv.Itoa(pageSizeAsked)}})
	if err != nil {
		d.add(p.name+": answer", "200 with a collection", err.Error(), Differs)
		return
	}
	d.shape(p, first)
	if first.bare || !first.hasTotal {
		return // the other checks read total
	}
	d.order(p, first)
	d.filter(ctx, p, first)
	d.servedSize(ctx, p, first)
	d.total(ctx, p, first)
	d.pastEnd(ctx, p, first)
}

func (d *doctor) shape(p listProbe, pg *page) {
	const expected = "{data, total, options{page, pageSize}}"
	item := p.name + ": shape"
	var missing []string
	switch {
	case pg.bare:
		d.add(item, expected, "a bare JSON array", Differs)
		return
	case !pg.hasTotal:
		missing = append(missing, "total")
	}
	if pg.options == nil {
		missing = append(missing, "options")
	} else {
		for _, k := range []string{"page", "pageSize"} {
			if _, ok := pg.options[k]; !ok {
				missing = append(missing, "options."+k)
			}
		}
	}
	if len(missing) > 0 {
		d.add(item, expected, "no "+strings.Join(missing, ", no "), Differs)
		return
	}
	d.add(item, expected, "as documented", OK)
}

func (d *doctor) order(p listProbe, pg *page) {
	dir := "ascending"
	if p.descending {
		dir = "descending"
	}
	item, expected := p.name+": default order", p.sortName+" "+dir
	var keys []string
	for _, r := range pg.rows {
		keys = append(keys, strings.ToLower(str(lookup(r, p.sortKey))))
	}
	distinct := slices.Compact(slices.Clone(keys))
	if len(distinct) < 2 {
		d.add(item, expected, fmt.Sprintf("cannot tell: %d distinct values", len(distinct)), Note)
		return
	}
	asc := slices.IsSorted(keys)
	desc := slices.IsSortedFunc(keys, func(a, b string) int { return strings.Compare(b, a) })
	switch {
	case asc && !p.descending, desc && p.descending:
		d.add(item, expected, dir, OK)
	case asc:
		d.add(item, expected, "ascending", Differs)
	case desc:
		d.add(item, expected, "descending", Differs)
	default:
		d.add(item, expected, "unordered", Differs)
	}
}

// filter asks for the first row's value in the other case: the documented
// filters match case-insensitive substrings.
func (d *doctor) filter(ctx context.Context, p listProbe, pg *page) {
	item, expected := p.name+": "+p.filterParam+" filter", "substring, ignoring case"
	if len(pg.rows) == 0 {
		d.add(item, expected, "cannot tell: the list is empty", Note)
		return
	}
	value := str(lookup(pg.rows[0], p.filterKey))
	asked := swapCase(value)
	if asked == value {
		d.add(item, expected, fmt.Sprintf("cannot tell: %q has no letters", value), Note)
		return
	}
	got, err := d.get(ctx, p, url.Values{p.filterParam: {asked}, "pagesize": {strconv.Itoa(bigPage)}})
	if err != nil {
		d.add(item, expected, err.Error(), Differs)
		return
	}
	for _, r := range got.rows {
		if strings.EqualFold(str(lookup(r, p.filterKey)), value) {
			d.add(item, expected, fmt.Sprintf("%q finds %q", asked, value), OK)
			return
		}
	}
	d.add(item, expected, fmt.Sprintf("%q does not find %q: case-sensitive", asked, value), Differs)
}

// servedSize asks for a big page: a silent cap is not a contract breach
// (no limit is published, I5), and clickscript's pager copes with it.
func (d *doctor) servedSize(ctx context.Context, p listProbe, first *page) {
	item, expected := p.name+": page size served", fmt.Sprintf("pagesize=%d: min(%d, total) rows", bigPage, bigPage)
	if want := min(pageSizeAsked, first.total); len(first.rows) < want {
		d.add(item, expected, fmt.Sprintf("%d rows for pagesize=%d: a silent cap (clickscript copes)", len(first.rows), pageSizeAsked), Note)
		return
	}
	if first.total <= pageSizeAsked {
		d.add(item, expected, fmt.Sprintf("cannot tell: total %d fits a default page", first.total), Note)
		return
	}
	got, err := d.get(ctx, p, url.Values{"page": {"1"}, "pagesize": {strconv.Itoa(bigPage)}})
	if err != nil {
		d.add(item, expected, err.Error(), Differs)
		return
	}
	want := min(bigPage, first.total)
	if len(got.rows) < want {
		d.add(item, expected, fmt.Sprintf("%d rows: a silent cap (clickscript copes)", len(got.rows)), Note)
		return
	}
	d.add(item, expected, fmt.Sprintf("%d rows", len(got.rows)), OK)
}

// total checks that total counts every match, not the page's rows (I4).
func (d *doctor) total(ctx context.Context, p listProbe, first *page) {
	item, expected := p.name+": total", "every match, whatever the page size"
	if first.total < 2 {
		d.add(item, expected, fmt.Sprintf("cannot tell: total %d", first.total), Note)
		return
	}
	one, err := d.get(ctx, p, url.Values{"page": {"1"}, "pagesize": {"1"}})
	if err != nil {
		d.add(item, expected, err.Error(), Differs)
		return
	}
	if !one.hasTotal || one.total != first.total {
		d.add(item, expected, fmt.Sprintf("%d with pagesize=1, %d with pagesize=%d", one.total, first.total, pageSizeAsked), Differs)
		return
	}
	d.add(item, expected, strconv.Itoa(first.total), OK)
}

// pastEnd asks for the page after the last one (I7).
func (d *doctor) pastEnd(ctx context.Context, p listProbe, first *page) {
	item, expected := p.name+": page past the end", "200, data [], the same total"
	past := first.total + 1 // past the end whatever page size is served
	got, err := d.get(ctx, p, url.Values{"page": {strconv.Itoa(past)}, "pagesize": {strconv.Itoa(pageSizeAsked)}})
	var e *clickapi.APIError
	switch {
	case errors.As(err, &e):
		d.add(item, expected, fmt.Sprintf("page %d: %d %s", past, e.Status, e.Type), Differs)
	case err != nil:
		d.add(item, expected, fmt.Sprintf("page %d: %v", past, err), Differs)
	case len(got.rows) != 0 || got.total != first.total:
		d.add(item, expected, fmt.Sprintf("page %d: %d rows, total %d", past, len(got.rows), got.total), Differs)
	default:
		d.add(item, expected, fmt.Sprintf("page %d: data [], total %d", past, got.total), OK)
	}
}

// latency times small requests one after another, then the same number in
// parallel: an agent that serves one request at a time takes about the
// sum of their times.
func (d *doctor) latency(ctx context.Context) {
	probe := func() (time.Duration, error) {
		start := time.Now()
		_, err := d.c.GetRaw(ctx, clickapi.RouteGroups, url.Values{"page": {"1"}, "pagesize": {"1"}})
		return time.Since(start), err
	}
	var times []time.Duration
	for range d.opts.Samples {
		t, err := probe()
		if err != nil {
			d.add("latency", "small requests answered", err.Error(), Differs)
			return
		}
		times = append(times, t)
	}
	slices.Sort(times)
	p50, p95 := percentile(times, 50), percentile(times, 95)
	d.p50 = p50
	d.add("latency", fmt.Sprintf("%d small requests", len(times)), fmt.Sprintf("p50 %v, p95 %v", round(p50), round(p95)), OK)
	d.parallel(ctx, probe)
}

// minParallelSignal is the least total sequential time the parallel check
// judges: below it, scheduling noise outweighs what it measures.
const minParallelSignal = 20 * time.Millisecond

// serialShare is the share of the sequential time above which parallel
// requests count as served one at a time.
const serialShare = 0.6

func (d *doctor) parallel(ctx context.Context, probe func() (time.Duration, error)) {
	n := d.opts.Parallel
	item, expected := "parallel requests", fmt.Sprintf("%d at once served side by side", n)
	sequential := time.Duration(n) * d.p50
	if n < 2 || sequential < minParallelSignal {
		d.add(item, expected, fmt.Sprintf("cannot tell: requests take %v", round(d.p50)), OK)
		return
	}
	best := time.Duration(math.MaxInt64)
	for range 3 { // the best of three rounds: noise only adds time
		start := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		for range n {
			wg.Go(func() {
				if _, err := probe(); err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if firstErr != nil {
			d.add(item, expected, firstErr.Error(), Differs)
			return
		}
		best = min(best, time.Since(start))
		if ctx.Err() != nil {
			return
		}
	}
	observed := fmt.Sprintf("%d took %v; one takes %v", n, round(best), round(d.p50))
	if float64(best) >= serialShare*float64(sequential) {
		d.add(item, expected, observed+": served one at a time", Differs)
		return
	}
	d.add(item, expected, observed, OK)
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// lookup follows a dotted path ("user.username") through JSON objects.
func lookup(row map[string]any, path string) any {
	var v any = row
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// swapCase turns "Design Team" into "dESIGN tEAM": the same text in
// another case, whatever case it had.
func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, s)
}
