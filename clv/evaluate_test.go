package clv_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

func TestEvaluateHoldoutCDNOW(t *testing.T) {
	txns := loadCDNOWSample(t)
	hc, err := clv.SummarizeHoldout(txns, clv.SummaryOptions{Period: week, End: utcDay(1997, time.September, 30)},
		utcDay(1998, time.June, 30))
	require.NoError(t, err)
	e := loadCDNOWExpected(t)
	m := clv.BGNBD{R: e.BGNBD.Params["r"], Alpha: e.BGNBD.Params["alpha"], A: e.BGNBD.Params["a"], B: e.BGNBD.Params["b"]}
	ev, err := clv.EvaluateHoldout(m, hc, 7)
	require.NoError(t, err)
	// expected.json population totals: 1,882 actual holdout purchase days;
	// Σ E[Y(39)] = 1653.42 on the CSV's rounded T (the unrounded summaries
	// here move it by well under 1).
	assert.Equal(t, 1882.0, ev.Actual)
	assert.InDelta(t, e.Totals["bgnbd_sum_expected_purchases_next_39w"], ev.Predicted, 1)
	assert.InDelta(t, (ev.Predicted-1882)/1882, ev.TrackingError, 1e-12)
	require.Len(t, ev.Groups, 8)
	var n float64
	for _, g := range ev.Groups {
		n += g.Customers
	}
	assert.Equal(t, 2357.0, n)
	// FHL 2005 Figure 4: the model tracks the frequency groups; one-time
	// buyers (x = 0) make about 0.24 purchases each and the model is close.
	g0 := ev.Groups[0]
	assert.Equal(t, 1411.0, g0.Customers) // CDNOW: 1,411 customers without a repeat purchase
	assert.InDelta(t, g0.Actual, g0.Predicted, 0.05)
	assert.True(t, ev.RMSE > ev.MAE && ev.Correlation > 0.5 && ev.Correlation < 1)
}

func TestEvaluateHoldoutByHand(t *testing.T) {
	// A model that predicts the same 1 purchase for everybody: errors by hand.
	cs := []clv.HoldoutCustomer{
		{Customer: clv.Customer{T: 5}, HoldoutPurchases: 0, HoldoutT: 5},
		{Customer: clv.Customer{Frequency: 2, Recency: 3, T: 5, Weight: 2}, HoldoutPurchases: 3, HoldoutT: 5},
	}
	ev, err := clv.EvaluateHoldout(constantModel(1), cs, 1)
	require.NoError(t, err)
	// Weights 1 and 2: actual 0, 3, 3; predicted 1, 1, 1.
	assert.Equal(t, 6.0, ev.Actual)
	assert.Equal(t, 3.0, ev.Predicted)
	assert.InDelta(t, (1+2+2)/3.0, ev.MAE, 1e-15)
	assert.InDelta(t, math.Sqrt((1+4+4)/3.0), ev.RMSE, 1e-15)
	assert.InDelta(t, -0.5, ev.TrackingError, 1e-15)
	assert.True(t, math.IsNaN(ev.Correlation)) // constant predictions
	require.Len(t, ev.Groups, 2)
	assert.Equal(t, clv.HoldoutGroup{Frequency: 1, Customers: 2, Actual: 3, Predicted: 1}, ev.Groups[1])

	// The same table from the predictions alone.
	byPred, err := clv.EvaluateHoldoutPredictions(cs, []float64{1, 1}, 1)
	require.NoError(t, err)
	assert.Equal(t, ev.Groups, byPred.Groups)
	assert.Equal(t, ev.MAE, byPred.MAE)
	for _, bad := range [][]float64{{1}, {1, -1}, {math.NaN(), 1}, {1, math.Inf(1)}} {
		_, err := clv.EvaluateHoldoutPredictions(cs, bad, 1)
		var de *clv.DataError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "predicted", de.Field)
		assert.ErrorIs(t, err, clv.ErrInvalid)
	}

	_, err = clv.EvaluateHoldout(constantModel(1), nil, 1)
	assert.ErrorIs(t, err, clv.ErrEmpty)
	cs[1].HoldoutPurchases = math.NaN()
	_, err = clv.EvaluateHoldout(constantModel(1), cs, 1)
	assert.ErrorIs(t, err, clv.ErrInvalid)
}

// constantModel predicts the same number of purchases for every customer.
type constantModel float64

func (c constantModel) LogLikelihood(clv.Customer) float64                         { return 0 }
func (c constantModel) PAlive(clv.Customer) float64                                { return 1 }
func (c constantModel) ExpectedPurchases(float64) float64                          { return float64(c) }
func (c constantModel) ConditionalExpectedPurchases(clv.Customer, float64) float64 { return float64(c) }
func (c constantModel) ProbNoPurchase(clv.Customer, float64) float64               { return 0 }
