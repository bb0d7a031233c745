package emulator

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Options configures an Emulator. The zero value is an empty, in-memory
// emulator with a random token and the default login credentials.
type Options struct {
	// Token is the static session token accepted on protected routes.
	// "" generates a random one; read it with Emulator.Token. Tokens
	// issued by the login routes are accepted as well.
	Token string

	// Seed is what a new store starts with: "" or "none" for nothing,
	// "demo" for the built-in demo dataset, anything else the path of a
	// JSON seed file in the SeedFile format. A persisted store that was
	// seeded before is loaded as it is, and Seed is ignored.
	Seed string

	// Groups, Users and Memberships are sizes of a synthetic dataset
	// added after the seed: groups "Group 0000001"..., users
	// "user0000001@example.com"..., and memberships spreading the users
	// over the groups deterministically. Like Seed, they apply only to a
	// new store.
	Groups, Users, Memberships int

	// DBPath is the bbolt file that persists the store; "" keeps it in
	// memory only.
	DBPath string

	// Deterministic makes ids count up from
	// 00000000-0000-4000-8000-000000000001, the clock start at
	// 2026-01-01T00:00:00Z and advance one second per write, and login
	// tokens and MFA sessions count up, so that answers are byte-stable.
	Deterministic bool

	// Username and Password are the credentials POST
	// /authentication/login accepts (defaults "admin@example.com" and
	// "admin"). The username matches ignoring case.
	Username, Password string

	// MFACode, when set, makes login answer a challenge (MFAChallenge,
	// default 1 TOTP) with a session; POST /authentication/mfa_respond
	// with that session and this code as userCode answers the token.
	MFACode string

	// MFAChallenge is the challenge login answers when MFACode is set:
	// 1 (TOTP, the default) or 2 (SMS). Both are answered through
	// mfa_respond (I15).
	MFAChallenge int

	// PageCap, when positive, silently serves at most this many rows per
	// page whatever pagesize asks (I5): options.pageSize echoes the size
	// served. Tests use it to show the client still sees every row once.
	PageCap int

	// NoSubscription makes the account have no active subscription:
	// import_users answers 402 before any work [web:usergroup.md].
	NoSubscription bool

	// OtherAccountUsers are usernames (ignoring case) that belong to
	// another account: import_users skips entries naming them, silently
	// [web:usergroup.md].
	OtherAccountUsers []string

	// Deviations break documented facts on purpose (see Deviations).
	Deviations Deviations

	// Logger, when set, gets one line per request: method, path, status,
	// problem type, injected faults and duration. Query strings, and so
	// tokens, are never logged.
	Logger *slog.Logger

	// Faults makes protected routes fail on purpose: 429s, 503s, 500s,
	// reset connections, delays, truncated and malformed bodies, each for
	// a share of the requests (see Faults and ParseFaults). The zero value
	// injects nothing.
	Faults Faults

	// CountRequests counts every request by method and route, with those
	// in flight and their peak (see Requests), and serves the counts at
	// RequestsPath to loopback clients. Benchmarks and tests read it.
	CountRequests bool
}

// DefaultUsername and DefaultPassword are the login credentials of an
// emulator whose Options leave them empty.
const (
	DefaultUsername = defaultUsername
	DefaultPassword = defaultPassword
)

// Stats counts an emulator's live records: groups that are not
// soft-deleted, users that are not deleted, and assignments between the two.
type Stats struct {
	Groups      int
	Users       int
	Memberships int
}

// Emulator is an http.Handler that behaves like the Amove desktop agent's
// Click API. It is safe for concurrent use: reads run in parallel, writes
// one at a time. Call Close when done with it.
type Emulator struct {
	token        string
	username     string
	password     string
	mfaCode      string
	mfaChallenge int
	pageCap      int
	noSubscribed bool
	otherAccount map[string]bool // lower-case usernames of another account
	dev          Deviations
	serial       sync.Mutex // held per request under the serial deviation
	log          *slog.Logger
	routes       map[string][]route
	auth         *sessions
	faults       *injector       // nil when Options.Faults injects nothing
	requests     *requestCounter // nil unless Options.CountRequests

	mu sync.RWMutex
	st *store
	db *bolt.DB // nil when in memory
}

