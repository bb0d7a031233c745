package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/internal/atomicfile"
)

// This file holds where clickscript keeps its files and the optional
// config file of named profiles. Every path comes from os.UserConfigDir
// and its kin, never a hard-coded Unix path: the agent runs on Windows and
// macOS desktops too.

// appName names clickscript's folder in the user's directories.
const appName = "clickscript"

// configDir is clickscript's folder in the user's config directory:
// $XDG_CONFIG_HOME/clickscript (~/.config) on Linux, ~/Library/Application
// Support/clickscript on macOS, %AppData%\clickscript on Windows.
func configDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w", err)
	}
	return filepath.Join(dir, appName), nil
}

// stateDir is where clickscript keeps state that is not configuration
// (REPL history, watch state): $XDG_STATE_HOME/clickscript
// (~/.local/state) on Linux and other Unix systems, and the config folder
// on macOS and Windows, which have no separate place for it.
func stateDir() (string, error) {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		return configDir()
	}
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, appName), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", appName), nil
}

// tokenPath is where login saves the token unless a profile names another
// file: "token" in the config folder.
func tokenPath() (string, error) {
	dir, err := configDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "token"), nil
}

// configPath is the config file: "config.json" in the config folder.
func configPath() (string, error) {
	dir, err := configDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "config.json"), nil
}

// config is the optional config file:
//
//	{"default": "work", "profiles": {"work": {"url": "http://localhost:29123", ...}}}
type config struct {
	Default  string             `json:"default"`
	Profiles map[string]profile `json:"profiles"`

	path string // the file it was read from
}

// profile is one named set of connection settings. Zero values are unset.
type profile struct {
	URL         string `json:"url"`          // the agent's base URL
	TokenFile   string `json:"token_file"`   // where login saves and runs read the token; relative to the config folder
	Concurrency int    `json:"concurrency"`  // bulk batches in flight (1 to 64)
	PageSize    int    `json:"page_size"`    // default page size of listings (1 to clickapi.MaxPageSize)
	Username    string `json:"username"`     // login's default username, and re-login's
	PasswordEnv string `json:"password_env"` // the environment variable holding the password, for re-login
	LoginType   int    `json:"login_type"`   // 16, 32 or 64 (default 16) for login and re-login
}

// profileKeys are the keys a profile may have, from profile's json tags.
func profileKeys() []string {
	t := reflect.TypeFor[profile]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag != "" {
			keys = append(keys, tag)
		}
	}
	return keys
}

// loadConfig reads the config file at path. A missing file is an empty
// config; anything else wrong with it is an error naming the file and,
// for an unknown key or a bad value, the key.
func loadConfig(path string) (*config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &config{path: path}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := parseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.path = path
	return cfg, nil
}

// parseConfig decodes and checks a config file's content.
func parseConfig(data []byte) (*config, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonError(data, err, "")
	}
	if top == nil {
		return nil, errors.New("want a JSON object {\"default\": ..., \"profiles\": {...}}")
	}
	cfg := &config{Profiles: map[string]profile{}}
	for _, k := range sortedKeys(top) {
		var err error
		switch k {
		case "default":
			err = json.Unmarshal(top[k], &cfg.Default)
		case "profiles":
			err = parseProfiles(top[k], cfg.Profiles)
		default:
			return nil, fmt.Errorf("unknown key %q (known: default, profiles)", k)
		}
		if err != nil {
			return nil, jsonError(top[k], err, k)
		}
	}
	if cfg.Default != "" {
		if _, ok := cfg.Profiles[cfg.Default]; !ok {
			return nil, fmt.Errorf("default: no profile named %q%s", cfg.Default, knownProfiles(cfg.Profiles))
		}
	}
	return cfg, nil
}

// parseProfiles decodes the profiles object into out, checking every key.
func parseProfiles(data json.RawMessage, out map[string]profile) error {
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	known := profileKeys()
	for _, name := range sortedKeys(raw) {
		where := "profiles." + name
		if name == "" {
			return fmt.Errorf("profiles: a profile needs a name")
		}
		for _, k := range sortedKeys(raw[name]) {
			if !slices.Contains(known, k) {
				return fmt.Errorf("%s: unknown key %q (known: %s)", where, k, strings.Join(known, ", "))
			}
		}
		var p profile
		for _, k := range sortedKeys(raw[name]) {
			// One key at a time, so that a bad value names its key.
			one, _ := json.Marshal(map[string]json.RawMessage{k: raw[name][k]})
			if err := json.Unmarshal(one, &p); err != nil {
				return jsonError(raw[name][k], err, where+"."+k)
			}
		}
		if err := p.check(); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		out[name] = p
	}
	return nil
}

