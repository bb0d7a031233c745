package emulator

import (
	"fmt"
	"strings"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// projectRecord is a project as the bbolt file stores it (JSON).
type projectRecord struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	Deleted     bool   `json:"deleted"`
}

// driveRecord is a shared cloud drive as the bbolt file stores it: the
// API's keys without accountId and cloudAccount.
type driveRecord struct {
	ID                    string `json:"id"`
	Name                  string `json:"name"`
	CreatorUserID         string `json:"creatorUserId"`
	CloudAccountID        string `json:"cloudAccountId"`
	Active                bool   `json:"active"`
	Prefix                string `json:"prefix"`
	PrefixID              string `json:"prefixId"`
	StorageID             string `json:"storageId"`
	StorageName           string `json:"storageName"`
	ObjectsPerFolder      int    `json:"objectsPerFolder"`
	AllowDelete           bool   `json:"allowDelete"`
	LocalCacheEncrypted   bool   `json:"localCacheEncrypted"`
	CloudObjectsEncrypted bool   `json:"cloudObjectsEncrypted"`
	DriveType             int    `json:"driveType"`
	SyncType              int    `json:"syncType"`
	Deleted               bool   `json:"deleted"`
}

// tokenRecord is an API token as the bbolt file stores it;
// ExpirationDate is "" for a token that never expires.
type tokenRecord struct {
	ID             string `json:"id"`
	Title          string `json:"title"`
	Token          string `json:"token"`
	ExpirationDate string `json:"expirationDate"`
	CreateDate     string `json:"createDate"`
}

// record is p as stored.
func (p *project) record() projectRecord {
	return projectRecord{p.id.String(), p.name, p.description, p.active, p.deleted}
}

// project decodes r.
func (r projectRecord) project() (*project, error) {
	id, err := uuid.Parse(r.ID)
	if err != nil {
		return nil, fmt.Errorf("project id %q: %w", r.ID, err)
	}
	return &project{id: id, name: r.Name, lower: strings.ToLower(r.Name), description: r.Description,
		active: r.Active, deleted: r.Deleted}, nil
}

// record is d as stored.
func (d *drive) record() driveRecord {
	return driveRecord{
		ID: d.id.String(), Name: d.name, CreatorUserID: d.creatorUserID.String(),
		CloudAccountID: d.cloudAccountID.String(), Active: d.active, Prefix: d.prefix,
		PrefixID: d.prefixID, StorageID: d.storageID, StorageName: d.storageName,
		ObjectsPerFolder: d.objectsPerFolder, AllowDelete: d.allowDelete,
		LocalCacheEncrypted: d.localCacheEncrypted, CloudObjectsEncrypted: d.cloudObjectsEncrypted,
		DriveType: d.driveType, SyncType: d.syncType, Deleted: d.deleted,
	}
}

// drive decodes r.
func (r driveRecord) drive() (*drive, error) {
	var ids [3]uuid.UUID
	for i, s := range []string{r.ID, r.CreatorUserID, r.CloudAccountID} {
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("drive %q: id %q: %w", r.ID, s, err)
		}
		ids[i] = id
	}
	return &drive{
		id: ids[0], name: r.Name, lower: strings.ToLower(r.Name), creatorUserID: ids[1],
		cloudAccountID: ids[2], active: r.Active, prefix: r.Prefix, prefixID: r.PrefixID,
		storageID: r.StorageID, storageName: r.StorageName, objectsPerFolder: r.ObjectsPerFolder,
		allowDelete: r.AllowDelete, localCacheEncrypted: r.LocalCacheEncrypted,
		cloudObjectsEncrypted: r.CloudObjectsEncrypted, driveType: r.DriveType, syncType: r.SyncType,
		deleted: r.Deleted,
	}, nil
}