// New returns an Emulator configured by opts: it opens or creates the
// bbolt file when opts.DBPath is set, and seeds a new store.
func New(opts Options) (*Emulator, error) {
	if opts.Groups < 0 || opts.Users < 0 || opts.Memberships < 0 {
		return nil, fmt.Errorf("emulator: synthetic sizes must not be negative (groups %d, users %d, memberships %d)",
			opts.Groups, opts.Users, opts.Memberships)
	}
	if err := opts.Faults.Validate(); err != nil {
		return nil, fmt.Errorf("emulator: faults: %w", err)
	}
	if opts.PageCap < 0 {
		return nil, fmt.Errorf("emulator: page cap must not be negative (got %d)", opts.PageCap)
	}
	switch opts.MFAChallenge {
	case 0, challengeTOTP, challengeSMS:
	default:
		return nil, fmt.Errorf("emulator: MFA challenge must be 1 (TOTP) or 2 (SMS), got %d", opts.MFAChallenge)
	}
	e := &Emulator{
		token:        opts.Token,
		username:     cmp.Or(opts.Username, defaultUsername),
		password:     cmp.Or(opts.Password, defaultPassword),
		mfaCode:      opts.MFACode,
		mfaChallenge: cmp.Or(opts.MFAChallenge, challengeTOTP),
		pageCap:      opts.PageCap,
		noSubscribed: opts.NoSubscription,
		otherAccount: map[string]bool{},
		dev:          opts.Deviations,
		log:          opts.Logger,
		auth:         newSessions(opts.Deterministic),
		faults:       newInjector(opts.Faults),
	}
	if opts.CountRequests {
		e.requests = &requestCounter{byRoute: map[string]int{}}
	}
	for _, u := range opts.OtherAccountUsers {
		e.otherAccount[strings.ToLower(strings.TrimSpace(u))] = true
	}
	e.routes = e.routeTable()
	if e.token == "" {
		t, err := randomString(24)
		if err != nil {
			return nil, fmt.Errorf("emulator: token: %w", err)
		}
		e.token = "emulator-" + t
	}
	gen, err := newIDGen(opts.Deterministic)
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	hint := sizeHint{groups: opts.Groups, users: opts.Users, members: opts.Memberships}
	e.st = newStore(gen, hint)
	if opts.DBPath == "" {
		if err := seed(e.st, opts); err != nil {
			return nil, fmt.Errorf("emulator: %w", err)
		}
		return e, nil
	}
	if err := e.open(opts, gen, hint); err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	return e, nil
}

// open opens the bbolt file and loads it, or seeds it when it is new.
func (e *Emulator) open(opts Options, gen idgen, hint sizeHint) error {
	db, err := openDB(opts.DBPath)
	if err != nil {
		return err
	}
	seeded, err := loadDB(db, e.st)
	if err == nil && !seeded {
		e.st = newStore(gen, hint)
		err = errors.Join(resetDB(db), seed(e.st, opts))
		if err == nil {
			err = saveAll(db, e.st)
		}
	}
	if err != nil {
		return errors.Join(err, db.Close())
	}
	e.db = db
	return nil
}

// seed fills a new store from opts.Seed and the synthetic sizes.
func seed(st *store, opts Options) error {
	st.loading = true
	switch opts.Seed {
	case "", "none":
	case "demo":
		if err := st.loadSeed(demoSeed(), "seed demo"); err != nil {
			return err
		}
	default:
		sf, err := readSeedFile(opts.Seed)
		if err != nil {
			return err
		}
		if err := st.loadSeed(sf, "seed "+opts.Seed); err != nil {
			return err
		}
	}
	if err := st.synthesize(opts.Groups, opts.Users, opts.Memberships); err != nil {
		return err
	}
	st.finishLoad()
	return nil
}

// Token returns the static session token protected routes accept.
func (e *Emulator) Token() string { return e.token }

// Stats counts the live records.
func (e *Emulator) Stats() Stats {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.st.stats()
}

// Close closes the bbolt file, if any; a persisted emulator answers 500
// to writes after Close.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.db == nil {
		return nil
	}
	if err := e.db.Close(); err != nil {
		return fmt.Errorf("emulator: close %s: %w", e.db.Path(), err)
	}
	return nil
}

// commit makes w durable (one bbolt transaction) and then publishes it.
// The caller holds the write lock. An empty write changes nothing.
func (e *Emulator) commit(w *write) error {
	if w.empty() {
		return nil
	}
	if e.db != nil {
		if err := saveWrite(e.db, w); err != nil {
			return err
		}
	}
	w.apply()
	return nil
}

// Emulator is an http.Handler.
var _ http.Handler = (*Emulator)(nil)
