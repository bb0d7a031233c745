package emulator

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestConcurrentClients(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		concurrentClients(t, Options{Seed: "demo", Groups: 500, Users: 200, Memberships: 1000}, 8, 25)
	})
	t.Run("bbolt", func(t *testing.T) { // every write syncs the file: keep it short
		concurrentClients(t, Options{Seed: "demo", DBPath: t.TempDir() + "/c.db"}, 4, 5)
	})
}

// concurrentClients runs workers clients over HTTP, each inserting,
// reading, assigning and deleting for rounds rounds, then checks the
// store's indexes agree.
func concurrentClients(t *testing.T, opts Options, workers, rounds int) {
	e := newEmu(t, opts)
	srv := httptest.NewServer(e)
	defer srv.Close()
	client := srv.Client()
	do := func(method, target, body string) (int, string, error) {
		req, err := http.NewRequest(method, srv.URL+withToken(target, e.Token()), strings.NewReader(body))
		if err != nil {
			return 0, "", err
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}
	ada := userNamed(t, e, "ada.lovelace@example.com")

	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				name := fmt.Sprintf("Concurrent %d-%d", w, i)
				st, body, err := do("POST", routeInsertGroup, fmt.Sprintf(`{"name":%q,"active":true}`, name))
				if err != nil || st != http.StatusOK {
					errs <- fmt.Errorf("insert %s: %d %s %v", name, st, body, err)
					continue
				}
				id := body[strings.Index(body, `"id":"`)+6:][:36]
				for _, target := range []string{
					routeGroups + fmt.Sprintf("?page=%d&pagesize=20", i+1),
					routeGroups + "?name=concurrent&sortfield=CreateDate&descending=true",
					routeGroupsWithDetails + "?pagesize=5",
					routeUsers + "?username=user",
					routeAssignedUserGroups + "?userId=" + ada.ID,
				} {
					if st, body, err := do("GET", target, ""); err != nil || st != http.StatusOK {
						errs <- fmt.Errorf("GET %s: %d %s %v", target, st, body, err)
					}
				}
				assign := fmt.Sprintf(`[{"userId":%q,"userGroupId":%q}]`, ada.ID, id)
				if st, body, err := do("POST", routeAssignUsers, assign); err != nil || st != http.StatusOK {
					errs <- fmt.Errorf("assign: %d %s %v", st, body, err)
				}
				if i%5 == 0 {
					if st, body, err := do("DELETE", routeDeleteGroup+"?id="+id, ""); err != nil || st != http.StatusOK {
						errs <- fmt.Errorf("delete: %d %s %v", st, body, err)
					}
				}
				_ = e.Stats()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	deleted := workers * ((rounds + 4) / 5)
	if c := groupsPage(t, e, "name=concurrent"); c.Total != workers*rounds-deleted {
		t.Errorf("%d concurrent groups live, want %d", c.Total, workers*rounds-deleted)
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	for field, x := range e.st.groupSorts {
		if x.len() != len(e.st.groupNames) {
			t.Errorf("index %s holds %d groups, want %d", field, x.len(), len(e.st.groupNames))
		}
	}
}
