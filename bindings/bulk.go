package bindings

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

// This file is the bulk machinery shared by assign, import, import_csv and
// sync: every row is validated and resolved before the first write, rows
// that are already memberships are left out, the rest go in batches,
// --concurrency at a time, with the journal, the audit log, the results
// file and progress kept as they go.

// maxListedProblems caps how many bad rows an error lists; the rest are counted.
const maxListedProblems = 20

// problems collects what is wrong with bulk input, so that every bad row
// is reported at once, in input order, and nothing is sent.
type problems struct {
	list []problem
}

type problem struct {
	n   int // the row, for ordering
	msg string
}

// maxKeptProblems bounds the memory a hopeless file can take.
const maxKeptProblems = 100_000

func (p *problems) add(n int, format string, a ...any) {
	if len(p.list) < maxKeptProblems {
		p.list = append(p.list, problem{n, fmt.Sprintf(format, a...)})
	}
}

func (p *problems) any() bool { return len(p.list) > 0 }

// raiseIfAny raises one error listing the problems in row order (the
// first maxListedProblems of them, then a count), if there are any.
func (p *problems) raiseIfAny(a args, what string) {
	if len(p.list) == 0 {
		return
	}
	slices.SortStableFunc(p.list, func(x, y problem) int { return cmp.Compare(x.n, y.n) })
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad %s; nothing was sent:", len(p.list), what)
	for _, x := range p.list[:min(len(p.list), maxListedProblems)] {
		b.WriteString("\n  ")
		b.WriteString(x.msg)
	}
	if more := len(p.list) - maxListedProblems; more > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more", more)
	}
	a.errorf("%s", b.String())
}

// bulkOptions reads {batch=} (argument n) and returns the batch size.
func (m *module) bulkOptions(a args, n int) int {
	f := a.fields(a.table(n, true), "option", "batch")
	return m.batchSize(a, f)
}

func (m *module) batchSize(a args, f fields) int {
	size := f.integer("batch", m.batch)
	if size < 1 || size > 10000 {
		a.errorf("option \"batch\": %d is not between 1 and 10000", size)
	}
	return size
}

// row is one membership of bulk input: one user in one group.
type row struct {
	n         int    // the input row: a CSV line, or the item's 1-based index
	where     string // how messages name it: "members.csv:4" or "item 4"
	userID    string // assign: the user's id
	user      clickapi.ImportUser
	ref       clickapi.GroupRef // the group as given
	groupID   string            // resolved
	groupName string
	exists    bool // already a membership before this run
	newUser   bool // import: no user has this username yet
}

// userLabel is how results and logs name the row's user.
func (r *row) userLabel() string {
	if r.user.Username != "" {
		return r.user.Username
	}
	return r.userID
}

// bulkKind is what a bulk write sends: import rows or assign pairs.
type bulkKind int

const (
	kindImport bulkKind = iota
	kindAssign
)

func (k bulkKind) endpoint() string {
	if k == kindAssign {
		return "POST " + clickapi.RouteAssignUsers
	}
	return "POST " + clickapi.RouteImportUsers
}

