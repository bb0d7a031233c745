package emulator

import (
	"slices"

	"github.com/google/uuid"
)

// store is the emulator's live state with its indexes. It is not safe for
// concurrent use; the Emulator guards it with a sync.RWMutex. Soft-deleted
// groups and deleted users stay in the id maps but leave every index.
type store struct {
	gen idgen
	c   counters

	// loading switches the index updates to append-then-sort: set it
	// for a bulk load and call finishLoad at the end.
	loading bool

	groups     map[uuid.UUID]*group     // every group, soft-deleted ones too
	groupNames map[string]*group        // live groups by lower-case name
	groupSorts map[string]*index[group] // live groups, one index per sort field

	users     map[uuid.UUID]*user
	userNames map[string]*user // live users by lower-case username
	userSorts map[string]*index[user]

	members map[uuid.UUID]*member
	pairs   map[pair]*member
	byGroup map[uuid.UUID]*index[member] // assignments of live users, by username
	byUser  map[uuid.UUID][]*member

	projects map[uuid.UUID]*project // every project, soft-deleted ones too
	drives   map[uuid.UUID]*drive   // every drive, soft-deleted ones too
	access   accessIndex            // permission records and API tokens (access_store.go)

	liveMembers int // assignments whose user and group are both live
}

// sizeHint tells newStore how many records to make room for.
type sizeHint struct{ groups, users, members int }

// newStore returns an empty store.
func newStore(gen idgen, hint sizeHint) *store {
	s := &store{
		gen:        gen,
		groups:     make(map[uuid.UUID]*group, hint.groups),
		groupNames: make(map[string]*group, hint.groups),
		groupSorts: map[string]*index[group]{},
		users:      make(map[uuid.UUID]*user, hint.users),
		userNames:  make(map[string]*user, hint.users),
		userSorts:  map[string]*index[user]{},
		members:    make(map[uuid.UUID]*member, hint.members),
		pairs:      make(map[pair]*member, hint.members),
		byGroup:    make(map[uuid.UUID]*index[member], hint.groups),
		byUser:     make(map[uuid.UUID][]*member, hint.users),
		projects:   map[uuid.UUID]*project{},
		drives:     map[uuid.UUID]*drive{},
		access:     newAccessIndex(),
	}
	for _, o := range groupOrders() {
		s.groupSorts[o.field] = newIndex(o.cmp)
	}
	// Users keep one maintained order, the default; the others are sorted
	// when a page asks for them (see listUsers). Bulk imports create users
	// by the thousand, and every maintained order costs each of them a
	// binary search.
	for _, o := range userOrders() {
		if o.field == defaultUserSort {
			s.userSorts[o.field] = newIndex(o.cmp)
		}
	}
	return s
}

// idTaken reports whether any record already has id.
func (s *store) idTaken(id uuid.UUID) bool {
	if _, ok := s.groups[id]; ok {
		return true
	}
	if _, ok := s.users[id]; ok {
		return true
	}
	if _, ok := s.members[id]; ok {
		return true
	}
	if _, ok := s.projects[id]; ok {
		return true
	}
	if _, ok := s.drives[id]; ok {
		return true
	}
	return s.access.idTaken(id)
}

// newID returns an id no record has, advancing c.
func (s *store) newID(c *counters) uuid.UUID {
	for {
		if id := s.gen.newID(c); !s.idTaken(id) {
			return id
		}
	}
}

// liveGroup returns the non-deleted group with id, or nil.
func (s *store) liveGroup(id uuid.UUID) *group {
	if g := s.groups[id]; g != nil && !g.deleted {
		return g
	}
	return nil
}

// liveUser returns the non-deleted user with id, or nil.
func (s *store) liveUser(id uuid.UUID) *user {
	if u := s.users[id]; u != nil && !u.deleted {
		return u
	}
	return nil
}

// memberIndex returns the member index of group id, creating it.
func (s *store) memberIndex(id uuid.UUID) *index[member] {
	x := s.byGroup[id]
	if x == nil {
		x = newIndex(cmpMemberUsername)
		s.byGroup[id] = x
	}
	return x
}

// addGroup publishes g, which must not be in the store. A live g must have
// a name no other live group has.
func (s *store) addGroup(g *group) {
	s.groups[g.id] = g
	if g.deleted {
		return
	}
	s.groupNames[g.lower] = g
	for _, x := range s.groupSorts {
		if s.loading {
			x.add(g)
		} else {
			x.insert(g)
		}
	}
	if x := s.byGroup[g.id]; x != nil {
		s.liveMembers += x.len()
	}
}

// dropGroup unpublishes g, which must be in the store, so that a new
// version can be added.
func (s *store) dropGroup(g *group) {
	delete(s.groups, g.id)
	if g.deleted {
		return
	}
	if s.groupNames[g.lower] == g {
		delete(s.groupNames, g.lower)
	}
	for _, x := range s.groupSorts {
		x.remove(g)
	}
	if x := s.byGroup[g.id]; x != nil {
		s.liveMembers -= x.len()
	}
}

// putGroup publishes g, replacing the group with its id if there is one.
func (s *store) putGroup(g *group) {
	if old := s.groups[g.id]; old != nil {
		s.dropGroup(old)
	}
	s.addGroup(g)
}

// addUser publishes u, which must not be in the store. A live u must have
// a username no other live user has.
func (s *store) addUser(u *user) {
	s.users[u.id] = u
	if u.deleted {
		return
	}
	s.userNames[u.lower] = u
	for _, x := range s.userSorts {
		if s.loading {
			x.add(u)
		} else {
			x.insert(u)
		}
	}
}

// addMember publishes m; its user and group must be in the store.
func (s *store) addMember(m *member) {
	s.members[m.id] = m
	s.pairs[pair{m.userID, m.groupID}] = m
	s.byUser[m.userID] = append(s.byUser[m.userID], m)
	if s.liveUser(m.userID) == nil {
		return
	}
	x := s.memberIndex(m.groupID)
	if s.loading {
		x.add(m)
	} else {
		x.insert(m)
	}
	if s.liveGroup(m.groupID) != nil {
		s.liveMembers++
	}
}

// removeMember unpublishes m, which must be in the store.
func (s *store) removeMember(m *member) {
	delete(s.members, m.id)
	delete(s.pairs, pair{m.userID, m.groupID})
	list := s.byUser[m.userID]
	if i := slices.Index(list, m); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(s.byUser, m.userID)
	} else {
		s.byUser[m.userID] = list
	}
	if s.liveUser(m.userID) == nil {
		return
	}
	if x := s.byGroup[m.groupID]; x != nil {
		x.remove(m)
	}
	if s.liveGroup(m.groupID) != nil {
		s.liveMembers--
	}
}

// finishLoad sorts everything a bulk load appended and leaves loading mode.
func (s *store) finishLoad() {
	for _, x := range s.groupSorts {
		x.sort()
	}
	for _, x := range s.userSorts {
		x.sort()
	}
	for _, x := range s.byGroup {
		x.sort()
	}
	s.loading = false
}

// stats counts the live records.
func (s *store) stats() Stats {
	return Stats{Groups: len(s.groupNames), Users: len(s.userNames), Memberships: s.liveMembers}
}
