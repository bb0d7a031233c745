package emulator

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"
)

// permList describes one of the eight paged permission reads: the kind of
// record it lists, which side its query id names, the query parameter
// (with an alias the emulator also accepts), the filter parameter (a
// substring of the other side's name) and its sort fields, the first
// being the default.
type permList struct {
	kind      permKind
	bySubject bool   // the query id names the subject (else the object)
	idParam   string // e.g. "projectId"
	idAlias   string // also accepted when idParam is absent; "" for none
	filter    string // "username" or "name"
	sorts     []string
}

// permSortFields are the sort fields of kind k's lists: the subject's
// name, the object's name (the vendor's "SharedClouDrive" spelling on
// user-drive rows), the user's email on user rows, and the level (I8).
func permSortFields(k permKind) (subject, object string, extra []string) {
	switch k {
	case permUserProject:
		return "User.Username", "Project.Name", []string{"User.Email", "Permission.PermissionType"}
	case permUserDrive:
		return "User.Username", "SharedClouDrive.Name", []string{"User.Email", "Permission.PermissionType"}
	case permGroupProject:
		return "UserGroup.Name", "Project.Name", []string{"Permission.PermissionType"}
	default:
		return "UserGroup.Name", "SharedCloudDrive.Name", []string{"Permission.PermissionType"}
	}
}

// newPermList builds the description of a list of kind k keyed by idParam.
func newPermList(k permKind, bySubject bool, idParam, idAlias string) permList {
	subj, obj, extra := permSortFields(k)
	pl := permList{kind: k, bySubject: bySubject, idParam: idParam, idAlias: idAlias, filter: "name"}
	if bySubject {
		pl.sorts = append([]string{obj, subj}, extra...)
	} else {
		pl.sorts = append([]string{subj, obj}, extra...)
		if k.userSubject() {
			pl.filter = "username"
		}
	}
	return pl
}

// serve serves the list pl describes.
func (pl permList) serve(e *Emulator, _ *http.Request, q url.Values) (any, error) {
	name := pl.idParam
	if param(q, name) == "" && pl.idAlias != "" && param(q, pl.idAlias) != "" {
		name = pl.idAlias
	}
	id, err := queryID(q, name)
	if err != nil {
		return nil, err
	}
	lq, err := e.parseList(q, listSpec{fields: pl.sorts, defaultSort: pl.sorts[0], filter: pl.filter})
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	st := e.st
	if pl.bySubject && !st.liveSubject(pl.kind, id) || !pl.bySubject && !st.liveObject(pl.kind, id) {
		return nil, notFoundf("%s: no %s %s", name, pl.sideName(), id)
	}
	items := st.livePerms(pl.kind, id, pl.bySubject)
	var keep func(*perm) bool
	if lq.filter != "" {
		keep = func(p *perm) bool {
			if pl.bySubject {
				return lq.match(st.objectRawName(p), st.objectName(p))
			}
			return lq.match(st.subjectRawName(p), st.subjectName(p))
		}
	}
	page, total := sortedWindow(items, pl.order(st, lq.sort), keep, lq.desc, lq.offset(), lq.size)
	data := make([]any, len(page))
	for i, p := range page {
		data[i] = st.permRow(p)
	}
	return collection(e, lq, data, total)
}

// sideName names what the query id of pl identifies.
func (pl permList) sideName() string {
	if pl.bySubject {
		return subjectNoun(pl.kind)
	}
	return objectNoun(pl.kind)
}

// order returns the comparator of sort field (one of pl.sorts).
func (pl permList) order(st *store, field string) func(a, b *perm) int {
	subj, obj, _ := permSortFields(pl.kind)
	switch field {
	case subj:
		return st.bySubjectName
	case obj:
		return st.byObjectName
	case "User.Email":
		return func(a, b *perm) int {
			return cmp.Or(strings.Compare(st.users[a.subject].lowerEmail, st.users[b.subject].lowerEmail), st.bySubjectName(a, b))
		}
	default: // Permission.PermissionType
		if pl.bySubject {
			return func(a, b *perm) int { return cmp.Or(cmp.Compare(a.level, b.level), st.byObjectName(a, b)) }
		}
		return func(a, b *perm) int { return cmp.Or(cmp.Compare(a.level, b.level), st.bySubjectName(a, b)) }
	}
}

