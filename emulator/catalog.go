package emulator

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"
)

// projectSortFields are the sort fields of the project list: the
// documented default Name and the row's other text property (I8).
func projectSortFields() []string { return []string{"Name", "Description"} }

// driveSortFields are the sort fields of the drive lists.
func driveSortFields() []string { return []string{"Name", "StorageName"} }

// deletedParam reads the Web lists' deleted flag (I12): true lists only
// soft-deleted rows.
func deletedParam(q url.Values) (bool, error) {
	switch s := param(q, "deleted"); {
	case s == "" || strings.EqualFold(s, "false"):
		return false, nil
	case strings.EqualFold(s, "true"):
		return true, nil
	default:
		return false, invalidf("deleted: %q is not a boolean (true or false)", s)
	}
}

// listQueryDeleted parses a project or drive list request: sorted by Name
// ascending unless asked [click:projects.md] [click:sharedclouddrive.md].
func (e *Emulator) listQueryDeleted(q url.Values, fields []string) (listQuery, bool, error) {
	lq, err := e.parseList(q, listSpec{fields: fields, defaultSort: fields[0], filter: "name"})
	if err != nil {
		return lq, false, err
	}
	deleted, err := deletedParam(q)
	return lq, deleted, err
}

// projectPage returns one page of projects and the total. The caller
// holds the read lock.
func (st *store) projectPage(lq listQuery, deleted bool) ([]*project, int) {
	items := make([]*project, 0, len(st.projects))
	for _, p := range st.projects {
		if p.deleted == deleted && lq.match(p.name, p.lower) {
			items = append(items, p)
		}
	}
	order := func(a, b *project) int { return cmpText(a.lower, b.lower, a.id, b.id) }
	if lq.sort == "Description" {
		order = func(a, b *project) int {
			return cmp.Or(strings.Compare(strings.ToLower(a.description), strings.ToLower(b.description)), cmpText(a.lower, b.lower, a.id, b.id))
		}
	}
	return sortedWindow(items, order, nil, lq.desc, lq.offset(), lq.size)
}

// drivePage returns one page of drives and the total.
func (st *store) drivePage(lq listQuery, deleted bool) ([]*drive, int) {
	items := make([]*drive, 0, len(st.drives))
	for _, d := range st.drives {
		if d.deleted == deleted && lq.match(d.name, d.lower) {
			items = append(items, d)
		}
	}
	order := func(a, b *drive) int { return cmpText(a.lower, b.lower, a.id, b.id) }
	if lq.sort == "StorageName" {
		order = func(a, b *drive) int {
			return cmp.Or(strings.Compare(strings.ToLower(a.storageName), strings.ToLower(b.storageName)), cmpText(a.lower, b.lower, a.id, b.id))
		}
	}
	return sortedWindow(items, order, nil, lq.desc, lq.offset(), lq.size)
}

// listProjects serves GET /projects/get_all.
func (e *Emulator) listProjects(_ *http.Request, q url.Values) (any, error) {
	lq, deleted, err := e.listQueryDeleted(q, projectSortFields())
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	page, total := e.st.projectPage(lq, deleted)
	data := make([]projectJSON, len(page))
	for i, p := range page {
		data[i] = p.model()
	}
	return collection(e, lq, data, total)
}

// listDrives serves GET /sharedclouddrive/get_all.
func (e *Emulator) listDrives(_ *http.Request, q url.Values) (any, error) {
	lq, deleted, err := e.listQueryDeleted(q, driveSortFields())
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	page, total := e.st.drivePage(lq, deleted)
	data := make([]driveJSON, len(page))
	for i, d := range page {
		data[i] = d.model()
	}
	return collection(e, lq, data, total)
}

// listDriveDetails serves GET /sharedclouddrive/get_all_with_details.
func (e *Emulator) listDriveDetails(_ *http.Request, q url.Values) (any, error) {
	lq, deleted, err := e.listQueryDeleted(q, driveSortFields())
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	page, total := e.st.drivePage(lq, deleted)
	data := make([]driveDetailsRow, len(page))
	for i, d := range page {
		data[i] = e.st.driveDetails(d)
	}
	return collection(e, lq, data, total)
}
