package clickapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/clickscript/clickscript/internal/printable"
)

// This file holds the session calls of [click:authentication.md] and the
// agent's health check [click:management.md].

// Login exchanges credentials for a token (POST /authentication/login, no
// token needed). When the answer's Challenge is not ChallengeNone, JWTToken
// is empty: answer the challenge with MFARespond. Bad credentials or a
// login type the user does not have are 401 on the agent: the error then
// matches ErrLoginRefused (and not ErrUnauthorized). Login does not change
// the client's token; call SetToken. The password and the token are
// registered with the client's Secrets.
func (c *Client) Login(ctx context.Context, req LoginRequest) (*LoginResponse, error) {
	c.secrets.Add(req.Password)
	var out LoginResponse
	if err := c.do(ctx, call{method: http.MethodPost, route: RouteLogin, body: req, public: true}, &out); err != nil {
		return nil, err
	}
	c.secrets.Add(out.JWTToken)
	return &out, nil
}

// MFARespond answers a login challenge, TOTP or SMS (INFERRED I15), with
// the code the user received and the login's session, and returns the
// token (POST /authentication/mfa_respond). A wrong code or a stale session
// is 499 TOTP: the error matches ErrWrongCode, and the session may be
// answered again.
func (c *Client) MFARespond(ctx context.Context, req MFARequest) (*LoginResponse, error) {
	var out LoginResponse
	if err := c.do(ctx, call{method: http.MethodPost, route: RouteMFARespond, body: req, public: true}, &out); err != nil {
		return nil, err
	}
	if out.JWTToken == "" {
		return nil, fmt.Errorf("%s %s: %w: no token in the answer", http.MethodPost, RouteMFARespond, ErrBadResponse)
	}
	c.secrets.Add(out.JWTToken)
	return &out, nil
}

// Logout ends the session of token on the agent (POST
// /authentication/logout): the token travels in the body, with no token
// parameter, and the answer is 200 with no body [click:authentication.md].
// Afterwards the agent answers 401 to that token (INFERRED I17). It is not
// resent: a second logout of an ended session is pointless.
func (c *Client) Logout(ctx context.Context, token string) error {
	c.secrets.Add(token)
	err := c.do(ctx, call{method: http.MethodPost, route: RouteLogout, body: LogoutRequest{JWTToken: token}, public: true}, nil)
	if err != nil {
		// The token to end is not the client's: scrub it too.
		return &redactedError{err: err, token: token}
	}
	return nil
}

// WhoAmI returns the user the client's token belongs to (GET
// /authentication/user) [click:authentication.md]: the cheap "who am I, and
// is my token still good" check. The answer's JWTToken is a Secret.
func (c *Client) WhoAmI(ctx context.Context) (*UserInfo, error) {
	var out UserInfo
	if err := c.do(ctx, call{method: http.MethodGet, route: RouteWhoAmI, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AgentStatus returns the agent's state (GET /management/agent_status, no
// token needed) [click:management.md]. Any answer proves the agent is up;
// only AgentStarted means the protected API is usable.
func (c *Client) AgentStatus(ctx context.Context) (AgentStatus, error) {
	var out AgentStatus
	err := c.do(ctx, call{method: http.MethodGet, route: RouteAgentStatus, idempotent: true, public: true}, &out)
	return out, err
}

// SessionInfo is what WhoAmI and AgentStatus say about a client's session:
// who the token belongs to and the agent's state. Either part may have
// failed; its error says why.
type SessionInfo struct {
	BaseURL  string
	Agent    AgentStatus
	AgentErr error
	User     *UserInfo
	UserErr  error
}

// Session asks the agent for its state and for the token's user (two small
// requests) and returns both answers; it fails only when ctx ends.
func (c *Client) Session(ctx context.Context) (SessionInfo, error) {
	si := SessionInfo{BaseURL: c.BaseURL()}
	si.Agent, si.AgentErr = c.AgentStatus(ctx)
	if err := ctx.Err(); err != nil {
		return si, err
	}
	si.User, si.UserErr = c.WhoAmI(ctx)
	return si, ctx.Err()
}

// OK reports whether the token is good and the agent ready (state 1).
func (si SessionInfo) OK() bool {
	return si.AgentErr == nil && si.UserErr == nil && si.Agent == AgentStarted
}

// Banner says in one line who is signed in where, for the REPL's greeting:
// "jane@example.com (DesktopAdmin) of Example Org; agent Started".
func (si SessionInfo) Banner() string {
	var who string
	switch {
	case si.User != nil:
		who = fmt.Sprintf("%s (%s) of %s", printable.Escape(si.User.Username), si.User.UserType,
			printable.Escape(cmp.Or(si.User.AccountName, "an unnamed account")))
	case errors.Is(si.UserErr, ErrNoToken):
		who = "not signed in: " + ErrNoToken.Error()
	case errors.Is(si.UserErr, ErrUnauthorized):
		who = "not signed in: " + ErrUnauthorized.Error()
	default:
		who = fmt.Sprintf("user unknown (%v)", si.UserErr)
	}
	switch {
	case si.AgentErr != nil:
		return fmt.Sprintf("%s; agent state unknown (%v)", who, si.AgentErr)
	case si.Agent != AgentStarted:
		return fmt.Sprintf("%s; agent not ready (%s, state %d)", who, si.Agent, int(si.Agent))
	}
	return who + "; agent " + si.Agent.String()
}
