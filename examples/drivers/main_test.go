package main

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/ltvgo/ltv/examples/internal/outputtest"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-customers", "3000", "-out", dir}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Coefficients with standard errors", "log_first_order", "Likelihood-ratio test of the covariates on spend", "referral"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	outputtest.Check(t, dir, "drivers_coefficients.png", "drivers_value.png")
}

// TestRecovery fits the example's store for several seeds: every
// coefficient within 3.3 standard errors of the truth (a 0.1% two-sided
// miss for each of 27).
func TestRecovery(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		s, err := simulate(4000, seed)
		if err != nil {
			t.Fatal(err)
		}
		d, err := fit(s)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, c := range d.coefficients() {
			if !(math.Abs(c.estimate-c.truth) < 3.3*c.se) {
				t.Errorf("seed %d: %s %s = %.3f ± %.3f, truth %.2f", seed, c.process, c.name, c.estimate, c.se, c.truth)
			}
		}
	}
}

func TestRunErrors(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-customers", "10", "-out", t.TempDir()}, &out); err == nil {
		t.Error("run with 10 customers succeeded, want an error")
	}
}
