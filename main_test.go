package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/clickscript/clickscript/emulator"
)

// TestMain lets testscript run the real command as "clickscript" in a
// subprocess of the test binary.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"clickscript": main})
}

// TestScripts runs testdata/script/*.txtar end to end.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			root, err := os.Getwd()
			if err != nil {
				return err
			}
			env.Setenv("SCRIPTS", filepath.Join(root, "scripts"))
			// Keep the user's real saved token and config out of the tests.
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/.config")
			env.Setenv("XDG_STATE_HOME", env.WorkDir+"/.state")
			env.Setenv("CLICK_URL", "")
			env.Setenv("CLICK_TOKEN", "")
			env.Values[bgKey{}] = &bgProcs{procs: map[string]*bgProc{}}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"emulator":  cmdStartEmulator,
			"spawn":     cmdSpawn,
			"waitfor":   cmdWaitFor,
			"interrupt": cmdInterrupt,
			"terminate": cmdTerminate,
			"exitcode":  cmdExitCode,
		},
	})
}

// cmdStartEmulator starts a deterministic demo emulator on a loopback port
// for the rest of the script and points CLICK_URL and CLICK_TOKEN at it, so
// that several clickscript runs share its state.
func cmdStartEmulator(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! emulator")
	}
	opts := emulator.Options{Seed: "demo", Deterministic: true, Token: "tok-testscript"}
	if len(args) > 0 {
		opts.Seed = args[0]
	}
	em, err := emulator.New(opts)
	ts.Check(err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	srv := &http.Server{Handler: em, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	ts.Defer(func() {
		srv.Close()
		em.Close()
	})
	ts.Setenv("CLICK_URL", "http://"+ln.Addr().String())
	ts.Setenv("CLICK_TOKEN", em.Token())
}
