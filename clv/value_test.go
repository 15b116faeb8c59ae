package clv_test

import (
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

const week = 7 * 24 * time.Hour

// weeks returns a Duration of w weeks, exact to the second for the
// factors used here (4.345 weeks = 2,627,856 s).
func weeks(w float64) time.Duration { return time.Duration(w * float64(week)) }

func TestValueCDNOW(t *testing.T) {
	cs := cdnowCSV(t)
	e := loadCDNOWExpected(t)
	ids := byID(cs)
	bg := clv.BGNBD{R: e.BGNBD.Params["r"], Alpha: e.BGNBD.Params["alpha"], A: e.BGNBD.Params["a"], B: e.BGNBD.Params["b"]}
	gg := clv.GammaGamma{P: e.GammaGamma.Params["p"], Q: e.GammaGamma.Params["q"], Gamma: e.GammaGamma.Params["v"]}
	opt := clv.ValueOptions{Period: week, CashFlow: weeks(4.345), Horizon: 12, Discount: 0.01, Margin: 1}

	// expected.json: 12 "months" of 4.345 weeks at 1% a month, for the 22
	// customers, within 1e-6 relative (issue 2), and the population total.
	var sub []clv.Customer
	for _, row := range e.Fitted {
		sub = append(sub, ids[strconv.Itoa(int(row["id"]))])
	}
	got, err := clv.Value(bg, gg, sub, opt)
	require.NoError(t, err)
	require.Len(t, got, len(e.Fitted))
	for i, row := range e.Fitted {
		assert.Less(t, relErr(got[i], row["clv_12m_d1pct_weeks_factor4.345"]), 1e-6, "id %v", row["id"])
	}
	all, err := clv.Value(bg, gg, cs, opt)
	require.NoError(t, err)
	var total float64
	for _, v := range all {
		total += v
	}
	assert.Less(t, relErr(total, e.Totals["sum_clv_12m_d1pct_weeks_factor4.345"]), 1e-8)

	// The lifetimes Quickstart numbers (expected.json "…factor30") come out
	// only if a "month" is 30 weeks: a unit mistake this API cannot make by
	// accident, since the cash-flow period is a Duration.
	opt30 := opt
	opt30.CashFlow = 30 * week
	bug, err := clv.Value(bg, gg, sub, opt30)
	require.NoError(t, err)
	for i, row := range e.Fitted {
		assert.Less(t, relErr(bug[i], row["clv_12m_d1pct_lifetimes_default_factor30"]), 1e-6)
	}

	// MODELS.md §8: with calendar months (365.25/12 days = 4.3482143 weeks)
	// at LTf / GG MLE, ids 1..10 to 4 dp.
	ltf := clv.BGNBD{R: 0.242593, Alpha: 4.413532, A: 0.792886, B: 2.425752}
	ggMLE := clv.GammaGamma{P: 6.248804, Q: 3.744589, Gamma: 15.44774}
	month := opt
	month.CashFlow = clv.Month
	v, err := clv.Value(ltf, ggMLE, cs[:10], month)
	require.NoError(t, err)
	wantMonth := []float64{36.3005, 4.6404, 8.3495, 8.3495, 8.3495, 283.6879, 6.8857, 8.3495, 43.3800, 8.3495}
	require.Len(t, v, 10)
	assert.InDeltaSlice(t, wantMonth, v, 5.1e-5)
	// … and at the published parameters (MODELS.md §8 second table).
	for _, tc := range []struct {
		id   string
		want float64
	}{{"1", 36.311257}, {"2", 4.6401851}, {"3", 8.3744591}, {"6", 283.69713}, {"1516", 972.63013}} {
		v, err := clv.Value(bgPub, ggPub, []clv.Customer{ids[tc.id]}, month)
		require.NoError(t, err)
		assert.Less(t, relErr(v[0], tc.want), 2e-7, "id %s", tc.id)
	}
}

func TestValueUnitInvariance(t *testing.T) {
	// The same customers in days with α×7 give the same value (MODELS.md §9).
	cs := cdnowCSV(t)[:50]
	days := make([]clv.Customer, len(cs))
	for i, c := range cs {
		c.Recency *= 7
		c.T *= 7
		days[i] = c
	}
	bgDays := bgPub
	bgDays.Alpha *= 7
	opt := clv.ValueOptions{Period: week, Horizon: 24, Discount: clv.RatePer(0.12, clv.Month), Margin: 0.3}
	w, err := clv.Value(bgPub, ggPub, cs, opt)
	require.NoError(t, err)
	opt.Period = 24 * time.Hour
	d, err := clv.Value(bgDays, ggPub, days, opt)
	require.NoError(t, err)
	require.Len(t, d, len(w))
	for i := range w {
		assert.Less(t, relErr(d[i], w[i]), 1e-12)
	}
}

func TestRatePer(t *testing.T) {
	// (1 + 0.12682503)^(1/12) − 1 = 0.01 (hand: 1.01^12 = 1.12682503).
	assert.InDelta(t, 0.01, clv.RatePer(math.Pow(1.01, 12)-1, clv.Month), 1e-15)
	assert.InDelta(t, 0.1, clv.RatePer(0.1, clv.Year), 1e-15)
	assert.Equal(t, 30.4375*24*float64(time.Hour), float64(clv.Month))
}

func TestValueBadInput(t *testing.T) {
	good := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 1}
	c := []clv.Customer{{Frequency: 1, Recency: 1, T: 2, Monetary: 10}}
	for _, tc := range []struct {
		name  string
		mod   func(*clv.ValueOptions)
		cs    []clv.Customer
		field string
		err   error
	}{
		{"no period", func(o *clv.ValueOptions) { o.Period = 0 }, c, "ValueOptions.Period", clv.ErrInvalid},
		{"no horizon", func(o *clv.ValueOptions) { o.Horizon = 0 }, c, "ValueOptions.Horizon", clv.ErrInvalid},
		{"no margin", func(o *clv.ValueOptions) { o.Margin = 0 }, c, "ValueOptions.Margin", clv.ErrInvalid},
		{"NaN discount", func(o *clv.ValueOptions) { o.Discount = math.NaN() }, c, "ValueOptions.Discount", clv.ErrInvalid},
		{"bad customer", func(*clv.ValueOptions) {}, []clv.Customer{{Frequency: 1, Recency: 3, T: 2, Monetary: 1}}, "Recency", clv.ErrInvalid},
		{"no customers", func(*clv.ValueOptions) {}, nil, "", clv.ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.mod(&o)
			_, err := clv.Value(bgPub, ggPub, tc.cs, o)
			require.ErrorIs(t, err, tc.err)
			var de *clv.DataError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, tc.field, de.Field)
		})
	}
	// q ≤ 1: a customer without repeat purchases has no finite value.
	_, err := clv.Value(bgPub, clv.GammaGamma{P: 1, Q: 0.8, Gamma: 1}, []clv.Customer{{T: 3}}, good)
	assert.ErrorIs(t, err, clv.ErrUndefined)
}

func TestScoreMatchesPerCustomerMethods(t *testing.T) {
	cs := cdnowCSV(t)[:200]
	opt := clv.ValueOptions{Period: week, Horizon: 6, Discount: 0.01, Margin: 0.5}
	scores, err := clv.Score(bgPub, ggPub, cs, opt)
	require.NoError(t, err)
	values, err := clv.Value(bgPub, ggPub, cs, opt)
	require.NoError(t, err)
	require.Len(t, scores, len(cs))
	f := float64(clv.Month) / float64(week)
	for i, c := range cs {
		require.NotEmpty(t, c.ID)
		assert.Equal(t, c.ID, scores[i].ID)
		assert.Equal(t, bgPub.PAlive(c), scores[i].PAlive)
		assert.Equal(t, bgPub.ConditionalExpectedPurchases(c, 6*f), scores[i].Purchases)
		assert.Equal(t, ggPub.ConditionalExpectedSpend(c), scores[i].Spend)
		assert.Equal(t, values[i], scores[i].Value)
		// Undiscounted, the value would be margin·spend·purchases.
		assert.Less(t, scores[i].Value, 0.5*scores[i].Spend*scores[i].Purchases+1e-12)
	}
}
