package clickapi

import (
	"context"
	"sync"
	"time"
)

// Limiter bounds how many requests of one Client are in flight at once,
// listings and bulk writes alike. Its limit adapts to the agent: an answer
// 429 or 503 halves it (once per wave of requests: the other answers of
// requests that were already in flight do not halve it again) and holds
// new requests back for the answer's Retry-After; successes raise it back
// by one for every `limit` successes, up to the ceiling it was made with.
// Requests wait their turn in the order they asked. A Limiter is safe for
// concurrent use.
type Limiter struct {
	ceiling int
	maxHold time.Duration

	mu       sync.Mutex
	limit    int
	inFlight int
	peak     int       // the most requests ever in flight at once
	lowest   int       // the lowest limit so far
	halvings int       // how often the limit was halved
	epoch    uint64    // bumped by every decrease
	streak   int       // successes since the limit last changed
	hold     time.Time // no request starts before this
	timer    *time.Timer
	waiters  []*waiter // FIFO
}

type waiter struct {
	ready chan struct{} // closed when the waiter holds a slot
	epoch uint64
}

// Permit is a slot of a Limiter; give it back with Release.
type Permit struct {
	l     *Limiter
	epoch uint64
}

// Outcome is how a request ended, as far as the Limiter cares.
type Outcome int

// Outcomes. Neutral (an error of the caller's, a network error) changes
// nothing; Success may raise the limit; Overloaded (429, 503) halves it.
const (
	Neutral Outcome = iota
	Success
	Overloaded
)

// NewLimiter returns a Limiter that lets at most ceiling requests (at
// least 1) in flight, and honours a Retry-After up to maxHold (0: one
// minute).
func NewLimiter(ceiling int, maxHold time.Duration) *Limiter {
	ceiling = max(ceiling, 1)
	if maxHold <= 0 {
		maxHold = time.Minute
	}
	return &Limiter{ceiling: ceiling, limit: ceiling, lowest: ceiling, maxHold: maxHold}
}

// Acquire waits until a request may start, and returns its Permit, or
// ctx's error when ctx ends first.
func (l *Limiter) Acquire(ctx context.Context) (Permit, error) {
	if err := ctx.Err(); err != nil {
		return Permit{}, err
	}
	l.mu.Lock()
	if len(l.waiters) == 0 && l.inFlight < l.limit && !time.Now().Before(l.hold) {
		l.take()
		p := Permit{l, l.epoch}
		l.mu.Unlock()
		return p, nil
	}
	w := &waiter{ready: make(chan struct{})}
	l.waiters = append(l.waiters, w)
	l.grant()
	l.mu.Unlock()

	select {
	case <-w.ready:
		return Permit{l, w.epoch}, nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		select {
		case <-w.ready: // granted meanwhile: give the slot to the next
			l.inFlight--
			l.grant()
		default:
			for i, o := range l.waiters {
				if o == w {
					l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
					break
				}
			}
		}
		return Permit{}, ctx.Err()
	}
}

// Release gives the slot back and adapts the limit to the outcome.
// retryAfter, for an Overloaded outcome, holds back every request for that
// long (capped). Releasing the zero Permit does nothing.
func (p Permit) Release(o Outcome, retryAfter time.Duration) {
	l := p.l
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	switch o {
	case Overloaded:
		if p.epoch == l.epoch {
			l.limit = max(1, l.limit/2)
			l.lowest = min(l.lowest, l.limit)
			l.halvings++
			l.epoch++
			l.streak = 0
		}
		if retryAfter > 0 {
			if until := time.Now().Add(min(retryAfter, l.maxHold)); until.After(l.hold) {
				l.hold = until
			}
		}
	case Success:
		if l.limit < l.ceiling {
			if l.streak++; l.streak >= l.limit {
				l.limit++
				l.streak = 0
			}
		}
	}
	l.grant()
}

// take counts one more request in flight; l.mu is held.
func (l *Limiter) take() {
	l.inFlight++
	l.peak = max(l.peak, l.inFlight)
}

// grant hands free slots to the waiters in order, or, while requests are
// held back, arms a timer that tries again when the hold ends. l.mu is held.
func (l *Limiter) grant() {
	if len(l.waiters) == 0 {
		return
	}
	if wait := time.Until(l.hold); wait > 0 {
		if l.timer != nil {
			l.timer.Stop()
		}
		l.timer = time.AfterFunc(wait, func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.grant()
		})
		return
	}
	for len(l.waiters) > 0 && l.inFlight < l.limit {
		w := l.waiters[0]
		l.waiters[0] = nil
		l.waiters = l.waiters[1:]
		l.take()
		w.epoch = l.epoch
		close(w.ready)
	}
}

// Ceiling returns the most requests the Limiter ever lets in flight.
func (l *Limiter) Ceiling() int { return l.ceiling }

// LimiterStats is what a Limiter did so far.
type LimiterStats struct {
	Limit    int // requests that may be in flight now
	Lowest   int // the lowest the limit went
	Halvings int // how often a 429 or 503 halved it
	Peak     int // the most requests in flight at once
}

// Stats returns what the Limiter did so far.
func (l *Limiter) Stats() LimiterStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return LimiterStats{Limit: l.limit, Lowest: l.lowest, Halvings: l.halvings, Peak: l.peak}
}
