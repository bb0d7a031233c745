package emulator

import "net/http"

// Routes of the access endpoints (FOUND on the Click pages, odd spellings
// included). They are spelt here, not taken from clickapi, so that the
// client and the emulator cannot share a misspelling.
const (
	routeAPITokens      = "/apitoken/get_all"
	routeInsertAPIToken = "/apitoken/insert"
	routeDeleteAPIToken = "/apitoken/delete"

	routeUsersWithDetails = "/user/get_all_users_with_details"
	routeInsertUser       = "/user/insert_user"
	routeEditUser         = "/user/edit_user"
	routeDeleteUser       = "/user/delete_user"

	routeProjects          = "/projects/get_all"
	routeDrives            = "/sharedclouddrive/get_all"
	routeDrivesWithDetails = "/sharedclouddrive/get_all_with_details"
	routeUserProjectPerms  = "/userspermission/users_project_permission"
	routeUserDrivePerms    = "/userspermission/users_sharedclouddrive_permision" // sic: one "s"
	routeGroupProjectPerms = "/userspermission/usergroups_project_permission"    // plural
	routeGroupDrivePerms   = "/userspermission/usergroup_sharedclouddrive_permission"
	routeUsersOfProject    = "/userspermission/get_users_assigned_to_project"
	routeProjectsOfUser    = "/userspermission/get_projects_assigned_to_user"
	routeUsersOfDrive      = "/userspermission/get_users_assigned_to_sharedclouddrive"
	routeDrivesOfUser      = "/userspermission/get_sharedclouddrive_assigned_to_user"
	routeGroupsOfProject   = "/userspermission/get_usergroups_assigned_to_project"
	routeProjectsOfGroup   = "/userspermission/get_projects_assigned_to_usergroup"
	routeGroupsOfDrive     = "/userspermission/get_usergroups_assigned_to_sharedclouddrive"
	routeDrivesOfGroup     = "/userspermission/get_sharedclouddrive_assigned_to_usergroup"
)

// accessRoutes are the routes of the access endpoints, for routeTable.
func accessRoutes() map[string][]route {
	get, post, put, del := http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	one := func(method string, serve serveFunc) []route { return []route{{method, false, serve}} }
	crud := func(k permKind) []route {
		return []route{{post, false, addPerms(k)}, {put, false, editPerms(k)}, {del, false, deletePerm(k)}}
	}
	list := func(k permKind, bySubject bool, idParam, alias string) []route {
		return one(get, newPermList(k, bySubject, idParam, alias).serve)
	}
	return map[string][]route{
		routeAPITokens:      one(get, (*Emulator).listAPITokens),
		routeInsertAPIToken: one(post, (*Emulator).insertAPIToken),
		routeDeleteAPIToken: one(del, (*Emulator).deleteAPIToken),

		routeUsersWithDetails: one(get, (*Emulator).listUserDetails),
		routeInsertUser:       one(post, (*Emulator).insertUser),
		routeEditUser:         one(put, (*Emulator).editUser),
		routeDeleteUser:       one(del, (*Emulator).deleteUser),

		routeProjects:          one(get, (*Emulator).listProjects),
		routeDrives:            one(get, (*Emulator).listDrives),
		routeDrivesWithDetails: one(get, (*Emulator).listDriveDetails),

		routeUserProjectPerms:  crud(permUserProject),
		routeUserDrivePerms:    crud(permUserDrive),
		routeGroupProjectPerms: crud(permGroupProject),
		routeGroupDrivePerms:   crud(permGroupDrive),
		routeUsersOfProject:    list(permUserProject, false, "projectId", ""),
		routeProjectsOfUser:    list(permUserProject, true, "userId", ""),
		routeUsersOfDrive:      list(permUserDrive, false, "sharedCloudDriveId", ""),
		routeDrivesOfUser:      list(permUserDrive, true, "userId", ""),
		routeGroupsOfProject:   list(permGroupProject, false, "projectId", ""),
		routeProjectsOfGroup:   list(permGroupProject, true, "userGroupId", ""),
		routeGroupsOfDrive:     list(permGroupDrive, false, "sharedCloudDrive", "sharedCloudDriveId"), // sic (FOUND)
		routeDrivesOfGroup:     list(permGroupDrive, true, "userGroupId", ""),
	}
}
