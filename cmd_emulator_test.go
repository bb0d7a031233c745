package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestEmulatorBindPolicy(t *testing.T) {
	tests := []struct {
		addr, password string
		allow          bool
		remote         bool
		err            string // "" for allowed
	}{
		{addr: "127.0.0.1:29123", remote: false},
		{addr: "127.0.0.2:0", remote: false},
		{addr: "[::1]:0", remote: false},
		{addr: "localhost:0", remote: false},
		{addr: "0.0.0.0:29123", remote: true, err: "add --allow-remote"},
		{addr: ":29123", remote: true, err: "add --allow-remote"},
		{addr: "[::]:29123", remote: true, err: "add --allow-remote"},
		{addr: "10.1.2.3:29123", remote: true, err: "add --allow-remote"},
		{addr: "0.0.0.0:29123", allow: true, remote: true, err: `set a --password other than the default "admin"`},
		{addr: ":29123", allow: true, password: "admin", remote: true, err: `set a --password other than the default "admin"`},
		{addr: ":29123", allow: true, password: "s3cret", remote: true},
		{addr: "127.0.0.1", err: "missing port"},
	}
	for _, tt := range tests {
		remote, err := bindPolicy(tt.addr, tt.allow, tt.password)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s allow=%v password=%q: %v", tt.addr, tt.allow, tt.password, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s allow=%v password=%q: error %v, want %q", tt.addr, tt.allow, tt.password, err, tt.err)
		case tt.err != "missing port" && remote != tt.remote:
			t.Errorf("%s: remote %v, want %v", tt.addr, remote, tt.remote)
		}
	}
	var b bytes.Buffer
	warnRemote(&b, "0.0.0.0:29123")
	if !strings.HasPrefix(b.String(), "WARNING: the emulator listens on 0.0.0.0:29123, beyond loopback") || strings.Count(b.String(), "WARNING") != 3 {
		t.Errorf("warning:\n%s", b.String())
	}
}

// TestEmulatorRefusesRemoteBind shows that the command stops before it
// listens: no socket beyond loopback is ever opened here. The context is
// cancelled from the start, so that a command that wrongly listens ends at
// once and fails the test instead of serving until the test times out.
func TestEmulatorRefusesRemoteBind(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"--addr", "0.0.0.0:0"},
		{"--addr", ":0"},
		{"--addr", ":0", "--allow-remote"},
		{"--addr", ":0", "--allow-remote", "--password", "admin"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(ctx, append([]string{"emulator"}, args...), strings.NewReader(""), &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), "beyond loopback") || strings.Contains(stdout.String(), "listening") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout.String(), stderr.String())
		}
	}
}

// TestEmulatorSwitches shows that the command's switches reach the
// emulator: the silent page cap, deviations, the missing subscription and
// the other account's usernames.
func TestEmulatorSwitches(t *testing.T) {
	base := startCLIEmulator(t, "--seed", "demo", "--token", "EXAMPLE_TOKEN", "--page-cap", "7",
		"--deviate", "users-ascending,no-options", "--no-subscription", "--other-account-users", "a@example.com,b@example.com")
	get := func(path string) (int, map[string]json.RawMessage) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]json.RawMessage
		data, _ := io.ReadAll(resp.Body)
		if len(data) > 0 {
			if err := json.Unmarshal(data, &body); err != nil {
				t.Fatalf("%s: %v: %s", path, err, data)
			}
		}
		return resp.StatusCode, body
	}
	status, body := get("/user/get_all_users?token=EXAMPLE_TOKEN&pagesize=20")
	var users []struct{ Username string }
	if err := json.Unmarshal(body["data"], &users); status != 200 || err != nil || len(users) != 7 {
		t.Fatalf("page cap: %d, %d users (%v)", status, len(users), err)
	}
	if _, ok := body["options"]; ok || users[0].Username != "admin@example.com" {
		t.Errorf("deviations not applied: options %s, first user %s", body["options"], users[0].Username)
	}
	resp, err := http.Post(base+"/usergroup/import_users?token=EXAMPLE_TOKEN", "application/json", strings.NewReader(`[]`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("import without subscription: %d, want 402", resp.StatusCode)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"emulator", "--addr", "127.0.0.1:0", "--deviate", "nope"}, strings.NewReader(""), &stdout, &stderr); code != exitUsage ||
		!strings.Contains(stderr.String(), `unknown deviation "nope"; use one of users-ascending,`) {
		t.Errorf("bad --deviate: exit %d, %s", code, stderr.String())
	}
}
