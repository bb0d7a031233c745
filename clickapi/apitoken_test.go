package clickapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	mintedToken = "api-MINTED-7d41c0ffee"
	olderToken  = "api-OLDER-33aa91beef"
)

func TestAPITokenRequests(t *testing.T) {
	ctx := context.Background()
	t.Run("get_all, a bare array", func(t *testing.T) {
		c, mux := setup(t)
		rec := record(mux, "/apitoken/get_all", 200,
			`[{"id":"t1","title":"CI pipeline","token":"`+olderToken+`","expirationDate":"2027-01-01T00:00:00Z","createDate":"2026-01-01T00:00:00Z"}]`)
		toks, err := c.APITokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantRequest(t, rec, "GET", "/apitoken/get_all", "", "")
		want := APIToken{ID: "t1", Title: "CI pipeline", Token: olderToken, ExpirationDate: "2027-01-01T00:00:00Z", CreateDate: "2026-01-01T00:00:00Z"}
		if len(toks) != 1 || toks[0] != want {
			t.Errorf("tokens %+v", toks)
		}
		if got := c.Redact("leak " + olderToken); got != "leak "+Redacted {
			t.Errorf("a listed token is not registered as a secret: %q", got)
		}
	})
	t.Run("get_all, a collection", func(t *testing.T) {
		c, mux := setup(t)
		record(mux, "/apitoken/get_all", 200, `{"data":[{"id":"t1","title":"a","token":"`+olderToken+`"},{"id":"t2","title":"b","token":"x"}],"total":2}`)
		toks, err := c.APITokens(ctx)
		if err != nil || len(toks) != 2 || toks[1].ID != "t2" || toks[0].Token.Reveal() != olderToken {
			t.Errorf("tokens %+v, %v", toks, err)
		}
	})
	t.Run("get_all, empty", func(t *testing.T) {
		c, mux := setup(t)
		record(mux, "/apitoken/get_all", 200, `[]`)
		toks, err := c.APITokens(ctx)
		if err != nil || toks == nil || len(toks) != 0 {
			t.Errorf("tokens %#v, %v", toks, err)
		}
	})
	t.Run("insert", func(t *testing.T) {
		c, mux := setup(t)
		list := record(mux, "/apitoken/get_all", 200, `[]`)
		ins := record(mux, "/apitoken/insert", 200,
			`{"id":"t9","title":"CI pipeline","token":"`+mintedToken+`","expirationDate":"2027-01-01T00:00:00Z","createDate":"2026-01-02T00:00:00Z"}`)
		tok, err := c.InsertAPIToken(ctx, NewAPIToken{Title: "CI pipeline", ExpirationDate: "2027-01-01T00:00:00Z"})
		if err != nil {
			t.Fatal(err)
		}
		wantRequest(t, ins, "POST", "/apitoken/insert", "", `{"title":"CI pipeline","expirationDate":"2027-01-01T00:00:00Z"}`)
		wantRequest(t, list, "GET", "/apitoken/get_all", "", "")
		if tok.ID != "t9" || tok.Token.Reveal() != mintedToken {
			t.Errorf("token %+v", tok)
		}
	})
	t.Run("insert without expiry", func(t *testing.T) {
		c, mux := setup(t)
		record(mux, "/apitoken/get_all", 200, `[]`)
		ins := record(mux, "/apitoken/insert", 200, `{"id":"t9","title":"x","token":"`+mintedToken+`"}`)
		if _, err := c.InsertAPIToken(ctx, NewAPIToken{Title: "x"}); err != nil {
			t.Fatal(err)
		}
		wantRequest(t, ins, "POST", "/apitoken/insert", "", `{"title":"x"}`)
	})
	t.Run("delete", func(t *testing.T) {
		c, mux := setup(t)
		rec := record(mux, "/apitoken/delete", 200, "")
		if err := c.DeleteAPIToken(ctx, "t9"); err != nil {
			t.Fatal(err)
		}
		wantRequest(t, rec, "DELETE", "/apitoken/delete", "id=t9", "")
	})
	t.Run("bad input sends nothing", func(t *testing.T) {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("/apitoken/", func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
		for _, tt := range []struct {
			err  error
			want string
		}{
			{errOnly(c.InsertAPIToken(ctx, NewAPIToken{Title: " "})), "POST /apitoken/insert: title is empty"},
			{errOnly(c.InsertAPIToken(ctx, NewAPIToken{Title: "t", ExpirationDate: "2027-01-01"})), "POST /apitoken/insert: expirationDate: date \"2027-01-01\": want RFC 3339"},
			{c.DeleteAPIToken(ctx, ""), "DELETE /apitoken/delete: id is empty"},
		} {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", tt.err, tt.want)
			}
		}
		if calls.Load() != 0 {
			t.Errorf("%d requests sent", calls.Load())
		}
	})
}

