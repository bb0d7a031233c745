// Package emulator is an in-process stand-in for the Amove desktop agent's
// Click API: an http.Handler that serves the UserGroup, user,
// authentication, permission, project, shared cloud drive and API token
// routes of the wire contract (../shared/api/click-api.md) from an
// in-memory store, optionally persisted in a bbolt file. It emits
// the shapes the vendor's pages show (vendor.go, wire.go) and nothing else.
//
// The emulator is built for tests, demos and offline script runs. It keeps
// every live record in memory with sorted indexes, so a page deep in a list
// of a million groups costs what the first page costs; every mutating
// request is one all-or-nothing transaction. With Options.Deterministic set,
// ids, timestamps and login tokens come from counters, so recordings of its
// answers are byte-stable.
//
// The emulator's own guesses about the agent's behaviour (where no vendor
// page says) live in rules.go, each naming its number (I1-I26) in the
// contract. Options can also make it differ from the contract on purpose
// (Deviations, PageCap, NoSubscription, OtherAccountUsers), so that the
// client and clickscript doctor can be tested against such agents.
package emulator
