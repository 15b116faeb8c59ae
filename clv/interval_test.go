package clv_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

// intervalRef is one quantity of refdata intervals/expected.json.
type intervalRef struct {
	Estimate   float64 `json:"estimate"`
	StdErr     float64 `json:"std_err"`
	Lower      float64 `json:"lower"`
	Upper      float64 `json:"upper"`
	LowerLogit float64 `json:"lower_logit"`
	UpperLogit float64 `json:"upper_logit"`
}

// intervalsExpected is refdata intervals/expected.json: delta-method SEs
// and 90% intervals on CDNOW from mpmath at 40 digits (intervals_ref.py),
// BG/NBD + Gamma-Gamma with block-diagonal covariances.
type intervalsExpected struct {
	Z     float64 `json:"z90"`
	BGNBD struct {
		Params map[string]float64 `json:"params"`
		Cov    [][]float64        `json:"cov"`
	} `json:"bgnbd"`
	GammaGamma struct {
		Params map[string]float64 `json:"params"`
		Cov    [][]float64        `json:"cov"`
	} `json:"gamma_gamma"`
	Customers []struct {
		ID         int         `json:"ID"`
		PAlive     intervalRef `json:"p_alive"`
		P0         intervalRef `json:"p_no_purchase_39w"`
		Purch39    intervalRef `json:"purchases_39w"`
		PurchHoriz intervalRef `json:"purchases_horizon"`
		Value      intervalRef `json:"value"`
	} `json:"customers"`
	Totals map[string]intervalRef `json:"population_totals"`
}

// cdnowIntervalModels returns the models, fits (only Cov set) and value
// options of intervals/expected.json.
func cdnowIntervalModels(t *testing.T) (intervalsExpected, clv.BGNBD, clv.Fit, clv.GammaGamma, clv.Fit, clv.ValueOptions) {
	var e intervalsExpected
	refdatatest.JSON(t, "intervals/expected.json", &e)
	p, g := e.BGNBD.Params, e.GammaGamma.Params
	bg := clv.BGNBD{R: p["r"], Alpha: p["alpha"], A: p["a"], B: p["b"]}
	gg := clv.GammaGamma{P: g["p"], Q: g["q"], Gamma: g["v"]}
	opt := clv.ValueOptions{Period: week, CashFlow: clv.Month, Horizon: 12, Discount: clv.RatePer(0.10, clv.Month), Margin: 0.3}
	return e, bg, clv.Fit{Cov: e.BGNBD.Cov}, gg, clv.Fit{Cov: e.GammaGamma.Cov}, opt
}

// assertInterval checks an interval against the reference to rel in the
// standard error and its limits; logit selects the logit-scale limits.
func assertInterval(t *testing.T, want intervalRef, got clv.Interval, logit bool, rel float64, msg string) {
	t.Helper()
	assert.InEpsilon(t, want.Estimate, got.Estimate, 1e-9, "%s: estimate", msg)
	if want.StdErr == 0 {
		assert.Equal(t, 0.0, got.StdErr, "%s: SE", msg)
	} else {
		assert.InEpsilon(t, want.StdErr, got.StdErr, rel, "%s: SE", msg)
	}
	lo, hi := want.Lower, want.Upper
	if logit {
		lo, hi = want.LowerLogit, want.UpperLogit
	}
	// The limits are estimate ∓ z·SE: their error is the SE's scaled by z·SE/limit.
	assert.InDelta(t, lo, got.Lower, rel*math.Abs(got.Estimate)+1e-15, "%s: lower", msg)
	assert.InDelta(t, hi, got.Upper, rel*math.Abs(got.Estimate)+1e-15, "%s: upper", msg)
}

