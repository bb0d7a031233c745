package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/clickscript/clickscript/bindings"
	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/clickapi/cassette"
	"github.com/clickscript/clickscript/emulator"
	"github.com/clickscript/clickscript/engine"
)

// connFlags are the connection and run flags that run, watch and repl share.
type connFlags struct {
	url         string
	token       string
	tokenFile   string
	emulator    bool
	dryRun      bool
	timeout     time.Duration
	logLevel    string
	logFormat   string
	concurrency int
	record      string
	replay      string
	profile     string
	maxResponse string
	// emulatorURL is an emulator that a parent process serves (the REPL's
	// worker uses the one its supervisor started): its token comes from
	// the environment (emulatorTokenEnv), never from a profile.
	emulatorURL string

	fs *pflag.FlagSet // to tell a flag set on the command line from its default
}

func (c *connFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.url, "url", "", "agent base URL (env CLICK_URL; default "+clickapi.DefaultBaseURL+")")
	fs.StringVar(&c.token, "token", "", "session or API token (env CLICK_TOKEN; default: the token saved by login); other users can see it in ps: prefer --token-file or CLICK_TOKEN")
	fs.StringVar(&c.tokenFile, "token-file", "", "read the token from this file (a regular file, mode 0600; read once, trimmed)")
	fs.BoolVar(&c.emulator, "emulator", false, "start an in-process emulator with demo data and use it")
	fs.BoolVar(&c.dryRun, "dry-run", false, "send no write; log what each write would do")
	fs.DurationVar(&c.timeout, "timeout", 0, "give up after this long, requests in flight included (e.g. 30s, 5m; 0: no limit)")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.logFormat, "log-format", "text", "text or json")
	fs.IntVar(&c.concurrency, "concurrency", 4, "requests in flight at once: pages of a listing and batches of bulk writes (429/503 answers lower it for a while)")
	fs.StringVar(&c.maxResponse, "max-response", "64MiB", "refuse an answer whose body is larger than this (e.g. 64MiB, 1GiB)")
	fs.StringVar(&c.record, "record", "", "write every request and answer to this cassette file (token scrubbed)")
	fs.StringVar(&c.replay, "replay", "", "answer from this cassette file, with no network at all")
	fs.StringVar(&c.profile, "profile", "", "use this profile of the config file (env CLICK_PROFILE; default: the file's default)")
	c.fs = fs
}

// session is what a command needs to talk to the API: a client, a logger,
// and what to do at the end (stop an in-process emulator, save a recording).
type session struct {
	client   *clickapi.Client
	log      *slog.Logger
	stop     func()
	recorder *cassette.Recorder
	replayer *cassette.Replayer
	record   string // where the recording goes
	replay   string // the cassette replayed
	// pageSize is the default page size of listings that the profile
	// asks for; 0: the agent's default.
	pageSize int
	// What the flags (and the profile) say about writes and requests.
	dryRun      bool
	concurrency int
	sequential  bool // one request at a time, for a recording
}

// engineOptions are the options of every Lua state that run, watch and
// repl make: built in this one place, so that the three cannot drift.
// files holds the open record files (nil: none); lim the script's limits.
func (s *session) engineOptions(stdout, stderr io.Writer, files *bulkFiles, lim limits) engine.Options {
	o := engine.Options{
		Options: bindings.Options{
			Client: s.client, Logger: s.log, DryRun: s.dryRun,
			Concurrency: s.concurrency, PageSize: s.pageSize,
			// A recording is made one request at a time, so that it
			// is byte-stable and replays in order.
			Sequential: s.sequential,
			Progress:   progressFor(stderr, s.log),
		},
		Stdout: stdout, Stderr: stderr, MaxMemory: lim.maxMemory, Sandbox: lim.sandbox,
	}
	if files != nil {
		o.Audit, o.Journal, o.Results = files.audit, files.journal, files.results
	}
	return o
}

// close ends the session: it saves the recording, or, after a replay,
// reports recorded requests the run did not make (the script changed).
func (s *session) close() error {
	s.stop()
	switch {
	case s.recorder != nil:
		if err := s.recorder.Save(s.record); err != nil {
			return fmt.Errorf("save recording: %w", err)
		}
	case s.replayer != nil:
		if n := s.replayer.Remaining(); n > 0 {
			return fmt.Errorf("cassette %s: %d recorded requests were not made: the script no longer does what was recorded", s.replay, n)
		}
	}
	return nil
}

