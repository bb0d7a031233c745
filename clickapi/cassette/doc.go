// Package cassette records the HTTP traffic of a Click API client to a JSON
// file and replays it later with no network at all. A Recorder and a
// Replayer are http.RoundTrippers: put one in the Transport of the
// *http.Client given to clickapi.Options.HTTPClient.
//
// # File format
//
// A cassette is one JSON document, written with two-space indentation, a
// fixed key order and a trailing newline so that re-recordings diff well:
//
//	{
//	  "version": 1,
//	  "interactions": [
//	    {
//	      "request": {
//	        "method": "POST",
//	        "path": "/usergroup/insert",
//	        "query": "",
//	        "body": {"name": "Design Team", "active": true}
//	      },
//	      "response": {
//	        "status": 200,
//	        "headers": {"content-type": "application/json"},
//	        "body": {"id": "...", "name": "Design Team"}
//	      }
//	    }
//	  ]
//	}
//
// The query is the request's query without the token parameter (whatever
// the case of its name), the other parameters sorted by name as
// url.Values.Encode writes them. A query that does not parse keeps its raw
// pairs, sorted.
//
// A body is stored in exactly one of three fields, or none when it is empty:
//
//   - "body": a body that is valid JSON, kept as a JSON value (indented with
//     the file, its keys in their original order). A replayed JSON body is
//     the compacted form of the recorded one (json.Compact): the same value,
//     byte for byte, without the insignificant whitespace. A body that is
//     the bare literal null goes to "bodyText", since "body": null means no
//     body.
//   - "bodyText": any other body that is valid UTF-8 (an HTML error page,
//     say), as a string, replayed byte for byte.
//   - "bodyBase64": a body that is not valid UTF-8, base64-encoded,
//     replayed byte for byte.
//
// Only three response headers are kept, under lowercase names:
// content-type, error-code and retry-after. Request headers are not kept.
//
// # Secrets
//
// Nothing secret reaches a cassette. The token query parameter is dropped,
// and the path, the query, every header value and every string in a body
// (JSON keys and values, or the whole text) pass through
// clickapi.RedactToken for every token the recording has seen, so a token
// echoed anywhere becomes REDACTED. JSON string values under the keys
// "token", "jwtToken" and "password" (any case) are replaced with REDACTED
// too, so a recorded login holds neither the password nor the token it
// answered. The Replayer scrubs each incoming request the same way before
// matching it, so such requests replay whatever password they send.
//
// # Matching
//
// The Replayer matches a request by method, path, query and body; JSON
// bodies are compared in compacted form, other bodies byte for byte. The
// next unused interaction normally matches. When it does not, the first
// unused interaction further on that matches exactly is used instead:
// concurrent requests (the batches of a bulk write) reach the Recorder in
// an order that varies from run to run, and this makes such recordings
// replayable. A request that matches nothing fails with a *MismatchError.
package cassette
