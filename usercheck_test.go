package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickscript/clickscript/emulator"
)

// TestLookAlikeUsernamesWarnInPlan: a username that mixes Latin with
// Cyrillic letters (the first "а" below is Cyrillic) is accepted, with a
// warning in the plan that names where it is, through every entry point
// that takes usernames (issue 15 item 14). The log quotes the message, so
// the username's quotes show escaped.
func TestLookAlikeUsernamesWarnInPlan(t *testing.T) {
	const lookAlike = "\u0430da.lovelace@example.com"
	a := startCountingAgent(t, emulator.Options{Seed: "demo"})
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "m.csv")
	os.WriteFile(csvPath, []byte("username,firstName,lastName,group\ngrace.hopper@example.com,Grace,Hopper,Finance\n"+lookAlike+",Ada,L,Finance\n"), 0o600)
	for _, tc := range []struct{ name, script, want string }{
		{"import_csv", `usergroup.import_csv(arg[1])`,
			`plan: ` + csvPath + `:3: username \"` + lookAlike + `\" mixes Latin with Cyrillic or Greek letters: check it is not a look-alike`},
		{"import", `usergroup.import{{user = {username = "grace.hopper@example.com"}, userGroups = {{name = "Finance"}}}, {user = {username = "` + lookAlike + `"}, userGroups = {{name = "Finance"}}}}`,
			`plan: item 2: username \"` + lookAlike + `\" mixes Latin with Cyrillic or Greek letters: check it is not a look-alike`},
		{"sync", `usergroup.sync("Finance", {"grace.hopper@example.com", "` + lookAlike + `"}, {add_only = true})`,
			`plan: desired[2]: username \"` + lookAlike + `\" mixes Latin with Cyrillic or Greek letters: check it is not a look-alike`},
		{"user.insert", `user.insert{username = "` + lookAlike + `"}`,
			`user.insert: username \"` + lookAlike + `\" mixes Latin with Cyrillic or Greek letters: check it is not a look-alike`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script := filepath.Join(dir, tc.name+".lua")
			os.WriteFile(script, []byte(tc.script), 0o600)
			code, stdout, stderr := a.cli(t, "run", "--dry-run", script, "--", csvPath)
			if code != exitOK || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d\n%s\n%s\nwant the warning %q", code, stdout, stderr, tc.want)
			}
			if strings.Count(stderr, "look-alike") != 1 {
				t.Errorf("the Latin username is warned about too:\n%s", stderr)
			}
		})
	}
}
