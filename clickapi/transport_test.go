package clickapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRedirectsNeverFollowed: a 3xx answer is an error that shows the
// status and the scrubbed Location; nothing reaches the other host, for a
// read with the token and for a login with a password (issue 15 item 2).
func TestRedirectsNeverFollowed(t *testing.T) {
	var stolen atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stolen.Add(1) }))
	defer other.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		c, mux := setup(t)
		var hits atomic.Int32
		target := strings.Replace(other.URL, "http://", "http://admin:hunter2@", 1) + "/steal?token=" + testToken
		redirect := func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.Header().Set("Location", target)
			w.WriteHeader(status)
		}
		mux.HandleFunc("/usergroup/get_all", redirect)
		mux.HandleFunc("/authentication/login", redirect)
		_, err := c.ListUserGroups(context.Background(), ListOptions{})
		if !errors.Is(err, ErrRedirect) {
			t.Fatalf("%d on a read: err = %v", status, err)
		}
		msg := err.Error()
		for _, want := range []string{"GET /usergroup/get_all", strconv.Itoa(status), "/steal?token=" + Redacted, "127.0.0.1"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%d: %q lacks %q", status, msg, want)
			}
		}
		if strings.Contains(msg, testToken) || strings.Contains(msg, "hunter2") {
			t.Errorf("%d: a secret in %q", status, msg)
		}
		_, err = c.Login(context.Background(), LoginRequest{Username: "a@example.com", Password: "pw-SECRET"})
		if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "POST /authentication/login") {
			t.Fatalf("%d on login: err = %v", status, err)
		}
		if hits.Load() != 2 {
			t.Errorf("%d: %d requests, want 2 (a redirect is not retried)", status, hits.Load())
		}
	}
	if n := stolen.Load(); n != 0 {
		t.Fatalf("%d requests reached the host the redirects pointed at", n)
	}
}

// TestRedirectsRefusedWithAnyHTTPClient: a caller's http.Client that
// follows redirects does not make the client follow them.
func TestRedirectsRefusedWithAnyHTTPClient(t *testing.T) {
	var stolen atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stolen.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.RedirectHandler(other.URL+"/x", http.StatusTemporaryRedirect))
	defer srv.Close()
	follow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	c, err := New(Options{BaseURL: srv.URL, Token: testToken, HTTPClient: follow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AgentStatus(context.Background()); !errors.Is(err, ErrRedirect) || stolen.Load() != 0 {
		t.Fatalf("err = %v, %d requests elsewhere", err, stolen.Load())
	}
	if follow.CheckRedirect == nil {
		t.Error("the caller's http.Client was changed")
	}
}

// TestResponseCap: an answer over Options.MaxResponse fails at once,
// naming the endpoint, whether its size is announced or not (issue 15
// item 11).
func TestResponseCap(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				body := `{"data":[{"id":"` + strings.Repeat("x", 4096) + `"}],"total":1}`
				if !chunked {
					w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				}
				for i := 0; i < len(body); i += 512 {
					fmt.Fprint(w, body[i:min(i+512, len(body))])
					if chunked {
						w.(http.Flusher).Flush()
					}
				}
			}))
			defer srv.Close()
			c, _ := New(Options{BaseURL: srv.URL, Token: testToken, MaxResponse: 1024})
			_, err := c.ListUserGroups(context.Background(), ListOptions{})
			if !errors.Is(err, ErrResponseTooLarge) || !strings.Contains(err.Error(), "GET /usergroup/get_all") || !strings.Contains(err.Error(), "1024") {
				t.Fatalf("err = %v", err)
			}
			if hits.Load() != 1 {
				t.Errorf("%d requests: an answer too large is not retried", hits.Load())
			}
			// The same answer under a cap it fits in decodes.
			c, _ = New(Options{BaseURL: srv.URL, Token: testToken, MaxResponse: 8192})
			if col, err := c.ListUserGroups(context.Background(), ListOptions{}); err != nil || len(col.Data) != 1 {
				t.Fatalf("under the cap: %v", err)
			}
		})
	}
}

// TestNullRows: `data: [null, null]` is a malformed answer, not two empty
// records (issue 15 item 16); "null" elsewhere in a page is fine.
func TestNullRows(t *testing.T) {
	c, mux := setup(t)
	var hits atomic.Int32
	body := `{"data":[null,null],"total":2}`
	mux.HandleFunc("/usergroup/get_all", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, body)
	})
	_, err := c.ListUserGroups(context.Background(), ListOptions{})
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "GET /usergroup/get_all") || !strings.Contains(err.Error(), "row 1 of the page is null") {
		t.Fatalf("err = %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("%d requests: a malformed answer is not retried", hits.Load())
	}
	body = `{"data":[{"id":"a","name":"null","description":null}, {"id":"b"}],"total":2,"options":null}`
	col, err := c.ListUserGroups(context.Background(), ListOptions{})
	if err != nil || len(col.Data) != 2 || col.Data[0].Name != "null" {
		t.Fatalf("%v, %v", col, err)
	}
	body = `{"data":[{"id":"a"}, null],"total":2}`
	if _, err := c.ListUserGroups(context.Background(), ListOptions{}); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Fatalf("err = %v", err)
	}
}