// resolve checks that every row's group exists (by id or by name) and, for
// assign, that every user exists; then it reads the current members of
// each group named, so that existing memberships are known. Problems name
// the row and the field.
// With plan set (create_groups), a group named but not found is planned
// for creation instead of being a problem.
func (m *module) resolve(c context.Context, kind bulkKind, rows []*row, bad *problems, plan *groupPlan) error {
	if len(rows) == 0 {
		return nil
	}
	groups, users, err := m.indexes(c)
	if err != nil {
		return err
	}
	if m.dryRun {
		// A group that insert only pretended to create in this dry run.
		groups.byID[DryRunID] = &clickapi.UserGroup{ID: DryRunID, Name: "(inserted in this dry run)"}
	}
	for _, r := range rows {
		var g *clickapi.UserGroup
		if r.ref.ID != "" {
			if g = groups.byID[r.ref.ID]; g == nil {
				bad.add(r.n, "%s: group: no group with id %s", r.where, r.ref.ID)
			}
		} else if g = groups.byName[strings.ToLower(r.ref.Name)]; g == nil && plan != nil {
			g = plan.add(r.ref.Name)
		} else if g == nil {
			bad.add(r.n, "%s: group: no group named %q (create_groups = true creates the missing groups)", r.where, r.ref.Name)
		}
		if g != nil {
			r.groupID, r.groupName = g.ID, g.Name
		}
		switch kind {
		case kindAssign:
			if u := users.byID[r.userID]; u == nil {
				bad.add(r.n, "%s: userId: no user with id %s", r.where, r.userID)
			} else {
				r.user.Username = u.Username
			}
		case kindImport:
			r.newUser = users.byName[strings.ToLower(r.user.Username)] == nil
		}
	}
	if bad.any() {
		return nil
	}
	// The current members of every group named, read --concurrency groups
	// at a time: group id -> user ids and lowercased usernames.
	members := map[string]map[string]bool{}
	var ids []string
	for _, r := range rows {
		if _, ok := members[r.groupID]; !ok {
			members[r.groupID] = map[string]bool{}
			if r.groupID != DryRunID && r.groupID != "" { // "": a group to create
				ids = append(ids, r.groupID)
			}
		}
	}
	var mu sync.Mutex
	if _, err := forEachConcurrently(c, m.conc, len(ids), nil, func(c context.Context, i int) error {
		set, err := m.memberKeys(c, ids[i])
		mu.Lock()
		members[ids[i]] = set
		mu.Unlock()
		return err
	}); err != nil {
		return err
	}
	for _, r := range rows {
		set := members[r.groupID]
		r.exists = set[r.userID] || set[strings.ToLower(r.user.Username)]
	}
	return nil
}

// indexes reads every group and every user, the two listings side by
// side (each fetches its pages side by side too, all through the
// client's limiter).
func (m *module) indexes(c context.Context) (*groupIndexT, *userIndexT, error) {
	var groups *groupIndexT
	var gerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		groups, gerr = m.groupIndex(c)
	}()
	users, uerr := m.userIndex(c)
	<-done
	if gerr != nil {
		return nil, nil, gerr
	}
	if uerr != nil {
		return nil, nil, uerr
	}
	return groups, users, nil
}

// groupIndex reads every live group once.
type groupIndexT struct {
	byID, byName map[string]*clickapi.UserGroup
}

func (m *module) groupIndex(c context.Context) (*groupIndexT, error) {
	idx := &groupIndexT{byID: map[string]*clickapi.UserGroup{}, byName: map[string]*clickapi.UserGroup{}}
	p := m.client.UserGroups(c, clickapi.ListOptions{PageSize: clickapi.MaxPageSize})
	defer p.Close()
	for {
		g, ok := p.Next()
		if !ok {
			return idx, p.Err()
		}
		idx.byID[g.ID] = &g
		idx.byName[strings.ToLower(g.Name)] = &g
	}
}

type userIndexT struct {
	byID, byName map[string]*clickapi.User
}

// userIndex reads every user once.
func (m *module) userIndex(c context.Context) (*userIndexT, error) {
	idx := &userIndexT{byID: map[string]*clickapi.User{}, byName: map[string]*clickapi.User{}}
	p := m.client.Users(c, clickapi.ListOptions{PageSize: clickapi.MaxPageSize})
	defer p.Close()
	for {
		u, ok := p.Next()
		if !ok {
			return idx, p.Err()
		}
		idx.byID[u.ID] = &u
		idx.byName[strings.ToLower(u.Username)] = &u
	}
}

// memberKeys reads every member of a group: their ids and lowercased usernames.
func (m *module) memberKeys(c context.Context, groupID string) (map[string]bool, error) {
	members, err := m.groupMembers(c, groupID)
	set := make(map[string]bool, 2*len(members))
	for _, mb := range members {
		set[mb.userID] = true
		set[strings.ToLower(mb.username)] = true
	}
	return set, err
}

// bulkStats is what a bulk write did, for the script and the plan.
type bulkStats struct {
	rows, added, unchanged, skipped, createdUsers, batches int
}

// batch is one request's worth of bulk rows.
type batch struct {
	rows    []*row
	key     string // the journal's key; "" without a journal
	skipped bool   // the journal says an earlier run applied it
}

