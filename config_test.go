package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// writeConfig writes the config file in clickscript's config folder cfg.
func writeConfig(t *testing.T, cfg, content string) string {
	t.Helper()
	if err := os.MkdirAll(cfg, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(cfg, "config.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigErrors(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"unknown top key", `{"profile": {}}`, `unknown key "profile" (known: default, profiles)`},
		{"unknown profile key", `{"profiles": {"work": {"url": "http://x:1", "pasword_env": "P"}}}`,
			`profiles.work: unknown key "pasword_env" (known: url, token_file, concurrency, page_size, username, password_env, login_type)`},
		{"wrong type", `{"profiles": {"work": {"concurrency": "8"}}}`, `profiles.work.concurrency: want a number, got a JSON string`},
		{"syntax", "{\n  \"profiles\": {\n    \"work\": {\"url\": }\n  }\n}", "line 3: invalid character '}'"},
		{"not an object", `[]`, "want an object, got a JSON array"},
		{"missing default", `{"default": "home", "profiles": {"work": {}}}`, `default: no profile named "home" (profiles: work)`},
		{"bad concurrency", `{"profiles": {"work": {"concurrency": 100}}}`, "profiles.work: concurrency: 100 is not between 1 and 64"},
		{"bad page size", `{"profiles": {"work": {"page_size": 5000}}}`, "profiles.work: page_size: 5000 is not between 1 and 500"}, // 500: the client's cap (I5), 1000 before issue 13
		{"bad login type", `{"profiles": {"work": {"login_type": 3}}}`, "profiles.work: login_type: 3 is not a login type"},
		{"password without user", `{"profiles": {"work": {"password_env": "P"}}}`, "profiles.work: password_env needs a username"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := isolateUserDirs(t)
			path := writeConfig(t, cfg, tt.content)
			_, _, _, err := selectProfile("")
			if err == nil || !strings.Contains(err.Error(), "config "+path+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant the file and %q", err, tt.want)
			}
			// Commands say so too.
			code, _, stderr := runCLI(t.Context(), t, "", "run", writeScript(t, "print(1)"))
			if code != exitError || !strings.Contains(stderr, tt.want) {
				t.Errorf("run: exit %d\n%s", code, stderr)
			}
		})
	}
}

func TestProfileSelection(t *testing.T) {
	cfg := isolateUserDirs(t)
	labToken := filepath.Join(t.TempDir(), "lab.token")
	quoted, _ := json.Marshal(labToken)
	writeConfig(t, cfg, `{"default": "work", "profiles": {
		"work": {"url": "http://work.example:29123", "concurrency": 8, "page_size": 200, "token_file": "~/work.token"},
		"lab":  {"url": "http://lab.example:29123", "token_file": `+string(quoted)+`}}}`)
	home, _ := os.UserHomeDir()
	open := func(args ...string) (*connFlags, *session) {
		t.Helper()
		var cf connFlags
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		cf.register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := cf.validate(); err != nil {
			t.Fatal(err)
		}
		sess, err := cf.open(t.Context(), streams{stdin: strings.NewReader(""), stdout: os.Stdout, stderr: os.Stderr})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sess.close() })
		return &cf, sess
	}
	// The default profile.
	cf, sess := open()
	if sess.client.BaseURL() != "http://work.example:29123" || cf.concurrency != 8 || sess.pageSize != 200 {
		t.Errorf("default profile: url %s, concurrency %d, page size %d", sess.client.BaseURL(), cf.concurrency, sess.pageSize)
	}
	if p, _, _, _ := selectProfile(""); p.TokenFile != filepath.Join(home, "work.token") {
		t.Errorf("token_file ~/work.token: %s", p.TokenFile)
	}
	// Flags override the profile.
	cf, sess = open("--url", "http://flag.example:1", "--concurrency", "2")
	if sess.client.BaseURL() != "http://flag.example:1" || cf.concurrency != 2 {
		t.Errorf("flags: url %s, concurrency %d", sess.client.BaseURL(), cf.concurrency)
	}
	// The environment overrides the file; flags override both.
	t.Setenv("CLICK_URL", "http://env.example:1")
	t.Setenv("CLICK_PROFILE", "lab")
	if _, sess = open(); sess.client.BaseURL() != "http://env.example:1" {
		t.Errorf("CLICK_URL: %s", sess.client.BaseURL())
	}
	t.Setenv("CLICK_URL", "")
	if p, name, _, _ := selectProfile(""); name != "lab" || p.TokenFile != labToken {
		t.Errorf("CLICK_PROFILE=lab: %s %+v", name, p)
	}
	if _, sess = open("--profile", "work"); sess.client.BaseURL() != "http://work.example:29123" {
		t.Errorf("--profile work over CLICK_PROFILE=lab: %s", sess.client.BaseURL())
	}
	// A name with no profile is an error that lists the profiles.
	if _, _, _, err := selectProfile("home"); err == nil || !strings.Contains(err.Error(), `--profile "home": no such profile`) ||
		!strings.Contains(err.Error(), "(profiles: lab, work)") {
		t.Errorf("unknown profile: %v", err)
	}
	code, _, stderr := runCLI(t.Context(), t, "", "run", "--profile", "work", "--emulator", writeScript(t, "print(1)"))
	if code != exitUsage || !strings.Contains(stderr, "drop it with --emulator") {
		t.Errorf("--profile with --emulator: exit %d\n%s", code, stderr)
	}
}

func TestNoConfigIsFine(t *testing.T) {
	isolateUserDirs(t)
	p, name, cfg, err := selectProfile("")
	if err != nil || name != "" || p != (profile{}) || len(cfg.Profiles) != 0 {
		t.Fatalf("no config file: %+v %q %+v %v", p, name, cfg, err)
	}
	if _, _, _, err := selectProfile("work"); err == nil || !strings.Contains(err.Error(), "the file has no profiles") {
		t.Errorf("--profile without a config file: %v", err)
	}
}

func TestUserDirsFollowTheOS(t *testing.T) {
	isolateUserDirs(t)
	base, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	for name, fn := range map[string]func() (string, error){"config": configPath, "token": tokenPath} {
		p, err := fn()
		if err != nil || !strings.HasPrefix(p, filepath.Join(base, appName)) {
			t.Errorf("%s path %s, %v: want it under %s", name, p, err, base)
		}
	}
	if d, err := stateDir(); err != nil || !filepath.IsAbs(d) || !strings.HasSuffix(d, appName) {
		t.Errorf("state dir %s, %v", d, err)
	}
}
