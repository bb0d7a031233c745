package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/emulator"
)

func TestDoctorCommand(t *testing.T) {
	const token = "tok-doctor-cmd-7f3a9c"
	start := func(t *testing.T, opts emulator.Options) string {
		opts.Seed, opts.Deterministic, opts.Token = "demo", true, token
		em, err := emulator.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { em.Close() })
		return serveLoopback(t, em)
	}
	t.Run("green", func(t *testing.T) {
		url := start(t, emulator.Options{})
		record := filepath.Join(t.TempDir(), "doctor.json")
		code, stdout, stderr := runCLI(t.Context(), t, "", "doctor", "--url", url, "--token", token, "--samples", "3", "--record", record)
		if code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		if !strings.Contains(stdout, "ITEM") || !strings.Contains(stdout, " 0 differ\n") {
			t.Errorf("stdout:\n%s", stdout)
		}
		data, err := os.ReadFile(record)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "/usergroup/get_all") {
			t.Errorf("the recording lacks the probe's requests:\n%.400s", data)
		}
		if strings.Contains(string(data), token) {
			t.Errorf("the recording holds the token")
		}
	})
	t.Run("differs", func(t *testing.T) {
		dev, err := emulator.ParseDeviations(emulator.DeviateUsersAscending + "," + emulator.DeviatePastEndError)
		if err != nil {
			t.Fatal(err)
		}
		url := start(t, emulator.Options{Deviations: dev})
		code, stdout, stderr := runCLI(t.Context(), t, "", "doctor", "--url", url, "--token", token, "--samples", "3")
		if code != exitError {
			t.Fatalf("exit %d, want %d\n%s\n%s", code, exitError, stdout, stderr)
		}
		if !strings.Contains(stderr, "user/get_all_users: default order") || !strings.Contains(stderr, "page past the end") {
			t.Errorf("stderr does not name the differences:\n%s", stderr)
		}
		if !strings.Contains(stdout, "DIFFERS") {
			t.Errorf("stdout:\n%s", stdout)
		}
	})
	t.Run("refused token", func(t *testing.T) {
		url := start(t, emulator.Options{})
		code, stdout, stderr := runCLI(t.Context(), t, "", "doctor", "--url", url, "--token", "wrong-token", "--samples", "3")
		if code != exitError || !strings.Contains(stdout, "token ") || !strings.Contains(stderr, "differs") {
			t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
		}
	})
}

func TestTimeoutHelpFitsEveryCommand(t *testing.T) {
	for _, cmd := range []string{"undo", "doctor", "run"} {
		_, stdout, stderr := runCLI(t.Context(), t, "", cmd, "--help")
		if strings.Contains(stdout+stderr, "stop the script after") {
			t.Errorf("%s --help: --timeout speaks of a script:\n%s", cmd, stdout+stderr)
		}
	}
}