// validate checks the flag values that need no I/O.
func (c *connFlags) validate() error {
	if _, err := parseLevel(c.logLevel); err != nil {
		return err
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return fmt.Errorf("--log-format %q: want text or json", c.logFormat)
	}
	if c.concurrency < 1 || c.concurrency > 64 {
		return fmt.Errorf("--concurrency %d: want 1 to 64", c.concurrency)
	}
	if c.timeout < 0 {
		return fmt.Errorf("--timeout %v: must not be negative", c.timeout)
	}
	if _, err := c.maxResponseBytes(); err != nil {
		return err
	}
	if c.token != "" && c.tokenFile != "" {
		return errors.New("--token and --token-file both give the token: drop one")
	}
	if c.emulator && (c.url != "" || c.token != "" || c.tokenFile != "") {
		return errors.New("--emulator starts its own agent: drop --url, --token and --token-file")
	}
	if c.replay != "" && (c.emulator || c.record != "" || c.url != "") {
		return errors.New("--replay answers from the cassette: drop --emulator, --record and --url")
	}
	if c.profile != "" && (c.emulator || c.replay != "") {
		return errors.New("--profile chooses an agent: drop it with --emulator or --replay")
	}
	return nil
}

// open connects as the flags say: a replayed cassette, the in-process
// emulator, or an agent. For an agent, each setting comes from its flag,
// else its environment variable, else the profile (--profile, else
// CLICK_PROFILE, else the config file's default): the URL from --url,
// CLICK_URL or the profile's url; the token from --token, CLICK_TOKEN or
// the token file (the profile's token_file, else the one login saves).
// When credentials are configured (see profile.credentials), the client
// logs in again when the token expires. With --record, every exchange is
// recorded on the way.
func (c *connFlags) open(ctx context.Context, s streams) (*session, error) {
	level, _ := parseLevel(c.logLevel)
	sess := &session{stop: func() {}, record: c.record, replay: c.replay}
	var token string
	sess.log = newLogger(s.stderr, level, c.logFormat, s.secrets)
	var base string
	var transport http.RoundTripper = clickapi.NewTransport()
	var relogin func(context.Context) (string, error)
	switch {
	case c.replay != "":
		cas, err := cassette.Load(c.replay)
		if err != nil {
			return nil, err
		}
		sess.replayer = cassette.NewReplayer(cas)
		transport = sess.replayer
		// The replayer never dials: any base URL and token do.
		base, token = clickapi.DefaultBaseURL, "replay"
	case c.emulatorURL != "":
		base, token = c.emulatorURL, os.Getenv(emulatorTokenEnv)
	case c.emulator:
		url, tok, stop, err := startEmulator()
		if err != nil {
			return nil, fmt.Errorf("start emulator: %w", err)
		}
		base, token, sess.stop = url, tok, stop
	default:
		var err error
		if base, token, relogin, err = c.agent(sess, s.secrets); err != nil {
			return nil, err
		}
	}
	// The token, however it came, is a secret of the run from now on.
	s.secrets.Add(token)
	if c.record != "" {
		sess.recorder = cassette.NewRecorder(transport)
		sess.recorder.UseSecrets(s.secrets)
		transport = sess.recorder
	}
	sess.dryRun, sess.concurrency, sess.sequential = c.dryRun, c.concurrency, c.record != ""
	maxResponse, err := c.maxResponseBytes()
	if err != nil {
		sess.stop()
		return nil, err
	}
	// Recording and replaying send one request at a time, in the order the
	// script asks, so that cassettes are byte-stable and replay in order.
	client, err := clickapi.New(clickapi.Options{BaseURL: base, Token: token, Logger: sess.log,
		HTTPClient: &http.Client{Transport: transport}, Relogin: relogin, Secrets: s.secrets,
		Concurrency: c.concurrency, Sequential: c.record != "" || c.replay != "", MaxResponse: maxResponse})
	if err != nil {
		sess.stop()
		return nil, err
	}
	sess.client = client
	return sess, nil
}

// maxResponseBytes returns --max-response in bytes.
func (c *connFlags) maxResponseBytes() (int64, error) {
	if c.maxResponse == "" {
		return clickapi.DefaultMaxResponse, nil
	}
	n, err := parseSize(c.maxResponse)
	if err != nil || n < 1024 {
		return 0, fmt.Errorf("--max-response %q: want a size of at least 1KiB, like 64MiB or 1GiB", c.maxResponse)
	}
	return n, nil
}

// agent applies the flags, the environment and the profile (see open) to
// a session with an agent: it returns the base URL, the token and, when
// the profile has credentials, the function that logs in again. It sets
// the session's page size, and the concurrency unless a flag set it.
// The profile's password, when it has one, joins secrets.
func (c *connFlags) agent(sess *session, secrets *clickapi.Secrets) (base, token string, relogin func(context.Context) (string, error), err error) {
	p, name, _, err := selectProfile(c.profile)
	if err != nil {
		return "", "", nil, err
	}
	base = cmp.Or(c.url, os.Getenv("CLICK_URL"), p.URL)
	if (c.fs == nil || !c.fs.Changed("concurrency")) && p.Concurrency > 0 {
		c.concurrency = p.Concurrency
	}
	sess.pageSize = p.PageSize
	token, fromFile, err := c.resolveTokenFrom(p)
	if err != nil {
		return "", "", nil, err
	}
	if creds, ok := p.credentials(); ok {
		secrets.Add(creds.Password)
		relogin = sess.relogin(creds, fromFile)
	}
	if name != "" {
		sess.log.Debug("profile", "name", name, "relogin", relogin != nil)
	}
	return base, token, relogin, nil
}

