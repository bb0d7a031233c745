package clickapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
)

// Bodies are read into pooled buffers that the next request reuses: what
// a call returned must not share memory with its body. Pages of the same
// size are fetched one after another and the first is checked last.
func TestDecodedPagesOutliveTheirBodies(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("GET "+RouteGroups, func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[{"id":"id-%d-a","name":"name %d a","description":"d%d"},{"id":"id-%d-b","name":"name %d b","description":"d%d"}],"total":100,"options":{"page":%d,"pageSize":2}}`,
			page, page, page, page, page, page, page)
	})
	var pages []*Collection[UserGroup]
	for p := 1; p <= 5; p++ {
		col, err := c.ListUserGroups(context.Background(), ListOptions{Page: p, PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, col)
	}
	for i, col := range pages {
		p := i + 1
		want := []UserGroup{{ID: fmt.Sprintf("id-%d-a", p), Name: fmt.Sprintf("name %d a", p), Description: fmt.Sprintf("d%d", p)},
			{ID: fmt.Sprintf("id-%d-b", p), Name: fmt.Sprintf("name %d b", p), Description: fmt.Sprintf("d%d", p)}}
		if len(col.Data) != 2 || col.Data[0] != want[0] || col.Data[1] != want[1] {
			t.Errorf("page %d after later pages were read: %+v, want %+v", p, col.Data, want)
		}
	}
}
