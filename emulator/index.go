package emulator

import "slices"

// index is a slice of records kept sorted by cmp, whose keys must be unique
// (every comparator ends on the record id). Reads take a window of it in
// O(page); inserts and removals binary-search and shift.
type index[T any] struct {
	cmp   func(a, b *T) int
	items []*T
}

// newIndex returns an empty index ordered by cmp.
func newIndex[T any](cmp func(a, b *T) int) *index[T] {
	return &index[T]{cmp: cmp}
}

// len reports how many records the index holds.
func (x *index[T]) len() int { return len(x.items) }

// insert adds v at its sorted place, replacing a record with an equal key.
func (x *index[T]) insert(v *T) {
	i, found := slices.BinarySearchFunc(x.items, v, x.cmp)
	if found {
		x.items[i] = v
		return
	}
	x.items = slices.Insert(x.items, i, v)
}

// remove drops the record whose key equals v's, if any. The key must be the
// one the record had when it was inserted.
func (x *index[T]) remove(v *T) {
	if i, found := slices.BinarySearchFunc(x.items, v, x.cmp); found {
		x.items = slices.Delete(x.items, i, i+1)
	}
}

// add appends v without keeping the order; call sort before the next read.
// It is the bulk-load path.
func (x *index[T]) add(v *T) { x.items = append(x.items, v) }

// sort restores the order after add.
func (x *index[T]) sort() { slices.SortFunc(x.items, x.cmp) }

// window returns the records at positions [offset, offset+limit) of the
// index (walked from the end when desc) among those keep accepts (every
// record when keep is nil), and how many records keep accepts in all.
// Without keep it costs O(limit) wherever the window lies.
func (x *index[T]) window(keep func(*T) bool, desc bool, offset, limit int) ([]*T, int) {
	return window(x.items, keep, desc, offset, limit)
}

// window is index.window over a sorted slice.
func window[T any](items []*T, keep func(*T) bool, desc bool, offset, limit int) ([]*T, int) {
	n := len(items)
	at := func(k int) *T {
		if desc {
			return items[n-1-k]
		}
		return items[k]
	}
	if keep == nil {
		if offset >= n {
			return []*T{}, n
		}
		end := offset + min(limit, n-offset)
		out := make([]*T, 0, end-offset)
		for k := offset; k < end; k++ {
			out = append(out, at(k))
		}
		return out, n
	}
	out := []*T{}
	total := 0
	for k := range n {
		v := at(k)
		if !keep(v) {
			continue
		}
		if total >= offset && total-offset < limit {
			out = append(out, v)
		}
		total++
	}
	return out, total
}

// sortedWindow sorts a copy of the items keep accepts by cmp and returns a
// window of it, as window does. It is for orders no index maintains.
func sortedWindow[T any](items []*T, cmp func(a, b *T) int, keep func(*T) bool, desc bool, offset, limit int) ([]*T, int) {
	kept := make([]*T, 0, len(items))
	for _, v := range items {
		if keep == nil || keep(v) {
			kept = append(kept, v)
		}
	}
	slices.SortFunc(kept, cmp)
	return window(kept, nil, desc, offset, limit)
}
