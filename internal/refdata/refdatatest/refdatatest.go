// Package refdatatest reads the project's reference data in tests. When a
// file is missing the test is skipped with a clear message, unless
// LTV_REQUIRE_REFDATA=1 (as in CI), when it fails instead.
package refdatatest

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ltvgo/ltv/internal/refdata"
)

// Path returns the absolute path of rel inside the reference-data folder,
// or skips (or fails) t when the file is not there.
func Path(t testing.TB, rel string) string {
	t.Helper()
	dir := refdata.Dir()
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

// CDNOW returns the purchases of the CDNOW sample log (refdata.ParseCDNOW).
func CDNOW(t testing.TB) []refdata.Purchase {
	t.Helper()
	f, err := os.Open(Path(t, "cdnow/CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ps, err := refdata.ParseCDNOW(f)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}