func TestScoreWithIntervalsCDNOW(t *testing.T) {
	e, bg, fit, gg, ggFit, opt := cdnowIntervalModels(t)
	require.InDelta(t, 1.6448536269514722, e.Z, 1e-15)
	cs := cdnowCSV(t)
	got, total, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, cs, opt, clv.IntervalOptions{})
	require.NoError(t, err)
	require.Len(t, got, len(cs))
	idx := map[string]int{}
	for i, c := range cs {
		idx[c.ID] = i
	}
	require.Len(t, e.Customers, 22)
	for _, want := range e.Customers {
		i := idx[strconv.Itoa(want.ID)]
		msg := "ID " + cs[i].ID
		assertInterval(t, want.PAlive, got[i].PAlive, true, 1e-6, msg+" P(alive)")
		assertInterval(t, want.PurchHoriz, got[i].Purchases, false, 1e-6, msg+" purchases")
		assertInterval(t, want.Value, got[i].Value, false, 1e-6, msg+" value")
	}
	assertInterval(t, e.Totals["value"], total, false, 1e-6, "total value")

	// Estimates are Score's.
	scores, err := clv.Score(bg, gg, cs, opt)
	require.NoError(t, err)
	for i, s := range scores {
		assert.InEpsilon(t, s.Value, got[i].Value.Estimate, 1e-12)
		assert.InEpsilon(t, s.PAlive, got[i].PAlive.Estimate, 1e-15)
	}
}

func TestPredictionIntervalsCDNOW(t *testing.T) {
	e, bg, fit, _, _, _ := cdnowIntervalModels(t)
	cs := cdnowCSV(t)
	idx := map[string]int{}
	for i, c := range cs {
		idx[c.ID] = i
	}
	for _, tc := range []struct {
		name  string
		pred  clv.Prediction
		logit bool
		ref   func(i int) intervalRef
	}{
		{"p_alive", clv.Prediction{Kind: clv.PAlivePrediction}, true, func(i int) intervalRef { return e.Customers[i].PAlive }},
		{"p_no_purchase_39w", clv.Prediction{Kind: clv.NoPurchasePrediction, Horizon: 39}, true, func(i int) intervalRef { return e.Customers[i].P0 }},
		{"purchases_39w", clv.Prediction{Kind: clv.PurchasesPrediction, Horizon: 39}, false, func(i int) intervalRef { return e.Customers[i].Purch39 }},
		{"purchases_horizon", clv.Prediction{Kind: clv.PurchasesPrediction, Horizon: 12 * 365.25 / 12 / 7}, false, func(i int) intervalRef { return e.Customers[i].PurchHoriz }},
	} {
		got, total, err := clv.PredictionIntervals(bg, fit, cs, tc.pred, clv.IntervalOptions{})
		require.NoError(t, err, tc.name)
		for k, c := range e.Customers {
			i := idx[strconv.Itoa(c.ID)]
			assertInterval(t, tc.ref(k), got[i], tc.logit, 1e-6, tc.name+" ID "+cs[i].ID)
		}
		assertInterval(t, e.Totals[tc.name], total, false, 1e-6, tc.name+" total")
	}
}

func TestIntervalsCDNOWEveryCustomer(t *testing.T) {
	// Every customer's SE against refdata intervals/cdnow_intervals.csv, to 1e-8
	// (measured: 1.4e-10 at worst).
	_, bg, fit, gg, ggFit, opt := cdnowIntervalModels(t)
	cs := cdnowCSV(t)
	recs := refdatatest.CSV(t, "intervals/cdnow_intervals.csv")
	col := map[string]int{}
	for j, name := range recs[0] {
		col[name] = j
	}
	require.Len(t, recs, len(cs)+1)
	scores, _, err := clv.ScoreWithIntervals(bg, fit, gg, ggFit, cs, opt, clv.IntervalOptions{})
	require.NoError(t, err)
	p0, _, err := clv.PredictionIntervals(bg, fit, cs, clv.Prediction{Kind: clv.NoPurchasePrediction, Horizon: 39}, clv.IntervalOptions{})
	require.NoError(t, err)
	for i, r := range recs[1:] {
		require.Equal(t, cs[i].ID, r[0])
		for _, q := range []struct {
			name string
			got  float64
		}{{"p_alive_se", scores[i].PAlive.StdErr}, {"purchases_horizon_se", scores[i].Purchases.StdErr},
			{"value_se", scores[i].Value.StdErr}, {"p_no_purchase_39w_se", p0[i].StdErr}} {
			want, err := strconv.ParseFloat(r[col[q.name]], 64)
			require.NoError(t, err)
			if want == 0 {
				assert.Equal(t, 0.0, q.got)
				continue
			}
			assert.InEpsilon(t, want, q.got, 1e-8, "%s ID %s", q.name, r[0])
		}
	}
}
