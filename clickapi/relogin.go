package clickapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
)

// relogin serialises the logins that Options.Relogin does after a 401, so
// that concurrent requests that meet the same expired token trigger one
// login between them, and stops logging in once a login failed or the
// token it gave was refused too (so that wrong credentials are not tried
// again and again, which could lock the account).
type relogin struct {
	mu     sync.Mutex
	login  func(ctx context.Context) (string, error)
	failed error // the reason logins stopped; nil while they may be tried
}

func newRelogin(login func(ctx context.Context) (string, error)) *relogin {
	if login == nil {
		return nil
	}
	return &relogin{login: login}
}

// resendAfterLogin handles a 401 (first) that request r met with token
// used: it gets a new token (logging in, unless another request already
// did) and resends r once with it. A 401 to the resent request is returned
// as it is, and ends the logins of this client. When no new token can be
// had, first is returned, with the reason.
func (c *Client) resendAfterLogin(ctx context.Context, r call, used string, out any, first error) error {
	token, err := c.renewToken(ctx, r, used)
	if err != nil {
		return fmt.Errorf("%w (logging in again failed: %s)", first, RedactToken(err.Error(), used))
	}
	err = c.send(ctx, r, token, out)
	if errors.Is(err, ErrUnauthorized) {
		rl := c.relogin
		rl.mu.Lock()
		if rl.failed == nil && c.Token() == token {
			rl.failed = errors.New("the token of the last login was refused too")
			c.log.LogAttrs(ctx, slog.LevelError, "the new token was refused too: giving up logging in again",
				slog.String("endpoint", r.endpoint()))
		}
		rl.mu.Unlock()
	}
	return redactError(err, token)
}

// renewToken returns the token to resend with after a 401 to a request
// sent with used: the client's current token when another request has
// replaced used meanwhile, else the token of a new login, which becomes
// the client's token.
func (c *Client) renewToken(ctx context.Context, r call, used string) (string, error) {
	rl := c.relogin
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if rl.failed != nil {
		return "", rl.failed
	}
	if cur := c.Token(); cur != used {
		return cur, nil
	}
	c.log.LogAttrs(ctx, slog.LevelWarn, "token rejected or expired (401): logging in again",
		slog.String("endpoint", r.endpoint()))
	token, err := rl.login(ctx)
	if err == nil && token == "" {
		err = errors.New("the login gave no token")
	}
	if err != nil {
		if ctx.Err() != nil {
			// Interrupted: the credentials may well be fine.
			return "", err
		}
		rl.failed = fmt.Errorf("an earlier login failed: %w", err)
		c.log.LogAttrs(ctx, slog.LevelError, "logging in again failed", slog.String("error", RedactToken(err.Error(), used)))
		return "", err
	}
	c.SetToken(token)
	c.log.LogAttrs(ctx, slog.LevelInfo, "logged in again; resending the request", slog.String("endpoint", r.endpoint()))
	return token, nil
}

// LoginToken logs in with req and returns the token, for an unattended
// login such as Options.Relogin: a login that asks for a second factor is
// an error, since nobody is there to type the code.
func (c *Client) LoginToken(ctx context.Context, req LoginRequest) (string, error) {
	resp, err := c.Login(ctx, req)
	if err != nil {
		return "", err
	}
	if resp.Challenge == ChallengeNone && resp.JWTToken == "" {
		return "", fmt.Errorf("POST %s: %w: no token in the answer", RouteLogin, ErrBadResponse)
	}
	if resp.Challenge != ChallengeNone {
		return "", fmt.Errorf("login as %s asks for a %s code, which an unattended login cannot give: use a long-lived API token instead",
			req.Username, resp.Challenge)
	}
	return resp.JWTToken, nil
}

// String names the challenge: "none", "TOTP", "SMS", or its number.
func (ch Challenge) String() string {
	switch ch {
	case ChallengeNone:
		return "none"
	case ChallengeTOTP:
		return "TOTP"
	case ChallengeSMS:
		return "SMS"
	}
	return "challenge " + strconv.Itoa(int(ch))
}
