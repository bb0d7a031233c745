package emulator

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// synthesize adds n groups named "Group 0000001"..., users
// "user0000001@example.com"... and memberships to s, which must be in
// loading mode. Membership i puts user i%U in group (31*(i%U) + i/U) % G,
// so every pair is distinct and users spread over the groups; U and G are
// the synthetic users and groups, or the seeded live ones when no
// synthetic ones are asked for.
func (s *store) synthesize(groups, users, memberships int) error {
	if groups < 0 || users < 0 || memberships < 0 {
		return fmt.Errorf("synthetic sizes must not be negative (groups %d, users %d, memberships %d)", groups, users, memberships)
	}
	gs := make([]*group, 0, groups)
	for i := range groups {
		name := fmt.Sprintf("Group %07d", i+1)
		g := newGroup(s.newID(&s.c), name, "", true, false, s.gen.tick(&s.c))
		if other := s.groupNames[g.lower]; other != nil {
			return fmt.Errorf("synthetic group %q: name is taken by seeded group %s", name, other.id)
		}
		s.addGroup(g)
		gs = append(gs, g)
	}
	us := make([]*user, 0, users)
	for i := range users {
		name := fmt.Sprintf("user%07d@example.com", i+1)
		u := (&user{
			id: s.newID(&s.c), username: name, firstname: "User", lastname: fmt.Sprintf("%07d", i+1),
			email: name, userType: seededUserType, status: seededUserStatus,
			created: s.gen.tick(&s.c),
		}).withKeys()
		if other := s.userNames[u.lower]; other != nil {
			return fmt.Errorf("synthetic user %q: username is taken by seeded user %s", name, other.id)
		}
		s.addUser(u)
		us = append(us, u)
	}
	if memberships == 0 {
		return nil
	}
	if len(gs) == 0 {
		gs = liveByID(s.groupNames, func(g *group) uuid.UUID { return g.id })
	}
	if len(us) == 0 {
		us = liveByID(s.userNames, func(u *user) uuid.UUID { return u.id })
	}
	if memberships > len(gs)*len(us) {
		return fmt.Errorf("synthetic memberships: %d asked, but %d users and %d groups make only %d pairs",
			memberships, len(us), len(gs), len(gs)*len(us))
	}
	for i := range memberships {
		ui := i % len(us)
		u, g := us[ui], gs[(31*ui+i/len(us))%len(gs)]
		if s.pairs[pair{u.id, g.id}] != nil {
			continue // a seeded membership already pairs them
		}
		s.addMember(&member{id: s.newID(&s.c), userID: u.id, groupID: g.id, ulower: u.lower, created: s.gen.tick(&s.c)})
	}
	return nil
}

// liveByID returns the records of m ordered by id (creation order when ids
// are deterministic).
func liveByID[T any](m map[string]*T, id func(*T) uuid.UUID) []*T {
	out := make([]*T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *T) int { return cmpID(id(a), id(b)) })
	return out
}
