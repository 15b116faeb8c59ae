package clv_test

import (
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// TestIntervalCoverage simulates worlds from known BG/NBD and Gamma-Gamma
// parameters (FHL 2005's CDNOW values), fits both models in each, and
// checks how often the 90% interval of the population total value covers
// the total at the true parameters for the same customers. By default it
// runs 30 small worlds (500 customers, 40 draws) and checks the plumbing (finite, ordered intervals,
// a rate far from 0); LTV_COVERAGE=500 runs 500 worlds of 4,000 customers
// and requires a rate in [0.88, 0.92] for both methods, printing the table
// with -v.
func TestIntervalCoverage(t *testing.T) {
	worlds, customers, draws := 30, 500, 40
	long := os.Getenv("LTV_COVERAGE") != ""
	if long {
		n, err := strconv.Atoi(os.Getenv("LTV_COVERAGE"))
		require.NoError(t, err, "LTV_COVERAGE")
		worlds, customers, draws = n, 4000, 400
	}
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: clv.RatePer(0.10, clv.Month), Margin: 0.3}
	type tally struct {
		covered, n       int
		width, sumRelErr float64
	}
	var delta, param tally
	skipped := 0
	for w := range worlds {
		cs := must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{
			Customers: customers, Period: week, Spend: ggPub, Seed: uint64(1000 + w), Continuous: true,
		}))
		bg, fit, err := clv.FitBGNBD(cs, nil)
		if err != nil {
			skipped++
			continue
		}
		gg, ggFit, err := clv.FitGammaGamma(cs, nil)
		if err != nil {
			skipped++
			continue
		}
		values, err := clv.Value(bgPub, ggPub, cs, opt)
		require.NoError(t, err)
		var truth float64
		for _, v := range values {
			truth += v
		}
		for _, m := range []struct {
			tally *tally
			iv    clv.IntervalOptions
		}{
			{&delta, clv.IntervalOptions{}},
			{&param, clv.IntervalOptions{Method: clv.ParameterDraws, Draws: draws, Seed: uint64(w)}},
		} {
			total, err := clv.TotalValueInterval(bg, fit, gg, ggFit, cs, opt, m.iv)
			require.NoError(t, err, "world %d", w)
			require.False(t, math.IsNaN(total.StdErr) || math.IsNaN(total.Lower) || math.IsNaN(total.Upper), "world %d", w)
			require.Less(t, total.Lower, total.Estimate, "world %d", w)
			require.Greater(t, total.Upper, total.Estimate, "world %d", w)
			m.tally.n++
			if total.Lower <= truth && truth <= total.Upper {
				m.tally.covered++
			}
			m.tally.width += (total.Upper - total.Lower) / truth
			m.tally.sumRelErr += (total.Estimate - truth) / truth
		}
	}
	for _, row := range []struct {
		name string
		t    tally
	}{{"delta method", delta}, {"parameter draws", param}} {
		rate := float64(row.t.covered) / float64(row.t.n)
		t.Logf("%-16s worlds %d (skipped %d)  covered %d  rate %.3f  mean width %.3f of the truth  mean error %+.4f",
			row.name, row.t.n, skipped, row.t.covered, rate, row.t.width/float64(row.t.n), row.t.sumRelErr/float64(row.t.n))
		if long {
			assert.GreaterOrEqual(t, rate, 0.88, row.name)
			assert.LessOrEqual(t, rate, 0.92, row.name)
		} else {
			assert.Greater(t, rate, 0.5, row.name)
		}
	}
}
