package emulator

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/clickscript/clickscript/clickapi"
)

// sessions holds the tokens the login routes issued and the MFA sessions
// waiting for a code. Deterministic ones count up.
type sessions struct {
	mu            sync.RWMutex
	deterministic bool
	n             uint64
	tokens        map[string]bool
	pending       map[string]bool
	staticRevoked bool // Options.Token no longer accepted (see revoke.go)
}

// newSessions returns an empty sessions.
func newSessions(deterministic bool) *sessions {
	return &sessions{deterministic: deterministic, tokens: map[string]bool{}, pending: map[string]bool{}}
}

// newSecret returns a fresh token or session string starting with prefix.
// The caller holds a.mu.
func (a *sessions) newSecret(prefix string) (string, error) {
	if a.deterministic {
		a.n++
		return fmt.Sprintf("%s%016d", prefix, a.n), nil
	}
	s, err := randomString(24)
	if err != nil {
		return "", err
	}
	return prefix + s, nil
}

// issueToken returns a new token the protected routes accept.
func (a *sessions) issueToken() (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, err := a.newSecret("emulator-jwt-")
	if err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	a.tokens[t] = true
	return t, nil
}

// startMFA returns a new MFA session.
func (a *sessions) startMFA() (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, err := a.newSecret("emulator-mfa-")
	if err != nil {
		return "", fmt.Errorf("start mfa session: %w", err)
	}
	a.pending[s] = true
	return s, nil
}

// pendingMFA reports whether session waits for a code.
func (a *sessions) pendingMFA(session string) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.pending[session]
}

// finishMFA ends session, reporting whether it was pending.
func (a *sessions) finishMFA(session string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	ok := a.pending[session]
	delete(a.pending, session)
	return ok
}

// valid reports whether t is an issued token.
func (a *sessions) valid(t string) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.tokens[t]
}

// authorized reports whether the request carries an accepted token.
func (e *Emulator) authorized(q url.Values) bool {
	t := param(q, clickapi.TokenParam)
	if t == "" {
		return false
	}
	return (subtle.ConstantTimeCompare([]byte(t), []byte(e.token)) == 1 && !e.auth.revokedStatic()) || e.auth.valid(t) ||
		e.apiTokenValid(t)
}

// agentStatus serves GET /management/agent_status.
func (e *Emulator) agentStatus(*http.Request, url.Values) (any, error) {
	return agentStatus, nil
}

// login serves POST /authentication/login.
func (e *Emulator) login(r *http.Request, _ url.Values) (any, error) {
	var req clickapi.LoginRequest
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	switch req.Type {
	case 0, clickapi.DesktopAdmin, clickapi.DesktopCreativeUser, clickapi.DesktopStandardUser:
	default:
		return nil, invalidf("type: %d is not a login type; use 16 (DesktopAdmin), 32 (DesktopCreativeUser) or 64 (DesktopStandardUser)", req.Type)
	}
	if !strings.EqualFold(req.Username, e.username) || subtle.ConstantTimeCompare([]byte(req.Password), []byte(e.password)) != 1 {
		return nil, problemf(clickapi.CodeAuth, "username, password: no such user or wrong password")
	}
	if e.mfaCode != "" {
		s, err := e.auth.startMFA()
		if err != nil {
			return nil, err
		}
		return clickapi.LoginResponse{Challenge: clickapi.ChallengeTOTP, Session: s}, nil
	}
	t, err := e.auth.issueToken()
	if err != nil {
		return nil, err
	}
	return clickapi.LoginResponse{JWTToken: t, Challenge: clickapi.ChallengeNone}, nil
}

// mfaRespond serves POST /authentication/mfa_respond. A session survives
// wrong codes and ends with the right one.
func (e *Emulator) mfaRespond(r *http.Request, _ url.Values) (any, error) {
	var req clickapi.MFARequest
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	if req.Session == "" {
		return nil, invalidf("session: required")
	}
	if e.mfaCode == "" || !e.auth.pendingMFA(req.Session) {
		return nil, problemf(clickapi.CodeSession, "session: unknown, expired or already answered; log in again")
	}
	if subtle.ConstantTimeCompare([]byte(req.UserCode), []byte(e.mfaCode)) != 1 {
		return nil, problemf(clickapi.CodeAuth, "code: wrong code")
	}
	if !e.auth.finishMFA(req.Session) {
		return nil, problemf(clickapi.CodeSession, "session: unknown, expired or already answered; log in again")
	}
	t, err := e.auth.issueToken()
	if err != nil {
		return nil, err
	}
	return clickapi.LoginResponse{JWTToken: t, Challenge: clickapi.ChallengeNone}, nil
}
