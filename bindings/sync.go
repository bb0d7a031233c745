package bindings

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

// syncPlan is what sync will change: usernames to add (with their import
// records), assignments to remove, and how many members stay.
type syncPlan struct {
	adds      []desiredUser
	removes   []member
	unchanged int
	current   int
}

// desiredUser is a desired member and its 1-based position in the list.
type desiredUser struct {
	clickapi.ImportUser
	n int
}

// planPreviewRows is how many rows of each list a dry-run plan shows.
const planPreviewRows = 10

func (m *module) sync(L *lua.LState) int {
	a := args{L, "usergroup.sync"}
	group := m.resolveGroup(L, a, 1)
	desired, warn := parseDesired(a, 2)
	f := a.fields(a.table(3, true), "option", "add_only", "remove_only", "max_remove", "force", "allow_empty", "batch")
	addOnly := f.boolean("add_only", false, false)
	removeOnly := f.boolean("remove_only", false, false)
	force := f.boolean("force", false, false)
	allowEmpty := f.boolean("allow_empty", false, false)
	if addOnly && removeOnly {
		a.errorf("options \"add_only\" and \"remove_only\" exclude each other")
	}
	size := m.batchSize(a, f)

	plan, err := m.planSync(ctx(L), group.ID, desired, addOnly, removeOnly)
	if err != nil {
		raise(L, a.fn, err)
	}
	if limit, set := maxRemove(a, f.get("max_remove"), plan.current); len(plan.removes) > limit && !force {
		if set {
			a.errorf("would remove %d of %d members of %q, over max_remove (%d); nothing was changed (pass force=true to go ahead)",
				len(plan.removes), plan.current, group.Name, limit)
		}
		a.errorf("would remove %d of %d members of %q, over max_remove (%d, the default %d%%); nothing was changed (pass max_remove= or force=true to go ahead)",
			len(plan.removes), plan.current, group.Name, limit, DefaultMaxRemovePercent)
	}
	if plan.removes != nil && len(plan.removes) == plan.current && len(plan.adds) == 0 && !allowEmpty {
		a.errorf("would remove all %d members of %q and leave it empty; nothing was changed (pass allow_empty=true to empty a group)",
			plan.current, group.Name)
	}
	m.logPlan(L, group.Name, plan)
	for _, w := range warn {
		m.log.Warn("plan: " + w)
	}

	// Adds go through import, so that unknown usernames are created. The
	// plan already read the group and its members: only which users are
	// new (for the audit log) is left to find out.
	rows := make([]*row, len(plan.adds))
	for i, u := range plan.adds {
		rows[i] = &row{n: u.n, where: fmt.Sprintf("desired[%d]", u.n), user: u.ImportUser,
			ref: clickapi.GroupRef{ID: group.ID}, groupID: group.ID, groupName: group.Name}
	}
	if len(rows) > 0 {
		users, err := m.userIndex(ctx(L))
		if err != nil {
			raise(L, a.fn, err)
		}
		for _, r := range rows {
			r.newUser = users.byName[strings.ToLower(r.user.Username)] == nil
		}
	}
	if _, err := m.applyBulk(L, a.fn, kindImport, rows, size); err != nil {
		raise(L, a.fn, fmt.Errorf("adding members: %w", err))
	}
	if err := m.unassignAll(L, a.fn, group, plan.removes); err != nil {
		raise(L, a.fn, fmt.Errorf("removing members (the adds were applied): %w", err))
	}
	L.Push(m.syncResult(L, group, plan))
	return 1
}

