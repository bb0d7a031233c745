package clickapi

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeList serves pages of a mutable list of ids, counting requests.
type fakeList struct {
	mu    sync.Mutex
	items []string
	calls atomic.Int32
	size  int
}

func newFakeList(n, size int) *fakeList {
	l := &fakeList{size: size}
	for i := range n {
		l.items = append(l.items, fmt.Sprintf("g%04d", i))
	}
	return l
}

func (l *fakeList) fetch(ctx context.Context, page int) (*Collection[string], error) {
	l.calls.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	from := min((page-1)*l.size, len(l.items))
	to := min(from+l.size, len(l.items))
	return &Collection[string]{Data: append([]string(nil), l.items[from:to]...), Total: len(l.items), Options: PageOptions{Page: page, PageSize: l.size}}, nil
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
	calls := 0
	lying := func(ctx context.Context, page int) (*Collection[string], error) {
		calls++
		if page == 1 {
			return &Collection[string]{Data: []string{"a"}, Total: 100}, nil
		}
		return &Collection[string]{Total: 100}, nil
	}
	got, err := NewPager(context.Background(), lying, PagerOptions[string]{PageSize: 1}).All()
	if err != nil || len(got) != 1 || calls != 2 {
		t.Errorf("lying total: %v %v after %d calls", got, err, calls)
	}
}

func TestPagerPrefetches(t *testing.T) {
	l := newFakeList(150, 50)
	p := NewPager(context.Background(), l.fetch, PagerOptions[string]{PageSize: 50})
	if _, ok := p.Next(); !ok {
		t.Fatal("no first item")
	}
	// While page 1 is being consumed, page 2 is requested in the background.
	deadline := time.Now().Add(5 * time.Second)
	for l.calls.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if l.calls.Load() != 2 {
		t.Fatalf("calls = %d while on page 1, want 2 (prefetch)", l.calls.Load())
	}
	time.Sleep(10 * time.Millisecond)
	if l.calls.Load() != 2 {
		t.Fatalf("calls = %d: prefetched more than one page ahead", l.calls.Load())
	}
	p.Close()
	if _, ok := p.Next(); ok {
		t.Error("Next after Close returned an item")
	}
}

func TestPagerMutationDuringWalk(t *testing.T) {
	t.Run("insert before the cursor", func(t *testing.T) {
		l := newFakeList(1000, 50)
		p := NewPager(context.Background(), l.fetch, PagerOptions[string]{PageSize: 50, Key: id})
		seen := map[string]int{}
		n := 0
		for {
			g, ok := p.Next()
			if !ok {
				break
			}
			seen[g]++
			n++
			if n == 75 { // mid page 2; page 3 may be in flight or not yet
				l.mu.Lock()
				l.items = append([]string{"a-new"}, l.items...)
				l.mu.Unlock()
			}
		}
		if p.Err() != nil {
			t.Fatal(p.Err())
		}
		for g, c := range seen {
			if c != 1 {
				t.Errorf("%s seen %d times", g, c)
			}
		}
		if len(seen) < 999 {
			t.Errorf("saw %d distinct groups, want at least the 1000 less at most one shifted", len(seen))
		}
	})
	t.Run("delete before the cursor", func(t *testing.T) {
		l := newFakeList(1000, 50)
		p := NewPager(context.Background(), l.fetch, PagerOptions[string]{PageSize: 50, Key: id})
		n := 0
		seen := map[string]int{}
		for {
			g, ok := p.Next()
			if !ok {
				break
			}
			seen[g]++
			n++
			if n == 75 {
				l.mu.Lock()
				l.items = l.items[1:]
				l.mu.Unlock()
			}
		}
		if p.Err() != nil {
			t.Fatal(p.Err())
		}
		for g, c := range seen {
			if c != 1 {
				t.Errorf("%s seen %d times", g, c)
			}
		}
		if n < 998 || n > 1000 {
			t.Errorf("yielded %d items", n)
		}
	})
}

func TestPagerError(t *testing.T) {
	boom := errors.New("boom")
	fetch := func(ctx context.Context, page int) (*Collection[string], error) {
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
	time.Sleep(10 * time.Millisecond)
	if l.calls.Load() != 1 {
		t.Fatalf("calls = %d after page 1 without prefetch, want 1", l.calls.Load())
	}
	got, err := p.All()
	if err != nil || len(got) != 100 || l.calls.Load() != 3 {
		t.Errorf("rest: %d items, %d calls, %v", len(got), l.calls.Load(), err)
	}
}
