package clv_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ltvgo/ltv/clv"
)

// The convergence sweep fits every model to seeded simulated data sets
// with random realistic parameters (mean purchase rates of 0.03 to 1 per
// week and dropout shapes ≤ 3, observed for up to 78 weeks; BG/BB with 10
// to 20 opportunities) and 100…20,000 customers (log-uniform,
// half of them at ≥ 5,000) and checks that each fit either converges to a
// finite interior optimum with finite standard errors or returns a typed
// error that says why (ErrBoundary, ErrNotConverged, ErrEmpty,
// ErrUndefined). For converged fits with ≥ 5,000 customers it counts how
// often each true parameter lies within ±3 SE and requires ≥ 99% on the
// log scale, where the fit runs and its delta-method SEs live
// (|ln θ̂ − ln θ| ≤ 3·SE/θ̂); the natural-scale count is reported beside it.
//
// CI runs sweepShort data sets per model; LTV_SWEEP=200 runs the full
// sweep (several minutes) and LTV_SWEEP_REPORT=1 prints its table.
const sweepShort = 6

type sweepModel struct {
	name string
	// fit draws parameters from rng, simulates n customers with seed and
	// fits them; it returns the true and fitted parameters.
	fit func(rng *rand.Rand, n int, seed uint64) (truth, est []float64, f clv.Fit, err error)
}

func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo * math.Exp(rng.Float64()*math.Log(hi/lo))
}

var sweepModels = []sweepModel{
	{"BGNBD", func(rng *rand.Rand, n int, seed uint64) ([]float64, []float64, clv.Fit, error) {
		r := logUniform(rng, 0.2, 5)
		m := clv.BGNBD{R: r, Alpha: r / logUniform(rng, 0.03, 1), A: logUniform(rng, 0.2, 3), B: logUniform(rng, 1, 20)}
		cs := must(clv.SimulateBGNBDCustomers(m, clv.CustomerSimulationOptions{Customers: n, Period: week, Seed: seed, Continuous: true}))
		e, f, err := clv.FitBGNBD(cs, nil)
		return []float64{m.R, m.Alpha, m.A, m.B}, []float64{e.R, e.Alpha, e.A, e.B}, f, err
	}},
	{"MBGNBD", func(rng *rand.Rand, n int, seed uint64) ([]float64, []float64, clv.Fit, error) {
		r := logUniform(rng, 0.2, 5)
		m := clv.MBGNBD{R: r, Alpha: r / logUniform(rng, 0.03, 1), A: logUniform(rng, 0.2, 3), B: logUniform(rng, 1, 20)}
		cs := must(clv.SimulateMBGNBDCustomers(m, clv.CustomerSimulationOptions{Customers: n, Period: week, Seed: seed, Continuous: true}))
		e, f, err := clv.FitMBGNBD(cs, nil)
		return []float64{m.R, m.Alpha, m.A, m.B}, []float64{e.R, e.Alpha, e.A, e.B}, f, err
	}},
	{"ParetoNBD", func(rng *rand.Rand, n int, seed uint64) ([]float64, []float64, clv.Fit, error) {
		r, s := logUniform(rng, 0.2, 5), logUniform(rng, 0.2, 3)
		m := clv.ParetoNBD{R: r, Alpha: r / logUniform(rng, 0.03, 1), S: s, Beta: s / logUniform(rng, 0.01, 0.1)}
		cs := must(clv.SimulateParetoNBDCustomers(m, clv.CustomerSimulationOptions{Customers: n, Period: week, Seed: seed, Continuous: true}))
		e, f, err := clv.FitParetoNBD(cs, nil)
		return []float64{m.R, m.Alpha, m.S, m.Beta}, []float64{e.R, e.Alpha, e.S, e.Beta}, f, err
	}},
	{"BGBB", func(rng *rand.Rand, n int, seed uint64) ([]float64, []float64, clv.Fit, error) {
		m := clv.BGBB{Alpha: logUniform(rng, 0.2, 5), Beta: logUniform(rng, 0.2, 10), Gamma: logUniform(rng, 0.2, 3), Delta: logUniform(rng, 1, 20)}
		cs := must(clv.SimulateBGBB(m, clv.BGBBSimulationOptions{Customers: n, Opportunities: 10 + rng.IntN(11), Seed: seed})) // with fewer opportunities Wald intervals undercover
		e, f, err := clv.FitBGBB(cs, nil)
		return []float64{m.Alpha, m.Beta, m.Gamma, m.Delta}, []float64{e.Alpha, e.Beta, e.Gamma, e.Delta}, f, err
	}},
	{"GammaGamma", func(rng *rand.Rand, n int, seed uint64) ([]float64, []float64, clv.Fit, error) {
		g := clv.GammaGamma{P: logUniform(rng, 1, 10), Q: logUniform(rng, 1.5, 10), Gamma: logUniform(rng, 1, 100)}
		// Enough purchases that about n customers have a repeat purchase.
		cs := must(clv.SimulateBGNBDCustomers(clv.BGNBD{R: 2, Alpha: 4, A: 0.5, B: 5},
			clv.CustomerSimulationOptions{Customers: n + n/8, Period: week, Seed: seed, Continuous: true, Spend: g}))
		e, f, err := clv.FitGammaGamma(cs, nil)
		return []float64{g.P, g.Q, g.Gamma}, []float64{e.P, e.Q, e.Gamma}, f, err
	}},
	{"sBG", func(rng *rand.Rand, n int, seed uint64) ([]float64, []float64, clv.Fit, error) {
		m := clv.ShiftedBetaGeometric{Alpha: logUniform(rng, 0.2, 5), Beta: logUniform(rng, 0.5, 10)}
		alive := must(clv.SimulateShiftedBetaGeometric(m, clv.CohortSimulationOptions{Size: n, Periods: 4 + rng.IntN(9), Seed: seed}))
		e, f, err := clv.FitShiftedBetaGeometric(alive, nil)
		return []float64{m.Alpha, m.Beta}, []float64{e.Alpha, e.Beta}, f, err
	}},
}

