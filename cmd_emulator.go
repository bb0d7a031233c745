package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
			"clickscript emulator --faults 429=0.05,503=0.05,reset-after=2%,latency=20ms@0.1 --faults-seed 7",
		setup: func(fs *pflag.FlagSet) func(context.Context, []string, streams) error {
			addr := fs.String("addr", "127.0.0.1:29123", "listen address; loopback unless you mean otherwise")
			db := fs.String("db", "", "persist state in this file (bbolt); default: in memory")
			seed := fs.String("seed", "demo", "initial data: demo, none, or a seed JSON file")
			token := fs.String("token", "", "session token to accept (default: a random one, printed at start)")
			groups := fs.Int("groups", 0, "add this many synthetic groups")
			users := fs.Int("users", 0, "add this many synthetic users")
			memberships := fs.Int("memberships", 0, "add this many synthetic memberships")
			deterministic := fs.Bool("deterministic", false, "fixed id sequence and clock, for byte-stable recordings")
			username := fs.String("username", "", "login username to accept (default admin@example.com)")
			password := fs.String("password", "", "login password to accept (default admin)")
			mfa := fs.String("mfa-code", "", "answer logins with a TOTP challenge that this code satisfies")
			faults := fs.String("faults", "", "inject failures into a share of the protected requests; `SPEC` is a comma-separated list of\n"+
				"KIND=SHARE (SHARE 0..1 or a percentage like 5%), KIND one of\n"+
				"  429           answer 429 with Retry-After (retry-after=DUR sets it, default 1s)\n"+
				"  503, 500      answer that status with no body\n"+
				"  reset-before  reset the connection before serving: nothing applied\n"+
				"  reset-after   serve (a write IS applied), then reset the connection unanswered\n"+
				"  truncate      send status, headers and half the body, then close\n"+
				"  malformed     replace a 200 JSON body with one that is not JSON\n"+
				"and latency=DUR@SHARE (wait DUR before serving, even if the client gives up meanwhile).\n"+
				"At most one of the others hits a request, so their shares add up to at most 1.\n"+
				"Never applied to agent_status or login.\n"+
				"Example: 429=0.05,503=0.05,500=0.02,reset-before=0.02,reset-after=0.02,latency=20ms@0.1,truncate=0.02,malformed=0.02")
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
				em, err := emulator.New(emulator.Options{
					Token: *token, Seed: *seed, DBPath: *db, Deterministic: *deterministic,
					Groups: *groups, Users: *users, Memberships: *memberships,
					Username: *username, Password: *password, MFACode: *mfa,
					Faults: spec,
				})
				if err != nil {
					return err
				}
				defer em.Close()
				if spec.Enabled() {
					fmt.Fprintf(s.stderr, "emulator: injecting faults %s (seed %d)\n", spec, spec.Seed)
				}
				return serveEmulator(ctx, em, *addr, s)
			}
		},
	}
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
