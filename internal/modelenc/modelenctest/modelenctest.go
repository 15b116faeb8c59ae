// Package modelenctest checks saved models against golden files.
package modelenctest

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Golden compares the saved form got with the golden file at path (under
// the package's testdata/), after rewriting the file when update is set.
// Keys, array lengths, strings and booleans must match exactly and
// numbers to a relative tolerance tol (0: exactly), so a fitted model's
// last digits may move while its format may not.
func Golden(t *testing.T, path string, got []byte, tol float64, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("saved form: %v", err)
	}
	if msg := diff("", w, g, tol); msg != "" {
		t.Errorf("%s: the saved format changed (run with -update if deliberate, and raise the version if old files no longer load): %s", path, msg)
	}
}

// diff returns where want and got differ, or "".
func diff(path string, want, got any, tol float64) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s is %v, want an object", path, got)
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				return fmt.Sprintf("%s.%s is missing", path, k)
			}
		}
		for k, gv := range g {
			wv, ok := w[k]
			if !ok {
				return fmt.Sprintf("%s.%s is new", path, k)
			}
			if msg := diff(path+"."+k, wv, gv, tol); msg != "" {
				return msg
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s is %v, want %v", path, got, want)
		}
		for i := range w {
			if msg := diff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], tol); msg != "" {
				return msg
			}
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > tol*math.Abs(w) {
			return fmt.Sprintf("%s is %v, want %v", path, got, want)
		}
	default:
		if want != got {
			return fmt.Sprintf("%s is %v, want %v", path, got, want)
		}
	}
	return ""
}
