package bindings

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

// maxListedProblems caps how many bad items an error lists; the rest are counted.
const maxListedProblems = 20

// problems collects what is wrong with bulk input, so that every bad item
// is reported at once and nothing is sent.
type problems struct {
	list  []string
	total int
}

func (p *problems) add(format string, a ...any) {
	p.total++
	if len(p.list) < maxListedProblems {
		p.list = append(p.list, fmt.Sprintf(format, a...))
	}
}

// raiseIfAny raises one error listing the problems, if there are any.
func (p *problems) raiseIfAny(a args, what string) {
	if p.total == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad %s; nothing was sent:", p.total, what)
	for _, s := range p.list {
		b.WriteString("\n  ")
		b.WriteString(s)
	}
	if more := p.total - len(p.list); more > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more", more)
	}
	a.errorf("%s", b.String())
}

// bulkOptions reads {batch=} (argument n) and returns the batch size.
func (m *module) bulkOptions(a args, n int) int {
	f := a.fields(a.table(n, true), "option", "batch")
	size := f.integer("batch", m.batch)
	if size < 1 || size > 10000 {
		a.errorf("option \"batch\": %d is not between 1 and 10000", size)
	}
	return size
}

func (m *module) assign(L *lua.LState) int {
	a := args{L, "usergroup.assign"}
	items := a.list(1, a.table(1, false))
	size := m.bulkOptions(a, 2)
	pairs := make([]clickapi.UserUserGroup, 0, len(items))
	var bad problems
	seen := make(map[clickapi.UserUserGroup]int, len(items))
	for i, v := range items {
		t, ok := v.(*lua.LTable)
		if !ok {
			bad.add("item %d: table {userId=, userGroupId=} expected, got %s", i+1, v.Type())
			continue
		}
		p := clickapi.UserUserGroup{UserID: stringField(t, "userId"), UserGroupID: stringField(t, "userGroupId")}
		ok = true
		for _, fv := range [][2]string{{"userId", p.UserID}, {"userGroupId", p.UserGroupID}} {
			if err := checkUUID(fv[1]); err != nil {
				bad.add("item %d: %s: %v", i+1, fv[0], err)
				ok = false
			}
		}
		if !ok {
			continue
		}
		if first, dup := seen[p]; dup {
			bad.add("item %d: duplicate of item %d", i+1, first)
			continue
		}
		seen[p] = i + 1
		pairs = append(pairs, p)
	}
	bad.raiseIfAny(a, "items")
	batches, err := sendBatches(L, m, a.fn, "POST "+clickapi.RouteAssignUsers, pairs, size, m.client.AssignUsers)
	if err != nil {
		raise(L, a.fn, err)
	}
	L.Push(m.bulkResult(L, len(pairs), batches))
	return 1
}

// stringField returns t[name] as a string, or "" when it is not one.
func stringField(t *lua.LTable, name string) string {
	if s, ok := t.RawGetString(name).(lua.LString); ok {
		return string(s)
	}
	return ""
}

func (m *module) importUsers(L *lua.LState) int {
	a := args{L, "usergroup.import"}
	items := a.list(1, a.table(1, false))
	size := m.bulkOptions(a, 2)
	relations, bad := parseRelations(items)
	bad.raiseIfAny(a, "items")
	batches, err := sendBatches(L, m, a.fn, "POST "+clickapi.RouteImportUsers, relations, size, m.client.ImportUsers)
	if err != nil {
		raise(L, a.fn, err)
	}
	L.Push(m.bulkResult(L, len(relations), batches))
	return 1
}

