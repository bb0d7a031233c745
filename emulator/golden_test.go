package emulator

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenDir holds one file per golden request.
const goldenDir = "../testdata/emulator"

// goldenCase is one request of the golden run. Targets and bodies may name
// ids as {group:NAME}, {user:USERNAME}, {assignment:GROUP/USERNAME}, or
// {id:NAME} for a group resolved earlier (and maybe deleted since), or
// {token:static} for the emulator's token.
type goldenCase struct {
	name, method, target, body string
	noToken                    bool
}

// goldenCases run in order against one deterministic demo emulator.
func goldenCases() []goldenCase {
	return []goldenCase{
		{name: "agent-status", method: "GET", target: routeAgentStatus, noToken: true},
		{name: "login", method: "POST", target: routeLogin, body: `{"username":"admin@example.com","password":"admin","type":16}`, noToken: true},
		{name: "login-wrong-password", method: "POST", target: routeLogin, body: `{"username":"admin@example.com","password":"x","type":16}`, noToken: true},
		{name: "login-wrong-type", method: "POST", target: routeLogin, body: `{"username":"admin@example.com","password":"admin","type":64}`, noToken: true},
		{name: "user-info", method: "GET", target: routeUserInfo},
		{name: "route-casing", method: "GET", target: "/UserGroup/Get_All?pagesize=2"},
		{name: "unknown-route", method: "GET", target: "/usergroup/get_everything"},
		{name: "wrong-method", method: "POST", target: routeGroups},
		{name: "unauthorized", method: "GET", target: routeGroups, noToken: true},
		{name: "groups-first-page", method: "GET", target: routeGroups + "?pagesize=5"},
		{name: "groups-page-3", method: "GET", target: routeGroups + "?page=3&pagesize=10"},
		{name: "groups-filter-descending", method: "GET", target: routeGroups + "?name=MARKETING&descending=true"},
		{name: "groups-by-createdate", method: "GET", target: routeGroups + "?sortfield=CreateDate&pagesize=3"},
		{name: "groups-by-description-descending", method: "GET", target: routeGroups + "?sortfield=Description&descending=true&pagesize=3"},
		{name: "groups-unknown-sortfield", method: "GET", target: routeGroups + "?sortfield=Nme"},
		{name: "groups-past-the-end", method: "GET", target: routeGroups + "?page=99&pagesize=10"},
		{name: "groups-bad-paging", method: "GET", target: routeGroups + "?page=0&pagesize=abc"},
		{name: "groups-deleted", method: "GET", target: routeGroups + "?deleted=true"},
		{name: "details-finance", method: "GET", target: routeGroupsWithDetails + "?name=finance"},
		{name: "details-empty-group", method: "GET", target: routeGroupsWithDetails + "?name=render%20farm"},
		{name: "insert", method: "POST", target: routeInsertGroup, body: `{"name":"Golden Team","description":"Made by the golden test","active":true}`},
		{name: "insert-duplicate", method: "POST", target: routeInsertGroup, body: `{"name":"golden team","active":true}`},
		{name: "insert-empty-name", method: "POST", target: routeInsertGroup, body: `{"name":"","active":true}`},
		{name: "insert-long-name", method: "POST", target: routeInsertGroup, body: `{"name":"` + strings.Repeat("Long ", 26) + `"}`},
		{name: "insert-malformed", method: "POST", target: routeInsertGroup, body: `{"name":"Broken"`},
		{name: "update", method: "PUT", target: routeUpdateGroup, body: `{"id":"{group:Golden Team}","name":"Golden Team Renamed","description":"Renamed","active":false}`},
		{name: "update-not-found", method: "PUT", target: routeUpdateGroup, body: `{"id":"99999999-9999-4999-8999-999999999999","name":"Nobody"}`},
		{name: "update-bad-uuid", method: "PUT", target: routeUpdateGroup, body: `{"id":"abc","name":"Nobody"}`},
		{name: "members", method: "GET", target: routeAssignedUsers + "?userGroupId={group:Color Grading}&pagesize=3"},
		{name: "members-filter", method: "GET", target: routeAssignedUsers + "?userGroupId={group:Color Grading}&username=A&sortfield=User.CreateDate&descending=true&pagesize=2"},
		{name: "members-unknown-group", method: "GET", target: routeAssignedUsers + "?userGroupId=99999999-9999-4999-8999-999999999999"},
		{name: "groups-of-user", method: "GET", target: routeAssignedUserGroups + "?userId={user:ada.lovelace@example.com}"},
		{name: "assign", method: "POST", target: routeAssignUsers, body: `[{"userId":"{user:ada.lovelace@example.com}","userGroupId":"{group:Golden Team Renamed}"},{"userId":"{user:grace.hopper@example.com}","userGroupId":"{group:Golden Team Renamed}"}]`},
		{name: "assign-again", method: "POST", target: routeAssignUsers, body: `[{"userId":"{user:ada.lovelace@example.com}","userGroupId":"{group:Golden Team Renamed}"}]`},
		{name: "assign-one-bad-row", method: "POST", target: routeAssignUsers, body: `[{"userId":"{user:ada.lovelace@example.com}","userGroupId":"{group:Finance}"},{"userId":"99999999-9999-4999-8999-999999999999","userGroupId":"{group:Finance}"}]`},
		{name: "assign-not-an-array", method: "POST", target: routeAssignUsers, body: `{"userId":"x"}`},
		{name: "golden-members", method: "GET", target: routeAssignedUsers + "?userGroupId={group:Golden Team Renamed}"},
		{name: "unassign", method: "DELETE", target: routeUnassignUser + "?id={assignment:Golden Team Renamed/grace.hopper@example.com}"},
		{name: "unassign-unknown", method: "DELETE", target: routeUnassignUser + "?id=99999999-9999-4999-8999-999999999999"},
		{name: "import", method: "POST", target: routeImportUsers, body: `[{"user":{"username":"New.Hire@example.com","firstName":"New","lastName":"Hire"},"userGroups":[{"name":"golden team renamed"},{"id":"{group:Finance}"}]}]`},
		{name: "import-creates-group", method: "POST", target: routeImportUsers, body: `[{"user":{"username":"ada.lovelace@example.com","email":"ada.lovelace@example.com","userType":16},"userGroups":[{"id":"00000000-0000-0000-0000-000000000000","name":"Imported Team"}]}]`},
		{name: "import-invalid-email", method: "POST", target: routeImportUsers, body: `[{"user":{"username":"not-an-email"},"userGroups":[{"name":"Finance"}]}]`},
		{name: "groups-imported", method: "GET", target: routeGroups + "?name=imported"},
		{name: "users-new-hire", method: "GET", target: routeUsers + "?username=NEW.HIRE"},
		{name: "users-first-page", method: "GET", target: routeUsers + "?pagesize=3"},
		{name: "users-oldest", method: "GET", target: routeUsers + "?descending=false&pagesize=3"},
		{name: "users-pending-creative", method: "GET", target: routeUsers + "?userStatus=4&userType=32"},
		{name: "users-deleted", method: "GET", target: routeUsers + "?deleted=true&username=former"},
		{name: "delete", method: "DELETE", target: routeDeleteGroup + "?id={group:Golden Team Renamed}"},
		{name: "delete-again", method: "DELETE", target: routeDeleteGroup + "?id={id:Golden Team Renamed}"},
		{name: "groups-after-delete", method: "GET", target: routeGroups + "?name=golden"},
		{name: "logout", method: "POST", target: routeLogout, body: `{"jwtToken":"{token:static}"}`, noToken: true},
		{name: "after-logout", method: "GET", target: routeGroups},
	}
}

