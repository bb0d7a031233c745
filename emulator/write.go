package emulator

import "github.com/google/uuid"

// write is one mutating request's changes, staged against the store. It
// reads the store but changes nothing until apply, which runs only after
// the changes are durable; ids and the clock advance on a copy of the
// store's counters.
type write struct {
	s        *store
	c        counters
	now      int64
	taken    map[uuid.UUID]bool // ids handed out by this write
	groups   []*group           // created or replaced groups
	users    []*user            // created users
	members  []*member          // created assignments
	removals []*member          // removed assignments
	access   accessWrite        // users replaced, permissions and API tokens (access_write.go)
}

// begin starts a write; its records get one timestamp.
func (s *store) begin() *write {
	w := &write{s: s, c: s.c, taken: map[uuid.UUID]bool{}}
	w.now = s.gen.tick(&w.c)
	return w
}

// newID returns an id that neither the store nor this write has used.
func (w *write) newID() uuid.UUID {
	for {
		id := w.s.newID(&w.c)
		if !w.taken[id] {
			w.taken[id] = true
			return id
		}
	}
}

// empty reports whether the write changes nothing.
func (w *write) empty() bool {
	return len(w.groups)+len(w.users)+len(w.members)+len(w.removals) == 0 && w.access.empty()
}

// apply publishes the write's changes in the store.
func (w *write) apply() {
	s := w.s
	for _, g := range w.groups {
		s.putGroup(g)
	}
	for _, u := range w.users {
		s.addUser(u)
	}
	for _, m := range w.members {
		s.addMember(m)
	}
	for _, m := range w.removals {
		s.removeMember(m)
	}
	w.access.apply(s)
	s.c = w.c
}
