package emulator

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
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

// revoke makes t answer 401 from now on (I17), the static token
// included; it reports whether t was accepted before.
func (a *sessions) revoke(t string, static bool) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if static {
		was := !a.staticRevoked
		a.staticRevoked = true
		return was
	}
	was := a.tokens[t]
	delete(a.tokens, t)
	return was
}

// isStatic reports whether t is the static Options.Token.
func (e *Emulator) isStatic(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(e.token)) == 1
}

// authorized reports whether the request carries an accepted token.
func (e *Emulator) authorized(q url.Values) bool {
	t := param(q, tokenParam)
	if t == "" {
		return false
	}
	return (e.isStatic(t) && !e.auth.revokedStatic()) || e.auth.valid(t) || e.apiTokenValid(t)
}

// agentStatus serves GET /management/agent_status: a bare integer
// [click:management.md] (I14).
func (e *Emulator) agentStatus(*http.Request, url.Values) (any, error) {
	if e.dev.AgentNotStarted {
		return AgentCreated, nil
	}
	return AgentStarted, nil
}

// loginUser returns the live user record of the login username, or nil.
func (e *Emulator) loginUser() *user {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.st.userNames[strings.ToLower(e.username)]
}

// login serves POST /authentication/login [click:authentication.md]: bad
// credentials and a type the user does not have answer 401
// [click:errors.md] [web:authentication.md]; with Options.MFACode the
// answer is a challenge and a session.
func (e *Emulator) login(r *http.Request, _ url.Values) (any, error) {
	var req loginRequest
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	if !strings.EqualFold(req.Username, e.username) || subtle.ConstantTimeCompare([]byte(req.Password), []byte(e.password)) != 1 {
		return nil, &unauthorized{why: "username, password: no such user or wrong password"}
	}
	userType := signedInUserType
	if u := e.loginUser(); u != nil {
		userType = u.userType
	}
	if req.Type&loginTypes == 0 || req.Type&^loginTypes != 0 || req.Type&userType != req.Type {
		return nil, &unauthorized{why: fmt.Sprintf("type: the user cannot log in as type %d", req.Type)}
	}
	if e.mfaCode != "" {
		s, err := e.auth.startMFA()
		if err != nil {
			return nil, err
		}
		return apiLogin{Challenge: e.mfaChallenge, Session: s}, nil
	}
	t, err := e.auth.issueToken()
	if err != nil {
		return nil, err
	}
	return apiLogin{JWTToken: t, Challenge: challengeNone}, nil
}

// mfaRespond serves POST /authentication/mfa_respond: the same answer for
// a TOTP and an SMS challenge (I15). A wrong code or a stale session
// answers 499 TOTP [web:authentication.md]; a session survives wrong codes
// and ends with the right one.
func (e *Emulator) mfaRespond(r *http.Request, _ url.Values) (any, error) {
	var req mfaRequest
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	if req.Session == "" {
		return nil, invalidf("session: required")
	}
	if e.mfaCode == "" || !e.auth.pendingMFA(req.Session) {
		return nil, problemf(codeMFA, "session: unknown, expired or already answered; log in again")
	}
	if subtle.ConstantTimeCompare([]byte(req.UserCode), []byte(e.mfaCode)) != 1 {
		return nil, problemf(codeMFA, "userCode: wrong code")
	}
	if !e.auth.finishMFA(req.Session) {
		return nil, problemf(codeMFA, "session: unknown, expired or already answered; log in again")
	}
	t, err := e.auth.issueToken()
	if err != nil {
		return nil, err
	}
	return apiLogin{JWTToken: t, Challenge: challengeNone}, nil
}

// logout serves POST /authentication/logout [click:authentication.md]:
// the token in the body answers 401 from now on (I17). The answer is an
// empty 200 whether or not the token was still valid.
func (e *Emulator) logout(r *http.Request, _ url.Values) (any, error) {
	var req logoutRequest
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	if req.JWTToken == "" {
		return nil, invalidf("jwtToken: required")
	}
	e.auth.revoke(req.JWTToken, e.isStatic(req.JWTToken))
	return nil, nil
}

// userInfo serves GET /authentication/user [click:authentication.md]: the
// signed-in user, from the user record of the login username when there is
// one, with the token the caller supplied.
func (e *Emulator) userInfo(_ *http.Request, q url.Values) (any, error) {
	info := apiUserInfo{
		AccountName: accountName, AccountID: accountID, UserID: signedInUserID,
		Username: e.username, UserType: signedInUserType, JWTToken: param(q, tokenParam),
		Owner: true, SubscriptionType: subscriptionMonthly, MFA: e.mfaCode != "",
	}
	if u := e.loginUser(); u != nil {
		info.UserID, info.FirstName, info.LastName = u.id.String(), u.firstname, u.lastname
		info.Username, info.UserType, info.Owner, info.MFA = u.username, u.userType, u.owner, u.mfa || e.mfaCode != ""
	}
	return info, nil
}