// goldenResolver turns placeholders into ids, remembering group ids so
// that deleted groups can still be named ({id:NAME}).
type goldenResolver struct {
	e           *Emulator
	known       map[string]string
	placeholder *regexp.Regexp
}

// resolve replaces the placeholders of s.
func (gr *goldenResolver) resolve(t *testing.T, s string) string {
	t.Helper()
	return gr.placeholder.ReplaceAllStringFunc(s, func(m string) string {
		parts := gr.placeholder.FindStringSubmatch(m)
		switch kind, arg := parts[1], parts[2]; kind {
		case "group":
			id := groupNamed(t, gr.e, arg).ID
			gr.known[arg] = id
			return id
		case "id":
			return gr.known[arg]
		case "token":
			return gr.e.Token()
		case "user":
			return userNamed(t, gr.e, arg).ID
		default:
			group, username, _ := strings.Cut(arg, "/")
			rows := memberRows(t, gr.e, groupNamed(t, gr.e, group).ID, "username="+username)
			if len(rows.Data) != 1 {
				t.Fatalf("assignment %s: %d rows", arg, len(rows.Data))
			}
			return rows.Data[0].UserUserGroup.ID
		}
	})
}

// render is a golden file: the request, status, error-code and
// content-type headers, a blank line and the raw body.
func render(c goldenCase, target, body string, a answer) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "request: %s %s\n", c.method, target)
	if body != "" {
		fmt.Fprintf(&b, "request-body: %s\n", body)
	}
	fmt.Fprintf(&b, "status: %d\n", a.status)
	if v := a.header.Get(errorCodeHeader); v != "" {
		fmt.Fprintf(&b, "error-code: %s\n", v)
	}
	if v := a.header.Get("Content-Type"); v != "" {
		fmt.Fprintf(&b, "content-type: %s\n", v)
	}
	b.WriteString("\n")
	// An issued token is a secret like any other: no file under testdata/
	// holds one (a test in package main scans them). REDACTED replaces only
	// a non-empty token, so the golden still shows that one was issued.
	b.Write(issuedToken.ReplaceAll(a.body, []byte(`"jwtToken":"REDACTED"`)))
	return b.Bytes()
}

var issuedToken = regexp.MustCompile(`"jwtToken":"[^"]+"`)

func TestGolden(t *testing.T) {
	e := demoEmu(t)
	gr := &goldenResolver{e: e, known: map[string]string{},
		placeholder: regexp.MustCompile(`\{(group|user|assignment|id|token):([^}]+)\}`)}
	want := map[string]bool{}
	for i, c := range goldenCases() {
		file := filepath.Join(goldenDir, fmt.Sprintf("%02d-%s.golden", i+1, c.name))
		want[filepath.Base(file)] = true
		target, body := gr.resolve(t, c.target), gr.resolve(t, c.body)
		var a answer
		if c.noToken {
			a = raw(t, e, c.method, target, body)
		} else {
			a = call(t, e, c.method, target, body)
		}
		// The token never lands in a file under testdata/.
		got := render(c, target, strings.ReplaceAll(body, e.Token(), "REDACTED"), a)
		if *update {
			if err := os.WriteFile(file, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		wantBytes, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: %v (run go test ./emulator -run TestGolden -update)", c.name, err)
			continue
		}
		if !bytes.Equal(got, wantBytes) {
			t.Errorf("%s differs from %s:\ngot:\n%s\nwant:\n%s", c.name, file, got, wantBytes)
		}
	}
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range entries {
		if strings.HasSuffix(ent.Name(), ".golden") && !want[ent.Name()] {
			if *update {
				if err := os.Remove(filepath.Join(goldenDir, ent.Name())); err != nil {
					t.Fatal(err)
				}
				continue
			}
			t.Errorf("stale golden file %s (run with -update to remove it)", ent.Name())
		}
	}
}
