package emulator

import (
	"cmp"
	"strings"

	"github.com/google/uuid"
)

// Permission levels (FOUND: permissionType 1 Read, 2 ReadWrite).
const (
	levelRead      = 1
	levelReadWrite = 2
)

// permKind says which pair a permission record links: a user or a user
// group (the subject) to a project or a shared cloud drive (the object).
type permKind uint8

// The four kinds of permission records, one per CRUD group of the
// userspermission controller.
const (
	permUserProject permKind = iota + 1
	permUserDrive
	permGroupProject
	permGroupDrive
)

// userSubject reports whether k's subject is a user (else a user group).
func (k permKind) userSubject() bool { return k == permUserProject || k == permUserDrive }

// projectObject reports whether k's object is a project (else a drive).
func (k permKind) projectObject() bool { return k == permUserProject || k == permGroupProject }

// subjectField is the JSON key of k's subject id.
func (k permKind) subjectField() string {
	if k.userSubject() {
		return "userId"
	}
	return "userGroupId"
}

// objectField is the JSON key of k's object id.
func (k permKind) objectField() string {
	if k.projectObject() {
		return "projectId"
	}
	return "sharedCloudDriveId"
}

// String names k in messages ("user-project permission").
func (k permKind) String() string {
	s, o := "user", "project"
	if !k.userSubject() {
		s = "user group"
	}
	if !k.projectObject() {
		o = "shared cloud drive"
	}
	return s + "-" + o + " permission"
}

// perm is one permission record: subject may reach object at level.
// Records are never mutated once published.
type perm struct {
	id      uuid.UUID
	kind    permKind
	subject uuid.UUID // user or user group id
	object  uuid.UUID // project or drive id
	level   int       // levelRead or levelReadWrite
}

// permKey identifies a permission by its pair.
type permKey struct {
	kind            permKind
	subject, object uuid.UUID
}

// sideKey names the records of one kind on one subject or object.
type sideKey struct {
	kind permKind
	id   uuid.UUID
}

// key is p's pair.
func (p *perm) key() permKey { return permKey{p.kind, p.subject, p.object} }

// project is an Amove project. Its permissions live in the store's
// permission maps.
type project struct {
	id          uuid.UUID
	name        string
	lower       string
	description string
	active      bool
	deleted     bool
}

// drive is a shared cloud drive with the fields the vendor documents.
type drive struct {
	id                    uuid.UUID
	name                  string
	lower                 string
	creatorUserID         uuid.UUID
	cloudAccountID        uuid.UUID
	active                bool
	prefix                string
	prefixID              string
	storageID             string
	storageName           string
	objectsPerFolder      int
	allowDelete           bool
	localCacheEncrypted   bool
	cloudObjectsEncrypted bool
	driveType             int
	syncType              int
	deleted               bool
}

// apiToken is a long-lived API token. The emulator has one signed-in
// identity, so every token belongs to it.
type apiToken struct {
	id      uuid.UUID
	title   string
	value   string
	expires int64 // unix nanoseconds; 0 never expires
	created int64
}

// cmpText orders lower-case names, then ids.
func cmpText(a, b string, ida, idb uuid.UUID) int {
	return cmp.Or(strings.Compare(a, b), cmpID(ida, idb))
}

// projectJSON is a Project as the API shows it (FOUND keys).
type projectJSON struct {
	ID          string `json:"id"`
	AccountID   string `json:"accountId"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	Deleted     bool   `json:"deleted"`
}

// driveJSON is a SharedCloudDrive as the API shows it (FOUND keys);
// cloudAccount is an empty object, as the contract says the emulator emits.
type driveJSON struct {
	ID                    string   `json:"id"`
	AccountID             string   `json:"accountId"`
	CreatorUserID         string   `json:"creatorUserId"`
	CloudAccountID        string   `json:"cloudAccountId"`
	Active                bool     `json:"active"`
	Name                  string   `json:"name"`
	Prefix                string   `json:"prefix"`
	PrefixID              string   `json:"prefixId"`
	StorageID             string   `json:"storageId"`
	StorageName           string   `json:"storageName"`
	ObjectsPerFolder      int      `json:"objectsPerFolder"`
	AllowDelete           bool     `json:"allowDelete"`
	LocalCacheEncrypted   bool     `json:"localCacheEncrypted"`
	CloudObjectsEncrypted bool     `json:"cloudObjectsEncrypted"`
	DriveType             int      `json:"driveType"`
	SyncType              int      `json:"syncType"`
	Deleted               bool     `json:"deleted"`
	CloudAccount          struct{} `json:"cloudAccount"`
}

// permJSON is a permission record as the API shows it: id, the subject
// id, the object id and permissionType, in the vendor's key order. Only
// the two ids of its kind are set.
type permJSON struct {
	ID                 string `json:"id"`
	UserID             string `json:"userId,omitempty"`
	UserGroupID        string `json:"userGroupId,omitempty"`
	ProjectID          string `json:"projectId,omitempty"`
	SharedCloudDriveID string `json:"sharedCloudDriveId,omitempty"`
	PermissionType     int    `json:"permissionType"`
}

// apiTokenJSON is an ApiToken as the agent shows it (FOUND keys of the
// Click page). ExpirationDate is null for a token without one (I17).
type apiTokenJSON struct {
	ID             string  `json:"id"`
	Title          string  `json:"title"`
	Token          string  `json:"token"`
	ExpirationDate *string `json:"expirationDate"`
	CreateDate     string  `json:"createDate"`
}

// model is p as the API shows it.
func (p *project) model() projectJSON {
	return projectJSON{ID: p.id.String(), AccountID: accountID, Name: p.name,
		Description: p.description, Active: p.active, Deleted: p.deleted}
}

// model is d as the API shows it.
func (d *drive) model() driveJSON {
	return driveJSON{
		ID: d.id.String(), AccountID: accountID, CreatorUserID: d.creatorUserID.String(),
		CloudAccountID: d.cloudAccountID.String(), Active: d.active, Name: d.name,
		Prefix: d.prefix, PrefixID: d.prefixID, StorageID: d.storageID, StorageName: d.storageName,
		ObjectsPerFolder: d.objectsPerFolder, AllowDelete: d.allowDelete,
		LocalCacheEncrypted: d.localCacheEncrypted, CloudObjectsEncrypted: d.cloudObjectsEncrypted,
		DriveType: d.driveType, SyncType: d.syncType, Deleted: d.deleted,
	}
}

// model is p as the API shows it.
func (p *perm) model() permJSON {
	out := permJSON{ID: p.id.String(), PermissionType: p.level}
	if p.kind.userSubject() {
		out.UserID = p.subject.String()
	} else {
		out.UserGroupID = p.subject.String()
	}
	if p.kind.projectObject() {
		out.ProjectID = p.object.String()
	} else {
		out.SharedCloudDriveID = p.object.String()
	}
	return out
}

// model is t as the API shows it.
func (t *apiToken) model() apiTokenJSON {
	out := apiTokenJSON{ID: t.id.String(), Title: t.title, Token: t.value, CreateDate: apiTime(t.created)}
	if t.expires != 0 {
		s := apiTime(t.expires)
		out.ExpirationDate = &s
	}
	return out
}
