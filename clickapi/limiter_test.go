package clickapi

import (
	"context"
	"errors"
	"testing"
	"time"
)

// waiting returns how many requests wait at l.
func (l *Limiter) waiting() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.waiters)
}

// waitFor polls cond (a state the code under test reaches by itself) for
// up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLimiterBoundsInFlight(t *testing.T) {
	l := NewLimiter(3, 0)
	ctx := context.Background()
	var held []Permit
	for range 3 {
		p, err := l.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, p)
	}
	got := make(chan Permit)
	go func() {
		p, _ := l.Acquire(ctx)
		got <- p
	}()
	waitFor(t, "the fourth request to queue", func() bool { return l.waiting() == 1 })
	select {
	case <-got:
		t.Fatal("a fourth request started while three were in flight")
	default:
	}
	held[0].Release(Success, 0)
	p := <-got
	if s := l.Stats(); s.Peak != 3 {
		t.Errorf("peak %d, want 3", s.Peak)
	}
	p.Release(Success, 0)
	held[1].Release(Neutral, 0)
	held[2].Release(Neutral, 0)
	if l.inFlight != 0 {
		t.Errorf("%d in flight after every release", l.inFlight)
	}
}

func TestLimiterHalvesAndRecovers(t *testing.T) {
	l := NewLimiter(8, 0)
	ctx := context.Background()
	acquire := func() Permit {
		t.Helper()
		p, err := l.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := acquire(), acquire()
	a.Release(Overloaded, 0)
	if got := l.Stats().Limit; got != 4 {
		t.Fatalf("limit %d after a 429, want 4", got)
	}
	// b was in flight with a: its 429 belongs to the same wave.
	b.Release(Overloaded, 0)
	if got := l.Stats().Limit; got != 4 {
		t.Fatalf("limit %d after a second 429 of the same wave, want 4", got)
	}
	for _, want := range []int{2, 1, 1} {
		acquire().Release(Overloaded, 0)
		if got := l.Stats().Limit; got != want {
			t.Fatalf("limit %d, want %d", got, want)
		}
	}
	// Back up one step per `limit` successes.
	for _, want := range []int{2, 2, 3, 3, 3, 4} {
		acquire().Release(Success, 0)
		if got := l.Stats().Limit; got != want {
			t.Fatalf("limit %d, want %d", got, want)
		}
	}
	for range 100 {
		acquire().Release(Success, 0)
	}
	if s := l.Stats(); s.Limit != 8 || s.Lowest != 1 || s.Halvings != 4 {
		t.Errorf("stats %+v, want limit 8 (the ceiling), lowest 1, 4 halvings", s)
	}
	acquire().Release(Neutral, 0)
	if got := l.Stats().Limit; got != 8 {
		t.Errorf("limit %d after a neutral outcome", got)
	}
}

func TestLimiterHonoursRetryAfter(t *testing.T) {
	l := NewLimiter(4, time.Second)
	p, _ := l.Acquire(context.Background())
	released := time.Now()
	p.Release(Overloaded, 50*time.Millisecond)
	q, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(released); d < 50*time.Millisecond {
		t.Errorf("a request started %v after a 429 with Retry-After 50ms", d)
	}
	q.Release(Success, 0)
	// A Retry-After beyond the cap is cut to the cap.
	l = NewLimiter(4, 20*time.Millisecond)
	p, _ = l.Acquire(context.Background())
	p.Release(Overloaded, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if q, err := l.Acquire(ctx); err != nil {
		t.Errorf("hold not capped: %v", err)
	} else {
		q.Release(Success, 0)
	}
}

func TestLimiterCancelWhileWaiting(t *testing.T) {
	l := NewLimiter(1, 0)
	p, _ := l.Acquire(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := l.Acquire(ctx)
		errc <- err
	}()
	waitFor(t, "the request to queue", func() bool { return l.waiting() == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if l.waiting() != 0 {
		t.Fatal("a cancelled request stayed in the queue")
	}
	p.Release(Success, 0)
	q, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	q.Release(Success, 0)
	if l.inFlight != 0 {
		t.Errorf("%d in flight", l.inFlight)
	}
}
