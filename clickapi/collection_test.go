package clickapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeList serves pages of a mutable list of ids, counting requests and
// those in flight. It honours the size asked, up to cap when cap > 0
// (a silent cap), and applies the mutation due before serving request n.
type fakeList struct {
	mu       sync.Mutex
	items    []string
	calls    atomic.Int32
	inFlight atomic.Int32
	peak     atomic.Int32
	size     int
	cap      int
	sizes    []int                   // the size each request asked, in arrival order
	mutate   map[int]func(*fakeList) // by request number, 1-based; l.mu is held
}

func newFakeList(n, size int) *fakeList {
	l := &fakeList{size: size}
	for i := range n {
		l.items = append(l.items, fmt.Sprintf("g%04d", i))
	}
	return l
}

func (l *fakeList) fetch(ctx context.Context, page, size int) (*Collection[string], error) {
	n := l.calls.Add(1)
	cur := l.inFlight.Add(1)
	defer l.inFlight.Add(-1)
	for {
		old := l.peak.Load()
		if cur <= old || l.peak.CompareAndSwap(old, cur) {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if m := l.mutate[int(n)]; m != nil {
		m(l)
	}
	l.sizes = append(l.sizes, size)
	if l.cap > 0 {
		size = min(size, l.cap)
	}
	from := min((page-1)*size, len(l.items))
	to := min(from+size, len(l.items))
	return &Collection[string]{Data: append([]string(nil), l.items[from:to]...), Total: len(l.items), Options: PageOptions{Page: page, PageSize: size}}, nil
}

func id(s string) string { return s }

func TestPagerWalksEveryPageOnce(t *testing.T) {
	l := newFakeList(1000, 50)
	p := NewPager(context.Background(), l.fetch, PagerOptions[string]{PageSize: 50, Key: id})
	got, err := p.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1000 || l.calls.Load() != 20 {
		t.Fatalf("got %d items in %d requests, want 1000 in 20", len(got), l.calls.Load())
	}
	for i, g := range got {
		if g != l.items[i] {
			t.Fatalf("item %d = %s, want %s", i, g, l.items[i])
		}
	}
	if p.Total() != 1000 {
		t.Errorf("Total = %d", p.Total())
	}
}

func TestPagerStops(t *testing.T) {
	for _, n := range []int{0, 1, 49, 50, 51, 100} {
		l := newFakeList(n, 50)
		got, err := NewPager(context.Background(), l.fetch, PagerOptions[string]{PageSize: 50}).All()
		want := max(1, (n+49)/50)
		if err != nil || len(got) != n || int(l.calls.Load()) != want {
			t.Errorf("n=%d: %d items, %d requests, err %v; want %d requests", n, len(got), l.calls.Load(), err, want)
		}
	}
	// An empty page ends the walk even if total claims more.
	// (One page in flight at a time, so that the count is exact: with
	// more, pages 3 and on may be asked before page 2 tells the end.)
	var calls atomic.Int32
	lying := func(ctx context.Context, page, size int) (*Collection[string], error) {
		calls.Add(1)
		if page == 1 {
			return &Collection[string]{Data: []string{"a"}, Total: 100}, nil
		}
		return &Collection[string]{Total: 100}, nil
	}
	got, err := NewPager(context.Background(), lying, PagerOptions[string]{PageSize: 1, Concurrency: 1}).All()
	if err != nil || len(got) != 1 || calls.Load() != 2 {
		t.Errorf("lying total: %v %v after %d calls", got, err, calls.Load())
	}
}

// gatedList serves the pages of a fakeList once the test opens the gate,
// and tells it each request's arrival.
type gatedList struct {
	*fakeList
	arrived chan int
	gate    chan struct{}
}

func (g *gatedList) fetch(ctx context.Context, page, size int) (*Collection[string], error) {
	if page > 1 {
		g.arrived <- page
		select {
		case <-g.gate:
		case <-ctx.Done():
			g.fakeList.calls.Add(1)
			return nil, ctx.Err()
		}
	}
	return g.fakeList.fetch(ctx, page, size)
}

func TestPagerFetchesSideBySide(t *testing.T) {
	g := &gatedList{fakeList: newFakeList(1000, 50), arrived: make(chan int, 100), gate: make(chan struct{})}
	p := NewPager(context.Background(), g.fetch, PagerOptions[string]{PageSize: 50, Concurrency: 4})
	defer p.Close()
	if _, ok := p.Next(); !ok {
		t.Fatal("no first item")
	}
	// Nothing more is asked before the caller wants a second item: a loop
	// that breaks after the first leaves nothing in flight.
	if len(p.window) != 0 || len(g.arrived) != 0 {
		t.Fatalf("%d pages launched after the first item alone, want none", len(p.window))
	}
	if _, ok := p.Next(); !ok {
		t.Fatal("no second item")
	}
	// Page 1 told the total: pages 2 to 5 are asked at once, and no more.
	got := map[int]bool{}
	for range 4 {
		got[<-g.arrived] = true
	}
	if !got[2] || !got[3] || !got[4] || !got[5] {
		t.Fatalf("pages in flight: %v, want 2 to 5", got)
	}
	if len(p.window) != 4 {
		t.Fatalf("%d pages fetched ahead, want 4", len(p.window))
	}
	close(g.gate)
	n := 2
	for {
		// At most Concurrency pages ahead, plus the one being consumed.
		if len(p.window) > 4 {
			t.Fatalf("%d pages held ahead", len(p.window))
		}
		item, ok := p.Next()
		if !ok {
			break
		}
		if want := fmt.Sprintf("g%04d", n); item != want {
			t.Fatalf("item %d = %s, want %s (out of order)", n, item, want)
		}
		n++
	}
	if p.Err() != nil || n != 1000 {
		t.Fatalf("%d items, %v", n, p.Err())
	}
	if c := g.calls.Load(); c != 20 {
		t.Errorf("%d requests, want 20", c)
	}
	if pk := g.peak.Load(); pk > 4 {
		t.Errorf("%d requests were in flight at once, over the concurrency of 4", pk)
	}
}

func TestPagerCloseLeavesNothingInFlight(t *testing.T) {
	g := &gatedList{fakeList: newFakeList(1000, 50), arrived: make(chan int, 100), gate: make(chan struct{})}
	p := NewPager(context.Background(), g.fetch, PagerOptions[string]{PageSize: 50, Concurrency: 4})
	for range 2 { // the second item launches pages 2-5
		if _, ok := p.Next(); !ok {
			t.Fatal("no item")
		}
	}
	for range 4 {
		<-g.arrived
	}
	p.Close() // the loop's break: cancels pages 2-5 and waits for them
	if n := g.inFlight.Load(); n != 0 {
		t.Fatalf("%d requests in flight after Close", n)
	}
	if c := g.calls.Load(); c != 5 {
		t.Errorf("%d requests, want 5 (page 1 and the 4 cancelled)", c)
	}
	if _, ok := p.Next(); ok {
		t.Error("Next after Close returned an item")
	}
}

// TestPagerMutationDuringWalk changes the list while pages are fetched
// side by side: inserts and deletes before and ahead of the cursor. Every
// item present throughout comes exactly once; the others at most once.
func TestPagerMutationDuringWalk(t *testing.T) {
	insertAt := func(i int, id string) func(*fakeList) {
		return func(l *fakeList) { l.items = slices.Insert(l.items, i, id) }
	}
	deleteID := func(id string) func(*fakeList) {
		return func(l *fakeList) { l.items = slices.DeleteFunc(l.items, func(s string) bool { return s == id }) }
	}
	// The mutations land between requests, far enough apart that no two
	// of them fall between the fetches of two neighbouring pages (the
	// pager cannot see an insert and a delete that cancel out).
	cases := []struct {
		name   string
		opts   PagerOptions[string]
		mutate map[int]func(*fakeList)
	}{
		{"parallel", PagerOptions[string]{PageSize: 20, Concurrency: 4}, nil},
		{"parallel 8", PagerOptions[string]{PageSize: 20, Concurrency: 8}, nil},
		{"one ahead", PagerOptions[string]{PageSize: 20, Concurrency: 1}, nil},
		{"sequential", PagerOptions[string]{PageSize: 20, NoPrefetch: true}, nil},
	}
	changed := map[string]bool{"new-front": true, "g0030": true, "new-ahead": true, "g1700": true}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newFakeList(2000, 20)
			l.mutate = map[int]func(*fakeList){
				5:  insertAt(0, "new-front"), // before the cursor
				25: deleteID("g0030"),        // before the cursor, already seen
				45: insertAt(1500, "new-ahead"),
				65: deleteID("g1700"), // ahead of the cursor
			}
			c.opts.Key = id
			p := NewPager(context.Background(), l.fetch, c.opts)
			seen := map[string]int{}
			for {
				g, ok := p.Next()
				if !ok {
					break
				}
				seen[g]++
			}
			if p.Err() != nil {
				t.Fatal(p.Err())
			}
			for i := range 2000 {
				g := fmt.Sprintf("g%04d", i)
				if n := seen[g]; !changed[g] && n != 1 {
					t.Errorf("%s seen %d times", g, n)
				}
			}
			for g := range changed {
				if seen[g] > 1 {
					t.Errorf("%s seen %d times", g, seen[g])
				}
			}
			// g0030 went after it was yielded, g1700 before its page was
			// read; new-ahead came before its page was read. (new-front
			// comes when page 1 is read again, at most once.)
			if seen["g0030"] != 1 || seen["new-ahead"] != 1 || seen["g1700"] != 0 {
				t.Errorf("changed items: %v", map[string]int{"g0030": seen["g0030"], "new-ahead": seen["new-ahead"], "g1700": seen["g1700"]})
			}
			if c.opts.Concurrency > 0 {
				if pk := l.peak.Load(); int(pk) > c.opts.Concurrency+1 {
					t.Errorf("%d requests in flight at once", pk)
				}
			}
		})
	}
}

