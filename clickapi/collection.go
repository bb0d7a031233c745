package clickapi

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"

	gojson "github.com/goccy/go-json"
)

// PageFunc fetches one page (1-based) of a list endpoint, asking for size
// rows.
type PageFunc[T any] func(ctx context.Context, page, size int) (*Collection[T], error)

// Pager walks every page of a list lazily and delivers the items in order.
// Once page 1 has told the total, the pages after it are fetched side by
// side, at most Concurrency at once, while the caller consumes them; at
// most Concurrency + 1 pages are held at once.
//
// Requests go out only when the caller asks for more: the pages after a
// page are launched at the call of Next after the one that delivered its
// first item. So a walk abandoned after its first item has sent exactly
// one request and has none in flight, even when it is never closed (a
// Lua `break` cannot be seen: gopher-lua has no __close).
//
// The Pager does not trust the agent (contract I4, I5, I7, I8): it ends the
// walk at an empty or short page and never asks past the page that `total`
// implies; it ignores the options.pageSize echo and, when page 1 holds fewer
// rows than asked (a silent cap), asks for pages of that size from then on;
// it skips an item whose key the two pages before already yielded (rows
// shift between pages while the list changes); when two consecutive pages
// report different totals (the list changed between their fetches, so rows
// may have slipped past the boundary), it reads both pages again before
// going on; and a page that brings nothing new, or more rows than a page
// holds, ends the walk with an error naming the endpoint.
//
// A Pager is not safe for concurrent use. Call Close when abandoning a walk
// early: it cancels the requests in flight and waits for them.
type Pager[T any] struct {
	ctx        context.Context
	cancel     context.CancelFunc
	fetch      PageFunc[T]
	key        func(T) string
	name       string
	conc       int
	noPrefetch bool

	size   int // rows asked per page
	stride int // rows per page as served; 0 before page 1
	known  bool
	last   int // the last page, by the latest total (when known)

	cur       []T
	idx       int
	delivered int // number of the page in cur
	curTotal  int // the total that page reported
	total     int
	next      int // the next page to launch
	window    []*slot[T]
	seen      [2]map[string]struct{} // keys of the last two pages delivered
	wg        sync.WaitGroup
	done      bool
	err       error
	pending   bool // the window is refilled at the next call of Next
}

type slot[T any] struct {
	page   int
	cancel context.CancelFunc
	ch     chan pageResult[T]
}

type pageResult[T any] struct {
	col *Collection[T]
	err error
}

// PagerOptions tunes a Pager.
type PagerOptions[T any] struct {
	// PageSize is the number of rows asked per page; 0: DefaultPageSize.
	PageSize int
	// Key identifies an item, for de-duplication: rows shift between pages
	// when the list changes during a walk, so a row can come twice. nil:
	// no de-duplication; items whose key is "" are never dropped.
	Key func(T) string
	// Concurrency is how many pages are fetched at once once the total is
	// known; 0: DefaultConcurrency. Every request still passes the
	// client's Limiter.
	Concurrency int
	// NoPrefetch fetches each page only when the one before is used up,
	// so that requests happen one at a time in a fixed order (recordings
	// rely on it).
	NoPrefetch bool
	// Endpoint names the list in errors ("GET /usergroup/get_all").
	Endpoint string
}

// maxRepairs is how often a pair of pages is read again while their totals
// disagree before the walk gives up.
const maxRepairs = 3

// NewPager returns a Pager that calls fetch for pages 1, 2, ... under ctx.
// No request is sent before the first call to Next.
func NewPager[T any](ctx context.Context, fetch PageFunc[T], opts PagerOptions[T]) *Pager[T] {
	ctx, cancel := context.WithCancel(ctx)
	size := opts.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	conc := opts.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	name := opts.Endpoint
	if name == "" {
		name = "list"
	}
	return &Pager[T]{ctx: ctx, cancel: cancel, fetch: fetch, size: size, key: opts.Key, conc: conc,
		noPrefetch: opts.NoPrefetch, name: name, next: 2}
}

// Next returns the next item, or false when the walk is over or failed
// (see Err).
func (p *Pager[T]) Next() (T, bool) {
	var zero T
	for {
		if p.pending { // the caller wants more than the first item of a page
			p.pending = false
			p.refill()
		}
		if p.idx < len(p.cur) {
			break
		}
		if p.done || !p.advance() {
			return zero, false
		}
		if p.idx < len(p.cur) {
			break // a page just came: its first item goes out before more is asked
		}
	}
	item := p.cur[p.idx]
	p.idx++
	return item, true
}