// permRecord is one entry of a permission POST or PUT body; each route
// reads the two ids of its kind.
type permRecord struct {
	ID                 string `json:"id"`
	UserID             string `json:"userId"`
	UserGroupID        string `json:"userGroupId"`
	ProjectID          string `json:"projectId"`
	SharedCloudDriveID string `json:"sharedCloudDriveId"`
	PermissionType     int    `json:"permissionType"`
}

// ids returns r's subject and object ids for kind k, as sent.
func (r permRecord) ids(k permKind) (string, string) {
	subject, object := r.UserID, r.ProjectID
	if !k.userSubject() {
		subject = r.UserGroupID
	}
	if !k.projectObject() {
		object = r.SharedCloudDriveID
	}
	return subject, object
}

// badInput collects DEFAULT problems of the kind invalidf makes.
func badInput() problems { return problems{code: invalidf("").code} }

// checkLevel records a permissionType that is not 1 or 2.
func checkLevel(ps *problems, where string, level int) {
	if level != levelRead && level != levelReadWrite {
		ps.addf("%s.permissionType: %d is not 1 (Read) or 2 (ReadWrite)", where, level)
	}
}

// bodyShape describes the records of a kind's body in messages.
func bodyShape(k permKind, withID bool) string {
	s := "{" + k.subjectField() + ", " + k.objectField() + ", permissionType}"
	if withID {
		s = "{id, " + s[1:]
	}
	return s
}