// TestPagerUntrustedServer: the walk ends, with an error naming the
// endpoint, whatever the pages claim (issue 15 item 10).
func TestPagerUntrustedServer(t *testing.T) {
	opts := PagerOptions[string]{PageSize: 50, Key: id, Endpoint: "GET /usergroup/get_all"}
	t.Run("the same page forever", func(t *testing.T) {
		var calls atomic.Int32
		fetch := func(ctx context.Context, page, size int) (*Collection[string], error) {
			if calls.Add(1) > 100 {
				return nil, errors.New("the walk did not stop after 100 requests")
			}
			l := newFakeList(50, 50)
			return &Collection[string]{Data: l.items, Total: 1_000_000_000_000}, nil
		}
		got, err := NewPager(context.Background(), fetch, opts).All()
		if err == nil || !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "GET /usergroup/get_all") || !strings.Contains(err.Error(), "nothing new") {
			t.Fatalf("err = %v", err)
		}
		if len(got) != 50 || calls.Load() > 5 {
			t.Errorf("%d items in %d requests; want 50 in at most 5", len(got), calls.Load())
		}
	})
	t.Run("an echo larger than the page", func(t *testing.T) {
		l := newFakeList(200, 50)
		fetch := func(ctx context.Context, page, size int) (*Collection[string], error) {
			col, err := l.fetch(ctx, page, size)
			col.Options.PageSize = 200
			return col, err
		}
		got, err := NewPager(context.Background(), fetch, opts).All()
		if err != nil || len(got) != 200 {
			t.Fatalf("%d items, %v; want 200", len(got), err)
		}
	})
	t.Run("a silent cap", func(t *testing.T) {
		l := newFakeList(1000, 200)
		l.cap = 25
		o := opts
		o.PageSize = 200
		got, err := NewPager(context.Background(), l.fetch, o).All()
		if err != nil || len(got) != 1000 || !slices.Equal(got, l.items) {
			t.Fatalf("%d items, %v; want the 1000 in order", len(got), err)
		}
		if c := l.calls.Load(); c != 40 {
			t.Errorf("%d requests, want 40", c)
		}
		for i, s := range l.sizes[1:] {
			if s != 25 {
				t.Fatalf("request %d asked for %d rows, want 25 once the cap showed", i+2, s)
			}
		}
	})
	t.Run("no total", func(t *testing.T) {
		l := newFakeList(130, 50)
		fetch := func(ctx context.Context, page, size int) (*Collection[string], error) {
			col, err := l.fetch(ctx, page, size)
			col.Total = 0
			return col, err
		}
		got, err := NewPager(context.Background(), fetch, opts).All()
		if err != nil || len(got) != 130 || l.calls.Load() != 3 {
			t.Fatalf("%d items in %d requests, %v; want 130 in 3", len(got), l.calls.Load(), err)
		}
	})
	t.Run("a page larger than a page", func(t *testing.T) {
		l := newFakeList(300, 50)
		fetch := func(ctx context.Context, page, size int) (*Collection[string], error) {
			if page == 2 {
				return l.fetch(ctx, 1, 150)
			}
			return l.fetch(ctx, page, size)
		}
		_, err := NewPager(context.Background(), fetch, opts).All()
		if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "page 2 holds 150 rows") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a total that never settles", func(t *testing.T) {
		var calls atomic.Int32
		fetch := func(ctx context.Context, page, size int) (*Collection[string], error) {
			n := int(calls.Add(1))
			items := make([]string, 50)
			for i := range items {
				items[i] = fmt.Sprintf("p%d-%d-%d", page, n, i)
			}
			return &Collection[string]{Data: items, Total: 1000 + n}, nil
		}
		_, err := NewPager(context.Background(), fetch, opts).All()
		if err == nil || !strings.Contains(err.Error(), "kept changing") || !strings.Contains(err.Error(), "GET /usergroup/get_all") {
			t.Fatalf("err = %v", err)
		}
		if c := calls.Load(); c > 5+2*maxRepairs {
			t.Errorf("%d requests", c)
		}
	})
}

