package bindings

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/clickscript/clickscript/audit"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// applyThenReset serves r with body through the emulator (so a write is
// applied) and resets the connection: the answer is lost.
func applyThenReset(h *harness, w http.ResponseWriter, r *http.Request, body []byte) {
	r2 := r.Clone(r.Context())
	r2.Body, r2.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	h.em.ServeHTTP(httptest.NewRecorder(), r2)
	conn, _, _ := w.(http.Hijacker).Hijack()
	conn.Close()
}

// TestLostAnswerPartlyLanded: an assign whose answer is lost after the
// agent applied only the first of its three pairs. Reading back records
// exactly that: one applied, two failed, one pair in the audit log, no
// journal line, and an error that says so.
func TestLostAnswerPartlyLanded(t *testing.T) {
	dir := t.TempDir()
	j, err := audit.OpenJournal(filepath.Join(dir, "j"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	log, err := audit.OpenLog(filepath.Join(dir, "a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	res, err := audit.CreateResults(filepath.Join(dir, "r.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarnessWith(t, emulator.Options{Seed: "none", Groups: 1, Users: 3},
		Options{Sequential: true, BatchSize: 10, Journal: j, Audit: log, Results: res})
	h.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path != clickapi.RouteAssignUsers {
			return false
		}
		var pairs []clickapi.UserUserGroup
		data, _ := io.ReadAll(r.Body)
		json.Unmarshal(data, &pairs)
		first, _ := json.Marshal(pairs[:1])
		applyThenReset(h, w, r, first)
		return true
	}
	msg := h.fail(t, assignAll)
	if !strings.Contains(msg, "no clear answer; reading back found 1 of 3 in place") {
		t.Errorf("error %q does not say what reading back found", msg)
	}
	if err := res.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := audit.ReadLog(filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || len(entries[0].Added) != 1 || entries[0].Added[0].ID == "" || entries[0].Error == "" {
		t.Errorf("audit %+v: want one entry with its error and the one pair that landed, with its assignment id", entries)
	}
	if j.Len() != 0 {
		t.Errorf("journal holds %d batches; a batch that did not land whole is not done", j.Len())
	}
	raw, err := os.ReadFile(filepath.Join(dir, "r.csv"))
	if err != nil {
		t.Fatal(err)
	}
	data := string(raw)
	if strings.Count(data, ",add,applied,") != 1 || strings.Count(data, ",add,failed,") != 2 {
		t.Errorf("results:\n%s\nwant 1 applied and 2 failed", data)
	}
}

// TestLostUnassignAnswer: usergroup.unassign of an assignment table whose
// answer is lost reads the group back: found removed, it succeeds and the
// audit log keeps the removal, so that undo can assign it again.
func TestLostUnassignAnswer(t *testing.T) {
	dir := t.TempDir()
	log, err := audit.OpenLog(filepath.Join(dir, "a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	h := newHarnessWith(t, emulator.Options{Seed: "none", Groups: 1, Users: 2, Memberships: 2}, Options{Audit: log})
	h.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path != clickapi.RouteUnassignUser {
			return false
		}
		applyThenReset(h, w, r, nil)
		return true
	}
	out := h.run(t, `
local g = usergroup.list{}:first()
local m = usergroup.members(g):first()
print(usergroup.unassign(m.userUserGroup), usergroup.members(g):count())`)
	if out != "true\t1\n" {
		t.Errorf("output %q, want the unassign to succeed and one member left", out)
	}
	entries, err := audit.ReadLog(filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || len(entries[0].Removed) != 1 || entries[0].ReadBack != "no clear answer; reading back found it removed" {
		t.Errorf("audit %+v: want the removal recorded after reading back", entries)
	}
}

// TestLostRemovalUnreadable: sync's one removal loses its answer and the
// group cannot be read back: the removal is recorded unknown (results row
// and audit line), not failed and not removed, and the error says so.
func TestLostRemovalUnreadable(t *testing.T) {
	dir := t.TempDir()
	log, err := audit.OpenLog(filepath.Join(dir, "a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	res, err := audit.CreateResults(filepath.Join(dir, "r.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarnessWith(t, emulator.Options{Seed: "none", Groups: 1, Users: 2, Memberships: 2}, Options{Audit: log, Results: res})
	var unassigned atomic.Bool
	h.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		switch {
		case r.URL.Path == clickapi.RouteUnassignUser:
			unassigned.Store(true)
			applyThenReset(h, w, r, nil)
			return true
		case r.URL.Path == clickapi.RouteAssignedUsers && unassigned.Load():
			w.WriteHeader(http.StatusInternalServerError)
			return true
		}
		return false
	}
	msg := h.fail(t, `
local g = usergroup.list{}:first()
local keep = usergroup.members(g):first().user.username
usergroup.sync(g, {keep})`)
	if !strings.Contains(msg, "no clear answer, and reading back failed, so whether it was removed is unknown") {
		t.Errorf("error %q does not say the removal is unknown", msg)
	}
	if err := res.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := audit.ReadLog(filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || len(entries[0].Unknown) != 1 || len(entries[0].Removed) != 0 || entries[0].Unknown[0].UserID == "" {
		t.Errorf("audit %+v: want the removal unknown, with its user", entries)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "r.csv"))
	if strings.Count(string(raw), ",remove,unknown,") != 1 || strings.Contains(string(raw), ",failed,") {
		t.Errorf("results:\n%s\nwant the removal unknown", raw)
	}
}
