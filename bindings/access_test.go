package bindings

import (
	"os"
	"strings"
	"testing"
)

func TestProjectAndDriveLookups(t *testing.T) {
	h := newAccessHarness(t, false, false)
	// Pilot Episode is a soft-deleted demo project: neither listed nor found.
	h.want(t, `
local names = {}
for p in project.list{} do names[#names + 1] = p.name assert(p.active and not p.deleted and p.id and p.accountId) end
print(#names, names[1], names[#names])
print(project.list{name = "FILM"}:count(), project.list{name = "fil"}:first().name)
print(project.find("trailer cut").name, project.find("Trailer"), project.find("Pilot Episode"))
local d = drive.find("FINANCE DOCS")
print(d.name, d.syncType, d.active, d.deleted)
print(#drive.list{pagesize = 2}:all(), drive.list{name = "e"}:first().name, drive.find("Finance"))
`, `10	Annual Report	Training Library
1	Feature Film: Harbor
Trailer Cut	nil	nil
Finance Docs	2	true	false
6	Dailies Ingest	nil
`)
	for src, want := range map[string]string{
		`project.find("")`:         "project.find: bad argument #1 (non-empty string expected, got string)",
		`drive.find()`:             "drive.find: bad argument #1 (non-empty string expected, got no value)",
		`project.list{colour = 1}`: `project.list: unknown option "colour"`,
	} {
		if got := h.fail(t, src); !strings.Contains(got, want) {
			t.Errorf("%s: %s", src, got)
		}
	}
}

func TestUserWrites(t *testing.T) {
	h := newAccessHarness(t, false, true)
	h.want(t, `
local u = user.insert{username = "new.hire@example.com", firstname = "New", lastName = "Hire"}
print(u.username, u.email, u.firstname, u.lastname, u.userType, u.status, u.id ~= nil)
local f = user.find("NEW.HIRE@example.com")
print(f.id == u.id, user.find("nobody@example.com"))
local e = user.edit{username = "new.hire@example.com", userType = 32}
print(e.userType, e.firstname, e.lastname, e.email)
e = user.edit{id = u.id, lastname = "Hired"}
print(e.username, e.lastname, e.firstname, e.userType)
local ok, err = pcall(user.insert, {username = "ada.lovelace@example.com"})
print(ok, err.type, err.status)
print(user.delete("new.hire@example.com"), user.find("new.hire@example.com"))
`, `new.hire@example.com	new.hire@example.com	New	Hire	64	4	true
true	nil
32	New	Hire	new.hire@example.com
new.hire@example.com	Hired	New	32
false	DUPLICATE	499
true	nil
`)
	// edit sends the whole user as read, with the change.
	body := h.body("PUT /user/edit_user", 0)
	for _, key := range []string{`"id":"`, `"firstname":"New"`, `"lastname":"Hire"`, `"username":"new.hire@example.com"`, `"email":"new.hire@example.com"`, `"userType":32`, `"status":4`} {
		if !strings.Contains(body, key) {
			t.Errorf("edit_user body %s lacks %s", body, key)
		}
	}
	entries := h.auditEntries(t)
	var ops []string
	for _, e := range entries {
		ops = append(ops, e.Op)
		if e.User == "" && e.Error == "" {
			t.Errorf("audit entry %+v has no user id", e)
		}
	}
	if got := strings.Join(ops, " "); got != "user.insert user.edit user.edit user.insert user.delete" {
		t.Errorf("audit ops %q", got)
	}
	if entries[0].CreatedUsers[0] != "new.hire@example.com" {
		t.Errorf("insert entry %+v", entries[0])
	}
	for src, want := range map[string]string{
		`user.edit{userType = 32}`:                            "user.edit: bad argument #1 (the user table needs an id or a username)",
		`user.edit{username = "nobody@example.com"}`:          `user.edit: no user with username "nobody@example.com"`,
		`user.edit{username = "a@b.c", shoeSize = 44}`:        `user.edit: unknown field "shoeSize"`,
		`user.insert{firstname = "X"}`:                        `user.insert: field "username" is required`,
		`user.insert{username = "not-an-email"}`:              `user.insert: bad argument #1 (field "username": "not-an-email" is not an email address)`,
		`user.delete("nobody@example.com")`:                   `user.delete: bad argument #1 (no user with username "nobody@example.com")`,
		`user.delete("00000000-0000-4000-8000-0000deadbeef")`: "user.delete: 499 NOT_FOUND",
	} {
		if got := h.fail(t, src); !strings.Contains(got, want) {
			t.Errorf("%s:\n\tgot  %s\n\twant %s", src, got, want)
		}
	}
}

