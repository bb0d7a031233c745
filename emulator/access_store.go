package emulator

import (
	"slices"

	"github.com/google/uuid"
)

// accessIndex holds the permission records and API tokens of a store.
// Permission lists are small per subject and object, so they are kept
// unsorted and sorted when a page asks for them.
type accessIndex struct {
	perms     map[uuid.UUID]*perm
	pairs     map[permKey]*perm
	bySubject map[sideKey][]*perm
	byObject  map[sideKey][]*perm

	tokens      map[uuid.UUID]*apiToken
	tokenValues map[string]*apiToken
}

// newAccessIndex returns an empty accessIndex.
func newAccessIndex() accessIndex {
	return accessIndex{
		perms:       map[uuid.UUID]*perm{},
		pairs:       map[permKey]*perm{},
		bySubject:   map[sideKey][]*perm{},
		byObject:    map[sideKey][]*perm{},
		tokens:      map[uuid.UUID]*apiToken{},
		tokenValues: map[string]*apiToken{},
	}
}

// idTaken reports whether a permission record or API token has id.
func (a *accessIndex) idTaken(id uuid.UUID) bool {
	if _, ok := a.perms[id]; ok {
		return true
	}
	_, ok := a.tokens[id]
	return ok
}

// putPerm publishes p, replacing the record with its id if there is one.
// A new p's pair must not have a record yet.
func (a *accessIndex) putPerm(p *perm) {
	if old := a.perms[p.id]; old != nil {
		a.removePerm(old)
	}
	a.perms[p.id] = p
	a.pairs[p.key()] = p
	sk, ok := sideKey{p.kind, p.subject}, sideKey{p.kind, p.object}
	a.bySubject[sk] = append(a.bySubject[sk], p)
	a.byObject[ok] = append(a.byObject[ok], p)
}

// removePerm unpublishes p, which must be in the index.
func (a *accessIndex) removePerm(p *perm) {
	delete(a.perms, p.id)
	if a.pairs[p.key()] == p {
		delete(a.pairs, p.key())
	}
	dropFrom(a.bySubject, sideKey{p.kind, p.subject}, p)
	dropFrom(a.byObject, sideKey{p.kind, p.object}, p)
}

// dropFrom removes p from m[k], deleting the entry when it empties.
func dropFrom(m map[sideKey][]*perm, k sideKey, p *perm) {
	list := m[k]
	if i := slices.Index(list, p); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(m, k)
		return
	}
	m[k] = list
}

// addToken publishes t.
func (a *accessIndex) addToken(t *apiToken) {
	a.tokens[t.id] = t
	a.tokenValues[t.value] = t
}

// removeToken unpublishes t, which must be in the index.
func (a *accessIndex) removeToken(t *apiToken) {
	delete(a.tokens, t.id)
	delete(a.tokenValues, t.value)
}

// putUser publishes u, replacing the user with its id if there is one, and
// moves the user's assignments in or out of the member indexes when u
// becomes deleted. The username of a replaced user must not change.
func (s *store) putUser(u *user) {
	old := s.users[u.id]
	if old == nil {
		s.addUser(u)
		return
	}
	if !old.deleted {
		if s.userNames[old.lower] == old {
			delete(s.userNames, old.lower)
		}
		for _, x := range s.userSorts {
			x.remove(old)
		}
		for _, m := range s.byUser[u.id] {
			if x := s.byGroup[m.groupID]; x != nil {
				x.remove(m)
			}
			if s.liveGroup(m.groupID) != nil {
				s.liveMembers--
			}
		}
	}
	delete(s.users, u.id)
	s.addUser(u)
	if u.deleted {
		return
	}
	for _, m := range s.byUser[u.id] {
		s.memberIndex(m.groupID).insert(m)
		if s.liveGroup(m.groupID) != nil {
			s.liveMembers++
		}
	}
}

// liveProject returns the non-deleted project with id, or nil.
func (s *store) liveProject(id uuid.UUID) *project {
	if p := s.projects[id]; p != nil && !p.deleted {
		return p
	}
	return nil
}

// liveDrive returns the non-deleted drive with id, or nil.
func (s *store) liveDrive(id uuid.UUID) *drive {
	if d := s.drives[id]; d != nil && !d.deleted {
		return d
	}
	return nil
}

// liveSubject reports whether the subject of kind k with id is live.
func (s *store) liveSubject(k permKind, id uuid.UUID) bool {
	if k.userSubject() {
		return s.liveUser(id) != nil
	}
	return s.liveGroup(id) != nil
}

// liveObject reports whether the object of kind k with id is live.
func (s *store) liveObject(k permKind, id uuid.UUID) bool {
	if k.projectObject() {
		return s.liveProject(id) != nil
	}
	return s.liveDrive(id) != nil
}

// livePerms returns the records of kind k on subject (bySubject) or object
// whose subject and object are both live: deleted users, groups,
// projects and drives hide their permissions from every read.
func (s *store) livePerms(k permKind, id uuid.UUID, bySubject bool) []*perm {
	var list []*perm
	if bySubject {
		list = s.access.bySubject[sideKey{k, id}]
	} else {
		list = s.access.byObject[sideKey{k, id}]
	}
	out := make([]*perm, 0, len(list))
	for _, p := range list {
		if s.liveSubject(k, p.subject) && s.liveObject(k, p.object) {
			out = append(out, p)
		}
	}
	return out
}
