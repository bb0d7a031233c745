package emulator

import (
	"net/http"
	"testing"
)

func TestRevokeTokens(t *testing.T) {
	e := newEmu(t, Options{Deterministic: true})
	login := func() string {
		t.Helper()
		a := raw(t, e, "POST", routeLogin, `{"username":"admin@example.com","password":"admin","type":16}`)
		return decode[apiLogin](t, a).JWTToken
	}
	status := func(tok string) int {
		t.Helper()
		return raw(t, e, "GET", withToken(routeGroups, tok), "").status
	}
	issued := login()
	if status(testToken) != http.StatusOK || status(issued) != http.StatusOK {
		t.Fatal("tokens refused before RevokeTokens")
	}
	e.RevokeTokens()
	if got := status(testToken); got != http.StatusUnauthorized {
		t.Errorf("static token after RevokeTokens: %d, want 401", got)
	}
	if got := status(issued); got != http.StatusUnauthorized {
		t.Errorf("issued token after RevokeTokens: %d, want 401", got)
	}
	fresh := login()
	if fresh == issued {
		t.Fatalf("a login after RevokeTokens gave the revoked token %q again", fresh)
	}
	if got := status(fresh); got != http.StatusOK {
		t.Errorf("token of a login after RevokeTokens: %d, want 200", got)
	}
}