func TestUserWritesDryRun(t *testing.T) {
	h := newAccessHarness(t, true, false)
	h.want(t, `
local u = user.insert{username = "new.hire@example.com"}
print(u.id, u.status)
local before = user.find("ada.lovelace@example.com").userType
print(user.edit{username = "ada.lovelace@example.com", userType = 8}.userType)
print(user.delete("ada.lovelace@example.com"), user.find("ada.lovelace@example.com").userType == before)
`, "00000000-0000-0000-0000-000000000000\t4\n8\ntrue\ttrue\n")
	if n := h.writes(); n != 0 {
		t.Errorf("%d writes under dry run", n)
	}
}

func TestAPITokens(t *testing.T) {
	h := newAccessHarness(t, false, true)
	h.want(t, `
local t = apitoken.insert{title = "watch on host1", expires = "2030-06-01"}
secret = t.token
print(#t.token >= 16, t.title, t.expirationDate, t.id ~= nil)
local t2 = apitoken.insert{title = "ci"}
local list = apitoken.list()
table.sort(list, function(a, b) return a.title < b.title end)
print(#list, list[1].title, list[1].token, list[2].title, list[2].token)
print(apitoken.delete("watch on host1"))
print(apitoken.delete(t2.token))
print(#apitoken.list())
`, "true\twatch on host1\t2030-06-01T00:00:00Z\ttrue\n2\tci\tnil\twatch on host1\tnil\ntrue\ntrue\n0\n")
	secret := h.L.GetGlobal("secret").String()
	if len(secret) < 16 {
		t.Fatalf("token %q", secret)
	}
	// The value never reaches the logs or the audit file; the client's
	// redaction knows it.
	audit, err := os.ReadFile(h.audit)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(audit), secret) || strings.Contains(h.logs.String(), secret) {
		t.Errorf("the token value is in the audit file or the logs")
	}
	if strings.Count(string(audit), `"apiToken":"`) != 4 {
		t.Errorf("audit file: want 4 entries naming the token id:\n%s", audit)
	}
	if got := h.client.Redact("x " + secret); got != "x REDACTED" {
		t.Errorf("the new token is not registered with the client's redaction: %q", got)
	}
	for src, want := range map[string]string{
		`apitoken.insert{}`:                                    `apitoken.insert: field "title" is required`,
		`apitoken.insert{title = " "}`:                         `apitoken.insert: field "title" is empty`,
		`apitoken.insert{title = "x", expires = "2001-01-01"}`: `apitoken.insert: field "expires": "2001-01-01" is not in the future`,
		`apitoken.insert{title = "x", expires = "soon"}`:       `apitoken.insert: field "expires": "soon": want a date such as 2027-01-01`,
		`apitoken.delete("no such title")`:                     "apitoken.delete: bad argument #1 (no API token has this title or value)",
	} {
		if got := h.fail(t, src); !strings.Contains(got, want) {
			t.Errorf("%s:\n\tgot  %s\n\twant %s", src, got, want)
		}
	}
	h.run(t, `apitoken.insert{title = "twin"} apitoken.insert{title = "twin"}`)
	if got := h.fail(t, `apitoken.delete("twin")`); !strings.Contains(got, "apitoken.delete: bad argument #1 (2 API tokens have this title: give the id, one of ") {
		t.Errorf("two tokens titled twin: %s", got)
	}
}