// check validates the values of a profile that need no I/O.
func (p profile) check() error {
	switch {
	case p.Concurrency < 0 || p.Concurrency > 64:
		return fmt.Errorf("concurrency: %d is not between 1 and 64", p.Concurrency)
	case p.PageSize < 0 || p.PageSize > clickapi.MaxPageSize:
		return fmt.Errorf("page_size: %d is not between 1 and %d", p.PageSize, clickapi.MaxPageSize)
	case p.PasswordEnv != "" && p.Username == "":
		return errors.New("password_env needs a username")
	}
	if p.LoginType != 0 {
		if _, err := loginType(p.LoginType); err != nil {
			return fmt.Errorf("login_type: %w", err)
		}
	}
	return nil
}

// loginType checks a login type number.
func loginType(n int) (clickapi.LoginType, error) {
	switch t := clickapi.LoginType(n); t {
	case clickapi.DesktopAdmin, clickapi.DesktopCreativeUser, clickapi.DesktopStandardUser:
		return t, nil
	}
	return 0, fmt.Errorf("%d is not a login type: want 16 (admin), 32 (creative user) or 64 (standard user)", n)
}

// jsonError makes a decoding error read well: a syntax error gets its
// line, a type error the key it is at.
func jsonError(data []byte, err error, where string) error {
	prefix := ""
	if where != "" {
		prefix = where + ": "
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Errorf("%sline %d: %v", prefix, line, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%swant %s, got a JSON %s", prefix, jsonTypeName(te.Type), te.Value)
	}
	return fmt.Errorf("%s%v", prefix, err)
}

func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func knownProfiles(ps map[string]profile) string {
	if len(ps) == 0 {
		return " (the file has no profiles)"
	}
	return " (profiles: " + strings.Join(sortedKeys(ps), ", ") + ")"
}

// selectProfile returns the profile to use and its name: the one named by
// flag, else by CLICK_PROFILE, else the config's default; none (a zero
// profile and "") when nothing names one. A name with no profile is an error.
func selectProfile(flag string) (profile, string, *config, error) {
	path, err := configPath()
	if err != nil {
		if flag == "" && os.Getenv("CLICK_PROFILE") == "" {
			return profile{}, "", &config{}, nil
		}
		return profile{}, "", nil, err
	}
	cfg, err := loadConfig(path)
	if err != nil {
		return profile{}, "", nil, err
	}
	name, from := flag, "--profile"
	if name == "" {
		name, from = os.Getenv("CLICK_PROFILE"), "CLICK_PROFILE"
	}
	if name == "" {
		name, from = cfg.Default, "default"
	}
	if name == "" {
		return profile{}, "", cfg, nil
	}
	p, ok := cfg.Profiles[name]
	if !ok {
		return profile{}, "", nil, fmt.Errorf("%s %q: no such profile in %s%s", from, name, path, knownProfiles(cfg.Profiles))
	}
	p.TokenFile, err = resolvePath(p.TokenFile, filepath.Dir(path))
	if err != nil {
		return profile{}, "", nil, fmt.Errorf("profile %q: token_file: %w", name, err)
	}
	return p, name, cfg, nil
}

// resolvePath expands a leading "~" to the home directory and makes a
// relative path relative to dir. "" stays "".
func resolvePath(p, dir string) (string, error) {
	switch {
	case p == "":
		return "", nil
	case p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`):
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, p[1:]), nil
	case filepath.IsAbs(p):
		return filepath.Clean(p), nil
	}
	return filepath.Join(dir, p), nil
}

// tokenFile is where the profile keeps its token: its token_file, or the
// default token path.
func (p profile) tokenFile() (string, error) {
	if p.TokenFile != "" {
		return p.TokenFile, nil
	}
	return tokenPath()
}

// credentials are what an unattended re-login uses: CLICK_USERNAME, else
// the profile's username; CLICK_PASSWORD, else the variable named by the
// profile's password_env. ok is false unless both a username and a
// password are set.
func (p profile) credentials() (req clickapi.LoginRequest, ok bool) {
	req.Username = os.Getenv("CLICK_USERNAME")
	if req.Username == "" {
		req.Username = p.Username
	}
	req.Password = os.Getenv("CLICK_PASSWORD")
	if req.Password == "" && p.PasswordEnv != "" {
		req.Password = os.Getenv(p.PasswordEnv)
	}
	req.Type = clickapi.DesktopAdmin
	if p.LoginType != 0 {
		req.Type = clickapi.LoginType(p.LoginType)
	}
	return req, req.Username != "" && req.Password != ""
}

// writeFileAtomic replaces path with data, readable by the owner only
// (see atomicfile.Write): a crash leaves the old file or the new one,
// never half of one. The folder is created (mode 0700) when missing.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o600)
}
