package emulator

import (
	"encoding/json"
	"net/url"
	"testing"
)

// projectNamed returns the live project named name.
func projectNamed(t testing.TB, e *Emulator, name string) projectJSON {
	t.Helper()
	c := decode[apiCollection[projectJSON]](t, call(t, e, "GET", routeProjects+"?pagesize=1000", ""))
	for _, p := range c.Data {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no project %q", name)
	return projectJSON{}
}

// driveNamed returns the live drive named name.
func driveNamed(t testing.TB, e *Emulator, name string) driveJSON {
	t.Helper()
	c := decode[apiCollection[driveJSON]](t, call(t, e, "GET", routeDrives+"?pagesize=1000", ""))
	for _, d := range c.Data {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no drive %q", name)
	return driveJSON{}
}

// rawRows is a page of a permission list with its rows left raw, so that
// each test decodes them into the row type of the list.
type rawRows struct {
	Data    []json.RawMessage `json:"data"`
	Total   int               `json:"total"`
	Options apiOptions        `json:"options"`
}

// permPage fetches one page of a permission list, checking every row
// against row type R (no key R lacks).
func permPage[R any](t testing.TB, e *Emulator, route string, q url.Values) ([]R, int) {
	t.Helper()
	page := decode[rawRows](t, call(t, e, "GET", route+"?"+q.Encode(), ""))
	out := make([]R, len(page.Data))
	for i, raw := range page.Data {
		out[i] = decode[R](t, answer{status: 200, header: jsonHeader(), body: raw})
	}
	return out, page.Total
}

// jsonHeader is the header decode expects of a JSON answer.
func jsonHeader() map[string][]string {
	return map[string][]string{"Content-Type": {"application/json"}}
}

// projectLevels maps each row's project name to its level.
func projectLevels(rows []userProjectRow) map[string]int {
	out := map[string]int{}
	for _, r := range rows {
		out[r.Project.Name] = r.Permission.PermissionType
	}
	return out
}

// urlValues is url.Values{name: {value}}.
func urlValues(name, value string) url.Values { return url.Values{name: {value}} }
