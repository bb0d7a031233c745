package main

import (
	"strings"
	"testing"
)

// TestAccessReportGroupOnlyRoute checks one case of the access report by
// hand against the demo seed (emulator/demo.go): grace.hopper reaches
// "Feature Film: Harbor" only through the group Visual Effects, at
// ReadWrite; she has no direct grant on it, while her direct Read on
// "Podcast Season 3" shows as direct.
func TestAccessReportGroupOnlyRoute(t *testing.T) {
	url := startDemoEmulator(t, goldenToken)
	cli := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t.Context(), t, "", append([]string{"run", "--url", url, "--token", goldenToken}, args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		return stdout
	}

	// The negative first: no direct grant of hers names Harbor, and
	// Visual Effects, one of her groups, holds it at ReadWrite.
	direct := cli(writeScript(t, `
for r in permission.list{user = "grace.hopper@example.com", on = "projects"} do print("direct", r.project.name) end
for r in permission.list{project = "Feature Film: Harbor", of = "users"} do print("harbor user", r.user.username) end
for r in permission.list{project = "Feature Film: Harbor", of = "groups"} do print("harbor group", r.userGroup.name, r.permission.permissionType) end
for r in usergroup.groups_of(user.find("grace.hopper@example.com")) do print("member of", r.userGroup.name) end`))
	for _, want := range []string{"direct\tPodcast Season 3\n", "harbor group\tVisual Effects\t2\n", "member of\tVisual Effects\n"} {
		if !strings.Contains(direct, want) {
			t.Errorf("the seed lacks %q:\n%s", want, direct)
		}
	}
	if strings.Contains(direct, "direct\tFeature Film: Harbor") || strings.Contains(direct, "harbor user\tgrace.hopper@example.com") {
		t.Fatalf("grace.hopper has a direct grant on Harbor, the case is void:\n%s", direct)
	}

	report := cli("scripts/access_report.lua", "--", "--csv", "grace.hopper")
	rows := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(report), "\n")[1:] {
		f := strings.SplitN(line, ",", 4)
		if len(f) != 4 || f[0] != "grace.hopper@example.com" {
			t.Fatalf("report row %q: want grace.hopper's rows only\n%s", line, report)
		}
		rows[f[1]+" "+f[2]] = f[3]
	}
	if got := rows["project Feature Film: Harbor"]; got != "readwrite,Visual Effects" {
		t.Errorf("Harbor: level,via = %q, want \"readwrite,Visual Effects\" (through the group only)\n%s", got, report)
	}
	if got := rows["project Podcast Season 3"]; got != "read,direct" {
		t.Errorf("Podcast Season 3: level,via = %q, want \"read,direct\"\n%s", got, report)
	}
	// The aligned table says the same.
	table := cli("scripts/access_report.lua", "--", "grace.hopper")
	if !containsLine(table, "grace.hopper@example.com  project  Feature Film: Harbor  readwrite  Visual Effects") {
		t.Errorf("the table lacks Harbor's row:\n%s", table)
	}
}

// containsLine reports whether text has line as one of its lines.
func containsLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
	}
	return false
}