// unassignAll removes the members, --concurrency at a time (the endpoint
// takes one assignment id per call), keeping the audit log and results.
// A removal whose answer was lost is read back (readback.go): found gone,
// it counts as applied; still there, as failed; unreadable, as unknown.
func (m *module) unassignAll(L *lua.LState, op string, group *clickapi.UserGroup, removes []member) error {
	if m.dryRun {
		for _, r := range removes {
			m.logWrite(L, op, "DELETE "+clickapi.RouteUnassignUser, 1, nil)
			m.removeResult(r, group, "planned", "dry run: not sent")
		}
		return nil
	}
	progress := m.progress(op+" (removals)", len(removes))
	defer progress.Finish()
	readCtx := ctx(L) // reading back after a lost answer: not cancelled by a sibling's failure
	called, err := forEachConcurrently(readCtx, m.conc, len(removes), nil, func(c context.Context, i int) error {
		r := removes[i]
		pair := audit.Pair{ID: r.assignmentID, UserID: r.userID, Username: r.username, UserGroupID: group.ID, GroupName: group.Name}
		var rb *removeReadBack // set when the answer was lost: what reading back found
		err := m.call(c, writeCall{op: op, endpoint: "DELETE " + clickapi.RouteUnassignUser,
			send: func(c context.Context) error { return m.client.UnassignUser(c, r.assignmentID) },
			audit: func(e *audit.Entry, err error) {
				switch {
				case err == nil:
					e.Removed = []audit.Pair{pair}
				case lostAnswer(err):
					found := m.readBackRemoval(readCtx, group.ID, r.assignmentID)
					found.record(e, pair)
					rb = &found
				}
			}})
		msg := ""
		if rb != nil {
			if err = rb.err(err); err == nil {
				msg = "no clear answer; reading back found it removed"
			}
		}
		switch {
		case err != nil && rb != nil && rb.readErr != nil:
			m.removeResult(r, group, "unknown", err.Error())
			return fmt.Errorf("unassign %s: %w", r.username, err)
		case err != nil:
			m.removeResult(r, group, "failed", err.Error())
			return fmt.Errorf("unassign %s: %w", r.username, err)
		}
		m.removeResult(r, group, "applied", msg)
		progress.Add(1)
		return nil
	})
	for i, r := range removes {
		if !called[i] {
			m.removeResult(r, group, "not sent", "stopped by an earlier failure")
		}
	}
	return err
}

// removeResult writes the results row of a removal.
func (m *module) removeResult(r member, group *clickapi.UserGroup, outcome, msg string) {
	if m.results != nil {
		m.results.Add(audit.Result{User: r.username, Group: group.Name, Action: "remove", Outcome: outcome, Message: msg})
	}
}

// resolveGroup reads a group argument: a group table, a uuid, or an exact name.
func (m *module) resolveGroup(L *lua.LState, a args, n int) *clickapi.UserGroup {
	switch v := L.Get(n).(type) {
	case *lua.LTable:
		id := stringField(v, "id")
		if err := checkUUID(id); err != nil {
			a.errorf("bad argument #%d (group table id %v)", n, err)
		}
		return &clickapi.UserGroup{ID: id, Name: stringField(v, "name")}
	case lua.LString:
		s := string(v)
		if checkUUID(s) == nil {
			return &clickapi.UserGroup{ID: s, Name: s}
		}
		g, err := m.findGroup(L, s)
		if err != nil {
			raise(L, a.fn, err)
		}
		if g == nil {
			a.errorf("bad argument #%d (no group named %q)", n, s)
		}
		return g
	default:
		a.badArg(n, "group table, id or name", v)
		return nil
	}
}

// parseDesired reads the desired members: usernames or import-user
// tables, each checked by checkUser before anything is read or sent. warn
// lists the look-alike usernames for the plan.
func parseDesired(a args, n int) (out []desiredUser, warn []string) {
	items := a.list(n, a.table(n, false))
	out = make([]desiredUser, 0, len(items))
	seen := make(map[string]int, len(items))
	var bad problems
	for i, v := range items {
		var u clickapi.ImportUser
		switch t := v.(type) {
		case lua.LString:
			u.Username = strings.TrimSpace(string(t))
		case *lua.LTable:
			u = clickapi.ImportUser{Username: strings.TrimSpace(stringField(t, "username")),
				FirstName: firstString(t, "firstName", "firstname"), LastName: firstString(t, "lastName", "lastname")}
		default:
			bad.add(i+1, "desired[%d]: username or {username=} expected, got %s", i+1, v.Type())
			continue
		}
		if field, msg := checkUser(u); msg != "" {
			bad.add(i+1, "desired[%d].%s: %s", i+1, field, msg)
			continue
		}
		if w := lookAlike(fmt.Sprintf("desired[%d]", i+1), u.Username); w != "" {
			warn = append(warn, w)
		}
		key := strings.ToLower(u.Username)
		if first, dup := seen[key]; dup {
			bad.add(i+1, "desired[%d]: %s repeats desired[%d]", i+1, u.Username, first)
			continue
		}
		seen[key] = i + 1
		out = append(out, desiredUser{u, i + 1})
	}
	bad.raiseIfAny(a, "desired members")
	return out, warn
}

// DefaultMaxRemovePercent is the max_remove guard of a sync that does not
// pass one: at most this percentage of the current members is removed.
const DefaultMaxRemovePercent = 50

// maxRemoveCountLimit is the largest count max_remove accepts (2^53, where
// Lua numbers stop being exact integers).
const maxRemoveCountLimit = 1 << 53

