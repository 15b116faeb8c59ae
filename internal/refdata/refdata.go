// Package refdata locates the project's reference data and parses the
// CDNOW log in it. The folder comes from the environment variable
// LTV_REFDATA, or defaults to ../shared/refdata beside the module root.
//
// It is test and example support: no library package imports it, and it
// does not link package testing (the examples' binaries use it); the
// helpers that skip or fail a test live in refdatatest.
package refdata

import (
	"os"
	"path/filepath"
)

// Dir returns the reference-data folder: LTV_REFDATA, or else
// ../shared/refdata beside the module root above the working directory.
func Dir() string {
	if dir := os.Getenv("LTV_REFDATA"); dir != "" {
		return dir
	}
	return filepath.Join(moduleRoot(), "..", "shared", "refdata")
}

// moduleRoot walks up from the working directory to the folder holding
// go.mod; go test runs each package in its own folder.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}
