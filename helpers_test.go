package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/clickscript/clickscript/emulator"
)

// serveLoopback serves h on a free 127.0.0.1 port for the rest of the test
// and returns its base URL.
func serveLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// startDemoEmulator serves a deterministic demo emulator that accepts
// token, for the rest of the test, and returns its base URL.
func startDemoEmulator(t *testing.T, token string) string {
	t.Helper()
	em, err := emulator.New(emulator.Options{Seed: "demo", Deterministic: true, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	return serveLoopback(t, em)
}
