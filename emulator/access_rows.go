package emulator

import (
	"cmp"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// The DTO rows of the permission lists (keys FOUND on the Web page, the
// "sharedClouDrive" typo of the user-drive row included).
type (
	// userProjectRow is a UserProjectPermissionDTO.
	userProjectRow struct {
		User       *apiUser    `json:"user"`
		Project    projectJSON `json:"project"`
		Permission permJSON    `json:"permission"`
	}
	// userDriveRow is a UserSharedCloudDrivePermissionDTO.
	userDriveRow struct {
		User            *apiUser  `json:"user"`
		SharedClouDrive driveJSON `json:"sharedClouDrive"`
		Permission      permJSON  `json:"permission"`
	}
	// groupProjectRow is a UserGroupProjectPermissionDTO.
	groupProjectRow struct {
		UserGroup  apiGroup    `json:"userGroup"`
		Project    projectJSON `json:"project"`
		Permission permJSON    `json:"permission"`
	}
	// groupDriveRow is a UserGroupSharedCloudDrivePermissionDTO.
	groupDriveRow struct {
		UserGroup        apiGroup  `json:"userGroup"`
		SharedCloudDrive driveJSON `json:"sharedCloudDrive"`
		Permission       permJSON  `json:"permission"`
	}
)

// groupDetailsRow is a UserGroupWithDetailsDTO: the group, its members and
// its permissions (projectsData [{project, permission}], drivesData
// [{sharedCloudDrive, permission}]), plus active (I13).
type groupDetailsRow struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	Description  string             `json:"description"`
	Active       bool               `json:"active"`
	ProjectsData []groupProjectData `json:"projectsData"`
	UsersData    []apiUserRow       `json:"usersData"`
	DrivesData   []groupDriveData   `json:"drivesData"`
}

// groupProjectData is one projectsData entry of a group-details row.
type groupProjectData struct {
	Project    projectJSON `json:"project"`
	Permission permJSON    `json:"permission"`
}

// groupDriveData is one drivesData entry of a group-details row.
type groupDriveData struct {
	SharedCloudDrive driveJSON `json:"sharedCloudDrive"`
	Permission       permJSON  `json:"permission"`
}

// userDetailsRow is a UserWithDetailsDTO: the user's keys and, under the
// Click names, the Web rows of the user's groups and direct permissions
// (I13).
type userDetailsRow struct {
	apiUser
	UserGroups        []apiMembershipRow `json:"userGroups"`
	Projects          []userProjectRow   `json:"projects"`
	SharedCloudDrives []userDriveRow     `json:"sharedCloudDrives"`
}

// driveDetailsRow is a SharedCloudDriveWithDetailsDTO: the drive's keys
// and its project links, user permissions and group permissions.
type driveDetailsRow struct {
	driveJSON
	ProjectsData []driveProjectData `json:"projectsData"`
	UsersData    []driveUserData    `json:"usersData"`
	GroupsData   []driveGroupData   `json:"groupsData"`
}

// driveProjectData is one projectsData entry of a drive-details row. The
// emulator models no project-drive links, so there are none (rules.go).
type driveProjectData struct {
	Project                 projectJSON     `json:"project"`
	ProjectSharedCloudDrive projectLinkJSON `json:"projectSharedCloudDrive"`
}

// projectLinkJSON is a ProjectSharedCloudDrive link (FOUND keys).
type projectLinkJSON struct {
	ID                 string `json:"id"`
	ProjectID          string `json:"projectId"`
	SharedCloudDriveID string `json:"sharedCloudDriveId"`
}

// driveUserData is one usersData entry of a drive-details row.
type driveUserData struct {
	User       *apiUser `json:"user"`
	Permission permJSON `json:"permission"`
}

// driveGroupData is one groupsData entry of a drive-details row.
type driveGroupData struct {
	UserGroup  apiGroup `json:"userGroup"`
	Permission permJSON `json:"permission"`
}

// subjectName is the lower-case name of p's subject: a username or a
// group name. The caller holds the read lock.
func (s *store) subjectName(p *perm) string {
	if p.kind.userSubject() {
		return s.users[p.subject].lower
	}
	return s.groups[p.subject].lower
}

// subjectRawName is the name of p's subject as stored.
func (s *store) subjectRawName(p *perm) string {
	if p.kind.userSubject() {
		return s.users[p.subject].username
	}
	return s.groups[p.subject].name
}

// objectRawName is the name of p's object as stored.
func (s *store) objectRawName(p *perm) string {
	if p.kind.projectObject() {
		return s.projects[p.object].name
	}
	return s.drives[p.object].name
}

