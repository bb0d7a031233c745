package bindings

import (
	"context"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/clickapi"
)

// iterMetaName names the metatable of list iterators.
const iterMetaName = "clickscript.list"

// listIter is what usergroup.list and its kin return: called, it yields
// the next item (so `for g in usergroup.list{} do` walks every page), and
// it has the methods all, first, count and close.
type listIter struct {
	op    string
	next  func(L *lua.LState) (lua.LValue, error) // nil value at the end
	all   func(L *lua.LState) (*lua.LTable, error)
	first func(L *lua.LState) (lua.LValue, error)
	count func(L *lua.LState) (int, error)
	close func()
	// forget drops the iterator from its state's open walks.
	forget func(L *lua.LState)
}

// openIters are the iterators of a Lua state (and its coroutines) whose
// walk started and has not ended.
type openIters struct {
	m map[*listIter]struct{}
}

// openItersKey is where a state's openIters live in its registry.
const openItersKey = "clickscript.openiters"

func openItersOf(L *lua.LState) *openIters {
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if ud, ok := reg.RawGetString(openItersKey).(*lua.LUserData); ok {
		return ud.Value.(*openIters)
	}
	o := &openIters{m: map[*listIter]struct{}{}}
	ud := L.NewUserData()
	ud.Value = o
	reg.RawSetString(openItersKey, ud)
	return o
}

// CloseIterators stops every listing of L that was started and not walked
// to its end, cancelling its requests in flight and waiting for them. The
// engine calls it when a run ends: a loop left with `break` cannot be seen
// from Go. It returns how many it stopped.
func CloseIterators(L *lua.LState) int {
	o := openItersOf(L)
	n := len(o.m)
	for it := range o.m {
		it.close()
	}
	clear(o.m)
	return n
}

// newIter builds the iterator of one list endpoint: walk is the client's
// walker of the list (clickapi.Pager, fetching pages side by side), list
// fetches one page; conv makes an item's table. No request is sent until
// the iterator is used: count and first send one small request each.
//
// A loop that leaves early cannot be seen (gopher-lua has no __close), so
// two rules keep an abandoned walk from costing requests: the pager asks
// for the pages after a page only when the script asks for the item after
// that page's first (a `break` after the first item sent one request and
// has nothing in flight), and CloseIterators, which the engine calls when
// a run ends, stops every walk that was started and not finished.
func newIter[T any](L *lua.LState, op string, opts clickapi.ListOptions,
	walk func(context.Context, clickapi.ListOptions) *clickapi.Pager[T],
	list func(context.Context, clickapi.ListOptions) (*clickapi.Collection[T], error),
	conv func(*lua.LState, *T) *lua.LTable) *lua.LUserData {
	var pager *clickapi.Pager[T]
	var it *listIter
	start := func(L *lua.LState) *clickapi.Pager[T] {
		if pager == nil {
			pager = walk(ctx(L), opts)
			openItersOf(L).m[it] = struct{}{}
		}
		return pager
	}
	ended := func(L *lua.LState) { delete(openItersOf(L).m, it) }
	one := func(L *lua.LState) (*clickapi.Collection[T], error) {
		o := opts
		o.Page, o.PageSize = 1, 1
		return list(ctx(L), o)
	}
	// cur holds the item being converted: conv is called through a func
	// value, so a fresh local would escape to the heap, one allocation per
	// item; conv copies what it needs and keeps no pointer.
	var cur T
	it = &listIter{
		op: op,
		next: func(L *lua.LState) (lua.LValue, error) {
			p := start(L)
			var ok bool
			if cur, ok = p.Next(); !ok {
				ended(L)
				return lua.LNil, p.Err()
			}
			return conv(L, &cur), nil
		},
		all: func(L *lua.LState) (*lua.LTable, error) {
			p := start(L)
			out := L.CreateTable(0, 0)
			for i := 1; ; i++ {
				var ok bool
				if cur, ok = p.Next(); !ok {
					ended(L)
					return out, p.Err()
				}
				out.RawSetInt(i, conv(L, &cur))
			}
		},
		first: func(L *lua.LState) (lua.LValue, error) {
			col, err := one(L)
			if err != nil || len(col.Data) == 0 {
				return lua.LNil, err
			}
			return conv(L, &col.Data[0]), nil
		},
		count: func(L *lua.LState) (int, error) {
			col, err := one(L)
			if err != nil {
				return 0, err
			}
			return col.Total, nil
		},
		close: func() {
			if pager != nil {
				pager.Close()
			}
		},
		forget: ended,
	}
	ud := L.NewUserData()
	ud.Value = it
	L.SetMetatable(ud, L.GetTypeMetatable(iterMetaName))
	return ud
}

// bindWalk and bindList fix the id argument of the client's walker and
// page method of a listing of what belongs to one group, user, project or
// drive.
func bindWalk[T any](f func(context.Context, string, clickapi.ListOptions) *clickapi.Pager[T], id string) func(context.Context, clickapi.ListOptions) *clickapi.Pager[T] {
	return func(c context.Context, o clickapi.ListOptions) *clickapi.Pager[T] { return f(c, id, o) }
}

func bindList[T any](f func(context.Context, string, clickapi.ListOptions) (*clickapi.Collection[T], error), id string) func(context.Context, clickapi.ListOptions) (*clickapi.Collection[T], error) {
	return func(c context.Context, o clickapi.ListOptions) (*clickapi.Collection[T], error) { return f(c, id, o) }
}

func checkIter(L *lua.LState, method string) *listIter {
	ud, ok := L.Get(1).(*lua.LUserData)
	if ok {
		if it, ok := ud.Value.(*listIter); ok {
			return it
		}
	}
	L.RaiseError("%s: call it as a method, with a colon: it:%s()", method, method)
	return nil
}

// registerIterator creates the iterators' metatable.
func registerIterator(L *lua.LState) {
	mt := L.NewTypeMetatable(iterMetaName)
	mt.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
		it := checkIter(L, "__call")
		v, err := it.next(L)
		if err != nil {
			raise(L, it.op, err)
		}
		L.Push(v)
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		it := checkIter(L, "tostring")
		L.Push(lua.LString(it.op + " iterator"))
		return 1
	}))
	methods := map[string]lua.LGFunction{
		"all": func(L *lua.LState) int {
			it := checkIter(L, "all")
			t, err := it.all(L)
			if err != nil {
				raise(L, it.op, err)
			}
			L.Push(t)
			return 1
		},
		"first": func(L *lua.LState) int {
			it := checkIter(L, "first")
			v, err := it.first(L)
			if err != nil {
				raise(L, it.op, err)
			}
			L.Push(v)
			return 1
		},
		"count": func(L *lua.LState) int {
			it := checkIter(L, "count")
			n, err := it.count(L)
			if err != nil {
				raise(L, it.op, err)
			}
			L.Push(lua.LNumber(n))
			return 1
		},
		"close": func(L *lua.LState) int {
			it := checkIter(L, "close")
			it.close()
			it.forget(L)
			return 0
		},
	}
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), methods))
}

// IsIterator reports whether v is a list iterator (for the REPL's printer).
func IsIterator(v lua.LValue) bool {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return false
	}
	_, ok = ud.Value.(*listIter)
	return ok
}