func errOnly[T any](_ T, err error) error { return err }

// tokenServer is an agent's apitoken controller in memory: get_all lists,
// insert creates, and fail decides how an insert attempt (1-based) fails
// after it is applied or before.
type tokenServer struct {
	mu      sync.Mutex
	tokens  []string // JSON rows
	inserts atomic.Int32
	lists   atomic.Int32
	// fail: "" succeeds; "drop-after" applies then drops the connection;
	// "503-before" answers 503 without applying; "503-after" applies then answers 503.
	fail func(attempt int) string
}

func (s *tokenServer) register(mux *http.ServeMux) {
	mux.HandleFunc("/apitoken/get_all", func(w http.ResponseWriter, r *http.Request) {
		s.lists.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		io.WriteString(w, "["+strings.Join(s.tokens, ",")+"]")
	})
	mux.HandleFunc("/apitoken/insert", func(w http.ResponseWriter, r *http.Request) {
		n := int(s.inserts.Add(1))
		how := s.fail(n)
		if how == "503-before" {
			w.WriteHeader(503)
			return
		}
		row := fmt.Sprintf(`{"id":"t%d","title":"CI","token":"%s-%d"}`, n, mintedToken, n)
		s.mu.Lock()
		s.tokens = append(s.tokens, row)
		s.mu.Unlock()
		switch how {
		case "drop-after":
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		case "503-after":
			w.WriteHeader(503)
		default:
			io.WriteString(w, row)
		}
	})
}

func TestAPITokenInsertNeverTwice(t *testing.T) {
	ctx := context.Background()
	older := `{"id":"t0","title":"CI","token":"` + olderToken + `"}`
	t.Run("landed: found by the look-up, not sent again", func(t *testing.T) {
		for _, how := range []string{"drop-after", "503-after"} {
			c, mux := setup(t)
			s := &tokenServer{tokens: []string{older}, fail: func(int) string { return how }}
			s.register(mux)
			tok, err := c.InsertAPIToken(ctx, NewAPIToken{Title: "CI"})
			if err != nil {
				t.Fatalf("%s: %v", how, err)
			}
			// The older token has the same title: only the new id counts.
			if tok.ID != "t1" || tok.Token.Reveal() != mintedToken+"-1" || s.inserts.Load() != 1 || s.lists.Load() != 2 {
				t.Errorf("%s: token %+v after %d inserts and %d lists; want t1 after 1 insert and 2 lists", how, tok, s.inserts.Load(), s.lists.Load())
			}
			if c.Redact(mintedToken+"-1") != Redacted {
				t.Errorf("%s: the token found by the look-up is not registered as a secret", how)
			}
		}
	})
	t.Run("not landed: sent again", func(t *testing.T) {
		c, mux := setup(t)
		s := &tokenServer{tokens: []string{older}, fail: func(n int) string {
			if n == 1 {
				return "503-before"
			}
			return ""
		}}
		s.register(mux)
		tok, err := c.InsertAPIToken(ctx, NewAPIToken{Title: "CI"})
		if err != nil || tok.ID != "t2" || s.inserts.Load() != 2 {
			t.Errorf("token %+v, %v after %d inserts; want t2 after 2", tok, err, s.inserts.Load())
		}
	})
	t.Run("never landing: gives up", func(t *testing.T) {
		c, mux := setup(t)
		s := &tokenServer{fail: func(int) string { return "503-before" }}
		s.register(mux)
		_, err := c.InsertAPIToken(ctx, NewAPIToken{Title: "CI"})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Status != 503 || s.inserts.Load() != insertAttempts {
			t.Errorf("err = %v after %d inserts; want 503 after %d", err, s.inserts.Load(), insertAttempts)
		}
	})
	t.Run("a look-up that fails leaves the outcome unknown", func(t *testing.T) {
		c, mux := setup(t)
		var lists atomic.Int32
		mux.HandleFunc("/apitoken/get_all", func(w http.ResponseWriter, r *http.Request) {
			if lists.Add(1) > 1 {
				w.WriteHeader(401)
				return
			}
			io.WriteString(w, "[]")
		})
		var inserts atomic.Int32
		mux.HandleFunc("/apitoken/insert", func(w http.ResponseWriter, r *http.Request) {
			inserts.Add(1)
			w.WriteHeader(504)
		})
		_, err := c.InsertAPIToken(ctx, NewAPIToken{Title: "CI"})
		if err == nil || inserts.Load() != 1 || !strings.Contains(err.Error(), "whether the API token was created is unknown") {
			t.Errorf("err = %v after %d inserts", err, inserts.Load())
		}
	})
}

