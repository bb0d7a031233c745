package emulator

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// accessGoldenDir holds the golden answers of the access endpoints.
const accessGoldenDir = goldenDir + "/access"

// accessGoldenCases run in order against one deterministic demo emulator.
// Targets and bodies may name ids as {group:NAME}, {user:USERNAME},
// {project:NAME}, {drive:NAME}, {token:TITLE}, {gdperm:GROUP/DRIVE} (a
// group's permission on a drive; gpperm GROUP/PROJECT, upperm
// USERID/PROJECT and udperm USERID/DRIVE likewise) or {id:KEY}, an id resolved earlier
// under KEY (and maybe deleted since).
func accessGoldenCases() []goldenCase {
	ada := "{user:ada.lovelace@example.com}"
	grace := "{user:grace.hopper@example.com}"
	return []goldenCase{
		{name: "apitokens-none", method: "GET", target: routeAPITokens},
		{name: "apitoken-insert", method: "POST", target: routeInsertAPIToken, body: `{"title":"CI pipeline","expirationDate":"2027-01-01T00:00:00Z"}`},
		{name: "apitoken-insert-no-expiry", method: "POST", target: routeInsertAPIToken, body: `{"title":"watch service"}`},
		{name: "apitoken-insert-blank", method: "POST", target: routeInsertAPIToken, body: `{"title":" "}`},
		{name: "apitokens", method: "GET", target: routeAPITokens},
		{name: "apitoken-delete", method: "DELETE", target: routeDeleteAPIToken + "?id={token:CI pipeline}"},
		{name: "apitoken-delete-again", method: "DELETE", target: routeDeleteAPIToken + "?id={id:CI pipeline}"},
		{name: "projects-first-page", method: "GET", target: routeProjects + "?pagesize=3"},
		{name: "projects-deleted", method: "GET", target: routeProjects + "?deleted=true"},
		{name: "drives-finance", method: "GET", target: routeDrives + "?name=finance"},
		{name: "drives-details-media", method: "GET", target: routeDrivesWithDetails + "?name=media"},
		{name: "users-of-project", method: "GET", target: routeUsersOfProject + "?projectId={project:Annual Report}"},
		{name: "projects-of-user", method: "GET", target: routeProjectsOfUser + "?userId=" + grace},
		{name: "users-of-drive", method: "GET", target: routeUsersOfDrive + "?sharedCloudDriveId={drive:Media Archive}"},
		{name: "drives-of-user", method: "GET", target: routeDrivesOfUser + "?userId=" + grace},
		{name: "groups-of-project", method: "GET", target: routeGroupsOfProject + "?projectId={project:Feature Film: Harbor}"},
		{name: "projects-of-group", method: "GET", target: routeProjectsOfGroup + "?userGroupId={group:Editorial}&sortfield=Permission.PermissionType&descending=true"},
		{name: "groups-of-drive", method: "GET", target: routeGroupsOfDrive + "?sharedCloudDrive={drive:Marketing Assets}&pagesize=2&page=2"},
		{name: "groups-of-drive-no-id", method: "GET", target: routeGroupsOfDrive + "?sharedCloudDriveId="},
		{name: "drives-of-group", method: "GET", target: routeDrivesOfGroup + "?userGroupId={group:Editorial}&name=SHARE"},
		{name: "projects-of-unknown-group", method: "GET", target: routeProjectsOfGroup + "?userGroupId=99999999-9999-4999-8999-999999999999"},
		{name: "grant-user-project", method: "POST", target: routeUserProjectPerms, body: `[{"userId":"` + ada + `","projectId":"{project:Podcast Season 3}","permissionType":1}]`},
		{name: "grant-user-project-again", method: "POST", target: routeUserProjectPerms, body: `[{"userId":"` + ada + `","projectId":"{project:Podcast Season 3}","permissionType":2}]`},
		{name: "grant-user-drive", method: "POST", target: routeUserDrivePerms, body: `[{"userId":"` + grace + `","sharedCloudDriveId":"{drive:Legal Vault}","permissionType":2}]`},
		{name: "grant-unknown-user", method: "POST", target: routeUserProjectPerms, body: `[{"userId":"99999999-9999-4999-8999-999999999999","projectId":"{project:Podcast Season 3}","permissionType":1}]`},
		{name: "grant-bad-level", method: "POST", target: routeGroupProjectPerms, body: `[{"userGroupId":"{group:Finance}","projectId":"{project:Podcast Season 3}","permissionType":0}]`},
		{name: "grant-group-drive", method: "POST", target: routeGroupDrivePerms, body: `[{"userGroupId":"{group:Finance}","sharedCloudDriveId":"{drive:Media Archive}","permissionType":2}]`},
		{name: "edit-group-drive", method: "PUT", target: routeGroupDrivePerms, body: `[{"id":"{gdperm:Finance/Media Archive}","userGroupId":"{group:Finance}","sharedCloudDriveId":"{drive:Media Archive}","permissionType":1}]`},
		{name: "edit-group-drive-move", method: "PUT", target: routeGroupDrivePerms, body: `[{"id":"{id:Finance/Media Archive}","userGroupId":"{group:Legal}","permissionType":1}]`},
		{name: "details-finance", method: "GET", target: "/usergroup/get_all_with_details?name=finance"},
		{name: "delete-group-drive", method: "DELETE", target: routeGroupDrivePerms + "?id={id:Finance/Media Archive}"},
		{name: "delete-group-drive-again", method: "DELETE", target: routeGroupDrivePerms + "?id={id:Finance/Media Archive}"},
		{name: "insert-user", method: "POST", target: routeInsertUser, body: `{"firstname":"Jane","lastname":"Doe","username":"jane.doe@example.com","email":"jane.doe@example.com","userType":32}`},
		{name: "insert-user-duplicate", method: "POST", target: routeInsertUser, body: `{"username":"Jane.Doe@example.com"}`},
		{name: "insert-user-bad-email", method: "POST", target: routeInsertUser, body: `{"username":"jane"}`},
		{name: "edit-user", method: "PUT", target: routeEditUser, body: `{"id":"{user:jane.doe@example.com}","firstname":"Janet","userType":64,"status":1}`},
		{name: "edit-user-rename", method: "PUT", target: routeEditUser, body: `{"id":"{user:jane.doe@example.com}","username":"janet@example.com"}`},
		{name: "users-with-details", method: "GET", target: routeUsersWithDetails + "?username=grace.hopper"},
		{name: "delete-user", method: "DELETE", target: routeDeleteUser + "?id={user:jane.doe@example.com}"},
		{name: "delete-user-again", method: "DELETE", target: routeDeleteUser + "?id={id:jane.doe@example.com}"},
		// The other write routes: a grant, a level change and a removal of each kind.
		{name: "grant-group-project", method: "POST", target: routeGroupProjectPerms, body: `[{"userGroupId":"{group:Legal}","projectId":"{project:Trailer Cut}","permissionType":1}]`},
		{name: "edit-group-project", method: "PUT", target: routeGroupProjectPerms, body: `[{"id":"{gpperm:Legal/Trailer Cut}","userGroupId":"{group:Legal}","projectId":"{project:Trailer Cut}","permissionType":2}]`},
		{name: "projects-of-legal", method: "GET", target: routeProjectsOfGroup + "?userGroupId={group:Legal}"},
		{name: "delete-group-project", method: "DELETE", target: routeGroupProjectPerms + "?id={id:Legal/Trailer Cut}"},
		{name: "edit-user-project", method: "PUT", target: routeUserProjectPerms, body: `[{"id":"{upperm:` + ada + `/Trailer Cut}","userId":"` + ada + `","projectId":"{project:Trailer Cut}","permissionType":2}]`},
		{name: "delete-user-project", method: "DELETE", target: routeUserProjectPerms + "?id={upperm:" + ada + "/Brand Refresh}"},
		{name: "projects-of-ada", method: "GET", target: routeProjectsOfUser + "?userId=" + ada},
		{name: "edit-user-drive", method: "PUT", target: routeUserDrivePerms, body: `[{"id":"{udperm:` + grace + `/Media Archive}","userId":"` + grace + `","sharedCloudDriveId":"{drive:Media Archive}","permissionType":2}]`},
		{name: "drives-of-grace", method: "GET", target: routeDrivesOfUser + "?userId=" + grace},
		{name: "delete-user-drive", method: "DELETE", target: routeUserDrivePerms + "?id={id:" + grace + "/Media Archive}"},
		{name: "delete-user-drive-again", method: "DELETE", target: routeUserDrivePerms + "?id={id:" + grace + "/Media Archive}"},
	}
}

