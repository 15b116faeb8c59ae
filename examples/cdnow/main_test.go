package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ltvgo/ltv/examples/internal/outputtest"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

func TestRun(t *testing.T) {
	path := refdatatest.Path(t, "cdnow/CDNOW_sample.txt")
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-data", path, "-out", dir}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	// Expected strings, from refdata cdnow/expected.json: BG/NBD r = 0.242593
	// (SE 0.012557), LL −9582.43; 1,882 actual and 1,653.42 predicted
	// holdout purchases; 4,339 actual and 4,160.64 expected repeat purchases
	// in weeks 1–78 (the tracking curve's last point).
	for _, want := range []string{
		"BG/NBD r   0.2426      0.0126",
		"log-likelihood -9582.43",
		"actual 1882, predicted 1653.4",
		"4339 repeat purchases, the model expected 4160.6",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	outputtest.Check(t, dir, "tracking.png", "holdout.png", "palive.png", "expected_purchases.png")
}

func TestRunMissingData(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-data", "no/such/file.txt", "-out", t.TempDir()}, &out)
	if err == nil || !strings.Contains(err.Error(), "no/such/file.txt") {
		t.Errorf("run with a missing file = %v, want an error naming it", err)
	}
}