// TestAPITokenNeverShown mints a token and makes every path that prints
// something carry it: an error body echoing it, a debug log, fmt verbs.
func TestAPITokenNeverShown(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	c, mux := setup(t)
	c.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	record(mux, "/apitoken/get_all", 200, `[]`)
	record(mux, "/apitoken/insert", 200, `{"id":"t9","title":"CI","token":"`+mintedToken+`"}`)
	// A proxy's error page that echoes the token back.
	record(mux, "/projects/get_all", 502, "<html><body>bad gateway for "+mintedToken+"</body></html>")

	tok, err := c.InsertAPIToken(ctx, NewAPIToken{Title: "CI"})
	if err != nil {
		t.Fatal(err)
	}
	_, listErr := c.ListProjects(ctx, ListOptions{})
	if listErr == nil {
		t.Fatal("want the 502")
	}
	c.log.Info("minted", "token", tok.Token, "record", tok)
	shown := []string{
		listErr.Error(), fmt.Sprintf("%v", listErr), fmt.Sprintf("%+v", tok), fmt.Sprintf("%#v", tok),
		fmt.Sprint(tok.Token), fmt.Sprintf("%q", tok.Token), fmt.Sprintf("%s", *tok), logs.String(),
	}
	for _, s := range shown {
		if strings.Contains(s, mintedToken) || strings.Contains(s, testToken) {
			t.Errorf("secret shown in %q", s)
		}
	}
	if !strings.Contains(listErr.Error(), "bad gateway for "+Redacted) {
		t.Errorf("error %q: want the body with the token scrubbed", listErr)
	}
	if !strings.Contains(logs.String(), "token="+Redacted) {
		t.Errorf("log: want the token logged as REDACTED: %s", logs.String())
	}
	if tok.Token.Reveal() != mintedToken {
		t.Error("Reveal must give the value")
	}
	b, _ := jsonMarshal(tok)
	if !strings.Contains(string(b), `"token":"`+mintedToken+`"`) {
		t.Errorf("JSON keeps the value (the emulator encodes with it): %s", b)
	}
	if Secret("").String() != "" {
		t.Error("an empty secret prints empty")
	}
}

func TestDates(t *testing.T) {
	if s := FormatDate(time.Date(2027, 1, 1, 1, 0, 0, 500, time.FixedZone("x", 3600))); s != "2027-01-01T00:00:00Z" {
		t.Errorf("FormatDate = %s", s)
	}
	for _, s := range []string{"2027-01-01T00:00:00Z", "2027-01-01T00:00:00.123Z", "2027-01-01T02:00:00+02:00"} {
		d, err := ParseDate(s)
		if err != nil || !d.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Add(d.Sub(d.Truncate(time.Second)))) {
			t.Errorf("ParseDate(%s) = %v, %v", s, d, err)
		}
	}
	if _, err := ParseDate("01/01/2027"); err == nil {
		t.Error("want an error")
	}
}
