package cassette_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/clickapi/cassette"
)

// TestClientReplay records a clickapi.Client's session and replays it with
// the server gone: the client decodes the same groups and the same error.
func TestClientReplay(t *testing.T) {
	const token = "client-test-token-42"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("token") != token {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var g clickapi.NewUserGroup
		if err := json.NewDecoder(r.Body).Decode(&g); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if g.Name == "Taken" {
			w.Header().Set(clickapi.ErrorCodeHeader, clickapi.CodeDuplicate)
			w.WriteHeader(clickapi.StatusValidation)
			io.WriteString(w, `{"type":"DUPLICATE","status":499,"errors":{"DUPLICATE":["A resource with the same name already exists."]}}`)
			return
		}
		json.NewEncoder(w).Encode(clickapi.UserGroup{ID: "id-1", Name: g.Name, Active: g.Active})
	}))
	defer srv.Close()

	session := func(rt http.RoundTripper) (*clickapi.UserGroup, error) {
		t.Helper()
		c, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: token, HTTPClient: &http.Client{Transport: rt}})
		if err != nil {
			t.Fatal(err)
		}
		g, err := c.InsertUserGroup(context.Background(), clickapi.NewUserGroup{Name: "Design Team", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.InsertUserGroup(context.Background(), clickapi.NewUserGroup{Name: "Taken"})
		return g, err
	}

	rec := cassette.NewRecorder(nil)
	liveGroup, liveErr := session(rec)
	path := filepath.Join(t.TempDir(), "client.json")
	if err := rec.Save(path); err != nil {
		t.Fatal(err)
	}
	srv.Close()

	c, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	rep := cassette.NewReplayer(c)
	group, err := session(rep)
	if *group != *liveGroup {
		t.Errorf("replayed group %+v, want %+v", group, liveGroup)
	}
	if !errors.Is(err, clickapi.ErrDuplicate) || err.Error() != liveErr.Error() {
		t.Errorf("replayed error %v, want %v", err, liveErr)
	}
	if rep.Remaining() != 0 {
		t.Errorf("Remaining() = %d", rep.Remaining())
	}
}
