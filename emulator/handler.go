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

	"github.com/clickscript/clickscript/clickapi"
)

// serveFunc serves one endpoint. It returns the value to encode as JSON
// (nil for an empty 200), a *problem for a 499, or another error for a 500.
type serveFunc func(e *Emulator, r *http.Request, q url.Values) (any, error)

// route is one endpoint: its method, whether it needs no token, and the
// function that serves it.
type route struct {
	method string
	public bool
	serve  serveFunc
}

// routeTable maps every path of the contract to its routes, one per
// method the path answers.
func (e *Emulator) routeTable() map[string][]route {
	get, post, put, del := http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	table := map[string][]route{
		clickapi.RouteAgentStatus:        {{get, true, (*Emulator).agentStatus}},
		clickapi.RouteLogin:              {{post, true, (*Emulator).login}},
		clickapi.RouteMFARespond:         {{post, true, (*Emulator).mfaRespond}},
		clickapi.RouteUsers:              {{get, false, (*Emulator).listUsers}},
		clickapi.RouteGroups:             {{get, false, (*Emulator).listGroups}},
		clickapi.RouteGroupsWithDetails:  {{get, false, (*Emulator).listGroupDetails}},
		clickapi.RouteInsertGroup:        {{post, false, (*Emulator).insertGroup}},
		clickapi.RouteUpdateGroup:        {{put, false, (*Emulator).updateGroup}},
		clickapi.RouteDeleteGroup:        {{del, false, (*Emulator).deleteGroup}},
		clickapi.RouteAssignedUsers:      {{get, false, (*Emulator).assignedUsers}},
		clickapi.RouteAssignedUserGroups: {{get, false, (*Emulator).assignedUserGroups}},
		clickapi.RouteAssignUsers:        {{post, false, (*Emulator).assignUsers}},
		clickapi.RouteUnassignUser:       {{del, false, (*Emulator).unassignUser}},
		clickapi.RouteImportUsers:        {{post, false, (*Emulator).importUsers}},
	}
	for path, rts := range accessRoutes() {
		table[path] = rts
	}
	return table
}

// ServeHTTP answers one Click API request: 404 for an unknown path, 405 for
// a wrong method, 401 without an accepted token on a protected route, 499
// with a ValidationProblemDetails body for application errors, 500 without
// a body when storage fails, else 200 with a compact JSON body (or none).
// Options.Faults spoils a share of the answers on protected routes.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
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
	rts, ok := e.routes[r.URL.Path]
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
	if !rt.public && !e.authorized(q) {
		w.WriteHeader(http.StatusUnauthorized)
		return http.StatusUnauthorized, ""
	}
	v, err := rt.serve(e, r, q)
	if p, ok := errors.AsType[*problem](err); ok {
		w.Header().Set(clickapi.ErrorCodeHeader, p.code)
		writeJSON(w, clickapi.StatusValidation, p.body())
		return clickapi.StatusValidation, p.code
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
