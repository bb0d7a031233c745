package bindings

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
)

// This file is permission.sync: make one group's (or user's) grants
// exactly a desired list, like usergroup.sync does for members.

func permissionSyncFuncs() []Func {
	return []Func{
		{Module: "permission", Name: "sync", impl: (*module).permSync,
			Params: []Param{{"subject", "PermissionSubject", "{group=} or {user=}: an id, a table or an exact name"},
				{"desired", "DesiredGrant[]", "{{project=|drive=, level=\"read\"|\"readwrite\"|1|2}, ...}"},
				{"opts", "PermissionSyncOptions?", "{on=, add_only=, remove_only=, max_remove= (count or \"10%\", default 50%), force=, plan_only=, batch=}"}},
			Returns: "PermissionSyncResult",
			Summary: "Makes the subject's grants exactly the desired ones: adds the missing, sets other levels, revokes the rest (on projects and drives, or only those on=); max_remove refuses a large removal before any write; plan_only returns the plan and sends nothing."},
	}
}

// permSyncPlan is what permission.sync will change.
type permSyncPlan struct {
	want      []grantRec // the desired grants, each with its action
	removes   []grantRec
	unchanged int
	current   int // grants in scope before the sync
}

// count is how many desired grants need action a.
func (p *permSyncPlan) count(a grantAction) int {
	n := 0
	for _, g := range p.want {
		if g.action == a {
			n++
		}
	}
	return n
}

func (m *module) permSync(L *lua.LState) int {
	a := args{L, "permission.sync"}
	subj := a.table(1, false)
	sf := a.fields(subj, "subject field", "group", "user")
	var subject string
	for _, k := range []string{"group", "user"} {
		if sf.get(k) != lua.LNil {
			if subject != "" {
				a.errorf("bad argument #1 (give one of group= or user=, not both)")
			}
			subject = k
		}
	}
	if subject == "" {
		a.errorf("bad argument #1 (give {group=} or {user=})")
	}
	subjectID := m.refID(L, a, subject, sf.get(subject), "subject "+subject, nil)

	f := a.fields(a.table(3, true), "option", "on", "add_only", "remove_only", "max_remove", "force", "plan_only", "batch")
	addOnly := f.boolean("add_only", false, false)
	removeOnly := f.boolean("remove_only", false, false)
	force := f.boolean("force", false, false)
	planOnly := f.boolean("plan_only", false, false)
	if addOnly && removeOnly {
		a.errorf("options \"add_only\" and \"remove_only\" exclude each other")
	}
	size := m.batchSize(a, f)
	scope := []string{"project", "drive"}
	if on := f.str("on", false); on != "" {
		switch plural(on) {
		case "projects":
			scope = []string{"project"}
		case "drives":
			scope = []string{"drive"}
		default:
			a.errorf("option \"on\": %q: want \"projects\" or \"drives\"", on)
		}
	}

	// The desired grants, checked whole.
	items := a.list(2, a.table(2, false))
	var bad problems
	cache := map[string]string{}
	seen := map[string]string{}
	var want []grantRec
	for i, v := range items {
		where := fmt.Sprintf("desired[%d]", i+1)
		t, ok := v.(*lua.LTable)
		if !ok {
			bad.add(i+1, "%s: table {project=|drive=, level=} expected, got %s", where, v.Type())
			continue
		}
		var unknown string
		t.ForEach(func(k, _ lua.LValue) {
			switch k.String() {
			case "project", "drive", "level":
			default:
				unknown = k.String()
			}
		})
		if unknown != "" {
			bad.add(i+1, "%s: unknown field %q (known: project, drive, level)", where, unknown)
			continue
		}
		level, err := parseLevel(t.RawGetString("level"))
		if err != nil {
			bad.add(i+1, "%s: level: %v", where, err)
			continue
		}
		var objs []string
		for _, k := range []string{"project", "drive"} {
			if t.RawGetString(k) != lua.LNil {
				objs = append(objs, k)
			}
		}
		if len(objs) != 1 {
			bad.add(i+1, "%s: give one of project= or drive=", where)
			continue
		}
		obj := objs[0]
		if !slices.Contains(scope, obj) {
			bad.add(i+1, "%s: %s= is outside this sync (on=%q)", where, obj, f.str("on", false))
			continue
		}
		g := grantRec{kind: pairKind{subject, obj}, subjectID: subjectID, level: level, where: where}
		g.objectID = m.refID(L, a, obj, t.RawGetString(obj), where+": "+obj, cache)
		g.name = refName(t.RawGetString(obj))
		if first, dup := seen[g.pair()]; dup {
			bad.add(i+1, "%s: the same %s as %s", where, obj, first)
			continue
		}
		seen[g.pair()] = where
		want = append(want, g)
	}
	bad.raiseIfAny(a, "desired grants")

	plan, err := m.planPermSync(ctx(L), subject, subjectID, scope, want)
	if err != nil {
		raise(L, a.fn, err)
	}
	if addOnly {
		plan.removes = nil
	}
	if removeOnly {
		plan.want = nil
	}
	who := subjectID
	if name := refName(sf.get(subject)); name != "" {
		who = fmt.Sprintf("%q (%s)", name, subjectID)
	}
	if limit, set := maxRemove(a, f.get("max_remove"), plan.current); len(plan.removes) > limit && !force {
		if set {
			a.errorf("would revoke %d of the %d grants of %s %s, over max_remove (%d); nothing was changed (pass force=true to go ahead)",
				len(plan.removes), plan.current, subject, who, limit)
		}
		a.errorf("would revoke %d of the %d grants of %s %s, over max_remove (%d, the default %d%%); nothing was changed (pass max_remove= or force=true to go ahead)",
			len(plan.removes), plan.current, subject, who, limit, DefaultMaxRemovePercent)
	}
	m.logPermSyncPlan(L, a.fn, subject, subjectID, plan)

	var st grantStats
	removed := 0
	if !planOnly {
		st = m.applyGrants(L, a.fn, plan.want, size, false)
		for _, g := range plan.removes {
			gone := g
			gone.level = 0
			m.write(L, writeCall{op: a.fn, endpoint: "DELETE " + g.kind.route(),
				send: func(c context.Context) error { return m.revokeGrant(c, g.kind, g.id) },
				audit: func(e *audit.Entry, err error) {
					if err == nil {
						e.Permissions = []audit.PermissionChange{gone.change(g.level)}
					}
				}})
			removed++
		}
	}
	L.Push(m.permSyncResult(L, subjectID, plan, st, removed, planOnly))
	return 1
}

