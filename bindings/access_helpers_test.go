package bindings

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// accessHarness is a harness on the demo emulator whose module options
// tune can change (an audit log, dry run), and which keeps the bodies of
// the write requests it saw.
type accessHarness struct {
	*harness
	client *clickapi.Client
	bodies map[string][]string // "POST /route" -> bodies, in order
	audit  string              // the audit file, when asked for
	opts   Options             // the module options of the first state
}

func newAccessHarness(t *testing.T, dryRun, withAudit bool) *accessHarness {
	t.Helper()
	em, err := emulator.New(emulator.Options{Seed: "demo", Deterministic: true, Token: "tok-access-test"})
	if err != nil {
		t.Fatal(err)
	}
	h := &accessHarness{harness: &harness{out: &bytes.Buffer{}, logs: &bytes.Buffer{}, reqs: map[string]int{}}, bodies: map[string][]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		if r.Body != nil {
			body.ReadFrom(r.Body)
			r.Body.Close()
		}
		key := r.Method + " " + r.URL.Path
		h.mu.Lock()
		h.reqs[key]++
		n := h.reqs[key]
		if r.Method != "GET" {
			h.bodies[key] = append(h.bodies[key], body.String())
		}
		intercept := h.intercept
		h.mu.Unlock()
		r.Body = readCloser{bytes.NewReader(body.Bytes())}
		if intercept != nil && intercept(w, r, n) {
			return
		}
		em.ServeHTTP(w, r)
	}))
	h.url = srv.URL
	h.client, err = clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: em.Token()})
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Client: h.client, DryRun: dryRun, Concurrency: 3, BatchSize: 2,
		Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	var log *audit.Log
	if withAudit {
		h.audit = filepath.Join(t.TempDir(), "audit.jsonl")
		if log, err = audit.OpenLog(h.audit, nil); err != nil {
			t.Fatal(err)
		}
		opts.Audit = log
	}
	h.opts = opts
	h.open(opts)
	t.Cleanup(func() {
		h.L.Close()
		srv.Close()
		em.Close()
		if log != nil {
			log.Close()
		}
	})
	return h
}

// open gives the harness a fresh Lua state with the modules opened with
// opts (the state before is closed), as a new run would have.
func (h *accessHarness) open(opts Options) {
	if h.L != nil {
		h.L.Close()
	}
	L := lua.NewState()
	L.SetContext(context.Background())
	Open(L, opts)
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		var parts []string
		for i := 1; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		fmt.Fprintln(h.out, strings.Join(parts, "\t"))
		return 0
	}))
	h.L = L
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func (h *accessHarness) body(key string, i int) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if i >= len(h.bodies[key]) {
		return ""
	}
	return h.bodies[key][i]
}

// auditEntries reads the audit file.
func (h *accessHarness) auditEntries(t *testing.T) []audit.Entry {
	t.Helper()
	entries, err := audit.ReadLog(h.audit)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// want runs src and compares what it printed.
func (h *accessHarness) want(t *testing.T, src, want string) {
	t.Helper()
	if got := h.run(t, src); got != want {
		t.Errorf("script printed\n%s\nwant\n%s\nscript:\n%s", got, want, src)
	}
}