// addPerms serves POST on a permission route: it grants every record of
// the body, skipping pairs that have a record (their level stays) and
// pairs repeated in the body (I22). One bad record rejects the batch.
func addPerms(k permKind) func(*Emulator, *http.Request, url.Values) (any, error) {
	return func(e *Emulator, r *http.Request, _ url.Values) (any, error) {
		var rows []permRecord
		if err := readArray(r, &rows, bodyShape(k, false)); err != nil {
			return nil, err
		}
		bad := badInput()
		parsed := make([]perm, len(rows))
		for i, row := range rows {
			where := fmt.Sprintf("[%d]", i)
			subject, object := row.ids(k)
			sid, err := parseID(where+"."+k.subjectField(), subject)
			bad.addErr(err)
			oid, err := parseID(where+"."+k.objectField(), object)
			bad.addErr(err)
			checkLevel(&bad, where, row.PermissionType)
			parsed[i] = perm{kind: k, subject: sid, object: oid, level: row.PermissionType}
		}
		if err := bad.err(); err != nil {
			return nil, err
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		st := e.st
		missing := problems{code: notFoundf("").code}
		for i, p := range parsed {
			if !st.liveSubject(k, p.subject) {
				missing.addf("[%d].%s: no %s %s", i, k.subjectField(), subjectNoun(k), p.subject)
			}
			if !st.liveObject(k, p.object) {
				missing.addf("[%d].%s: no %s %s", i, k.objectField(), objectNoun(k), p.object)
			}
		}
		if err := missing.err(); err != nil {
			return nil, err
		}
		w := st.begin()
		staged := map[permKey]bool{}
		for _, p := range parsed {
			if st.access.pairs[p.key()] != nil || staged[p.key()] {
				continue
			}
			staged[p.key()] = true
			np := p
			np.id = w.newID()
			w.access.perms = append(w.access.perms, &np)
		}
		if err := e.commit(w); err != nil {
			return nil, fmt.Errorf("add %ss: %w", k, err)
		}
		return nil, nil
	}
}

// objectNoun names the object of kind k.
func objectNoun(k permKind) string {
	if k.projectObject() {
		return "project"
	}
	return "shared cloud drive"
}

// subjectNoun names the subject of kind k.
func subjectNoun(k permKind) string {
	if k.userSubject() {
		return "user"
	}
	return "user group"
}

// editPerms serves PUT on a permission route: it sets the level of every
// record the body names by id. A record's user, group, project or drive
// cannot change; ids, when sent, must be the record's own. When an id
// repeats, the last entry wins. One bad entry rejects the batch.
func editPerms(k permKind) func(*Emulator, *http.Request, url.Values) (any, error) {
	return func(e *Emulator, r *http.Request, _ url.Values) (any, error) {
		var rows []permRecord
		if err := readArray(r, &rows, bodyShape(k, true)); err != nil {
			return nil, err
		}
		type edit struct {
			id, subject, object uuid.UUID // subject and object may be zero: not sent
			level               int
		}
		bad := badInput()
		edits := make([]edit, len(rows))
		for i, row := range rows {
			where := fmt.Sprintf("[%d]", i)
			id, err := parseID(where+".id", row.ID)
			bad.addErr(err)
			edits[i] = edit{id: id, level: row.PermissionType}
			subject, object := row.ids(k)
			if subject != "" {
				edits[i].subject, err = parseID(where+"."+k.subjectField(), subject)
				bad.addErr(err)
			}
			if object != "" {
				edits[i].object, err = parseID(where+"."+k.objectField(), object)
				bad.addErr(err)
			}
			checkLevel(&bad, where, row.PermissionType)
		}
		if err := bad.err(); err != nil {
			return nil, err
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		st := e.st
		missing := problems{code: notFoundf("").code}
		moved := badInput()
		for i, ed := range edits {
			p := st.access.perms[ed.id]
			if p == nil || p.kind != k {
				missing.addf("[%d].id: no %s %s", i, k, ed.id)
				continue
			}
			if ed.subject != (uuid.UUID{}) && ed.subject != p.subject {
				moved.addf("[%d].%s: %s %s belongs to %s %s; delete it and add a new one to move it", i, k.subjectField(), k, p.id, subjectNoun(k), p.subject)
			}
			if ed.object != (uuid.UUID{}) && ed.object != p.object {
				moved.addf("[%d].%s: %s %s is on %s %s; delete it and add a new one to move it", i, k.objectField(), k, p.id, objectNoun(k), p.object)
			}
		}
		if err := missing.err(); err != nil {
			return nil, err
		}
		if err := moved.err(); err != nil {
			return nil, err
		}
		w := st.begin()
		at := map[uuid.UUID]int{} // record id -> index in w.access.perms
		for _, ed := range edits {
			np := *st.access.perms[ed.id]
			np.level = ed.level
			if i, ok := at[ed.id]; ok {
				w.access.perms[i] = &np
				continue
			}
			at[ed.id] = len(w.access.perms)
			w.access.perms = append(w.access.perms, &np)
		}
		if err := e.commit(w); err != nil {
			return nil, fmt.Errorf("edit %ss: %w", k, err)
		}
		return nil, nil
	}
}

// deletePerm serves DELETE on a permission route: it removes the record
// ?id= names, which must be of the route's kind.
func deletePerm(k permKind) func(*Emulator, *http.Request, url.Values) (any, error) {
	return func(e *Emulator, _ *http.Request, q url.Values) (any, error) {
		id, err := queryID(q, "id")
		if err != nil {
			return nil, err
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		p := e.st.access.perms[id]
		if p == nil || p.kind != k {
			return nil, notFoundf("id: no %s %s", k, id)
		}
		w := e.st.begin()
		w.access.permRemovals = append(w.access.permRemovals, p)
		if err := e.commit(w); err != nil {
			return nil, fmt.Errorf("delete %s: %w", k, err)
		}
		return nil, nil
	}
}