// applyBulk sends the rows that are not memberships yet, in batches of
// size, up to m.conc at once. A batch the journal holds is skipped. The
// first failure stops the batches not yet sent and is returned naming the
// batch and its rows.
func (m *module) applyBulk(L *lua.LState, op string, kind bulkKind, rows []*row, size int) (bulkStats, error) {
	batches, st, toSend, err := m.planBatches(kind, rows, size)
	if err != nil {
		return st, err
	}
	m.logBulkPlan(L, op, kind, rows, st)
	if m.dryRun {
		m.reportDryRun(L, op, kind, batches)
		return st, nil
	}
	for _, b := range batches {
		if b.skipped {
			for _, r := range b.rows {
				m.result(r, "add", "skipped", "applied by an earlier run (journal)")
			}
		}
	}
	st.added, err = m.sendBatches(ctx(L), op, kind, batches, toSend)
	return st, err
}

// planBatches cuts rows into batches of size, asks the journal which an
// earlier run applied, and counts what the write will do; toSend is how
// many rows it will send.
func (m *module) planBatches(kind bulkKind, rows []*row, size int) (batches []batch, st bulkStats, toSend int, err error) {
	st = bulkStats{rows: len(rows)}
	created := map[string]bool{}
	for from := 0; from < len(rows); from += size {
		b := batch{rows: rows[from:min(from+size, len(rows))]}
		if m.journal != nil {
			if b.key, err = audit.BatchKey(kind.endpoint(), payload(kind, b.rows)); err != nil {
				return nil, st, 0, err
			}
			b.skipped = m.journal.Applied(b.key)
		}
		for _, r := range b.rows {
			switch {
			case b.skipped:
				st.skipped++
			case r.exists:
				st.unchanged++
			default:
				toSend++
				if kind == kindImport && r.newUser {
					created[strings.ToLower(r.user.Username)] = true
				}
			}
		}
		batches = append(batches, b)
	}
	st.createdUsers = len(created)
	st.batches = len(batches)
	return batches, st, toSend, nil
}

// reportDryRun writes the results rows and logs the requests that a dry
// run does not send.
func (m *module) reportDryRun(L *lua.LState, op string, kind bulkKind, batches []batch) {
	for _, b := range batches {
		for _, r := range b.rows {
			switch {
			case b.skipped:
				m.result(r, "add", "skipped", "applied by an earlier run (journal)")
			case r.exists:
				m.result(r, "add", "unchanged", "already a member")
			default:
				m.result(r, "add", "planned", "dry run: not sent")
			}
		}
		if todo := pending(b.rows); len(todo) > 0 && !b.skipped {
			m.logWrite(L, op, kind.endpoint(), len(todo), payload(kind, todo))
		}
	}
}

// sendBatches sends the batches the journal does not hold, m.conc at a
// time, and returns how many rows were added. The first failure stops the
// rest; its error says how many batches landed and, with a journal, how to
// finish.
func (m *module) sendBatches(c context.Context, op string, kind bulkKind, batches []batch, toSend int) (added int, err error) {
	progress := m.progress(op, toSend)
	defer progress.Finish()
	var mu sync.Mutex
	applied := 0
	called, firstErr := forEachConcurrently(c, m.conc, len(batches), func(i int) bool { return batches[i].skipped },
		func(bc context.Context, i int) error {
			b := batches[i]
			n, err := m.sendBatch(bc, c, op, kind, b.key, b.rows)
			if err != nil {
				mu.Lock()
				added += n // a lost answer may have landed part of the batch
				mu.Unlock()
				progress.Add(n)
				return fmt.Errorf("batch %d of %d (%s to %s): %w", i+1, len(batches), b.rows[0].where, b.rows[len(b.rows)-1].where, err)
			}
			mu.Lock()
			applied++
			added += n
			mu.Unlock()
			progress.Add(n)
			return nil
		})
	for i, b := range batches {
		if !called[i] && !b.skipped {
			for _, r := range b.rows {
				m.result(r, "add", "not sent", "stopped by an earlier failure")
			}
		}
	}
	if firstErr != nil {
		msg := fmt.Sprintf("%d of %d batches applied", applied, len(batches))
		if m.journal != nil && applied > 0 {
			msg += " and recorded in the journal: run again with the same --journal to finish"
		}
		return added, fmt.Errorf("%w (%s)", firstErr, msg)
	}
	return added, nil
}

// pending returns the rows of a batch that are not memberships yet.
func pending(b []*row) []*row {
	out := make([]*row, 0, len(b))
	for _, r := range b {
		if !r.exists {
			out = append(out, r)
		}
	}
	return out
}