type sweepTally struct {
	fits, converged, boundary, notConverged, empty, undefined int
	covered, logCovered, checked                              int // converged fits with ≥ 5,000 customers
}

func TestConvergenceSweep(t *testing.T) {
	perModel := sweepShort
	if v := os.Getenv("LTV_SWEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("LTV_SWEEP=%q: want a positive count of data sets per model", v)
		}
		perModel = n
	}
	if testing.Short() {
		perModel = 2
	}
	tallies := make([]sweepTally, len(sweepModels))
	for mi, sm := range sweepModels {
		t.Run(sm.name, func(t *testing.T) {
			tally := &tallies[mi]
			rng := rand.New(rand.NewPCG(uint64(mi)+1, 0x5eed))
			for k := range perModel {
				n := int(logUniform(rng, 100, 5000))
				if k%2 == 1 {
					n = int(logUniform(rng, 5000, 20000))
				}
				seed := rng.Uint64()
				truth, est, f, err := sm.fit(rng, n, seed)
				tally.fits++
				where := fmt.Sprintf("data set %d (n = %d, seed %d, truth %v)", k, n, seed, truth)
				switch {
				case err == nil:
					tally.converged++
					if !f.Converged {
						t.Errorf("%s: no error but Converged = false", where)
					}
					for j, v := range est {
						se := f.StdErr[j]
						if !(v > 0) || math.IsInf(v, 0) || !(se > 0) || math.IsInf(se, 0) {
							t.Errorf("%s: converged to %v with StdErr %v", where, est, f.StdErr)
							break
						}
						if n >= 5000 {
							tally.checked++
							if math.Abs(v-truth[j]) <= 3*se {
								tally.covered++
							} else if os.Getenv("LTV_SWEEP_REPORT") != "" {
								t.Logf("%s: param %d est %v se %v (log-scale z %.2f)", where, j, v, se, math.Log(v/truth[j])/(se/v))
							}
							if math.Abs(math.Log(v/truth[j])) <= 3*se/v {
								tally.logCovered++
							}
						}
					}
				case errors.Is(err, clv.ErrBoundary):
					tally.boundary++
					var be *clv.BoundaryError
					if !errors.As(err, &be) || len(be.Params) == 0 {
						t.Errorf("%s: %v is not a *BoundaryError naming parameters", where, err)
					} else if os.Getenv("LTV_SWEEP_REPORT") != "" {
						t.Logf("%s: boundary %v", where, be.Params)
					}
				case errors.Is(err, clv.ErrNotConverged):
					tally.notConverged++
				case errors.Is(err, clv.ErrEmpty):
					tally.empty++
				case errors.Is(err, clv.ErrUndefined):
					tally.undefined++
				default:
					t.Errorf("%s: untyped error %v", where, err)
				}
			}
			if tally.checked >= 200 {
				if cov := float64(tally.logCovered) / float64(tally.checked); cov < 0.99 {
					t.Errorf("true parameters within ±3 SE (log scale) in %.2f%% of %d checks, want ≥ 99%%", 100*cov, tally.checked)
				}
			}
		})
	}
	if os.Getenv("LTV_SWEEP_REPORT") != "" {
		var b strings.Builder
		fmt.Fprintln(&b, "| model | fits | converged | boundary | not converged | too little data | q ≤ 1 | within ±3 SE, log scale (n ≥ 5,000) | natural scale |")
		fmt.Fprintln(&b, "|---|---|---|---|---|---|---|---|---|")
		for mi, sm := range sweepModels {
			tl := tallies[mi]
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d/%d | %d/%d |\n", sm.name, tl.fits, tl.converged, tl.boundary,
				tl.notConverged, tl.empty, tl.undefined, tl.logCovered, tl.checked, tl.covered, tl.checked)
		}
		t.Log("\n" + b.String())
	}
}
