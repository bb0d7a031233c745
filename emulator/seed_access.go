package emulator

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// project adds one seed project and its permissions.
func (sd seeder) project(sp SeedProject) error {
	if err := seedName(sp.Name, maxProjectName); err != nil {
		return err
	}
	id, err := sd.id(sp.ID)
	if err != nil {
		return err
	}
	p := &project{id: id, name: sp.Name, lower: strings.ToLower(sp.Name), description: sp.Description,
		active: sp.Active == nil || *sp.Active, deleted: sp.Deleted}
	sd.s.projects[id] = p
	return sd.grants(id, permUserProject, permGroupProject, sp.Groups, sp.Users)
}

// drive adds one seed drive and its permissions.
func (sd seeder) drive(sdr SeedDrive) error {
	if err := seedName(sdr.Name, maxDriveName); err != nil {
		return err
	}
	id, err := sd.id(sdr.ID)
	if err != nil {
		return err
	}
	cloud := uuid.MustParse(cloudAccountID)
	if sdr.CloudAccountID != "" {
		if cloud, err = uuid.Parse(sdr.CloudAccountID); err != nil {
			return fmt.Errorf("cloudAccountId: %q is not a uuid", sdr.CloudAccountID)
		}
	}
	d := &drive{
		id: id, name: sdr.Name, lower: strings.ToLower(sdr.Name), creatorUserID: sd.owner(),
		cloudAccountID: cloud, active: sdr.Active == nil || *sdr.Active, prefix: sdr.Prefix,
		storageName: sdr.StorageName, objectsPerFolder: sdr.ObjectsPerFolder, allowDelete: sdr.AllowDelete,
		localCacheEncrypted: sdr.LocalCacheEncrypted, cloudObjectsEncrypted: sdr.CloudObjectsEncrypted,
		driveType: sdr.DriveType, syncType: sdr.SyncType, deleted: sdr.Deleted,
	}
	if d.objectsPerFolder == 0 {
		d.objectsPerFolder = defaultObjectsPerFolder
	}
	if d.driveType == 0 {
		d.driveType = defaultDriveType
	}
	if d.syncType == 0 {
		d.syncType = defaultSyncType
	}
	sd.s.drives[id] = d
	return sd.grants(id, permUserDrive, permGroupDrive, sdr.Groups, sdr.Users)
}

// seedName reports what is wrong with a project or drive name.
func seedName(name string, limit int) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("name: required, must not be blank")
	}
	if n := utf8.RuneCountInString(name); n > limit {
		return fmt.Errorf("name: at most %d characters (got %d)", limit, n)
	}
	return nil
}

// owner returns the id of the account owner (the owner user with the
// smallest id), or the nil uuid when the seed has none.
func (sd seeder) owner() uuid.UUID {
	u := firstDeleted(sd.s.users, func(u *user) bool { return u.owner && !u.deleted }, func(u *user) uuid.UUID { return u.id })
	if u == nil {
		return uuid.Nil
	}
	return u.id
}

// grants adds the group and user permissions of one project or drive.
func (sd seeder) grants(object uuid.UUID, userKind, groupKind permKind, groups []SeedGrant, users []SeedUserGrant) error {
	for i, sg := range groups {
		g, err := sd.findGroup(sg.UserGroupID, sg.GroupName)
		if err != nil {
			return fmt.Errorf("groups[%d]: %w", i, err)
		}
		if err := sd.grant(groupKind, g.id, object, sg.ID, sg.PermissionType); err != nil {
			return fmt.Errorf("groups[%d]: %w", i, err)
		}
	}
	for i, su := range users {
		u, err := sd.findUser(su.UserID, su.Username)
		if err != nil {
			return fmt.Errorf("users[%d]: %w", i, err)
		}
		if err := sd.grant(userKind, u.id, object, su.ID, su.PermissionType); err != nil {
			return fmt.Errorf("users[%d]: %w", i, err)
		}
	}
	return nil
}

// grant adds one permission record.
func (sd seeder) grant(kind permKind, subject, object uuid.UUID, explicitID string, level int) error {
	if level != levelRead && level != levelReadWrite {
		return fmt.Errorf("permissionType: %d is not 1 (Read) or 2 (ReadWrite)", level)
	}
	p := &perm{kind: kind, subject: subject, object: object, level: level}
	if other := sd.s.access.pairs[p.key()]; other != nil {
		return fmt.Errorf("the pair already has %s %s", kind, other.id)
	}
	id, err := sd.id(explicitID)
	if err != nil {
		return err
	}
	p.id = id
	sd.s.access.putPerm(p)
	return nil
}