// objectName is the lower-case name of p's object.
func (s *store) objectName(p *perm) string {
	if p.kind.projectObject() {
		return s.projects[p.object].lower
	}
	return s.drives[p.object].lower
}

// byObjectName orders permissions by their object's name, then subject's
// name, then id.
func (s *store) byObjectName(a, b *perm) int {
	return cmp.Or(strings.Compare(s.objectName(a), s.objectName(b)),
		strings.Compare(s.subjectName(a), s.subjectName(b)), cmpID(a.id, b.id))
}

// bySubjectName orders permissions by their subject's name, then
// object's name, then id.
func (s *store) bySubjectName(a, b *perm) int {
	return cmp.Or(strings.Compare(s.subjectName(a), s.subjectName(b)),
		strings.Compare(s.objectName(a), s.objectName(b)), cmpID(a.id, b.id))
}

// sortedPerms returns the live permissions of kind k on id (a subject
// when bySubject, else an object), ordered by the other side's name.
func (s *store) sortedPerms(k permKind, id uuid.UUID, bySubject bool) []*perm {
	list := s.livePerms(k, id, bySubject)
	if bySubject {
		slices.SortFunc(list, s.byObjectName)
	} else {
		slices.SortFunc(list, s.bySubjectName)
	}
	return list
}

// permRow is p as the row of its kind's permission lists.
func (s *store) permRow(p *perm) any {
	switch p.kind {
	case permUserProject:
		return userProjectRow{s.users[p.subject].model(), s.projects[p.object].model(), p.model()}
	case permUserDrive:
		return userDriveRow{s.users[p.subject].model(), s.drives[p.object].model(), p.model()}
	case permGroupProject:
		return groupProjectRow{s.groups[p.subject].model(), s.projects[p.object].model(), p.model()}
	default:
		return groupDriveRow{s.groups[p.subject].model(), s.drives[p.object].model(), p.model()}
	}
}

// groupProjectsData is the projectsData of group id's details row.
func (s *store) groupProjectsData(id uuid.UUID) []groupProjectData {
	list := s.sortedPerms(permGroupProject, id, true)
	out := make([]groupProjectData, len(list))
	for i, p := range list {
		out[i] = groupProjectData{s.projects[p.object].model(), p.model()}
	}
	return out
}

// groupDrivesData is the drivesData of group id's details row.
func (s *store) groupDrivesData(id uuid.UUID) []groupDriveData {
	list := s.sortedPerms(permGroupDrive, id, true)
	out := make([]groupDriveData, len(list))
	for i, p := range list {
		out[i] = groupDriveData{s.drives[p.object].model(), p.model()}
	}
	return out
}

// userDetails is u's details row: its live groups by name and its direct
// permissions on live projects and drives by name.
func (s *store) userDetails(u *user, base apiUser) userDetailsRow {
	row := userDetailsRow{apiUser: base, UserGroups: []apiMembershipRow{}}
	ms := slices.Clone(s.byUser[u.id])
	slices.SortFunc(ms, func(a, b *member) int {
		return cmpText(s.groups[a.groupID].lower, s.groups[b.groupID].lower, a.id, b.id)
	})
	um := u.model()
	for _, m := range ms {
		if g := s.liveGroup(m.groupID); g != nil {
			gm := g.model()
			row.UserGroups = append(row.UserGroups, apiMembershipRow{User: um, UserGroup: &gm, UserUserGroup: m.model()})
		}
	}
	projects := s.sortedPerms(permUserProject, u.id, true)
	row.Projects = make([]userProjectRow, len(projects))
	for i, p := range projects {
		row.Projects[i] = s.permRow(p).(userProjectRow)
	}
	drives := s.sortedPerms(permUserDrive, u.id, true)
	row.SharedCloudDrives = make([]userDriveRow, len(drives))
	for i, p := range drives {
		row.SharedCloudDrives[i] = s.permRow(p).(userDriveRow)
	}
	return row
}

// driveDetails is d's details row: its user and group permissions, by
// username and group name.
func (s *store) driveDetails(d *drive) driveDetailsRow {
	row := driveDetailsRow{driveJSON: d.model(), ProjectsData: []driveProjectData{}}
	users := s.sortedPerms(permUserDrive, d.id, false)
	row.UsersData = make([]driveUserData, len(users))
	for i, p := range users {
		row.UsersData[i] = driveUserData{s.users[p.subject].model(), p.model()}
	}
	groups := s.sortedPerms(permGroupDrive, d.id, false)
	row.GroupsData = make([]driveGroupData, len(groups))
	for i, p := range groups {
		row.GroupsData[i] = driveGroupData{s.groups[p.subject].model(), p.model()}
	}
	return row
}
