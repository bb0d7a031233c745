package emulator

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
)

// counters is the persistent part of id and clock generation: the last
// deterministic id number and the last timestamp handed out.
type counters struct {
	NextID uint64 `json:"nextId"`
	Clock  int64  `json:"clock"` // unix nanoseconds of the last tick; 0 before the first
}

// idgen makes ids and timestamps. Deterministic ids count up
// (00000000-0000-4000-8000-000000000001, ...) and the deterministic clock
// starts at the epoch and advances tickStep per tick; otherwise ids are
// random version-4 uuids and the clock is the wall clock, made strictly
// increasing. It is not safe for concurrent use.
type idgen struct {
	deterministic bool
	rng           *rand.ChaCha8
}

// newIDGen returns an idgen; a random one is seeded from crypto/rand.
func newIDGen(deterministic bool) (idgen, error) {
	if deterministic {
		return idgen{deterministic: true}, nil
	}
	var seed [32]byte
	if _, err := crand.Read(seed[:]); err != nil {
		return idgen{}, fmt.Errorf("seed id generator: %w", err)
	}
	return idgen{rng: rand.NewChaCha8(seed)}, nil
}

// newID returns the next id, advancing c.
func (g *idgen) newID(c *counters) uuid.UUID {
	var u uuid.UUID
	if g.deterministic {
		c.NextID++
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], c.NextID)
		copy(u[10:], n[2:])
		u[6], u[8] = 0x40, 0x80
		return u
	}
	_, _ = g.rng.Read(u[:]) // ChaCha8.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// tick returns the timestamp of the next write, advancing c.
func (g *idgen) tick(c *counters) int64 {
	if g.deterministic {
		if c.Clock == 0 {
			c.Clock = epochUnix * int64(time.Second)
		} else {
			c.Clock += int64(tickStep)
		}
		return c.Clock
	}
	now := time.Now().UnixNano()
	if now <= c.Clock {
		now = c.Clock + 1
	}
	c.Clock = now
	return now
}

// randomString returns n random bytes from crypto/rand, hex-encoded.
func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := crand.Read(b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return fmt.Sprintf("%x", b), nil
}
