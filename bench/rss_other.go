//go:build !unix

package main

import "os"

// maxRSS is not measured on systems without getrusage.
func maxRSS(*os.ProcessState) int64 { return -1 }