// payload is the request body for rows.
func payload(kind bulkKind, rows []*row) any {
	if kind == kindAssign {
		pairs := make([]clickapi.UserUserGroup, len(rows))
		for i, r := range rows {
			pairs[i] = clickapi.UserUserGroup{UserID: r.userID, UserGroupID: r.groupID}
		}
		return pairs
	}
	rels := make([]clickapi.UserUserGroupRelation, len(rows))
	for i, r := range rows {
		rels[i] = clickapi.UserUserGroupRelation{User: r.user, UserGroups: []clickapi.GroupRef{{ID: r.groupID, Name: r.groupName}}}
	}
	return rels
}

// sendBatch sends the pending rows of one batch, then records it in the
// journal, the audit log and the results. It returns how many rows it
// added. When the answer is lost (clickapi.ErrOutcomeUnknown) it reads
// the groups back under readCtx (which a sibling batch's failure does not
// cancel) and records exactly what landed: a batch found whole in place
// counts as applied, journal included; otherwise the landed rows are
// applied, the others failed or, when their group could not be read,
// unknown, and the error says so.
func (m *module) sendBatch(c, readCtx context.Context, op string, kind bulkKind, key string, b []*row) (int, error) {
	todo := pending(b)
	landedMsg := "" // the results message of the rows that landed
	for _, r := range b {
		if r.exists {
			m.result(r, "add", "unchanged", "already a member")
		}
	}
	if len(todo) > 0 {
		var rb *addReadBack // set when the answer was lost: what reading back found
		err := m.call(c, writeCall{op: op, endpoint: kind.endpoint(), items: len(todo),
			send: func(c context.Context) error {
				if kind == kindAssign {
					return m.client.AssignUsers(c, payload(kind, todo).([]clickapi.UserUserGroup))
				}
				return m.client.ImportUsers(c, payload(kind, todo).([]clickapi.UserUserGroupRelation))
			},
			audit: func(e *audit.Entry, err error) {
				switch {
				case err == nil:
					auditAdded(e, kind, todo)
				case lostAnswer(err):
					rb = m.readBackAdds(readCtx, todo)
					rb.record(e, kind)
				}
			}})
		if err != nil && rb != nil && rb.all() {
			m.log.LogAttrs(c, slog.LevelWarn, "no clear answer; reading back found the batch in place", slog.String("op", op),
				slog.String("endpoint", kind.endpoint()), slog.Int("items", len(todo)))
			err, landedMsg = nil, "no clear answer; reading back found it in place"
		}
		switch {
		case err != nil && rb != nil:
			m.readBackResults(rb, err)
			return len(rb.landed), fmt.Errorf("%w (%s)", err, rb.summary())
		case err != nil:
			for _, r := range todo {
				m.result(r, "add", "failed", err.Error())
			}
			return 0, err
		}
	}
	if m.journal != nil {
		if err := m.journal.Record(key, op, kind.endpoint(), len(b)); err != nil {
			return len(todo), err
		}
	}
	for _, r := range todo {
		m.result(r, "add", "applied", landedMsg)
	}
	return len(todo), nil
}

// auditAdded records in e the memberships a bulk call added, and the
// users an import created.
func auditAdded(e *audit.Entry, kind bulkKind, rows []*row) {
	seen := map[string]bool{}
	for _, r := range rows {
		e.Added = append(e.Added, audit.Pair{UserID: r.userID, Username: r.user.Username, UserGroupID: r.groupID, GroupName: r.groupName})
		if kind == kindImport && r.newUser && !seen[strings.ToLower(r.user.Username)] {
			seen[strings.ToLower(r.user.Username)] = true
			e.CreatedUsers = append(e.CreatedUsers, r.user.Username)
		}
	}
}

// result writes a results row, if a results file was asked for.
func (m *module) result(r *row, action, outcome, msg string) {
	if m.results == nil {
		return
	}
	group := r.groupName
	if group == "" {
		group = r.ref.Name + r.ref.ID
	}
	m.results.Add(audit.Result{Row: r.n, User: r.userLabel(), Group: group, Action: action, Outcome: outcome, Message: msg})
}

