package emulator

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// accessWrite is the part of a write that replaces users and changes
// permission records and API tokens.
type accessWrite struct {
	users         []*user     // replaced users (edit_user, delete_user)
	perms         []*perm     // created or replaced permission records
	permRemovals  []*perm     // removed permission records
	tokens        []*apiToken // created API tokens
	tokenRemovals []*apiToken // removed API tokens
}

// empty reports whether aw changes nothing.
func (aw *accessWrite) empty() bool {
	return len(aw.users)+len(aw.perms)+len(aw.permRemovals)+len(aw.tokens)+len(aw.tokenRemovals) == 0
}

// apply publishes aw's changes in s.
func (aw *accessWrite) apply(s *store) {
	for _, u := range aw.users {
		s.putUser(u)
	}
	for _, p := range aw.permRemovals {
		s.access.removePerm(p)
	}
	for _, p := range aw.perms {
		s.access.putPerm(p)
	}
	for _, t := range aw.tokenRemovals {
		s.access.removeToken(t)
	}
	for _, t := range aw.tokens {
		s.access.addToken(t)
	}
}

// save stores aw in tx, the transaction of its write.
func (aw *accessWrite) save(tx *bolt.Tx) error {
	users := tx.Bucket([]byte(bucketUsers))
	for _, u := range aw.users {
		if err := putJSON(users, u.id, u.record()); err != nil {
			return fmt.Errorf("users: %w", err)
		}
	}
	perms := tx.Bucket([]byte(bucketPermissions))
	for _, p := range aw.permRemovals {
		if err := perms.Delete(p.id[:]); err != nil {
			return fmt.Errorf("%s: delete %s: %w", bucketPermissions, p.id, err)
		}
	}
	for _, p := range aw.perms {
		if err := putJSON(perms, p.id, p.model()); err != nil {
			return fmt.Errorf("%s: %w", bucketPermissions, err)
		}
	}
	tokens := tx.Bucket([]byte(bucketAPITokens))
	for _, t := range aw.tokenRemovals {
		if err := tokens.Delete(t.id[:]); err != nil {
			return fmt.Errorf("%s: delete %s: %w", bucketAPITokens, t.id, err)
		}
	}
	for _, t := range aw.tokens {
		if err := putJSON(tokens, t.id, t.record()); err != nil {
			return fmt.Errorf("%s: %w", bucketAPITokens, err)
		}
	}
	return nil
}
