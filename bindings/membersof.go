package bindings

import (
	"context"
	"fmt"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

// membersOf is usergroup.members_of: the members of several groups, the
// groups read side by side.
func (m *module) membersOf(L *lua.LState) int {
	a := args{L, "usergroup.members_of"}
	list := a.table(1, false)
	var ids []string
	for i := 1; i <= list.Len(); i++ {
		v := list.RawGetInt(i)
		if t, ok := v.(*lua.LTable); ok {
			v = t.RawGetString("id")
		}
		s, ok := v.(lua.LString)
		if !ok {
			a.errorf("bad argument #1 (item %d: group id (string) or group table with an id expected, got %s)", i, v.Type())
		}
		if err := checkUUID(string(s)); err != nil {
			a.errorf("bad argument #1 (item %d: group id %s)", i, err)
		}
		ids = append(ids, string(s))
	}
	opts := m.listOptions(a, 2, "username")
	conc := m.client.Limiter().Ceiling()
	if m.seq {
		conc = 1
	}
	read := func(c context.Context, i int) ([]clickapi.UserUserGroupDTO, error) {
		rows, err := m.client.AssignedUsers(c, ids[i], opts).All()
		if err != nil {
			return nil, fmt.Errorf("members of group %s: %w", ids[i], err)
		}
		return rows, nil
	}
	var f *fanOut[clickapi.UserUserGroupDTO]
	var it *listIter
	start := func(L *lua.LState) *fanOut[clickapi.UserUserGroupDTO] {
		if f == nil {
			f = newFanOut(ctx(L), len(ids), conc, read)
			openItersOf(L).m[it] = struct{}{}
		}
		return f
	}
	ended := func(L *lua.LState) { delete(openItersOf(L).m, it) }
	it = &listIter{
		op: a.fn,
		next: func(L *lua.LState) (lua.LValue, error) {
			f := start(L)
			d, ok := f.Next()
			if !ok {
				ended(L)
				return lua.LNil, f.Err()
			}
			return dtoTable(L, &d), nil
		},
		all: func(L *lua.LState) (*lua.LTable, error) {
			f := start(L)
			out := L.CreateTable(0, 0)
			for i := 1; ; i++ {
				d, ok := f.Next()
				if !ok {
					ended(L)
					return out, f.Err()
				}
				out.RawSetInt(i, dtoTable(L, &d))
			}
		},
		first: func(L *lua.LState) (lua.LValue, error) {
			o := opts
			o.Page, o.PageSize = 1, 1
			for _, id := range ids {
				col, err := m.client.ListAssignedUsers(ctx(L), id, o)
				if err != nil {
					return lua.LNil, err
				}
				if len(col.Data) > 0 {
					return dtoTable(L, &col.Data[0]), nil
				}
			}
			return lua.LNil, nil
		},
		count: func(L *lua.LState) (int, error) {
			o := opts
			o.Page, o.PageSize = 1, 1
			totals := make([]int, len(ids))
			_, err := forEachConcurrently(ctx(L), conc, len(ids), nil, func(c context.Context, i int) error {
				col, err := m.client.ListAssignedUsers(c, ids[i], o)
				if err == nil {
					totals[i] = col.Total
				}
				return err
			})
			n := 0
			for _, t := range totals {
				n += t
			}
			return n, err
		},
		close: func() {
			if f != nil {
				f.Close()
			}
		},
		forget: ended,
	}
	ud := L.NewUserData()
	ud.Value = it
	L.SetMetatable(ud, L.GetTypeMetatable(iterMetaName))
	L.Push(ud)
	return 1
}

// fanOut reads n sources side by side, at most conc at once, and hands
// their items over in source order; at most conc sources are held ahead
// of the one being consumed. Like the Pager, it asks for more only when
// the caller wants more than the first item: the first call of Next reads
// source 0 alone, so a walk left after its first item has nothing in
// flight. Not safe for concurrent use; Close stops it.
type fanOut[T any] struct {
	ctx    context.Context
	cancel context.CancelFunc
	read   func(context.Context, int) ([]T, error)
	n      int
	conc   int

	next    int // the next source to launch
	window  []chan fanResult[T]
	wg      sync.WaitGroup
	cur     []T
	idx     int
	yielded bool
	done    bool
	err     error
}

type fanResult[T any] struct {
	items []T
	err   error
}

func newFanOut[T any](ctx context.Context, n, conc int, read func(context.Context, int) ([]T, error)) *fanOut[T] {
	ctx, cancel := context.WithCancel(ctx)
	return &fanOut[T]{ctx: ctx, cancel: cancel, read: read, n: n, conc: max(conc, 1)}
}

// fill launches sources until want are in the window.
func (f *fanOut[T]) fill(want int) {
	for len(f.window) < want && f.next < f.n {
		ch := make(chan fanResult[T], 1)
		i := f.next
		f.next++
		f.window = append(f.window, ch)
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			items, err := f.read(f.ctx, i)
			ch <- fanResult[T]{items, err}
		}()
	}
}

// Next returns the next item, or false at the end or on failure (Err).
func (f *fanOut[T]) Next() (T, bool) {
	var zero T
	if f.yielded && !f.done {
		f.fill(f.conc)
	}
	for f.idx >= len(f.cur) {
		if f.done {
			return zero, false
		}
		f.fill(1)
		if len(f.window) == 0 {
			f.finish()
			return zero, false
		}
		res := <-f.window[0]
		f.window = f.window[1:]
		if res.err != nil {
			f.err = res.err
			f.finish()
			return zero, false
		}
		f.cur, f.idx = res.items, 0
		if f.yielded || len(res.items) == 0 { // an empty source: the walk goes on anyway
			f.fill(f.conc)
		}
	}
	item := f.cur[f.idx]
	f.idx++
	f.yielded = true
	return item, true
}

// Err returns the error that ended the walk, if any.
func (f *fanOut[T]) Err() error { return f.err }

// Close stops the walk: it cancels the reads in flight and waits for them.
func (f *fanOut[T]) Close() {
	f.cur, f.idx = nil, 0
	f.finish()
}

func (f *fanOut[T]) finish() {
	f.done = true
	f.window = nil
	f.cancel()
	f.wg.Wait()
}