// accessResolver turns the placeholders of accessGoldenCases into ids.
type accessResolver struct {
	e     *Emulator
	known map[string]string
}

// accessPlaceholder matches one placeholder.
var accessPlaceholder = regexp.MustCompile(`\{(group|user|project|drive|token|gdperm|gpperm|upperm|udperm|id):([^{}]+)\}`)

// resolve replaces the placeholders of s, innermost first (a placeholder
// may hold another: {upperm:{user:NAME}/PROJECT}).
func (ar *accessResolver) resolve(t *testing.T, s string) string {
	t.Helper()
	for {
		next := ar.resolveOnce(t, s)
		if next == s {
			return s
		}
		s = next
	}
}

func (ar *accessResolver) resolveOnce(t *testing.T, s string) string {
	t.Helper()
	return accessPlaceholder.ReplaceAllStringFunc(s, func(m string) string {
		parts := accessPlaceholder.FindStringSubmatch(m)
		kind, arg := parts[1], parts[2]
		var id string
		switch kind {
		case "id":
			if id = ar.known[arg]; id == "" {
				t.Fatalf("%s was not resolved before", arg)
			}
			return id
		case "group":
			id = groupNamed(t, ar.e, arg).ID
		case "user":
			id = userNamed(t, ar.e, arg).ID
		case "project":
			id = projectNamed(t, ar.e, arg).ID
		case "drive":
			id = driveNamed(t, ar.e, arg).ID
		case "token":
			for _, tok := range decode[[]apiTokenJSON](t, call(t, ar.e, "GET", routeAPITokens, "")) {
				if tok.Title == arg {
					id = tok.ID
				}
			}
		case "gdperm":
			group, drive, _ := strings.Cut(arg, "/")
			rows, _ := permPage[groupDriveRow](t, ar.e, routeDrivesOfGroup, url.Values{"userGroupId": {groupNamed(t, ar.e, group).ID}})
			for _, r := range rows {
				if r.SharedCloudDrive.Name == drive {
					id = r.Permission.ID
				}
			}
		case "gpperm":
			group, project, _ := strings.Cut(arg, "/")
			rows, _ := permPage[groupProjectRow](t, ar.e, routeProjectsOfGroup, url.Values{"userGroupId": {groupNamed(t, ar.e, group).ID}})
			for _, r := range rows {
				if r.Project.Name == project {
					id = r.Permission.ID
				}
			}
		case "upperm":
			userID, project, _ := strings.Cut(arg, "/")
			rows, _ := permPage[userProjectRow](t, ar.e, routeProjectsOfUser, url.Values{"userId": {userID}})
			for _, r := range rows {
				if r.Project.Name == project {
					id = r.Permission.ID
				}
			}
		case "udperm":
			userID, drive, _ := strings.Cut(arg, "/")
			rows, _ := permPage[userDriveRow](t, ar.e, routeDrivesOfUser, url.Values{"userId": {userID}})
			for _, r := range rows {
				if r.SharedClouDrive.Name == drive {
					id = r.Permission.ID
				}
			}
		}
		if id == "" {
			t.Fatalf("no %s %q", kind, arg)
		}
		ar.known[arg] = id
		return id
	})
}