func TestPagerError(t *testing.T) {
	boom := errors.New("boom")
	fetch := func(ctx context.Context, page, size int) (*Collection[string], error) {
		if page == 2 {
			return nil, boom
		}
		return &Collection[string]{Data: []string{"a", "b"}, Total: 10}, nil
	}
	got, err := NewPager(context.Background(), fetch, PagerOptions[string]{PageSize: 2}).All()
	if !errors.Is(err, boom) || len(got) != 2 {
		t.Errorf("got %v, %v; want 2 items then boom", got, err)
	}
}

func TestPagerCancel(t *testing.T) {
	l := newFakeList(1000, 50)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := NewPager(ctx, l.fetch, PagerOptions[string]{PageSize: 50})
	n := 0
	for {
		_, ok := p.Next()
		if !ok {
			break
		}
		if n++; n == 60 {
			cancel()
		}
	}
	if !errors.Is(p.Err(), context.Canceled) || n >= 1000 {
		t.Errorf("after cancel: %d items, err %v", n, p.Err())
	}
}

func TestPagerNoPrefetch(t *testing.T) {
	l := newFakeList(150, 50)
	p := NewPager(context.Background(), l.fetch, PagerOptions[string]{PageSize: 50, NoPrefetch: true})
	for i := range 50 {
		if _, ok := p.Next(); !ok {
			t.Fatalf("item %d missing", i)
		}
	}
	// Nothing was launched in the background that could still arrive.
	if len(p.window) != 0 {
		t.Fatalf("%d pages fetched ahead without prefetch", len(p.window))
	}
	if l.calls.Load() != 1 {
		t.Fatalf("calls = %d after page 1 without prefetch, want 1", l.calls.Load())
	}
	got, err := p.All()
	if err != nil || len(got) != 100 || l.calls.Load() != 3 {
		t.Errorf("rest: %d items, %d calls, %v", len(got), l.calls.Load(), err)
	}
}