// permSyncResult is the table permission.sync returns: the counts of what
// it did and the plan, each change with its object's name when known.
func (m *module) permSyncResult(L *lua.LState, subjectID string, plan *permSyncPlan, st grantStats, removed int, planOnly bool) *lua.LTable {
	entry := func(g grantRec, level clickapi.PermissionLevel) *lua.LTable {
		e := L.CreateTable(0, 5)
		e.RawSetString("object", lua.LString(g.kind.object))
		e.RawSetString("id", lua.LString(g.objectID))
		name := g.name
		if name == "" {
			name = g.objectID
		}
		e.RawSetString("name", lua.LString(name))
		e.RawSetString("level", lua.LString(level.String()))
		return e
	}
	grants, changes, revokes := L.CreateTable(0, 0), L.CreateTable(0, 0), L.CreateTable(len(plan.removes), 0)
	for _, g := range plan.want {
		switch g.action {
		case grantAdd:
			grants.Append(entry(g, g.level))
		case grantChange:
			e := entry(g, g.level)
			e.RawSetString("from", lua.LString(g.prev.String()))
			changes.Append(e)
		}
	}
	for _, g := range plan.removes {
		revokes.Append(entry(g, g.level))
	}
	t := L.CreateTable(0, 11)
	t.RawSetString("subject", lua.LString(subjectID))
	t.RawSetString("added", lua.LNumber(st.added))
	t.RawSetString("changed", lua.LNumber(st.changed))
	t.RawSetString("removed", lua.LNumber(removed))
	t.RawSetString("unchanged", lua.LNumber(plan.unchanged))
	t.RawSetString("skipped", lua.LNumber(st.skipped))
	t.RawSetString("grants", grants)
	t.RawSetString("changes", changes)
	t.RawSetString("revokes", revokes)
	t.RawSetString("dry_run", lua.LBool(m.dryRun || planOnly))
	return t
}

