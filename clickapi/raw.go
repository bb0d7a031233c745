package clickapi

import (
	"context"
	"encoding/json"
	"net/url"
)

// GetRaw sends GET route (for instance RouteGroups) with query and the
// client's token, and returns the 2xx body undecoded, for checks of the
// wire shape itself (clickscript doctor). It retries and fails like every
// read: a non-2xx answer is an *APIError.
func (c *Client) GetRaw(ctx context.Context, route string, query url.Values) (json.RawMessage, error) {
	var raw json.RawMessage
	err := c.do(ctx, call{method: "GET", route: route, query: query, idempotent: true}, &raw)
	return raw, err
}

// GetRawWithToken is GetRaw with token sent instead of the client's (no
// re-login on 401): to see how the agent answers a token it does not know.
func (c *Client) GetRawWithToken(ctx context.Context, route string, query url.Values, token string) (json.RawMessage, error) {
	q := cloneValues(query)
	q.Set(TokenParam, token)
	var raw json.RawMessage
	err := c.do(ctx, call{method: "GET", route: route, query: q, idempotent: true, public: true}, &raw)
	return raw, err
}
