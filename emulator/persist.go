package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bucket names of the bbolt file. Records are JSON values keyed by the
// 16 bytes of their uuid; meta holds one metaRecord under metaKey.
const (
	bucketGroups   = "groups"
	bucketUsers    = "users"
	bucketMembers  = "memberships"
	bucketProjects = "projects"
	bucketDrives   = "drives"
	bucketMeta     = "meta"
	metaKey        = "state"
	dbVersion      = 2 // 2: permission records and API tokens in buckets of their own
)

// Buckets of the permission records (in their API shape) and API tokens.
const (
	bucketPermissions = "permissions"
	bucketAPITokens   = "apitokens"
)

// bucketNames lists every bucket in load order.
func bucketNames() []string {
	return []string{bucketGroups, bucketUsers, bucketMembers, bucketProjects, bucketDrives,
		bucketPermissions, bucketAPITokens, bucketMeta}
}

// metaRecord is the file's bookkeeping: the format version, whether the
// seed finished, and the id and clock counters.
type metaRecord struct {
	Version  int      `json:"version"`
	Seeded   bool     `json:"seeded"`
	Counters counters `json:"counters"`
}

// openDB opens or creates the bbolt file at path with every bucket in it.
func openDB(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range bucketNames() {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("init %s: %w", path, err)
	}
	return db, nil
}

// loadDB reads every record of db into s, which must be empty. It reports
// false, and loads nothing, when the file was never completely seeded.
func loadDB(db *bolt.DB, s *store) (bool, error) {
	var seeded bool
	err := db.View(func(tx *bolt.Tx) error {
		var meta metaRecord
		raw := tx.Bucket([]byte(bucketMeta)).Get([]byte(metaKey))
		if raw == nil {
			return nil
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			return fmt.Errorf("meta: %w", err)
		}
		if meta.Version != dbVersion {
			return fmt.Errorf("meta: format version %d, want %d", meta.Version, dbVersion)
		}
		if !meta.Seeded {
			return nil
		}
		seeded = true
		s.c = meta.Counters
		s.loading = true
		if err := loadBucket(tx, bucketGroups, func(r groupRecord) error {
			g, err := r.group()
			if err != nil {
				return err
			}
			if other := s.groupNames[g.lower]; other != nil && !g.deleted {
				return fmt.Errorf("group %s: name %q is taken by group %s", g.id, g.name, other.id)
			}
			s.addGroup(g)
			return nil
		}); err != nil {
			return err
		}
		if err := loadBucket(tx, bucketUsers, func(r userRecord) error {
			u, err := r.user()
			if err != nil {
				return err
			}
			if other := s.userNames[u.lower]; other != nil && !u.deleted {
				return fmt.Errorf("user %s: username %q is taken by user %s", u.id, u.username, other.id)
			}
			s.addUser(u)
			return nil
		}); err != nil {
			return err
		}
		if err := loadBucket(tx, bucketMembers, func(r memberRecord) error {
			m, err := r.member(s.users)
			if err != nil {
				return err
			}
			if s.groups[m.groupID] == nil {
				return fmt.Errorf("assignment %s: no group %s", m.id, m.groupID)
			}
			s.addMember(m)
			return nil
		}); err != nil {
			return err
		}
		if err := loadBucket(tx, bucketProjects, func(r projectRecord) error {
			p, err := r.project()
			if err != nil {
				return err
			}
			s.projects[p.id] = p
			return nil
		}); err != nil {
			return err
		}
		if err := loadBucket(tx, bucketDrives, func(r driveRecord) error {
			d, err := r.drive()
			if err != nil {
				return err
			}
			s.drives[d.id] = d
			return nil
		}); err != nil {
			return err
		}
		return loadAccess(tx, s)
	})
	if err != nil {
		return false, fmt.Errorf("load %s: %w", db.Path(), err)
	}
	if seeded {
		s.finishLoad()
	}
	return seeded, nil
}

// loadBucket decodes every value of bucket name as an R and passes it to fn.
func loadBucket[R any](tx *bolt.Tx, name string, fn func(R) error) error {
	return tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
		var r R
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%s %x: %w", name, k, err)
		}
		if err := fn(r); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
}