// advance replaces the current page with the next one that brings items.
// It returns false when the walk is over.
func (p *Pager[T]) advance() bool {
	if p.delivered == 0 {
		return p.first()
	}
	n := p.delivered + 1
	if p.known && n > p.last {
		p.finish()
		return false
	}
	res := p.await(n)
	if res.err != nil {
		p.fail(res.err)
		return false
	}
	col := res.col
	if len(col.Data) == 0 { // the end, whatever total says (I7)
		p.finish()
		return false
	}
	if err := p.checkSize(n, col); err != nil {
		p.fail(err)
		return false
	}
	if p.known && col.Total != p.curTotal {
		return p.repair(n)
	}
	fresh := p.dedupe(col.Data)
	if len(fresh) == 0 {
		p.fail(fmt.Errorf("%s: %w: page %d brought nothing new (its %d rows were all on the pages before): the agent repeats pages",
			p.name, ErrBadResponse, n, len(col.Data)))
		return false
	}
	p.deliver(n, col, fresh)
	return true
}

// first fetches page 1 and learns the shape of the list from it.
func (p *Pager[T]) first() bool {
	res := p.get(p.ctx, 1)
	if res.err != nil {
		p.fail(res.err)
		return false
	}
	col := res.col
	n := len(col.Data)
	if n == 0 {
		p.total = col.Total
		p.finish()
		return false
	}
	p.stride = p.size
	if n != p.size && col.Total > n {
		// The agent serves pages of another size than asked (a silent
		// cap, I5): pages are counted in its size. Asking for exactly that
		// size keeps the offsets right whichever way it counts them.
		p.stride = n
		p.size = min(p.size, n)
	}
	// total counts every match (I4); one smaller than what a page holds
	// is no total at all: walk until a short or empty page, one by one.
	p.known = col.Total >= n
	p.deliver(1, col, p.dedupe(col.Data))
	return true
}

// deliver makes page n the current page, learns where the walk ends, and
// launches the pages after it.
func (p *Pager[T]) deliver(n int, col *Collection[T], items []T) {
	p.cur, p.idx = items, 0
	p.delivered, p.curTotal, p.total = n, col.Total, col.Total
	if p.known {
		p.last = (col.Total + p.stride - 1) / p.stride
	}
	if len(col.Data) < p.stride {
		p.last, p.known = n, true // a short page is the last
	}
	if p.known && n >= p.last {
		p.finish() // the items of cur are still delivered
		return
	}
	p.pending = true
}

// checkSize refuses a page with more rows than a page holds.
func (p *Pager[T]) checkSize(n int, col *Collection[T]) error {
	if len(col.Data) > p.stride {
		return fmt.Errorf("%s: %w: page %d holds %d rows, more than the %d of a page", p.name, ErrBadResponse, n, len(col.Data), p.stride)
	}
	return nil
}

// repair handles page n reporting another total than page n-1: the list
// changed between the two fetches, so rows may have slipped past their
// boundary unseen. It reads pages n-1 and n again, until both report the
// same total, and delivers what they hold that was not yielded yet. The
// pages fetched ahead are older still: they are dropped and fetched again.
func (p *Pager[T]) repair(n int) bool {
	p.dropWindow()
	for try := 1; ; try++ {
		a, b := p.pair(n-1, n)
		if a.err != nil || b.err != nil {
			p.fail(firstErr(a.err, b.err))
			return false
		}
		if err := firstErr(p.checkSize(n-1, a.col), p.checkSize(n, b.col)); err != nil {
			p.fail(err)
			return false
		}
		if a.col.Total != b.col.Total {
			if try < maxRepairs {
				continue
			}
			p.fail(fmt.Errorf("%s: the list kept changing during the walk (pages %d and %d reported totals %d and %d, %d times): run it again",
				p.name, n-1, n, a.col.Total, b.col.Total, try))
			return false
		}
		// The keys of the page delivered before stay with those of its new
		// reading, so that rows that shifted from it are not yielded twice.
		before := p.seen[1]
		fresh := p.dedupe(a.col.Data)
		p.seen[1] = mergeKeys(p.seen[1], before)
		fresh = slices.Concat(fresh, p.dedupe(b.col.Data))
		merged := &Collection[T]{Data: b.col.Data, Total: b.col.Total}
		if len(b.col.Data) == 0 {
			merged.Data = a.col.Data
			n--
		}
		if len(fresh) == 0 && len(merged.Data) > 0 {
			p.fail(fmt.Errorf("%s: %w: pages %d and %d, read again, brought nothing new: the agent repeats pages", p.name, ErrBadResponse, n-1, n))
			return false
		}
		p.next = n + 1
		p.deliver(n, merged, fresh)
		return true
	}
}

// pair fetches pages a and b, side by side unless the walk is sequential.
func (p *Pager[T]) pair(a, b int) (pageResult[T], pageResult[T]) {
	if p.noPrefetch {
		ra := p.get(p.ctx, a)
		if ra.err != nil {
			return ra, pageResult[T]{}
		}
		return ra, p.get(p.ctx, b)
	}
	sb := p.launch(b)
	ra := p.get(p.ctx, a)
	return ra, p.wait(sb)
}

