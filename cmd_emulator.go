package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/emulator"
)

func emulatorCommand() *command {
	return &command{
		name:    "emulator",
		args:    "[flags]",
		summary: "serve an emulator of the agent's Click API on loopback",
		example: "clickscript emulator --token EXAMPLE_TOKEN\n" +
			"clickscript emulator --db state.db --seed none --token T\n" +
			"clickscript emulator --seed none --groups 1000000 --users 10000 --memberships 100000\n" +
			"clickscript emulator --faults 429=0.05,503=0.05,reset-after=2%,latency=20ms@0.1 --faults-seed 7\n" +
			"clickscript emulator --page-cap 25 --deviate users-ascending,no-options\n" +
			"clickscript emulator --username user@example.com --password 'p@ssw0rd' --mfa-code 123456",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			addr := fs.String("addr", "127.0.0.1:29123", "listen address; beyond loopback (0.0.0.0:P, :P) needs --allow-remote and --password")
			allowRemote := fs.Bool("allow-remote", false, "allow --addr beyond loopback; anyone who can reach it can log in, so a non-default --password is required")
			db := fs.String("db", "", "persist state in this file (bbolt); default: in memory")
			seed := fs.String("seed", "demo", "initial data: demo, none, or a seed JSON file")
			token := fs.String("token", "", "session token to accept (default: a random one, printed at start)")
			groups := fs.Int("groups", 0, "add this many synthetic groups")
			users := fs.Int("users", 0, "add this many synthetic users")
			memberships := fs.Int("memberships", 0, "add this many synthetic memberships")
			deterministic := fs.Bool("deterministic", false, "fixed id sequence and clock, for byte-stable recordings")
			username := fs.String("username", "", "login username to accept (default admin@example.com)")
			password := fs.String("password", "", "login password to accept (default admin)")
			mfa := fs.String("mfa-code", "", "answer logins with an MFA challenge that this code (sent as userCode to mfa_respond) satisfies")
			mfaChallenge := fs.Int("mfa-challenge", 1, "the challenge of --mfa-code logins: 1 (TOTP) or 2 (SMS)")
			pageCap := fs.Int("page-cap", 0, "serve at most `N` rows per page whatever pagesize asks, silently (0: no cap beyond 1000)")
			noSubscription := fs.Bool("no-subscription", false, "the account has no active subscription: import_users answers 402")
			otherAccount := fs.StringSlice("other-account-users", nil, "comma-separated `USERNAMES` owned by another account: import_users skips them silently")
			deviate := fs.String("deviate", "", "break documented facts on purpose, for testing a checker; `NAMES` is a comma-separated list of\n"+
				strings.TrimRight(emulator.DeviationHelp(), "\n"))
			faults := fs.String("faults", "", "inject failures into a share of the protected requests; `SPEC` is a comma-separated list of\n"+
				"KIND=SHARE (SHARE 0..1 or a percentage like 5%), KIND one of\n"+
				"  429           answer 429 with Retry-After (retry-after=DUR sets it, default 1s)\n"+
				"  503, 500      answer that status with no body\n"+
				"  reset-before  reset the connection before serving: nothing applied\n"+
				"  reset-after   serve (a write IS applied), then reset the connection unanswered\n"+
				"  truncate      send status, headers and half the body, then close\n"+
				"  malformed     replace a 200 JSON body with one that is not JSON\n"+
				"and latency=DUR@SHARE (wait DUR before serving, even if the client gives up meanwhile),\n"+
				"and routes=PATH+PATH (inject only into requests for these paths, like /usergroup/import_users).\n"+
				"At most one of the others hits a request, so their shares add up to at most 1.\n"+
				"Never applied to agent_status or login.\n"+
				"Example: 429=0.05,503=0.05,500=0.02,reset-before=0.02,reset-after=0.02,latency=20ms@0.1,truncate=0.02,malformed=0.02")
			countRequests := fs.Bool("count-requests", false, "count requests by method and route, in flight and at peak, and serve the counts as JSON at GET "+emulator.RequestsPath+" to loopback clients (benchmarks read them)")
			faultsSeed := fs.Uint64("faults-seed", 1, "seed `N` of the generator that picks the faults: the same seed and request order inject the same faults")
			return func(ctx context.Context, args []string, s streams) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				spec, err := emulator.ParseFaults(*faults)
				if err != nil {
					return usagef("--faults: %v", err)
				}
				spec.Seed = *faultsSeed
				dev, err := emulator.ParseDeviations(*deviate)
				if err != nil {
					return usagef("--deviate: %v", err)
				}
				remote, err := bindPolicy(*addr, *allowRemote, *password)
				if err != nil {
					return usagef("%v", err)
				}
				em, err := emulator.New(emulator.Options{
					Token: *token, Seed: *seed, DBPath: *db, Deterministic: *deterministic,
					Groups: *groups, Users: *users, Memberships: *memberships,
					Username: *username, Password: *password, MFACode: *mfa, MFAChallenge: *mfaChallenge,
					PageCap: *pageCap, NoSubscription: *noSubscription, OtherAccountUsers: *otherAccount,
					Deviations: dev, Faults: spec, CountRequests: *countRequests,
				})
				if err != nil {
					return err
				}
				defer em.Close()
				if spec.Enabled() {
					fmt.Fprintf(s.stderr, "emulator: injecting faults %s (seed %d)\n", spec, spec.Seed)
				}
				if dev.Any() {
					fmt.Fprintf(s.stderr, "emulator: deviating from the contract: %s\n", dev)
				}
				if remote {
					warnRemote(s.stderr, *addr)
				}
				return serveEmulator(ctx, em, *addr, s)
			}
		},
	}
}

// bindPolicy says whether addr binds beyond loopback, and refuses it
// unless allowRemote is set and the login password is not the default one
// (issue 15: the default login would hand a token to anyone on the
// network). A host name counts as loopback only when every address it
// resolves to is.
func bindPolicy(addr string, allowRemote bool, password string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("--addr %q: %v", addr, err)
	}
	if loopbackHost(host) {
		return false, nil
	}
	if !allowRemote {
		return true, fmt.Errorf("--addr %q listens beyond loopback, where anyone who can reach it can log in; "+
			"add --allow-remote (and a --password) if you mean it, or use 127.0.0.1", addr)
	}
	if password == "" || password == emulator.DefaultPassword {
		return true, fmt.Errorf("--addr %q listens beyond loopback: set a --password other than the default %q", addr, emulator.DefaultPassword)
	}
	return true, nil
}

// loopbackHost reports whether host (of a listen address) is loopback
// only: a loopback IP, or a name whose addresses all are. "" and
// unspecified addresses (0.0.0.0, ::) are every interface.
func loopbackHost(host string) bool {
	if host == "" {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return false
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return false
		}
	}
	return true
}

// warnRemote tells, loudly, that the emulator listens beyond loopback.
func warnRemote(w io.Writer, addr string) {
	fmt.Fprintf(w, "WARNING: the emulator listens on %s, beyond loopback (--allow-remote).\n"+
		"WARNING: anyone who can reach this address and knows the login or the token can read and change its data.\n"+
		"WARNING: it is a test double, not a service: stop it when you are done.\n", addr)
}

// serveEmulator serves em on addr until ctx is cancelled.
func serveEmulator(ctx context.Context, em *emulator.Emulator, addr string, s streams) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: em, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	fmt.Fprintf(s.stdout, "emulator listening on http://%s\ntoken: %s\n", ln.Addr(), em.Token())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(s.stderr, "emulator stopped")
	return nil
}
