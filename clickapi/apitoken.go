package clickapi

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	gojson "github.com/goccy/go-json"
)

// This file speaks the apitoken endpoints (contract section 6). Token
// values are secrets: every value the client receives is registered with
// its redaction (AddSecret) before the call returns, and APIToken.Token
// prints as REDACTED.

// apiTokenList decodes the answer of get_all: a bare JSON array, as the
// vendor documents it, or a DTOCollection, whose data is taken.
type apiTokenList []APIToken

// UnmarshalJSON accepts an array or a collection object.
func (l *apiTokenList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var col Collection[APIToken]
		if err := gojson.Unmarshal(b, &col); err != nil {
			return err
		}
		*l = col.Data
		return nil
	}
	var arr []APIToken
	if err := gojson.Unmarshal(b, &arr); err != nil {
		return err
	}
	*l = arr
	return nil
}

// APITokens returns the signed-in user's API tokens (GET /apitoken/get_all;
// not paged). Their values are registered with the client's redaction.
func (c *Client) APITokens(ctx context.Context) ([]APIToken, error) {
	var out apiTokenList
	if err := c.do(ctx, call{method: "GET", route: RouteAPITokens, idempotent: true}, &out); err != nil {
		return nil, err
	}
	for _, t := range out {
		c.AddSecret(t.Token.Reveal())
	}
	if out == nil {
		return []APIToken{}, nil
	}
	return out, nil
}

// dateLayout is how the client writes dates: UTC, whole seconds, "Z", as
// every vendor sample shows them.
const dateLayout = "2006-01-02T15:04:05Z"

// FormatDate writes t as the agent's dates look: "2027-01-01T00:00:00Z".
func FormatDate(t time.Time) string { return t.UTC().Format(dateLayout) }

// ParseDate reads a date of the API: RFC 3339, with or without fractional
// seconds, with "Z" or an offset (INFERRED I26).
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want RFC 3339, such as 2027-01-01T00:00:00Z", s)
	}
	return t, nil
}

// InsertAPIToken creates an API token for the signed-in user and returns
// it with its value, which the agent shows only here and in APITokens
// (POST /apitoken/insert). The value is registered with the client's
// redaction before InsertAPIToken returns: show it with Token.Reveal,
// once, where the user asked for it.
//
// An insert is not idempotent. InsertAPIToken first reads the tokens that
// exist (one GET), so that when an attempt fails after it may have landed
// it can tell the new token from older ones with the same title, and it
// resends only when no new token is there.
func (c *Client) InsertAPIToken(ctx context.Context, t NewAPIToken) (*APIToken, error) {
	r := call{method: "POST", route: RouteInsertAPIToken, body: t}
	if strings.TrimSpace(t.Title) == "" {
		return nil, fmt.Errorf("%s: title is empty", r.endpoint())
	}
	if t.ExpirationDate != "" {
		if _, err := ParseDate(t.ExpirationDate); err != nil {
			return nil, fmt.Errorf("%s: expirationDate: %w", r.endpoint(), err)
		}
	}
	before, err := c.APITokens(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: read the existing tokens first: %w", r.endpoint(), err)
	}
	known := make(map[string]bool, len(before))
	for _, tok := range before {
		known[tok.ID] = true
	}
	send := func() (*APIToken, error) {
		var out APIToken
		err := c.do(ctx, r, &out)
		c.AddSecret(out.Token.Reveal())
		if err != nil {
			return nil, err
		}
		if out.Token == "" || out.ID == "" {
			return nil, fmt.Errorf("%s: %w: the answer has no token value or id (token id %q)", r.endpoint(), ErrBadResponse, out.ID)
		}
		return &out, nil
	}
	lookup := func() (*APIToken, error) {
		now, err := c.APITokens(ctx)
		if err != nil {
			return nil, err
		}
		var fresh []APIToken
		for _, tok := range now {
			if !known[tok.ID] && tok.Title == t.Title {
				fresh = append(fresh, tok)
			}
		}
		switch len(fresh) {
		case 0:
			return nil, nil
		case 1:
			return &fresh[0], nil
		}
		ids := make([]string, len(fresh))
		for i, tok := range fresh {
			ids[i] = tok.ID
		}
		return nil, fmt.Errorf("%d new tokens titled %q appeared meanwhile (ids %s)", len(fresh), t.Title, strings.Join(ids, ", "))
	}
	return insertChecked(ctx, c, "API token", send, lookup)
}

// DeleteAPIToken deletes one of the signed-in user's API tokens, by its id
// (DELETE /apitoken/delete). Its holders get 401 from then on; deleting
// the token the client itself uses ends the client's session.
func (c *Client) DeleteAPIToken(ctx context.Context, id string) error {
	r := call{method: "DELETE", route: RouteDeleteAPIToken, query: url.Values{"id": {id}}, idempotent: true, deletes: true}
	if id == "" {
		return fmt.Errorf("%s: id is empty", r.endpoint())
	}
	return c.do(ctx, r, nil)
}