// relogin is the session's way to get a new token when the old one
// expires: log in with creds, scrub the new token from the recording, and
// save it to tokenFile (when the token came from one) for the next run.
func (sess *session) relogin(creds clickapi.LoginRequest, tokenFile string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		tok, err := sess.client.LoginToken(ctx, creds)
		if err != nil {
			return "", err
		}
		if tokenFile != "" {
			if err := writeFileAtomic(tokenFile, []byte(tok+"\n")); err != nil {
				sess.log.Warn("could not save the new token", "file", tokenFile, "error", err)
			}
		}
		return tok, nil
	}
}

// resolveToken applies the token precedence: --token, CLICK_TOKEN, then
// the token file of the profile (see open). No token at all is not an
// error here: the agent answers 401, which says what to do.
func (c *connFlags) resolveToken() (string, error) {
	p, _, _, err := selectProfile(c.profile)
	if err != nil {
		return "", err
	}
	token, _, err := c.resolveTokenFrom(p)
	return token, err
}

// resolveTokenFrom applies the token precedence with profile p. file is
// the token file the token came from, "" when it came from a flag or the
// environment.
func (c *connFlags) resolveTokenFrom(p profile) (token, file string, err error) {
	if c.token != "" {
		return c.token, "", nil
	}
	if c.tokenFile != "" {
		// Read once, never written back: a new token from a re-login
		// stays in memory.
		token, err := readTokenFileAt(c.tokenFile, "--token-file")
		if errors.Is(err, os.ErrNotExist) {
			return "", "", fmt.Errorf("--token-file %s: no such file", c.tokenFile)
		}
		if err == nil && token == "" {
			err = fmt.Errorf("--token-file %s is empty", c.tokenFile)
		}
		return token, "", err
	}
	if t := os.Getenv("CLICK_TOKEN"); t != "" {
		return t, "", nil
	}
	path, err := p.tokenFile()
	if err != nil {
		return "", "", nil
	}
	if token, err = readTokenFile(path); err != nil || token == "" {
		return "", "", err
	}
	return token, path, nil
}

// readTokenFile reads a saved token. A missing file is no token; a file
// that others may read is refused (on systems with Unix permissions), and
// so is anything but a regular file (a FIFO would block the run).
func readTokenFile(path string) (string, error) {
	token, err := readTokenFileAt(path, "saved token")
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	return token, err
}

// readTokenFileAt reads the token in the file at path, trimmed; what names
// the file in errors. A missing file is an error wrapping os.ErrNotExist.
// Anything but a regular file (a FIFO, a device, a directory) is refused
// before it is opened, and a file that others may read is refused (on
// systems with Unix permissions).
func readTokenFileAt(path, what string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("%s %s is not a regular file (%v): a token file must be a plain file", what, path, info.Mode().Type())
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%s %s is readable by others (mode %v): run chmod 600 on it, or log in again", what, path, info.Mode().Perm())
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	defer f.Close()
	// The file may have been swapped since the Stat: check what was opened.
	if info, err = f.Stat(); err != nil || !info.Mode().IsRegular() {
		return "", fmt.Errorf("%s %s is not a regular file: a token file must be a plain file", what, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return strings.TrimSpace(string(data)), nil
}

// emulatorTokenEnv carries the token of a parent's emulator to a child
// process (see connFlags.emulatorURL): in the environment, not in ps.
const emulatorTokenEnv = "CLICKSCRIPT_EMULATOR_TOKEN"

// startEmulator serves a deterministic demo emulator on a loopback port.
func startEmulator() (url, token string, stop func(), err error) {
	em, err := emulator.New(emulator.Options{Seed: "demo", Deterministic: true})
	if err != nil {
		return "", "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		em.Close()
		return "", "", nil, err
	}
	srv := &http.Server{Handler: em, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			srv.Close()
			em.Close()
		})
	}
	return "http://" + ln.Addr().String(), em.Token(), stop, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// newLogger logs to w at level in format. Every line passes through the
// redaction of secrets before it is written: w is a command's stderr,
// redacted by Main.Run already; any other w is wrapped.
func newLogger(w io.Writer, level slog.Level, format string, secrets *clickapi.Secrets) *slog.Logger {
	rw, ok := w.(*clickapi.Writer)
	if !ok {
		rw = clickapi.NewWriter(w, secrets)
	}
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(rw, opts))
	}
	return slog.New(slog.NewTextHandler(rw, opts))
}