// FuzzPager walks a list whose pages a fuzzer makes up: any rows, totals,
// echoes and errors. The walk must end, never with more requests than the
// totals and a few reads again allow, and yield only items the pages held.
func FuzzPager(f *testing.F) {
	f.Add([]byte{3, 10, 5, 1, 2, 3, 4, 5, 5, 10, 6, 7, 8, 9, 10})
	f.Add([]byte{2, 255, 50, 1, 1, 1, 1})
	f.Add([]byte{0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() int {
			if len(data) == 0 {
				return 0
			}
			b := int(data[0])
			data = data[1:]
			return b
		}
		size := 1 + next()%8
		var mu sync.Mutex
		served := map[string]bool{}
		calls := 0
		const maxCalls = 5000
		fetch := func(ctx context.Context, page, asked int) (*Collection[string], error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls > maxCalls {
				return nil, errors.New("the walk did not stop")
			}
			op := next()
			if op%17 == 16 {
				return nil, errors.New("boom")
			}
			n := op % (asked + 2) // sometimes more rows than asked
			col := &Collection[string]{Total: next(), Options: PageOptions{Page: page, PageSize: next()}}
			for range n {
				id := fmt.Sprintf("i%d", next()%64)
				served[id] = true
				col.Data = append(col.Data, id)
			}
			return col, nil
		}
		for _, conc := range []int{1, 4} {
			calls = 0
			p := NewPager(context.Background(), fetch, PagerOptions[string]{PageSize: size, Key: id, Concurrency: conc})
			got, err := p.All()
			mu.Lock()
			if calls > maxCalls-1 {
				t.Fatalf("%d requests: the walk did not stop (%v)", calls, err)
			}
			for _, g := range got {
				if !served[g] {
					t.Fatalf("yielded %q, which no page held", g)
				}
			}
			mu.Unlock()
		}
	})
}
