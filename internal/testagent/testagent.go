// Package testagent starts the demo emulator on a loopback port for
// tests, and returns a client of it: one way for the packages' tests to
// get an agent.
package testagent

import (
	"net/http/httptest"
	"testing"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

// Client returns a client of a fresh deterministic demo emulator that
// accepts token, served on 127.0.0.1 until the test ends.
func Client(t testing.TB, token string) *clickapi.Client {
	t.Helper()
	em, err := emulator.New(emulator.Options{Seed: "demo", Deterministic: true, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(em)
	t.Cleanup(func() { srv.Close(); em.Close() })
	client, err := clickapi.New(clickapi.Options{BaseURL: srv.URL, Token: em.Token()})
	if err != nil {
		t.Fatal(err)
	}
	return client
}
