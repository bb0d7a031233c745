package emulator

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// newAPIToken is the body of POST /apitoken/insert. The Web twin's
// isEncrypted and encryptionKey are accepted and ignored.
type newAPIToken struct {
	Title          string  `json:"title"`
	ExpirationDate *string `json:"expirationDate"`
}

// now is the store's idea of the current time: the last tick of the
// deterministic clock, or the wall clock.
func (s *store) now() int64 {
	if s.gen.deterministic {
		return s.c.Clock
	}
	return time.Now().UnixNano()
}

// apiTokenValid reports whether v is the value of an API token that has
// not expired (I2, I17).
func (e *Emulator) apiTokenValid(v string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := e.st.access.tokenValues[v]
	return t != nil && (t.expires == 0 || t.expires > e.st.now())
}

// listAPITokens serves GET /apitoken/get_all: a bare array of every token,
// newest first (the Web twin's documented order). Paging parameters are
// ignored, as the Click page lists none.
func (e *Emulator) listAPITokens(*http.Request, url.Values) (any, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	list := make([]*apiToken, 0, len(e.st.access.tokens))
	for _, t := range e.st.access.tokens {
		list = append(list, t)
	}
	slices.SortFunc(list, func(a, b *apiToken) int {
		return cmp.Or(cmp.Compare(b.created, a.created), cmpID(a.id, b.id))
	})
	out := make([]apiTokenJSON, len(list))
	for i, t := range list {
		out[i] = t.model()
	}
	return out, nil
}

// parseExpiration reads an expirationDate: RFC 3339, or a date alone
// (midnight UTC), truncated to whole seconds (I26).
func parseExpiration(s string) (int64, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		var err2 error
		if t, err2 = time.Parse(time.DateOnly, s); err2 != nil {
			return 0, invalidf("expirationDate: %q is not a date-time like 2027-01-01T00:00:00Z", s)
		}
	}
	return t.Truncate(time.Second).UnixNano(), nil
}

// insertAPIToken serves POST /apitoken/insert: a new token for the
// signed-in user, answered with its value. It works as ?token= until it
// is deleted or expires.
func (e *Emulator) insertAPIToken(r *http.Request, _ url.Values) (any, error) {
	var req newAPIToken
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Title) == "" {
		return nil, invalidf("title: required, must not be blank")
	}
	if n := utf8.RuneCountInString(req.Title); n > maxTokenTitle {
		return nil, invalidf("title: at most %d characters (got %d)", maxTokenTitle, n)
	}
	var expires int64
	if req.ExpirationDate != nil && *req.ExpirationDate != "" {
		var err error
		if expires, err = parseExpiration(*req.ExpirationDate); err != nil {
			return nil, err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.st.begin()
	if expires != 0 && expires <= w.now {
		return nil, invalidf("expirationDate: %s is not in the future (now is %s)", formatTime(expires), formatTime(w.now))
	}
	t := &apiToken{id: w.newID(), title: req.Title, expires: expires, created: w.now}
	value, err := e.mintAPIToken(t.id)
	if err != nil {
		return nil, err
	}
	if e.st.access.tokenValues[value] != nil {
		return nil, fmt.Errorf("insert api token: minted a token value twice")
	}
	t.value = value
	w.access.tokens = append(w.access.tokens, t)
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("insert api token: %w", err)
	}
	return t.model(), nil
}

// mintAPIToken returns the value of a new token with id: derived from the
// id when the emulator is deterministic, else random.
func (e *Emulator) mintAPIToken(id uuid.UUID) (string, error) {
	if e.st.gen.deterministic {
		return apiTokenPrefix + strings.ReplaceAll(id.String(), "-", ""), nil
	}
	s, err := randomString(24)
	if err != nil {
		return "", fmt.Errorf("mint api token: %w", err)
	}
	return apiTokenPrefix + s, nil
}

// deleteAPIToken serves DELETE /apitoken/delete: the token is removed and
// answers 401 from then on (I17).
func (e *Emulator) deleteAPIToken(_ *http.Request, q url.Values) (any, error) {
	id, err := queryID(q, "id")
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.st.access.tokens[id]
	if t == nil {
		return nil, notFoundf("id: no api token %s", id)
	}
	w := e.st.begin()
	w.access.tokenRemovals = append(w.access.tokenRemovals, t)
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("delete api token: %w", err)
	}
	return nil, nil
}
