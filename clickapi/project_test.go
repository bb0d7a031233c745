package clickapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestProjectAndDriveListings(t *testing.T) {
	ctx := context.Background()
	opts := ListOptions{Page: 3, PageSize: 20, SortField: "Name", Descending: true, Name: "lau", Username: "not sent"}
	t.Run("projects", func(t *testing.T) {
		c, mux := setup(t)
		rec := record(mux, "/projects/get_all", 200, page(projectJSON))
		col, err := c.ListProjects(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		wantRequest(t, rec, "GET", "/projects/get_all", "page=3&pagesize=20&sortfield=Name&descending=true&name=lau", "")
		if len(col.Data) != 1 || col.Data[0] != (Project{ID: "p1", AccountID: "a1", Name: "Launch", Description: "film", Active: true}) {
			t.Errorf("projects %+v", col.Data)
		}
	})
	t.Run("drives", func(t *testing.T) {
		c, mux := setup(t)
		rec := record(mux, "/sharedclouddrive/get_all", 200, page(driveJSON))
		col, err := c.ListSharedCloudDrives(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		wantRequest(t, rec, "GET", "/sharedclouddrive/get_all", "page=3&pagesize=20&sortfield=Name&descending=true&name=lau", "")
		if len(col.Data) != 1 || col.Data[0] != (SharedCloudDrive{ID: "d1", AccountID: "a1", Name: "Media", DriveType: VirtualDrive, SyncType: SyncMirror, Active: true}) {
			t.Errorf("drives %+v", col.Data)
		}
	})
	t.Run("options with placeholders", func(t *testing.T) {
		// Older vendor samples show options {pageSize: 0, page: 0}: the
		// walk must not take them for the page size.
		c, mux := setup(t)
		mux.HandleFunc("/projects/get_all", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"data":[`+projectJSON+`],"total":1,"options":{"pageSize":0,"page":0}}`)
		})
		all, err := c.Projects(ctx, ListOptions{}).All()
		if err != nil || len(all) != 1 {
			t.Errorf("Projects = %v, %v", all, err)
		}
	})
}

// nameServer answers a name-filtered listing from rows, as the agent
// does: a case-insensitive substring match, in pages of two.
func nameServer(mux *http.ServeMux, path string, rows map[string]string) {
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		name := strings.ToLower(r.URL.Query().Get("name"))
		var match []string
		for _, id := range []string{"1", "2", "3", "4", "5"} {
			if row, ok := rows[id]; ok && strings.Contains(strings.ToLower(row), name) {
				match = append(match, `{"id":"`+id+`","name":"`+row+`","deleted":`+boolJSON(strings.HasSuffix(id, "5"))+`}`)
			}
		}
		p := 1
		if r.URL.Query().Get("page") == "2" {
			p = 2
		}
		lo := min(2*(p-1), len(match))
		hi := min(lo+2, len(match))
		io.WriteString(w, `{"data":[`+strings.Join(match[lo:hi], ",")+`],"total":`+strconv.Itoa(len(match))+`,"options":{"page":`+strconv.Itoa(p)+`,"pageSize":2}}`)
	})
}

func boolJSON(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestFindByName(t *testing.T) {
	ctx := context.Background()
	// Rows 1-4 are live, row 5 is deleted; "Launch" matches 2 and (deleted) 5 exactly.
	rows := map[string]string{"1": "Launch Film", "2": "LAUNCH", "3": "Relaunch", "4": "Docs", "5": "launch"}
	c, mux := setup(t)
	nameServer(mux, "/projects/get_all", rows)
	nameServer(mux, "/sharedclouddrive/get_all", map[string]string{"1": "Media", "2": "media", "3": "Media Archive"})

	p, err := c.FindProject(ctx, "launch")
	if err != nil || p.ID != "2" {
		t.Errorf("FindProject(launch) = %+v, %v; want the live exact match, id 2", p, err)
	}
	_, err = c.FindProject(ctx, "Launch Fil")
	var le *LookupError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &le) || le.Kind != "project" || err.Error() != `project "Launch Fil": not found` {
		t.Errorf("substring only: err = %v, want not found", err)
	}
	_, err = c.FindSharedCloudDrive(ctx, "MEDIA")
	if !errors.Is(err, ErrAmbiguous) || errors.Is(err, ErrNotFound) ||
		err.Error() != `shared cloud drive "MEDIA" is ambiguous: 2 live records have that name (ids 1, 2)` {
		t.Errorf("two drives named media: err = %v", err)
	}
	d, err := c.FindSharedCloudDrive(ctx, "media archive")
	if err != nil || d.ID != "3" {
		t.Errorf("FindSharedCloudDrive = %+v, %v", d, err)
	}
	if _, err := c.FindProject(ctx, " "); err == nil {
		t.Error("empty name: want an error")
	}
}