// parseRelations reads import items, checking every one: a username, at
// least one group, each group by uuid or by name, no (user, group) twice.
func parseRelations(items []lua.LValue) ([]clickapi.UserUserGroupRelation, *problems) {
	var bad problems
	out := make([]clickapi.UserUserGroupRelation, 0, len(items))
	seen := map[string]int{}
	for i, v := range items {
		n := i + 1
		t, ok := v.(*lua.LTable)
		if !ok {
			bad.add("item %d: table {user=, userGroups=} expected, got %s", n, v.Type())
			continue
		}
		ut, ok := t.RawGetString("user").(*lua.LTable)
		if !ok {
			bad.add("item %d: user: table {username=, firstName=, lastName=} expected", n)
			continue
		}
		rel := clickapi.UserUserGroupRelation{User: clickapi.ImportUser{
			Username:  strings.TrimSpace(stringField(ut, "username")),
			FirstName: firstString(ut, "firstName", "firstname"),
			LastName:  firstString(ut, "lastName", "lastname"),
		}}
		if rel.User.Username == "" {
			bad.add("item %d: user.username: empty", n)
			continue
		}
		gt, ok := t.RawGetString("userGroups").(*lua.LTable)
		if !ok || gt.Len() == 0 {
			bad.add("item %d (%s): userGroups: a non-empty list {{id=}|{name=}, ...} expected", n, rel.User.Username)
			continue
		}
		for j := 1; j <= gt.Len(); j++ {
			g, ok := gt.RawGetInt(j).(*lua.LTable)
			if !ok {
				bad.add("item %d (%s): userGroups[%d]: table {id=} or {name=} expected", n, rel.User.Username, j)
				ok = false
				break
			}
			ref := clickapi.GroupRef{ID: stringField(g, "id"), Name: strings.TrimSpace(stringField(g, "name"))}
			switch {
			case ref.ID != "":
				if err := checkUUID(ref.ID); err != nil {
					bad.add("item %d (%s): userGroups[%d].id: %v", n, rel.User.Username, j, err)
					continue
				}
			case ref.Name == "":
				bad.add("item %d (%s): userGroups[%d]: needs an id or a name", n, rel.User.Username, j)
				continue
			}
			key := strings.ToLower(rel.User.Username) + "\x00" + strings.ToLower(ref.ID+"\x00"+ref.Name)
			if first, dup := seen[key]; dup {
				bad.add("item %d (%s): userGroups[%d]: duplicate of item %d", n, rel.User.Username, j, first)
				continue
			}
			seen[key] = n
			rel.UserGroups = append(rel.UserGroups, ref)
		}
		out = append(out, rel)
	}
	return out, &bad
}

func firstString(t *lua.LTable, names ...string) string {
	for _, n := range names {
		if s := stringField(t, n); s != "" {
			return s
		}
	}
	return ""
}

func (m *module) bulkResult(L *lua.LState, items, batches int) *lua.LTable {
	t := L.CreateTable(0, 3)
	t.RawSetString("items", lua.LNumber(items))
	t.RawSetString("batches", lua.LNumber(batches))
	t.RawSetString("dry_run", lua.LBool(m.dryRun))
	return t
}

// sendBatches splits items into batches of size and sends up to m.conc of
// them at once. The first failure cancels the batches not yet sent and is
// returned naming the batch and its items. Under dry run nothing is sent:
// each batch is logged. It returns the number of batches.
func sendBatches[T any](L *lua.LState, m *module, op, endpoint string, items []T, size int,
	send func(context.Context, []T) error) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	var batches [][]T
	for from := 0; from < len(items); from += size {
		batches = append(batches, items[from:min(from+size, len(items))])
	}
	if m.dryRun {
		for _, b := range batches {
			m.logWrite(L, op, endpoint, len(b), b)
		}
		return len(batches), nil
	}
	c, cancel := context.WithCancel(ctx(L))
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, m.conc)
	)
	start := time.Now()
	for i, b := range batches {
		select {
		case sem <- struct{}{}:
		case <-c.Done():
		}
		if c.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			err := send(c, b)
			if err == nil {
				m.log.LogAttrs(c, slog.LevelDebug, "batch sent", slog.String("op", op), slog.Int("batch", i+1), slog.Int("of", len(batches)), slog.Int("items", len(b)))
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if firstErr == nil {
				from := i*size + 1
				firstErr = fmt.Errorf("batch %d of %d (items %d-%d): %w", i+1, len(batches), from, from+len(b)-1, err)
				cancel()
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		if err := ctx(L).Err(); err != nil {
			return len(batches), err
		}
	}
	if firstErr == nil {
		m.log.LogAttrs(c, slog.LevelDebug, "bulk done", slog.String("op", op), slog.Int("items", len(items)), slog.Int("batches", len(batches)), slog.Duration("duration", time.Since(start)))
	}
	return len(batches), firstErr
}

// logWrite reports a write that dry-run mode did not send: the op, the
// endpoint, how many items and how many bytes the body would have had.
func (m *module) logWrite(L *lua.LState, op, endpoint string, items int, body any) {
	size := 0
	if body != nil {
		if b, err := json.Marshal(body); err == nil {
			size = len(b)
		}
	}
	m.log.LogAttrs(ctx(L), slog.LevelInfo, "dry run: not sent", slog.String("op", op), slog.String("endpoint", endpoint),
		slog.Int("items", items), slog.Int("bytes", size))
}
