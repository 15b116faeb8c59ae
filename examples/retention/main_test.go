package main

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/ltvgo/ltv/examples/internal/outputtest"
)

// TestRun runs the example on its default simulation and checks that the
// printed estimates recover the simulated truth: every true hazard ratio
// inside its Cox 95% interval, the Weibull shape and implied hazard ratios
// close to the truth, the proportional-hazards test not rejecting, and the
// subscription values close to those of the true lifetimes.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-out", dir}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"Hazard ratios with Wald 95% intervals", "GLOBAL", "Share still subscribed", "Weibull AFT coefficients", "Residual value per subscriber"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}

	// Hazard ratio rows end "… hazard ratio, lower, "…", upper, true".
	for j, term := range terms {
		f := row(t, text, "Hazard ratios with Wald", term)
		n := len(f)
		hr, lo, hi, truth := num(t, f[n-5]), num(t, f[n-4]), num(t, f[n-2]), num(t, f[n-1])
		if !(lo <= truth && truth <= hi) {
			t.Errorf("%s: true hazard ratio %g outside the 95%% interval [%g, %g]", term, truth, lo, hi)
		}
		if math.Abs(truth-math.Exp(trueBeta[j])) > 5e-4 || !(lo < hr && hr < hi) {
			t.Errorf("%s: row %q is not estimate, interval, truth", term, f)
		}
	}

	// The PH test: the simulation has proportional hazards.
	if g := row(t, text, "Grambsch–Therneau", "GLOBAL"); num(t, g[len(g)-1]) < 0.01 {
		t.Errorf("the global PH test rejects a PH simulation: %q", g)
	}

	// Weibull AFT: implied hazard ratios within 15% of the truth, and
	// within 2% of Cox's.
	for j, term := range terms {
		f := row(t, text, "Weibull AFT coefficients", term)
		implied, cox, truth := num(t, f[4]), num(t, f[5]), num(t, f[6])
		if math.Abs(implied/math.Exp(trueBeta[j])-1) > 0.15 || math.Abs(implied/truth-1) > 0.15 || math.Abs(implied/cox-1) > 0.02 {
			t.Errorf("%s: implied HR %g, Cox %g, true %g", term, implied, cox, truth)
		}
	}
	_, after, _ := strings.Cut(text, "shape 1/σ = ")
	if shape := num(t, strings.Fields(after + " ?")[0]); math.Abs(shape-trueShape) > 0.1 {
		t.Errorf("Weibull shape %g, true %g", shape, trueShape)
	}

	// Values: the Weibull's within 10% of the truth; over the payments
	// the data reach, Cox's within 2% of the Weibull's.
	for _, plan := range plans {
		for _, ch := range channels {
			f := row(t, text, "Residual value per subscriber", plan+" "+ch)
			n := len(f)
			all, allTrue := num(t, f[n-5]), num(t, f[n-4])
			part, partCox, partTrue := num(t, f[n-3]), num(t, f[n-2]), num(t, f[n-1])
			if math.Abs(all/allTrue-1) > 0.10 || math.Abs(part/partTrue-1) > 0.05 || math.Abs(partCox/part-1) > 0.02 {
				t.Errorf("%s, %s: values %q", plan, ch, f)
			}
		}
	}
	outputtest.Check(t, dir, "hazard_ratios.png", "schoenfeld_paid_search.png", "survival_by_plan.png")
}

// row returns the whitespace-separated fields of the first line that
// starts with name (after padding) in the table captioned by a line
// containing caption.
func row(t *testing.T, text, caption, name string) []string {
	t.Helper()
	at := strings.Index(text, caption)
	if at < 0 {
		t.Fatalf("no table %q", caption)
	}
	for _, line := range strings.Split(text[at:], "\n")[1:] {
		f := strings.Fields(line)
		if strings.HasPrefix(strings.Join(f, " "), name+" ") {
			return f
		}
	}
	t.Fatalf("table %q has no row %q", caption, name)
	return nil
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

func TestRunErrors(t *testing.T) {
	for _, args := range [][]string{{"-subscribers", "10"}, {"-seed", "x"}} {
		var out bytes.Buffer
		if err := run(append(args, "-out", t.TempDir()), &out); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}
