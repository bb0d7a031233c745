package bindings

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

// This file holds what usergroup.import and import_csv add to the bulk
// machinery: their options, the user fields of an import row, and the
// create_groups option. The agent's import creates every group it cannot
// find by name [web:usergroup.md]; clickscript still refuses a group it
// cannot find, so that a typo does not make a group, unless the script
// passes create_groups = true. It then creates the missing groups itself,
// one at a time before the first batch (concurrent batches could otherwise
// race to create the same group twice, INFERRED I9), and a dry run lists
// them in its plan.

// importOptions reads {batch=, create_groups=} (argument n).
func (m *module) importOptions(a args, n int) (size int, createGroups bool) {
	f := a.fields(a.table(n, true), "option", "batch", "create_groups")
	return m.batchSize(a, f), f.boolean("create_groups", false, false)
}

// groupPlan collects the groups an import names that do not exist yet,
// once each (names compared ignoring case), in the order the rows name them.
type groupPlan struct {
	byName map[string]*clickapi.UserGroup
	order  []*clickapi.UserGroup
}

func newGroupPlan() *groupPlan { return &groupPlan{byName: map[string]*clickapi.UserGroup{}} }

// add plans the group named name and returns its placeholder, whose ID
// stays empty until the group is created.
func (p *groupPlan) add(name string) *clickapi.UserGroup {
	key := strings.ToLower(name)
	if g := p.byName[key]; g != nil {
		return g
	}
	g := &clickapi.UserGroup{Name: name, Active: true}
	p.byName[key] = g
	p.order = append(p.order, g)
	return g
}

// createPlannedGroups creates the planned groups one at a time, each with
// the insert that never duplicates (insertOnce), and gives their rows the
// new ids. Under dry run it only logs the plan. Each creation is audited.
func (m *module) createPlannedGroups(L *lua.LState, op string, plan *groupPlan, rows []*row) error {
	if plan == nil || len(plan.order) == 0 {
		return nil
	}
	if m.dryRun {
		m.log.LogAttrs(ctx(L), slog.LevelInfo, "plan", slog.String("op", op), slog.Int("create_groups", len(plan.order)))
		for _, g := range plan.order {
			m.log.LogAttrs(ctx(L), slog.LevelInfo, "  + create group", slog.String("group", g.Name))
			m.logWrite(L, op, "POST "+clickapi.RouteInsertGroup, 1, clickapi.NewUserGroup{Name: g.Name, Active: true})
		}
		return nil
	}
	for _, g := range plan.order {
		created, err := m.insertAudited(L, op, clickapi.NewUserGroup{Name: g.Name, Active: true})
		if err != nil {
			return fmt.Errorf("create group %q (create_groups): %w", g.Name, err)
		}
		m.log.LogAttrs(ctx(L), slog.LevelInfo, "created group", slog.String("op", op), slog.String("group", created.Name), slog.String("id", created.ID))
		*g = *created
	}
	for _, r := range rows {
		if r.groupID == "" {
			if g := plan.byName[strings.ToLower(r.ref.Name)]; g != nil {
				r.groupID, r.groupName = g.ID, g.Name
			}
		}
	}
	return nil
}

// importUserType reads the userType of an import user: absent (0, sent
// as clickapi.DefaultImportUserType), a number or a name ("desktop_standard_user").
// msg says what is wrong, or is empty.
func importUserType(v lua.LValue) (clickapi.UserType, string) {
	switch x := v.(type) {
	case *lua.LNilType:
		return 0, ""
	case lua.LNumber:
		return parseUserType(x.String())
	case lua.LString:
		return parseUserType(string(x))
	}
	return 0, "a user type name or number expected, got " + v.Type().String()
}

// parseUserType reads one user type given by name or number; "" is absent.
func parseUserType(s string) (clickapi.UserType, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ""
	}
	names := clickapi.UserTypeNames()
	if n, err := strconv.Atoi(s); err == nil {
		for _, fn := range names {
			if fn.Value == n {
				return clickapi.UserType(n), ""
			}
		}
		return 0, fmt.Sprintf("%d is not a user type", n)
	}
	key := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(s))
	known := make([]string, 0, len(names))
	for _, fn := range names {
		if key == fn.Name || strings.EqualFold(s, fn.Vendor) {
			return clickapi.UserType(fn.Value), ""
		}
		known = append(known, fn.Name)
	}
	return 0, fmt.Sprintf("unknown user type %q (known: %s)", s, strings.Join(known, ", "))
}
