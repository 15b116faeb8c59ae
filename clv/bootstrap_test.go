package clv_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// bootStore returns a seeded simulated store of BG/NBD customers with
// Gamma-Gamma spend, compressed to distinct rows with Weight, and the
// models fitted to it.
func bootStore(t *testing.T, n int) ([]clv.Customer, clv.BGNBD, clv.Fit, clv.GammaGamma, clv.Fit) {
	t.Helper()
	cs := must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{Customers: n, Period: week, Spend: ggPub, Seed: 5, Continuous: true}))
	bg, fit, err := clv.FitBGNBD(cs, nil)
	require.NoError(t, err)
	gg, ggFit, err := clv.FitGammaGamma(cs, nil)
	require.NoError(t, err)
	return cs, bg, fit, gg, ggFit
}

func TestBootstrapAgreesWithDelta(t *testing.T) {
	// On a store of 3,000 customers the estimates are near-normal, so the
	// bootstrap SE of P(alive) and of the total value approaches the delta
	// method's: 300 replicates estimate an SD to about 1/sqrt(600) = 4%, and
	// the two methods differ by their own O(1/N) terms; 20% allows both.
	if testing.Short() {
		t.Skip("300 refits")
	}
	cs, bg, fit, gg, ggFit := bootStore(t, 3000)
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	delta, dTotal, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, cs, opt, clv.IntervalOptions{})
	require.NoError(t, err)
	boot, bTotal, err := clv.ScoreWithIntervals(bg, clv.Fit{}, gg, clv.Fit{}, cs, opt, clv.IntervalOptions{Method: clv.Bootstrap, Draws: 300, Seed: 1})
	require.NoError(t, err)
	require.Len(t, boot, len(cs))
	assert.InEpsilon(t, dTotal.Estimate, bTotal.Estimate, 1e-9)
	assert.InEpsilon(t, dTotal.StdErr, bTotal.StdErr, 0.2, "total: delta %v, bootstrap %v", dTotal, bTotal)
	checked := 0
	for i := range cs {
		d, b := delta[i].PAlive, boot[i].PAlive
		assert.InEpsilon(t, d.Estimate, b.Estimate, 1e-9)
		if d.StdErr > 0.01 { // customers whose P(alive) is not pinned at 1
			assert.InEpsilon(t, d.StdErr, b.StdErr, 0.2, "row %d", i)
			checked++
		}
	}
	assert.Greater(t, checked, 100)
	t.Logf("total value SE: delta %.4g, bootstrap %.4g (%d P(alive) SEs checked)", dTotal.StdErr, bTotal.StdErr, checked)

	// PredictionIntervals and TotalValueInterval take the same path.
	pa, paTotal, err := clv.PredictionIntervals(bg, clv.Fit{}, cs, clv.Prediction{Kind: clv.PAlivePrediction}, clv.IntervalOptions{Method: clv.Bootstrap, Draws: 300, Seed: 1})
	require.NoError(t, err)
	for i := range cs {
		assert.Equal(t, boot[i].PAlive, pa[i], "row %d: the same replicates", i)
	}
	_, dpaTotal, err := clv.PredictionIntervals(bg, fit, cs, clv.Prediction{Kind: clv.PAlivePrediction}, clv.IntervalOptions{})
	require.NoError(t, err)
	assert.InEpsilon(t, dpaTotal.StdErr, paTotal.StdErr, 0.2)
}

func TestBootstrapScoresSameOnAnyGOMAXPROCS(t *testing.T) {
	cs, bg, _, gg, _ := bootStore(t, 500)
	opt := clv.ValueOptions{Period: week, Horizon: 6, Discount: 0.01, Margin: 0.3}
	iv := clv.IntervalOptions{Method: clv.Bootstrap, Draws: 12, Seed: 9}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	one, oneTotal, err := clv.ScoreWithIntervals(bg, clv.Fit{}, gg, clv.Fit{}, cs, opt, iv)
	require.NoError(t, err)
	runtime.GOMAXPROCS(2)
	two, twoTotal, err := clv.ScoreWithIntervals(bg, clv.Fit{}, gg, clv.Fit{}, cs, opt, iv)
	require.NoError(t, err)
	assert.Equal(t, one, two)
	assert.Equal(t, oneTotal, twoTotal)
	assert.Less(t, oneTotal.Lower, oneTotal.Estimate)
	assert.Greater(t, oneTotal.Upper, oneTotal.Estimate)
}

func TestBootstrapReportsFailedRefits(t *testing.T) {
	// Eight customers, three with repeat purchases: many replicates draw
	// fewer than three distinct spend rows, where FitGammaGamma fails.
	// Those are counted in a *BootstrapError returned with the intervals
	// of the others.
	cs := must(clv.SimulateBGNBDCustomers(bgPub, clv.CustomerSimulationOptions{Customers: 400, Period: week, Spend: ggPub, Seed: 2, Continuous: true}))
	var small []clv.Customer
	repeat := 0
	for _, c := range cs {
		if c.Frequency > 0 && repeat < 4 {
			small = append(small, c)
			repeat++
		} else if c.Frequency == 0 && len(small)-repeat < 6 {
			small = append(small, c)
		}
	}
	opt := clv.ValueOptions{Period: week, Horizon: 3, Margin: 0.3}
	_, total, err := clv.ScoreWithIntervals(bgPub, clv.Fit{}, ggPub, clv.Fit{}, small, opt, clv.IntervalOptions{Method: clv.Bootstrap, Draws: 40, Seed: 1})
	var be *clv.BootstrapError
	require.True(t, errors.As(err, &be), "%v", err)
	assert.ErrorIs(t, err, clv.ErrNotConverged)
	assert.Equal(t, 40, be.Replicates)
	assert.Greater(t, be.Failed, 0)
	assert.Less(t, be.Failed, 40)
	require.Error(t, be.First)
	assert.Greater(t, total.Upper, total.Lower, "intervals from the replicates that worked")

	// A non-integer Weight cannot be resampled as customers.
	bad := append([]clv.Customer(nil), small...)
	bad[3].Weight = 1.5
	_, _, err = clv.ScoreWithIntervals(bgPub, clv.Fit{}, ggPub, clv.Fit{}, bad, opt, clv.IntervalOptions{Method: clv.Bootstrap, Draws: 4})
	var de *clv.DataError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.Equal(t, 3, de.Row)
	assert.Equal(t, "Weight", de.Field)
	assert.ErrorIs(t, err, clv.ErrInvalid)
}
