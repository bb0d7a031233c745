package clickapi

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy says how often and how patiently a request is resent. Reads
// and the writes the vendor makes safe to repeat are resent after
// connection errors, a body cut short, 429 (honouring Retry-After, I25),
// 500 and 502/503/504: assign_users and import_users are additive (existing
// pairs skipped, users reused [web:usergroup.md]), update sends the whole
// object [click:usergroup.md], and a resent delete or unassign answered
// NOT_FOUND counts as done (I11). Insert is resent only when the request
// provably never left (its headers were never written); the bindings look
// the name up before sending it again.
type RetryPolicy struct {
	MaxAttempts   int           // including the first; 0: 5; 1: never retry
	BaseDelay     time.Duration // first backoff; 0: 100ms
	MaxDelay      time.Duration // cap of the exponential backoff; 0: 5s
	MaxRetryAfter time.Duration // cap on a server's Retry-After; 0: 60s
}

// DefaultRetryPolicy returns the policy used when Options.Retry is the zero
// value: 5 attempts, backoff from 100ms to 5s, Retry-After honoured up to a minute.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, BaseDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second, MaxRetryAfter: time.Minute}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts > 0 {
		d.MaxAttempts = p.MaxAttempts
	}
	if p.BaseDelay > 0 {
		d.BaseDelay = p.BaseDelay
	}
	if p.MaxDelay > 0 {
		d.MaxDelay = p.MaxDelay
	}
	if p.MaxRetryAfter > 0 {
		d.MaxRetryAfter = p.MaxRetryAfter
	}
	return d
}

// retryableStatus reports whether an idempotent request answered with this
// status may succeed when resent: 429, 500 ("unexpected server error", no
// body [click:errors.md]) and 502/503/504.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the wait before retry number attempt (1-based): a server's
// Retry-After when it gave one (capped), else capped exponential backoff
// with jitter.
func (p RetryPolicy) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.MaxRetryAfter)
	}
	d := p.BaseDelay << min(attempt-1, 20)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	// Equal jitter, in [d/2, d]: spreads concurrent retries, keeps progress.
	return d/2 + rand.N(d/2+1)
}

// sleep waits before the next attempt, or returns the context's error.
func (p RetryPolicy) sleep(ctx context.Context, attempt int, retryAfter time.Duration) error {
	t := time.NewTimer(p.backoff(attempt, retryAfter))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ErrOutcomeUnknown is matched (errors.Is) by the error of a write that
// the agent may have applied all the same: an attempt reached it and no
// answer came (the connection dropped, the time ran out), or it answered
// 500, 502 or 504, which say nothing of what was done. The caller must
// read back what landed before it records the write as failed. The error's
// text is that of the last failure.
var ErrOutcomeUnknown = errors.New("outcome unknown: the agent may have applied the request")

// unknownOutcomeError marks a write's error with ErrOutcomeUnknown.
type unknownOutcomeError struct{ err error }

func (e *unknownOutcomeError) Error() string   { return e.err.Error() }
func (e *unknownOutcomeError) Unwrap() []error { return []error{e.err, ErrOutcomeUnknown} }

// mayHaveWorked reports whether an error status leaves open whether the
// request was applied: 500 (unexpected server error), 502 and 504 (a
// gateway that may have passed it on). 429 and 503 refuse before any work;
// the 4xx answers say what was wrong and change nothing.
func mayHaveWorked(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}
