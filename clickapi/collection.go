package clickapi

import (
	"context"
)

// PageFunc fetches one page (1-based) of a list endpoint.
type PageFunc[T any] func(ctx context.Context, page int) (*Collection[T], error)

// Pager walks every page of a list lazily. While the caller consumes page
// N, page N+1 is already being fetched; at most two pages are held at once
// (plus the keys of the page before, see PagerOptions.Key). It stops after
// the page that reaches `total`, or at an empty page.
//
// A Pager is not safe for concurrent use. Call Close when abandoning a walk
// early, so that a prefetch in flight is cancelled.
type Pager[T any] struct {
	ctx        context.Context
	cancel     context.CancelFunc
	fetch      PageFunc[T]
	size       int
	key        func(T) string
	noPrefetch bool

	cur      []T
	idx      int
	page     int // number of the page in cur
	total    int
	prevKeys map[string]struct{}
	pending  chan pageResult[T] // the prefetch of page+1, or nil
	done     bool
	err      error
}

type pageResult[T any] struct {
	col *Collection[T]
	err error
}

// PagerOptions tunes a Pager.
type PagerOptions[T any] struct {
	// PageSize is the size the pages are requested with; it decides where
	// the walk ends when the server does not echo it.
	PageSize int
	// Key identifies an item. With offset paging, an item inserted before
	// the cursor during a walk shifts the next page by one and would repeat
	// the last item; the pager skips items whose key it just yielded on the
	// previous page. nil: no such check.
	Key func(T) string
	// NoPrefetch fetches each page only when the one before is used up,
	// so that requests happen one at a time in a fixed order (recordings
	// rely on it).
	NoPrefetch bool
}

// NewPager returns a Pager that calls fetch for pages 1, 2, ... under ctx.
func NewPager[T any](ctx context.Context, fetch PageFunc[T], opts PagerOptions[T]) *Pager[T] {
	ctx, cancel := context.WithCancel(ctx)
	size := opts.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	return &Pager[T]{ctx: ctx, cancel: cancel, fetch: fetch, size: size, key: opts.Key, noPrefetch: opts.NoPrefetch}
}

// Next returns the next item, or false when the walk is over or failed
// (see Err).
func (p *Pager[T]) Next() (T, bool) {
	var zero T
	for p.idx >= len(p.cur) {
		if p.done {
			return zero, false
		}
		if !p.advance() {
			return zero, false
		}
	}
	item := p.cur[p.idx]
	p.idx++
	return item, true
}

// advance replaces the current page with the next one.
func (p *Pager[T]) advance() bool {
	var res pageResult[T]
	if p.pending != nil {
		res = <-p.pending
		p.pending = nil
	} else {
		res = p.get(p.page + 1)
	}
	if res.err != nil {
		p.fail(res.err)
		return false
	}
	col := res.col
	p.page++
	p.total = col.Total
	size := p.size
	if col.Options.PageSize > 0 {
		size = col.Options.PageSize
	}
	p.cur, p.idx = p.dedupe(col.Data), 0
	if len(col.Data) == 0 || p.page*size >= col.Total {
		p.finish()
		return true
	}
	if p.noPrefetch {
		return true
	}
	p.pending = make(chan pageResult[T], 1)
	go func(ch chan<- pageResult[T], page int) { ch <- p.get(page) }(p.pending, p.page+1)
	return true
}

func (p *Pager[T]) get(page int) pageResult[T] {
	col, err := p.fetch(p.ctx, page)
	if err == nil && col == nil {
		col = &Collection[T]{}
	}
	return pageResult[T]{col, err}
}

// dedupe drops items the previous page already yielded and remembers the
// keys of this page for the next.
func (p *Pager[T]) dedupe(items []T) []T {
	if p.key == nil {
		return items
	}
	keys := make(map[string]struct{}, len(items))
	out := items[:0:0]
	skipped := false
	for i, it := range items {
		k := p.key(it)
		keys[k] = struct{}{}
		if _, seen := p.prevKeys[k]; seen {
			if !skipped {
				out = append(out, items[:i]...)
				skipped = true
			}
			continue
		}
		if skipped {
			out = append(out, it)
		}
	}
	p.prevKeys = keys
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

func (p *Pager[T]) finish() {
	p.done = true
	p.prevKeys = nil
	p.cancel()
}

// Err returns the error that ended the walk, if any.
func (p *Pager[T]) Err() error { return p.err }

// Total returns the `total` of the last page fetched (0 before the first).
func (p *Pager[T]) Total() int { return p.total }

// Close stops the walk and cancels a prefetch in flight. Next returns false
// afterwards.
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