// refName is how a plan or an error names what v refers to: the name
// given, the table's name (a user's username), or "" for an id.
func refName(v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		if checkUUID(string(x)) != nil {
			return string(x)
		}
	case *lua.LTable:
		for _, k := range []string{"name", "username"} {
			if s, ok := x.RawGetString(k).(lua.LString); ok {
				return string(s)
			}
		}
	}
	return ""
}

// planPermSync reads the subject's grants on each kind of object in scope
// and compares them with want.
func (m *module) planPermSync(c context.Context, subject, subjectID string, scope []string, want []grantRec) (*permSyncPlan, error) {
	current := make([]map[string]grantRec, len(scope))
	var mu sync.Mutex
	if subjectID != DryRunID {
		if _, err := forEachConcurrently(c, m.conc, len(scope), nil, func(c context.Context, i int) error {
			cur, err := m.currentGrants(c, pairKind{subject, scope[i]}, subjectID)
			mu.Lock()
			current[i] = cur
			mu.Unlock()
			return err
		}); err != nil {
			return nil, err
		}
	}
	plan := &permSyncPlan{}
	wanted := map[string]bool{}
	for _, g := range want {
		wanted[g.pair()] = true
	}
	for i, obj := range scope {
		k := pairKind{subject, obj}
		plan.current += len(current[i])
		for _, g := range want {
			if g.kind != k {
				continue
			}
			g.plan(current[i])
			if g.action == grantKeep {
				plan.unchanged++
			}
			plan.want = append(plan.want, g)
		}
		for _, cur := range sortedGrants(current[i]) {
			if !wanted[cur.pair()] {
				plan.removes = append(plan.removes, cur)
			}
		}
	}
	return plan, nil
}

// sortedGrants returns the grants of a map in object id order, so that
// plans and requests come in a stable order.
func sortedGrants(byObject map[string]grantRec) []grantRec {
	out := make([]grantRec, 0, len(byObject))
	for _, id := range sortedKeysOf(byObject) {
		out = append(out, byObject[id])
	}
	return out
}

func sortedKeysOf[V any](mm map[string]V) []string {
	return slices.Sorted(maps.Keys(mm))
}

// logPermSyncPlan logs the plan: at info level under --dry-run, else debug.
func (m *module) logPermSyncPlan(L *lua.LState, op, subject, subjectID string, plan *permSyncPlan) {
	level := slog.LevelDebug
	if m.dryRun {
		level = slog.LevelInfo
	}
	c := ctx(L)
	m.log.LogAttrs(c, level, "plan", slog.String("op", op), slog.String(subject, subjectID), slog.Int("add", plan.count(grantAdd)),
		slog.Int("change", plan.count(grantChange)), slog.Int("revoke", len(plan.removes)), slog.Int("unchanged", plan.unchanged))
	shown := map[grantAction]int{}
	for _, g := range plan.want {
		if g.action == grantKeep || shown[g.action] >= planPreviewRows {
			continue
		}
		shown[g.action]++
		if g.action == grantAdd {
			m.log.LogAttrs(c, level, "  + grant", slog.String(g.kind.object, g.objectID), slog.String("level", g.level.String()))
		} else {
			m.log.LogAttrs(c, level, "  ~ level", slog.String(g.kind.object, g.objectID), slog.String("from", g.prev.String()), slog.String("to", g.level.String()))
		}
	}
	for _, g := range plan.removes[:min(len(plan.removes), planPreviewRows)] {
		m.log.LogAttrs(c, level, "  - revoke", slog.String(g.kind.object, g.objectID), slog.String("level", g.level.String()))
	}
}
