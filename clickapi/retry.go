package clickapi

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy says how often and how patiently a request is resent. Reads
// and idempotent writes (update, delete, assign, unassign, import) are
// resent after connection errors, 429 and 502/503/504, and reads after a
// 500 and a body cut short too; insert only when the request provably
// never left (its headers were never written).
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

// retryableStatus reports whether an answer with this status may succeed
// when the request is resent: 429 and 502/503/504 for every idempotent
// request, and 500 too for reads (a read changes nothing, so a transient
// internal error costs only another try; a write that failed with 500 is
// left for the caller to look at).
func retryableStatus(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusInternalServerError:
		return method == http.MethodGet
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
