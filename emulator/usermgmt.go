package emulator

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// newUserBody is the body of POST /user/insert_user (keys bind ignoring
// case, so firstName finds firstname).
type newUserBody struct {
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	UserType  int    `json:"userType"`
}

// editUserBody is the body of PUT /user/edit_user: a full User whose
// omitted fields keep their values. status, owner, mfa and createDate are
// the server's and are ignored (rules.go).
type editUserBody struct {
	ID        string  `json:"id"`
	Firstname *string `json:"firstname"`
	Lastname  *string `json:"lastname"`
	Username  *string `json:"username"`
	Email     *string `json:"email"`
	UserType  *int    `json:"userType"`
}

// userChecks collects what is wrong with user fields: DEFAULT problems
// (lengths, types) and INVALID_EMAIL ones, reported in that order.
type userChecks struct {
	bad, email problems
}

// newUserChecks returns empty userChecks.
func newUserChecks() *userChecks {
	return &userChecks{bad: badInput(), email: problems{code: codeInvalidEmail}}
}

// length records a field over maxUserField characters.
func (uc *userChecks) length(field, v string) {
	if n := utf8.RuneCountInString(v); n > maxUserField {
		uc.bad.addf("%s: at most %d characters (got %d)", field, maxUserField, n)
	}
}

// address records a value that is not a bare email address.
func (uc *userChecks) address(field, v string) {
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
		uc.email.addf("%s: %q is not an email address", field, v)
	}
}

// userType records a userType that is not one documented flag.
func (uc *userChecks) userType(v int) {
	if !slices.Contains(userTypes(), v) {
		uc.bad.addf("userType: %d is not one of 1, 2, 4, 8, 16, 32, 64", v)
	}
}

// err returns the DEFAULT problems, else the INVALID_EMAIL ones, else nil.
func (uc *userChecks) err() error {
	if err := uc.bad.err(); err != nil {
		return err
	}
	return uc.email.err()
}

// insertUser serves POST /user/insert_user: a Pending user (FOUND).
func (e *Emulator) insertUser(r *http.Request, _ url.Values) (any, error) {
	var req newUserBody
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(req.Username)
	email := strings.TrimSpace(req.Email)
	if req.UserType == 0 {
		req.UserType = insertedUserType
	}
	uc := newUserChecks()
	if name == "" {
		uc.bad.addf("username: required")
	} else {
		uc.length("username", name)
		uc.address("username", name)
	}
	if email != "" {
		uc.length("email", email)
		uc.address("email", email)
	} else {
		email = name // I19: the username, as for imported users
	}
	uc.length("firstname", req.Firstname)
	uc.length("lastname", req.Lastname)
	uc.userType(req.UserType)
	if err := uc.err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if other := e.st.userNames[strings.ToLower(name)]; other != nil {
		return nil, problemf(codeNameTaken, "username: %q is taken by user %s", name, other.id)
	}
	w := e.st.begin()
	u := (&user{id: w.newID(), username: name, firstname: req.Firstname, lastname: req.Lastname,
		email: email, userType: req.UserType, status: insertedUserStatus, created: w.now}).withKeys()
	w.users = append(w.users, u)
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("insert user: %w", err)
	}
	return u.model(), nil
}

// editUser serves PUT /user/edit_user: the given profile fields and type
// replace the user's; the username and the owner's type cannot change.
func (e *Emulator) editUser(r *http.Request, _ url.Values) (any, error) {
	var req editUserBody
	if err := readJSON(r, &req); err != nil {
		return nil, err
	}
	id, err := parseID("id", req.ID)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.st.liveUser(id)
	if old == nil {
		return nil, notFoundf("id: no user %s", id)
	}
	u := *old
	uc := newUserChecks()
	if req.Username != nil && !strings.EqualFold(strings.TrimSpace(*req.Username), old.username) {
		uc.bad.addf("username: cannot change (%q to %q); insert a new user instead", old.username, *req.Username)
	}
	if req.Firstname != nil {
		u.firstname = *req.Firstname
		uc.length("firstname", u.firstname)
	}
	if req.Lastname != nil {
		u.lastname = *req.Lastname
		uc.length("lastname", u.lastname)
	}
	if req.Email != nil && strings.TrimSpace(*req.Email) != "" {
		u.email = strings.TrimSpace(*req.Email)
		uc.length("email", u.email)
		uc.address("email", u.email)
	}
	if req.UserType != nil {
		u.userType = *req.UserType
		uc.userType(u.userType)
		if old.owner && u.userType != old.userType {
			uc.bad.addf("userType: the account owner's type cannot change")
		}
	}
	if err := uc.err(); err != nil {
		return nil, err
	}
	w := e.st.begin()
	w.access.users = append(w.access.users, u.withKeys())
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("edit user: %w", err)
	}
	return u.model(), nil
}

// deleteUser serves DELETE /user/delete_user: a soft delete. The user's
// memberships and permissions stay stored, hidden from every read (I18).
func (e *Emulator) deleteUser(_ *http.Request, q url.Values) (any, error) {
	id, err := queryID(q, "id")
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.st.liveUser(id)
	if old == nil {
		return nil, notFoundf("id: no user %s", id)
	}
	if old.owner {
		return nil, invalidf("id: user %s is the account owner and cannot be deleted", id)
	}
	u := *old
	u.deleted = true
	w := e.st.begin()
	w.access.users = append(w.access.users, &u)
	if err := e.commit(w); err != nil {
		return nil, fmt.Errorf("delete user: %w", err)
	}
	return nil, nil
}

// listUserDetails serves GET /user/get_all_users_with_details: the page
// get_all_users answers for the same query, each user with details.
func (e *Emulator) listUserDetails(r *http.Request, q url.Values) (any, error) {
	lq, err := e.parseList(q, e.userList())
	if err != nil {
		return nil, err
	}
	f, err := parseUserFilter(q)
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	page, total, err := e.userPage(lq, f)
	if err != nil {
		return nil, err
	}
	data := make([]userDetailsRow, 0, len(page))
	for _, u := range page {
		data = append(data, e.st.userDetails(u, *u.model()))
	}
	return collection(e, lq, data, total)
}