// logBulkPlan logs what a bulk write will do: counts, then the first rows
// of each kind. Under dry run it is the plan the user reads, at info level.
func (m *module) logBulkPlan(L *lua.LState, op string, kind bulkKind, rows []*row, st bulkStats) {
	level := slog.LevelDebug
	if m.dryRun {
		level = slog.LevelInfo
	}
	c := ctx(L)
	attrs := []slog.Attr{slog.String("op", op), slog.Int("add", st.rows-st.unchanged-st.skipped), slog.Int("unchanged", st.unchanged), slog.Int("batches", st.batches)}
	if st.skipped > 0 {
		attrs = append(attrs, slog.Int("skipped_by_journal", st.skipped))
	}
	if kind == kindImport {
		attrs = append(attrs, slog.Int("create_users", st.createdUsers))
	}
	m.log.LogAttrs(c, level, "plan", attrs...)
	shown := map[bool]int{}
	for _, r := range rows {
		if shown[r.exists] == planPreviewRows {
			continue
		}
		shown[r.exists]++
		sign := "  + add"
		if r.exists {
			sign = "  = unchanged"
		}
		m.log.LogAttrs(c, level, sign, slog.String("user", r.userLabel()), slog.String("group", r.groupName), slog.String("row", r.where))
	}
}

// bulkResult is what assign and import return to the script.
func (m *module) bulkResult(L *lua.LState, st bulkStats) *lua.LTable {
	t := L.CreateTable(0, 8)
	t.RawSetString("items", lua.LNumber(st.rows))
	t.RawSetString("added", lua.LNumber(st.added))
	t.RawSetString("unchanged", lua.LNumber(st.unchanged))
	t.RawSetString("skipped", lua.LNumber(st.skipped))
	t.RawSetString("created_users", lua.LNumber(st.createdUsers))
	t.RawSetString("batches", lua.LNumber(st.batches))
	t.RawSetString("dry_run", lua.LBool(m.dryRun))
	return t
}

func (m *module) assign(L *lua.LState) int {
	a := args{L, "usergroup.assign"}
	items := a.list(1, a.table(1, false))
	size := m.bulkOptions(a, 2)
	var bad problems
	rows := make([]*row, 0, len(items))
	seen := make(map[[2]string]string, len(items))
	for i, v := range items {
		where := fmt.Sprintf("item %d", i+1)
		t, ok := v.(*lua.LTable)
		if !ok {
			bad.add(i+1, "%s: table {userId=, userGroupId=} expected, got %s", where, v.Type())
			continue
		}
		r := &row{n: i + 1, where: where, userID: stringField(t, "userId")}
		r.ref.ID = stringField(t, "userGroupId")
		ok = true
		for _, fv := range [][2]string{{"userId", r.userID}, {"userGroupId", r.ref.ID}} {
			if err := checkUUID(fv[1]); err != nil {
				bad.add(i+1, "%s: %s: %v", where, fv[0], err)
				ok = false
			}
		}
		if !ok {
			continue
		}
		key := [2]string{r.userID, r.ref.ID}
		if first, dup := seen[key]; dup {
			bad.add(i+1, "%s: duplicate of %s", where, first)
			continue
		}
		seen[key] = where
		rows = append(rows, r)
	}
	m.validateAndApply(L, a, kindAssign, rows, &bad, size, false)
	return 1
}

func (m *module) importUsers(L *lua.LState) int {
	a := args{L, "usergroup.import"}
	items := a.list(1, a.table(1, false))
	size, create := m.importOptions(a, 2)
	rows, bad, warn := parseRelations(items)
	for _, w := range warn {
		m.log.Warn("plan: " + w)
	}
	m.validateAndApply(L, a, kindImport, rows, bad, size, create)
	return 1
}

// validateAndApply is the common end of assign, import and import_csv:
// format problems, then resolution problems, are raised before any write;
// then the groups to create (createGroups) are created; then the rows are
// applied and the result pushed.
func (m *module) validateAndApply(L *lua.LState, a args, kind bulkKind, rows []*row, bad *problems, size int, createGroups bool) {
	var plan *groupPlan
	if createGroups {
		plan = newGroupPlan()
	}
	if err := m.resolve(ctx(L), kind, rows, bad, plan); err != nil {
		raise(L, a.fn, err)
	}
	bad.raiseIfAny(a, "rows")
	if err := m.createPlannedGroups(L, a.fn, plan, rows); err != nil {
		raise(L, a.fn, err)
	}
	st, err := m.applyBulk(L, a.fn, kind, rows, size)
	if err != nil {
		raise(L, a.fn, err)
	}
	L.Push(m.bulkResult(L, st))
}

