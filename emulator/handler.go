package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// serveFunc serves one endpoint. It returns the value to encode as JSON
// (nil for an empty 200), a *problem for a 499, a *paymentRequired for a
// 402, an *unauthorized for a 401, or another error for a 500.
type serveFunc func(e *Emulator, r *http.Request, q url.Values) (any, error)

// route is one endpoint: its method, whether it needs no token, and the
// function that serves it.
type route struct {
	method string
	public bool
	serve  serveFunc
}

// routeKey is the route table's key of a path: paths match ignoring case
// (I1).
func routeKey(path string) string { return strings.ToLower(path) }

// routeTable maps every path of the contract, lower-cased, to its routes,
// one per method the path answers.
func (e *Emulator) routeTable() map[string][]route {
	get, post, put, del := http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	table := map[string][]route{
		routeAgentStatus:        {{get, true, (*Emulator).agentStatus}},
		routeLogin:              {{post, true, (*Emulator).login}},
		routeMFARespond:         {{post, true, (*Emulator).mfaRespond}},
		routeLogout:             {{post, true, (*Emulator).logout}},
		routeUserInfo:           {{get, false, (*Emulator).userInfo}},
		routeUsers:              {{get, false, (*Emulator).listUsers}},
		routeGroups:             {{get, false, (*Emulator).listGroups}},
		routeGroupsWithDetails:  {{get, false, (*Emulator).listGroupDetails}},
		routeInsertGroup:        {{post, false, (*Emulator).insertGroup}},
		routeUpdateGroup:        {{put, false, (*Emulator).updateGroup}},
		routeDeleteGroup:        {{del, false, (*Emulator).deleteGroup}},
		routeAssignedUsers:      {{get, false, (*Emulator).assignedUsers}},
		routeAssignedUserGroups: {{get, false, (*Emulator).assignedUserGroups}},
		routeAssignUsers:        {{post, false, (*Emulator).assignUsers}},
		routeUnassignUser:       {{del, false, (*Emulator).unassignUser}},
		routeImportUsers:        {{post, false, (*Emulator).importUsers}},
	}
	for path, rts := range accessRoutes() {
		table[path] = rts
	}
	out := make(map[string][]route, len(table))
	for path, rts := range table {
		out[routeKey(path)] = rts
	}
	return out
}

// ServeHTTP answers one Click API request: 404 for an unknown path, 405 for
// a wrong method, 401 without an accepted token on a protected route, 499
// with a ValidationProblemDetails body for application errors, 500 without
// a body when storage fails, else 200 with a compact JSON body (or none).
// Options.Faults spoils a share of the answers on protected routes.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if e.requests != nil {
		if r.URL.Path == RequestsPath {
			e.serveRequests(w, r)
			return
		}
		done := e.requests.start(e, r)
		defer done()
		w = &answerWriter{ResponseWriter: w, done: done}
	}
	if e.dev.Serial {
		e.serial.Lock()
		defer e.serial.Unlock()
		got := time.Now()
		defer func() {
			if d := serialServiceTime - time.Since(got); d > 0 {
				time.Sleep(d)
			}
		}()
	}
	status, code, fault := e.serveWithFaults(w, r)
	if e.log != nil {
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path), // never the query: it holds the token
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
		}
		if code != "" {
			attrs = append(attrs, slog.String("problem", code))
		}
		if fault != "" {
			attrs = append(attrs, slog.String("fault", fault))
		}
		e.log.LogAttrs(r.Context(), slog.LevelInfo, "emulator request", attrs...)
	}
}

// serve answers r and returns the status and problem type it sent.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) (int, string) {
	rts, ok := e.routes[routeKey(r.URL.Path)]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return http.StatusNotFound, ""
	}
	i := slices.IndexFunc(rts, func(rt route) bool { return rt.method == r.Method })
	if i < 0 {
		methods := make([]string, len(rts))
		for j, rt := range rts {
			methods[j] = rt.method
		}
		w.Header().Set("Allow", strings.Join(methods, ", "))
		w.WriteHeader(http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed, ""
	}
	rt := rts[i]
	q := r.URL.Query()
	var v any
	var err error
	if !rt.public && !e.authorized(q) {
		err = &unauthorized{why: "no accepted token"}
	} else {
		v, err = rt.serve(e, r, q)
	}
	if u, ok := errors.AsType[*unauthorized](err); ok {
		if e.dev.Auth499 {
			err = problemf(codeAuthFailure, "%s", u.why)
		} else {
			w.WriteHeader(http.StatusUnauthorized)
			return http.StatusUnauthorized, ""
		}
	}
	if p, ok := errors.AsType[*problem](err); ok {
		w.Header().Set(errorCodeHeader, p.code)
		writeJSON(w, statusValidation, p.body(statusValidation))
		return statusValidation, p.code
	}
	if p, ok := errors.AsType[*paymentRequired](err); ok {
		body := problemf(codeNoPayment, "%s", p.msg).body(statusPaymentRequired)
		writeJSON(w, statusPaymentRequired, body)
		return statusPaymentRequired, codeNoPayment
	}
	if err != nil {
		if e.log != nil {
			e.log.LogAttrs(r.Context(), slog.LevelError, "emulator request failed",
				slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		}
		w.WriteHeader(http.StatusInternalServerError)
		return http.StatusInternalServerError, ""
	}
	if v == nil {
		w.WriteHeader(http.StatusOK)
		return http.StatusOK, ""
	}
	return writeJSON(w, http.StatusOK, v), ""
}

// writeJSON writes v as compact JSON (keys in struct order, no HTML
// escaping, no trailing newline) and returns the status it sent.
func writeJSON(w http.ResponseWriter, status int, v any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return http.StatusInternalServerError
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}
