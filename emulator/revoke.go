package emulator

// RevokeTokens makes every token accepted so far invalid, the static
// Options.Token included, as if they had all expired: the next request
// that carries one answers 401. Tokens issued by later logins are valid.
// Tests use it to show how a client copes with an expired session.
func (e *Emulator) RevokeTokens() {
	e.auth.revokeAll()
}

// revokeAll forgets every issued token and refuses the static one.
func (a *sessions) revokeAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokens = map[string]bool{}
	a.staticRevoked = true
}

// revokedStatic reports whether RevokeTokens refused the static token.
func (a *sessions) revokedStatic() bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.staticRevoked
}
