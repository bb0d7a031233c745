package repl

import "flag"

// update rewrites the golden files of testdata/layout ("go test ./repl
// -update"), as "go test ./... -update" does for every package.
var update = flag.Bool("update", false, "rewrite golden files")