// perm decodes a stored permission record (stored in its API shape): the
// ids it carries say its kind.
func (r permJSON) perm() (*perm, error) {
	var kind permKind
	var subject, object string
	switch {
	case r.UserID != "" && r.ProjectID != "":
		kind, subject, object = permUserProject, r.UserID, r.ProjectID
	case r.UserID != "" && r.SharedCloudDriveID != "":
		kind, subject, object = permUserDrive, r.UserID, r.SharedCloudDriveID
	case r.UserGroupID != "" && r.ProjectID != "":
		kind, subject, object = permGroupProject, r.UserGroupID, r.ProjectID
	case r.UserGroupID != "" && r.SharedCloudDriveID != "":
		kind, subject, object = permGroupDrive, r.UserGroupID, r.SharedCloudDriveID
	default:
		return nil, fmt.Errorf("permission %q: want a user or group id and a project or drive id", r.ID)
	}
	var ids [3]uuid.UUID
	for i, s := range []string{r.ID, subject, object} {
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("permission %q: id %q: %w", r.ID, s, err)
		}
		ids[i] = id
	}
	if r.PermissionType != levelRead && r.PermissionType != levelReadWrite {
		return nil, fmt.Errorf("permission %s: permissionType %d", r.ID, r.PermissionType)
	}
	return &perm{id: ids[0], kind: kind, subject: ids[1], object: ids[2], level: r.PermissionType}, nil
}

// record is t as stored.
func (t *apiToken) record() tokenRecord {
	r := tokenRecord{ID: t.id.String(), Title: t.title, Token: t.value, CreateDate: formatTime(t.created)}
	if t.expires != 0 {
		r.ExpirationDate = formatTime(t.expires)
	}
	return r
}

// apiToken decodes r.
func (r tokenRecord) apiToken() (*apiToken, error) {
	id, err := uuid.Parse(r.ID)
	if err != nil {
		return nil, fmt.Errorf("api token id %q: %w", r.ID, err)
	}
	t := &apiToken{id: id, title: r.Title, value: r.Token}
	if t.created, err = parseTime(r.CreateDate); err != nil {
		return nil, fmt.Errorf("api token %s: createDate: %w", r.ID, err)
	}
	if r.ExpirationDate != "" {
		if t.expires, err = parseTime(r.ExpirationDate); err != nil {
			return nil, fmt.Errorf("api token %s: expirationDate: %w", r.ID, err)
		}
	}
	if t.value == "" {
		return nil, fmt.Errorf("api token %s: no token value", r.ID)
	}
	return t, nil
}

// loadAccess reads the permission records and API tokens of tx into s,
// after its users, groups, projects and drives.
func loadAccess(tx *bolt.Tx, s *store) error {
	if err := loadBucket(tx, bucketPermissions, func(r permJSON) error {
		p, err := r.perm()
		if err != nil {
			return err
		}
		if err := s.checkPerm(p); err != nil {
			return fmt.Errorf("permission %s: %w", p.id, err)
		}
		s.access.putPerm(p)
		return nil
	}); err != nil {
		return err
	}
	return loadBucket(tx, bucketAPITokens, func(r tokenRecord) error {
		t, err := r.apiToken()
		if err != nil {
			return err
		}
		if other := s.access.tokenValues[t.value]; other != nil {
			return fmt.Errorf("api token %s: same value as api token %s", t.id, other.id)
		}
		s.access.addToken(t)
		return nil
	})
}

// checkPerm reports what makes p unfit for s: a subject or object that s
// does not hold (deleted ones count), or a pair that already has a record.
func (s *store) checkPerm(p *perm) error {
	if p.kind.userSubject() && s.users[p.subject] == nil {
		return fmt.Errorf("no user %s", p.subject)
	}
	if !p.kind.userSubject() && s.groups[p.subject] == nil {
		return fmt.Errorf("no user group %s", p.subject)
	}
	if p.kind.projectObject() && s.projects[p.object] == nil {
		return fmt.Errorf("no project %s", p.object)
	}
	if !p.kind.projectObject() && s.drives[p.object] == nil {
		return fmt.Errorf("no shared cloud drive %s", p.object)
	}
	if other := s.access.pairs[p.key()]; other != nil && other.id != p.id {
		return fmt.Errorf("the pair already has %s %s", p.kind, other.id)
	}
	return nil
}
