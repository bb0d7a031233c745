package bindings

import (
	"context"
	"sync"
)

// forEachConcurrently calls fn(c, i) for i in 0..n-1, at most conc calls
// at once. The first error cancels c, so that calls in flight stop and no
// more start; skip(i), when it returns true, passes i over without a call.
// It returns the first error (or ctx's error) and, for each i, whether fn
// was called, so that the caller can report what was never sent.
func forEachConcurrently(ctx context.Context, conc, n int, skip func(i int) bool,
	fn func(c context.Context, i int) error) (called []bool, err error) {
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	called = make([]bool, n)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, conc)
	)
	for i := range n {
		if skip != nil && skip(i) {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-c.Done():
		}
		if c.Err() != nil {
			break
		}
		called[i] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(c, i); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return called, firstErr
}
