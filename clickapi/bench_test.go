package clickapi

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkPagerNext measures the pager's own cost per item (prefetch
// hand-off, de-duplication) over pages that are already built.
func BenchmarkPagerNext(b *testing.B) {
	for _, key := range []bool{false, true} {
		b.Run(fmt.Sprintf("key=%v", key), func(b *testing.B) {
			pages := make([]Collection[UserGroup], 20)
			for p := range pages {
				pages[p].Total = 20 * 50
				for i := range 50 {
					pages[p].Data = append(pages[p].Data, UserGroup{ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", p*50+i), Name: "Group"})
				}
			}
			fetch := func(ctx context.Context, page, size int) (*Collection[UserGroup], error) {
				c := pages[page-1]
				return &c, nil
			}
			opts := PagerOptions[UserGroup]{PageSize: 50}
			if key {
				opts.Key = func(g UserGroup) string { return g.ID }
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				p := NewPager(context.Background(), fetch, opts)
				for {
					if _, ok := p.Next(); !ok {
						break
					}
					n++
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/item")
		})
	}
}

// BenchmarkDecodePage measures decoding one page of 50 groups, the client's
// main cost per page.
func BenchmarkDecodePage(b *testing.B) {
	var c Collection[UserGroup]
	c.Total = 50
	for i := range 50 {
		c.Data = append(c.Data, UserGroup{ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), AccountID: "acc00000-0000-4000-8000-000000000001",
			Name: fmt.Sprintf("Group %07d", i), Description: "A group of people who work together", Active: true})
	}
	data, _ := json.Marshal(c)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out Collection[UserGroup]
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}