func mergeKeys(a, b map[string]struct{}) map[string]struct{} {
	if a == nil {
		return b
	}
	for k := range b {
		a[k] = struct{}{}
	}
	return a
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// await returns page n: from the pages fetched ahead, or fetched now.
func (p *Pager[T]) await(n int) pageResult[T] {
	if len(p.window) > 0 && p.window[0].page == n {
		s := p.window[0]
		p.window[0] = nil
		p.window = p.window[1:]
		return p.wait(s)
	}
	p.dropWindow()
	p.next = n + 1
	return p.get(p.ctx, n)
}

// refill launches the next pages, up to the window: Concurrency pages
// while the total is known, one while it is not, none without prefetch.
func (p *Pager[T]) refill() {
	if p.noPrefetch {
		p.next = p.delivered + 1
		return
	}
	want := p.conc
	if !p.known {
		want = 1
	}
	if p.next <= p.delivered {
		p.next = p.delivered + 1
	}
	for len(p.window) < want && (!p.known || p.next <= p.last) {
		p.window = append(p.window, p.launch(p.next))
		p.next++
	}
}

func (p *Pager[T]) launch(page int) *slot[T] {
	ctx, cancel := context.WithCancel(p.ctx)
	s := &slot[T]{page: page, cancel: cancel, ch: make(chan pageResult[T], 1)}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		s.ch <- p.get(ctx, page)
	}()
	return s
}

func (p *Pager[T]) wait(s *slot[T]) pageResult[T] {
	res := <-s.ch
	s.cancel()
	return res
}

// dropWindow cancels the pages fetched ahead.
func (p *Pager[T]) dropWindow() {
	for _, s := range p.window {
		s.cancel()
	}
	p.window = nil
}

func (p *Pager[T]) get(ctx context.Context, page int) pageResult[T] {
	col, err := p.fetch(ctx, page, p.size)
	if err == nil && col == nil {
		col = &Collection[T]{}
	}
	return pageResult[T]{col, err}
}

// dedupe drops items the last two pages delivered already yielded and
// remembers the keys of this page.
func (p *Pager[T]) dedupe(items []T) []T {
	if p.key == nil {
		return items
	}
	keys := make(map[string]struct{}, len(items))
	out := items[:0:0]
	skipped := false
	for i, it := range items {
		k := p.key(it)
		if k != "" {
			_, a := p.seen[0][k]
			_, b := p.seen[1][k]
			_, c := keys[k]
			keys[k] = struct{}{}
			if a || b || c {
				if !skipped {
					out = append(out, items[:i]...)
					skipped = true
				}
				continue
			}
		}
		if skipped {
			out = append(out, it)
		}
	}
	p.seen[0], p.seen[1] = p.seen[1], keys
	if !skipped {
		return items
	}
	return out
}

func (p *Pager[T]) fail(err error) {
	p.err = err
	p.cur, p.idx = nil, 0
	p.finish()
}

// finish ends the walk: it cancels and waits for the requests in flight.
func (p *Pager[T]) finish() {
	p.done = true
	p.dropWindow()
	p.cancel()
	p.wg.Wait()
	p.release()
}

// release forgets the keys kept for de-duplication.
func (p *Pager[T]) release() {
	p.seen = [2]map[string]struct{}{}
}

// Err returns the error that ended the walk, if any.
func (p *Pager[T]) Err() error { return p.err }

// Total returns the `total` of the last page delivered (0 before the first).
func (p *Pager[T]) Total() int { return p.total }

// Close stops the walk, cancels the requests in flight and waits until
// they have returned. Next returns false afterwards.
func (p *Pager[T]) Close() {
	p.cur, p.idx = nil, 0
	p.finish()
}

// All fetches every remaining item. It is for small lists: a Pager exists
// so that large ones need not be held in memory.
func (p *Pager[T]) All() ([]T, error) {
	var out []T
	for {
		it, ok := p.Next()
		if !ok {
			return out, p.Err()
		}
		out = append(out, it)
	}
}

// checkBody refuses a page whose data holds a null row: the agent sends
// objects, and a null would otherwise read as an empty record.
func (c *Collection[T]) checkBody(data []byte) error {
	if !bytes.Contains(data, []byte("null")) {
		return nil
	}
	var raw struct {
		Data []gojson.RawMessage `json:"data"`
	}
	if err := gojson.Unmarshal(data, &raw); err != nil {
		return err
	}
	for i, r := range raw.Data {
		if string(bytes.TrimSpace(r)) == "null" {
			return fmt.Errorf("row %d of the page is null", i+1)
		}
	}
	return nil
}
