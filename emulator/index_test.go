package emulator

import (
	"cmp"
	"slices"
	"testing"
)

// item is a record of the index tests.
type item struct{ key, id int }

// cmpItem orders items by key, then id.
func cmpItem(a, b *item) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.id, b.id)) }

func TestIndexAgainstSortedSlice(t *testing.T) {
	rng := splitmix(42)
	x := newIndex(cmpItem)
	live := map[int]*item{}
	for i := range 5000 {
		if len(live) > 0 && rng.intn(3) == 0 {
			var victim *item
			for _, v := range live {
				victim = v
				break
			}
			x.remove(victim)
			delete(live, victim.id)
		} else {
			v := &item{key: rng.intn(50), id: i}
			x.insert(v)
			live[v.id] = v
		}
	}
	want := make([]*item, 0, len(live))
	for _, v := range live {
		want = append(want, v)
	}
	slices.SortFunc(want, cmpItem)
	if !slices.Equal(x.items, want) {
		t.Fatal("index order differs from a sorted copy")
	}
	even := func(v *item) bool { return v.key%2 == 0 }
	var wantEven []*item
	for _, v := range want {
		if even(v) {
			wantEven = append(wantEven, v)
		}
	}
	for _, desc := range []bool{false, true} {
		for _, off := range []int{0, 1, 17, len(want) - 3, len(want), len(want) + 5} {
			page, total := x.window(nil, desc, off, 10)
			ref := slices.Clone(want)
			if desc {
				slices.Reverse(ref)
			}
			if total != len(want) || !slices.Equal(page, ref[min(off, len(ref)):min(off+10, len(ref))]) {
				t.Fatalf("window(desc=%v, off=%d) wrong", desc, off)
			}
			fpage, ftotal := x.window(even, desc, off, 10)
			fref := slices.Clone(wantEven)
			if desc {
				slices.Reverse(fref)
			}
			if ftotal != len(wantEven) || !slices.Equal(fpage, fref[min(off, len(fref)):min(off+10, len(fref))]) {
				t.Fatalf("filtered window(desc=%v, off=%d) wrong", desc, off)
			}
		}
	}
}

func TestIndexBulkLoad(t *testing.T) {
	x := newIndex(cmpItem)
	for i := range 100 {
		x.add(&item{key: (i * 37) % 11, id: i})
	}
	x.sort()
	if !slices.IsSortedFunc(x.items, cmpItem) || x.len() != 100 {
		t.Fatal("bulk load is not sorted")
	}
	x.remove(&item{key: 0, id: 0})
	x.insert(&item{key: 0, id: 0})
	x.insert(&item{key: 0, id: 0}) // equal key: replaced, not doubled
	if x.len() != 100 {
		t.Fatalf("len %d after remove and re-inserts", x.len())
	}
	if page, total := x.window(nil, false, 0, 0); len(page) != 0 || total != 100 || page == nil {
		t.Fatalf("empty window: %v %d", page, total)
	}
}