// pageServer serves /usergroup/get_all from n groups, counting the
// requests and those in flight; hold, when set, runs before each answer.
type pageServer struct {
	n        int
	requests atomic.Int32
	inFlight atomic.Int32
	peak     atomic.Int32
	hold     func(r *http.Request, seq int) (status int)
	latency  time.Duration // every answer takes this long, like a real agent's
}

func (s *pageServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	seq := int(s.requests.Add(1))
	cur := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		old := s.peak.Load()
		if cur <= old || s.peak.CompareAndSwap(old, cur) {
			break
		}
	}
	if s.latency > 0 {
		select {
		case <-time.After(s.latency):
		case <-r.Context().Done():
			return
		}
	}
	if s.hold != nil {
		if status := s.hold(r, seq); status != 0 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(status)
			return
		}
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	size, _ := strconv.Atoi(r.URL.Query().Get("pagesize"))
	var b strings.Builder
	b.WriteString(`{"data":[`)
	for i := (page - 1) * size; i < min(page*size, s.n); i++ {
		if i > (page-1)*size {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"g%05d","name":"Group %05d"}`, i, i)
	}
	fmt.Fprintf(&b, `],"total":%d,"options":{"page":%d,"pageSize":%d}}`, s.n, page, size)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, b.String())
}

func newPageClient(t *testing.T, s *pageServer, conc int) *Client {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: testToken, Concurrency: conc,
		Retry: RetryPolicy{MaxAttempts: 10, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBreakLeavesNothingInFlight: after the second item, pages 2-5 are in
// flight; Close (a break) cancels them, and the server sees every one of
// them end, and no other request come (issue 16 acceptance). (A break
// after the first item has sent nothing more: TestPagerFetchesSideBySide.)
func TestBreakLeavesNothingInFlight(t *testing.T) {
	arrived, ended := make(chan int, 100), make(chan int, 100)
	s := &pageServer{n: 1000}
	s.hold = func(r *http.Request, seq int) int {
		if seq > 1 {
			arrived <- seq
			<-r.Context().Done() // held until the client gives up
			ended <- seq
		}
		return 0
	}
	c := newPageClient(t, s, 4)
	p := c.UserGroups(context.Background(), ListOptions{PageSize: 50})
	for range 2 {
		if _, ok := p.Next(); !ok {
			t.Fatal(p.Err())
		}
	}
	for range 4 {
		<-arrived
	}
	p.Close()
	timeout := time.After(10 * time.Second)
	for range 4 {
		select {
		case <-ended:
		case <-timeout:
			t.Fatalf("%d requests still in flight at the server after the break", s.inFlight.Load())
		}
	}
	if n := s.requests.Load(); n != 5 {
		t.Errorf("%d requests, want 5", n)
	}
}

// TestLimiterBoundsEveryRequest: three listings and a dozen bulk writes of
// one client side by side never exceed --concurrency in flight, counted at
// the server.
func TestLimiterBoundsEveryRequest(t *testing.T) {
	s := &pageServer{n: 2000, latency: 5 * time.Millisecond}
	c := newPageClient(t, s, 3)
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for w := range 3 { // each walk would have 3 pages in flight on its own
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.UserGroups(context.Background(), ListOptions{PageSize: 100}).All()
			if err == nil && len(got) != 2000 {
				err = fmt.Errorf("walk %d: %d groups", w, len(got))
			}
			errs <- err
		}()
	}
	// Bulk writes of the same client share the limit with the listings.
	writeErrs := make(chan error, 12)
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writeErrs <- c.AssignUsers(context.Background(), []UserUserGroup{{UserID: "u", UserGroupID: "g"}})
		}()
	}
	wg.Wait()
	close(errs)
	close(writeErrs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for err := range writeErrs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if pk := s.peak.Load(); pk > 3 {
		t.Fatalf("%d requests in flight at once at the server, over the limit of 3", pk)
	}
	if pk := c.Limiter().Stats().Peak; pk != 3 {
		t.Errorf("limiter peak %d, want 3", pk)
	}
}

// Test429ShrinksConcurrency: answers 429 lower the requests in flight, and
// the walk still completes with every item once.
func Test429ShrinksConcurrency(t *testing.T) {
	var overloaded atomic.Int32
	s := &pageServer{n: 3000, latency: 5 * time.Millisecond}
	s.hold = func(r *http.Request, seq int) int {
		// The agent is overloaded for a while: three or more at once get 429.
		if seq < 40 && s.inFlight.Load() >= 3 {
			overloaded.Add(1)
			return http.StatusTooManyRequests
		}
		return 0
	}
	c := newPageClient(t, s, 8)
	got, err := c.UserGroups(context.Background(), ListOptions{PageSize: 50}).All()
	if err != nil || len(got) != 3000 {
		t.Fatalf("%d groups, %v", len(got), err)
	}
	seen := map[string]bool{}
	for i, g := range got {
		if want := fmt.Sprintf("g%05d", i); g.ID != want || seen[g.ID] {
			t.Fatalf("item %d = %s, want %s", i, g.ID, want)
		}
		seen[g.ID] = true
	}
	st := c.Limiter().Stats()
	t.Logf("%d answers 429 in %d requests; limiter %+v", overloaded.Load(), s.requests.Load(), st)
	if overloaded.Load() == 0 {
		t.Fatal("the server never had three requests at once: nothing tested")
	}
	if st.Halvings == 0 || st.Lowest >= 8 {
		t.Errorf("429s did not lower the concurrency: %+v", st)
	}
}