// stringField returns t[name] as a string, or "" when it is not one.
func stringField(t *lua.LTable, name string) string {
	if s, ok := t.RawGetString(name).(lua.LString); ok {
		return string(s)
	}
	return ""
}

// parseRelations reads import items into rows, one per (user, group),
// checking every one: a user that passes checkUser, at least one group,
// each group by uuid or by name, no (user, group) twice. warn lists the
// look-alike usernames for the plan.
func parseRelations(items []lua.LValue) (rows []*row, bad *problems, warn []string) {
	bad = &problems{}
	seen := map[rowKey]string{}
	for i, v := range items {
		n := i + 1
		where := fmt.Sprintf("item %d", n)
		t, ok := v.(*lua.LTable)
		if !ok {
			bad.add(n, "%s: table {user=, userGroups=} expected, got %s", where, v.Type())
			continue
		}
		ut, ok := t.RawGetString("user").(*lua.LTable)
		if !ok {
			bad.add(n, "%s: user: table {username=, firstName=, lastName=} expected", where)
			continue
		}
		user := clickapi.ImportUser{
			Username:  strings.TrimSpace(stringField(ut, "username")),
			Email:     strings.TrimSpace(stringField(ut, "email")),
			FirstName: firstString(ut, "firstName", "firstname"),
			LastName:  firstString(ut, "lastName", "lastname"),
		}
		if field, msg := checkUser(user); msg != "" {
			bad.add(n, "%s: user.%s: %s", where, field, msg)
			continue
		}
		if w := lookAlike(where, user.Username); w != "" {
			warn = append(warn, w)
		}
		var msg string
		if user.UserType, msg = importUserType(ut.RawGetString("userType")); msg != "" {
			bad.add(n, "%s (%s): user.userType: %s", where, user.Username, msg)
			continue
		}
		gt, ok := t.RawGetString("userGroups").(*lua.LTable)
		if !ok || gt.Len() == 0 {
			bad.add(n, "%s (%s): userGroups: a non-empty list {{id=}|{name=}, ...} expected", where, user.Username)
			continue
		}
		for j := 1; j <= gt.Len(); j++ {
			g, ok := gt.RawGetInt(j).(*lua.LTable)
			if !ok {
				bad.add(n, "%s (%s): userGroups[%d]: table {id=} or {name=} expected", where, user.Username, j)
				continue
			}
			ref := clickapi.GroupRef{ID: stringField(g, "id"), Name: strings.TrimSpace(stringField(g, "name"))}
			if r, msg := newImportRow(n, where, user, ref); msg != "" {
				bad.add(n, "%s (%s): userGroups[%d]%s", where, user.Username, j, msg)
			} else if first, dup := seen[r.key()]; dup {
				bad.add(n, "%s (%s): userGroups[%d]: duplicate of %s", where, user.Username, j, first)
			} else {
				seen[r.key()] = where
				rows = append(rows, r)
			}
		}
	}
	return rows, bad, warn
}

// newImportRow checks a group reference; msg says what is wrong with it
// (starting with the field, e.g. ".id: ..."), or is empty.
func newImportRow(n int, where string, user clickapi.ImportUser, ref clickapi.GroupRef) (*row, string) {
	switch {
	case ref.ID != "":
		if err := checkUUID(ref.ID); err != nil {
			return nil, ".id: " + err.Error()
		}
	case ref.Name == "":
		return nil, ": needs an id or a name"
	}
	return &row{n: n, where: where, user: user, ref: ref}, ""
}

// rowKey identifies a row's (user, group) as given, for duplicate checks.
type rowKey struct{ user, userID, groupID, groupName string }

func (r *row) key() rowKey {
	return rowKey{strings.ToLower(r.user.Username), r.userID, r.ref.ID, strings.ToLower(r.ref.Name)}
}

func firstString(t *lua.LTable, names ...string) string {
	for _, n := range names {
		if s := stringField(t, n); s != "" {
			return s
		}
	}
	return ""
}