// maxRemove reads the max_remove option: a count, or a percentage of the
// current members as "10%". Without it the limit is DefaultMaxRemovePercent
// of the current members, rounded up (a one-member group may change its
// member), and set is false.
func maxRemove(a args, v lua.LValue, current int) (limit int, set bool) {
	switch x := v.(type) {
	case *lua.LNilType:
		return (current*DefaultMaxRemovePercent + 99) / 100, false
	case lua.LNumber:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > maxRemoveCountLimit || f != math.Trunc(f) {
			a.errorf("option \"max_remove\": %v is not a count (a whole number from 0) nor a percentage like \"10%%\"", x)
		}
		return int(f), true
	case lua.LString:
		s := strings.TrimSpace(string(x))
		if pct, ok := strings.CutSuffix(s, "%"); ok {
			p, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
			if err == nil && p >= 0 && p <= 100 {
				return int(math.Floor(p / 100 * float64(current))), true
			}
		}
		a.errorf("option \"max_remove\": %q is neither a count nor a percentage like \"10%%\"", s)
	default:
		a.errorf("option \"max_remove\": count or percentage expected, got %s", v.Type())
	}
	return 0, false
}

// planSync reads every page of the group's members and compares them with
// the desired usernames (case-insensitively).
func (m *module) planSync(c context.Context, groupID string, desired []desiredUser, addOnly, removeOnly bool) (*syncPlan, error) {
	want := make(map[string]bool, len(desired))
	for _, u := range desired {
		want[strings.ToLower(u.Username)] = true
	}
	members, err := m.groupMembers(c, groupID)
	if err != nil {
		return nil, err
	}
	have := make(map[string]bool, len(members))
	plan := &syncPlan{current: len(members)}
	for _, mb := range members {
		key := strings.ToLower(mb.username)
		have[key] = true
		switch {
		case want[key]:
			plan.unchanged++
		case !addOnly:
			plan.removes = append(plan.removes, mb)
		}
	}
	if !removeOnly {
		for _, u := range desired {
			if !have[strings.ToLower(u.Username)] {
				plan.adds = append(plan.adds, u)
			}
		}
	}
	slices.SortFunc(plan.removes, func(a, b member) int { return strings.Compare(a.username, b.username) })
	return plan, nil
}

// logPlan logs the plan: counts, then the first rows of each list.
func (m *module) logPlan(L *lua.LState, group string, plan *syncPlan) {
	level := slog.LevelDebug
	if m.dryRun {
		level = slog.LevelInfo
	}
	m.log.LogAttrs(ctx(L), level, "sync plan", slog.String("group", group), slog.Int("add", len(plan.adds)),
		slog.Int("remove", len(plan.removes)), slog.Int("unchanged", plan.unchanged))
	for i, u := range plan.adds {
		if i == planPreviewRows {
			m.log.LogAttrs(ctx(L), level, "  ...", slog.Int("more adds", len(plan.adds)-i))
			break
		}
		m.log.LogAttrs(ctx(L), level, "  + add", slog.String("username", u.Username))
	}
	for i, r := range plan.removes {
		if i == planPreviewRows {
			m.log.LogAttrs(ctx(L), level, "  ...", slog.Int("more removes", len(plan.removes)-i))
			break
		}
		m.log.LogAttrs(ctx(L), level, "  - remove", slog.String("username", r.username))
	}
}

func (m *module) syncResult(L *lua.LState, g *clickapi.UserGroup, plan *syncPlan) *lua.LTable {
	adds := L.CreateTable(len(plan.adds), 0)
	for i, u := range plan.adds {
		adds.RawSetInt(i+1, lua.LString(u.Username))
	}
	removes := L.CreateTable(len(plan.removes), 0)
	for i, r := range plan.removes {
		removes.RawSetInt(i+1, lua.LString(r.username))
	}
	t := L.CreateTable(0, 6)
	t.RawSetString("group", lua.LString(g.ID))
	t.RawSetString("adds", adds)
	t.RawSetString("removes", removes)
	t.RawSetString("unchanged", lua.LNumber(plan.unchanged))
	t.RawSetString("dry_run", lua.LBool(m.dryRun))
	applied := L.CreateTable(0, 2)
	if !m.dryRun {
		applied.RawSetString("added", lua.LNumber(len(plan.adds)))
		applied.RawSetString("removed", lua.LNumber(len(plan.removes)))
	} else {
		applied.RawSetString("added", lua.LNumber(0))
		applied.RawSetString("removed", lua.LNumber(0))
	}
	t.RawSetString("applied", applied)
	return t
}
