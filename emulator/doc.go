// Package emulator is an in-process stand-in for the Amove desktop agent's
// Click API: an http.Handler that serves the UserGroup, user,
// authentication, permission, project, shared cloud drive and API token
// routes of the wire contract (see clickapi/contract.go) from an in-memory
// store, optionally persisted in a bbolt file.
//
// The emulator is built for tests, demos and offline script runs. It keeps
// every live record in memory with sorted indexes, so a page deep in a list
// of a million groups costs what the first page costs; every mutating
// request is one all-or-nothing transaction. With Options.Deterministic set,
// ids, timestamps and login tokens come from counters, so recordings of its
// answers are byte-stable.
//
// The emulator's own guesses about the agent's behaviour (where neither the
// vendor nor clickapi/contract.go says) live in rules.go.
package emulator
