// Package refdata locates the project's reference data for tests. The
// folder comes from the environment variable LTV_REFDATA, or defaults to
// ../shared/refdata beside the module root. When the data are missing a
// test is skipped with a clear message, unless LTV_REQUIRE_REFDATA=1 (as in
// CI), when it fails instead.
//
// It is test and example support: no library package imports it.
package refdata

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the reference-data folder: LTV_REFDATA, or else
// ../shared/refdata beside the module root above the working directory.
func Dir() string {
	if dir := os.Getenv("LTV_REFDATA"); dir != "" {
		return dir
	}
	return filepath.Join(moduleRoot(), "..", "shared", "refdata")
}

// Path returns the absolute path of rel inside the reference-data folder,
// or skips (or fails) t when the file is not there.
func Path(t testing.TB, rel string) string {
	t.Helper()
	dir := Dir()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		msg := "reference data " + rel + " not found under " + dir + " (set LTV_REFDATA)"
		if os.Getenv("LTV_REQUIRE_REFDATA") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// JSON decodes the JSON file rel into v.
func JSON(t testing.TB, rel string, v any) {
	t.Helper()
	b, err := os.ReadFile(Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

// CSV returns the records of the CSV file rel, header included.
func CSV(t testing.TB, rel string) [][]string {
	t.Helper()
	f, err := os.Open(Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return recs
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