// apiTokenValue matches a token value in an answer; goldens show REDACTED,
// like issued session tokens.
var apiTokenValue = regexp.MustCompile(`"token":"[^"]+"`)

func TestGoldenAccess(t *testing.T) {
	e := demoEmu(t)
	ar := &accessResolver{e: e, known: map[string]string{}}
	want := map[string]bool{}
	if *update {
		if err := os.MkdirAll(accessGoldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range accessGoldenCases() {
		file := filepath.Join(accessGoldenDir, fmt.Sprintf("%02d-%s.golden", i+1, c.name))
		want[filepath.Base(file)] = true
		target, body := ar.resolve(t, c.target), ar.resolve(t, c.body)
		got := render(c, target, body, call(t, e, c.method, target, body))
		got = apiTokenValue.ReplaceAll(got, []byte(`"token":"REDACTED"`))
		if *update {
			if err := os.WriteFile(file, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		wantBytes, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: %v (run go test ./emulator -run TestGoldenAccess -update)", c.name, err)
			continue
		}
		if !bytes.Equal(got, wantBytes) {
			t.Errorf("%s differs from %s:\ngot:\n%s\nwant:\n%s", c.name, file, got, wantBytes)
		}
	}
	entries, err := os.ReadDir(accessGoldenDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range entries {
		if !want[ent.Name()] {
			if *update {
				if err := os.Remove(filepath.Join(accessGoldenDir, ent.Name())); err != nil {
					t.Fatal(err)
				}
				continue
			}
			t.Errorf("stale golden file %s (run with -update to remove it)", ent.Name())
		}
	}
}
