// Package outputtest checks what an example wrote: test support for the
// examples' tests.
package outputtest

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Check verifies that dir holds every plot in plots as a valid, non-empty PNG,
// that dir/index.html shows each of them, and that no other PNG was written
// without being shown.
func Check(t testing.TB, dir string, plots ...string) {
	t.Helper()
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatalf("index.html: %v", err)
	}
	for _, name := range plots {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("plot %s: %v", name, err)
			continue
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("plot %s is not a valid PNG: %v", name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
			t.Errorf("plot %s is only %d×%d pixels", name, b.Dx(), b.Dy())
		}
		if !strings.Contains(string(html), `src="`+name+`"`) {
			t.Errorf("index.html does not show %s", name)
		}
	}
	written, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != len(plots) {
		t.Errorf("%d PNG files written, want %d (%v)", len(written), len(plots), plots)
	}
}