// resetDB empties every bucket of db, dropping what an interrupted seed left.
func resetDB(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		for _, name := range bucketNames() {
			if err := tx.DeleteBucket([]byte(name)); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
				return fmt.Errorf("reset bucket %s: %w", name, err)
			}
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return fmt.Errorf("reset bucket %s: %w", name, err)
			}
		}
		return nil
	})
}

// putJSON stores v as JSON under id in b.
func putJSON(b *bolt.Bucket, id uuid.UUID, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %x: %w", id[:], err)
	}
	if err := b.Put(id[:], data); err != nil {
		return fmt.Errorf("put %x: %w", id[:], err)
	}
	return nil
}

// putMeta stores the meta record of a seeded file with counters c.
func putMeta(tx *bolt.Tx, c counters) error {
	data, err := json.Marshal(metaRecord{Version: dbVersion, Seeded: true, Counters: c})
	if err != nil {
		return fmt.Errorf("encode meta: %w", err)
	}
	if err := tx.Bucket([]byte(bucketMeta)).Put([]byte(metaKey), data); err != nil {
		return fmt.Errorf("put meta: %w", err)
	}
	return nil
}

// saveWrite stores w in db as one transaction: all of it or none of it.
func saveWrite(db *bolt.DB, w *write) error {
	err := db.Update(func(tx *bolt.Tx) error {
		groups := tx.Bucket([]byte(bucketGroups))
		for _, g := range w.groups {
			if err := putJSON(groups, g.id, g.record()); err != nil {
				return fmt.Errorf("groups: %w", err)
			}
		}
		users := tx.Bucket([]byte(bucketUsers))
		for _, u := range w.users {
			if err := putJSON(users, u.id, u.record()); err != nil {
				return fmt.Errorf("users: %w", err)
			}
		}
		members := tx.Bucket([]byte(bucketMembers))
		for _, m := range w.members {
			if err := putJSON(members, m.id, m.record()); err != nil {
				return fmt.Errorf("memberships: %w", err)
			}
		}
		for _, m := range w.removals {
			if err := members.Delete(m.id[:]); err != nil {
				return fmt.Errorf("memberships: delete %s: %w", m.id, err)
			}
		}
		if err := w.access.save(tx); err != nil {
			return err
		}
		return putMeta(tx, w.c)
	})
	if err != nil {
		return fmt.Errorf("save write: %w", err)
	}
	return nil
}

// pending is one record waiting to be written by saveAll.
type pending struct {
	bucket string
	id     uuid.UUID
	value  any
}

// saveAll writes every record of s to db, which must be empty, in
// transactions of at most seedBatch records, and marks the file seeded in
// the last one. A crash before that leaves a consistent file that loadDB
// treats as unseeded, so the next New seeds it again.
func saveAll(db *bolt.DB, s *store) error {
	var all []pending
	all = appendSorted(all, bucketGroups, s.groups, func(g *group) any { return g.record() })
	all = appendSorted(all, bucketUsers, s.users, func(u *user) any { return u.record() })
	all = appendSorted(all, bucketMembers, s.members, func(m *member) any { return m.record() })
	all = appendSorted(all, bucketProjects, s.projects, func(p *project) any { return p.record() })
	all = appendSorted(all, bucketDrives, s.drives, func(d *drive) any { return d.record() })
	all = appendSorted(all, bucketPermissions, s.access.perms, func(p *perm) any { return p.model() })
	all = appendSorted(all, bucketAPITokens, s.access.tokens, func(t *apiToken) any { return t.record() })

	for start := 0; start < len(all) || start == 0; start += seedBatch {
		batch := all[start:min(start+seedBatch, len(all))]
		last := start+seedBatch >= len(all)
		err := db.Update(func(tx *bolt.Tx) error {
			for _, p := range batch {
				b := tx.Bucket([]byte(p.bucket))
				b.FillPercent = 0.9
				if err := putJSON(b, p.id, p.value); err != nil {
					return fmt.Errorf("%s: %w", p.bucket, err)
				}
			}
			if last {
				return putMeta(tx, s.c)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("seed %s: %w", db.Path(), err)
		}
	}
	return nil
}

// appendSorted appends the records of m to all in id order, so that bbolt
// writes them as appends.
func appendSorted[T any](all []pending, bucket string, m map[uuid.UUID]*T, record func(*T) any) []pending {
	ids := make([]uuid.UUID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, cmpID)
	for _, id := range ids {
		all = append(all, pending{bucket, id, record(m[id])})
	}
	return all
}
