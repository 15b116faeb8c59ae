package churn_test

import (
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/churn"
	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

// leaderboardRef is refdata leaderboard/expected.json: the CDNOW 39-week
// holdout scored by numpy/scipy (leaderboard_ref.py) for three models.
type leaderboardRef struct {
	Holdout struct {
		NCustomers int     `json:"n_customers"`
		Without    int     `json:"customers_without_holdout_purchase"`
		Share      float64 `json:"share_without"`
	} `json:"holdout"`
	Models map[string]struct {
		Params      map[string]float64 `json:"params"`
		SumExpected float64            `json:"sum_expected_39w"`
		MAE         float64            `json:"mae"`
		RMSE        float64            `json:"rmse"`
		Pearson     float64            `json:"pearson_r"`
		MeanP0      float64            `json:"mean_p_no_purchase_39w"`
		AUCP0       float64            `json:"auc_p_no_purchase"`
		BrierP0     float64            `json:"brier_p_no_purchase"`
		LogLossP0   float64            `json:"logloss_p_no_purchase"`
		AUCAlive    float64            `json:"auc_p_alive"`
		AUCExpected float64            `json:"auc_cet39"`
		ByX         map[string]struct {
			N                 float64 `json:"n"`
			Actual, Predicted float64
		} `json:"mean_holdout_by_x"`
	} `json:"models"`
}

// cdnowHoldout reads the calibration summary and holdout count of every
// CDNOW customer from refdata leaderboard/cdnow_holdout_scores.csv.
func cdnowHoldout(t *testing.T) []clv.HoldoutCustomer {
	recs := refdatatest.CSV(t, "leaderboard/cdnow_holdout_scores.csv")
	col := map[string]int{}
	for j, name := range recs[0] {
		col[name] = j
	}
	cs := make([]clv.HoldoutCustomer, 0, len(recs)-1)
	for _, r := range recs[1:] {
		f := func(name string) float64 {
			v, err := strconv.ParseFloat(r[col[name]], 64)
			require.NoError(t, err)
			return v
		}
		cs = append(cs, clv.HoldoutCustomer{
			Customer:         clv.Customer{ID: r[col["ID"]], Frequency: f("x"), Recency: f("t_x"), T: f("T")},
			HoldoutPurchases: f("holdout_purchases"),
			HoldoutT:         39,
		})
	}
	return cs
}

func TestLeaderboardCDNOW(t *testing.T) {
	var ref leaderboardRef
	refdatatest.JSON(t, "leaderboard/expected.json", &ref)
	cs := cdnowHoldout(t)
	require.Len(t, cs, ref.Holdout.NCustomers)
	bg, mbg, pn := ref.Models["bgnbd"].Params, ref.Models["mbgnbd"].Params, ref.Models["pareto_nbd"].Params
	names := []string{"bgnbd", "mbgnbd", "pareto_nbd"}
	contenders := []churn.Contender{
		{Name: names[0], Model: clv.BGNBD{R: bg["r"], Alpha: bg["alpha"], A: bg["a"], B: bg["b"]}},
		{Name: names[1], Model: clv.MBGNBD{R: mbg["r"], Alpha: mbg["alpha"], A: mbg["a"], B: mbg["b"]}},
		{Name: names[2], Model: clv.ParetoNBD{R: pn["r"], Alpha: pn["alpha"], S: pn["s"], Beta: pn["beta"]}},
	}
	tab, err := churn.Leaderboard(cs, contenders, nil)
	require.NoError(t, err)
	assert.Equal(t, float64(ref.Holdout.NCustomers), tab.Customers)
	assert.InDelta(t, ref.Holdout.Share, tab.ShareWithout, 1e-15)
	require.Len(t, tab.Rows, 3)
	const rel = 1e-9
	for k, row := range tab.Rows {
		want := ref.Models[names[k]]
		assert.Equal(t, names[k], row.Name)
		ev := row.Purchases
		require.NotNil(t, ev)
		assert.InEpsilon(t, want.SumExpected, ev.Predicted, rel, row.Name)
		assert.InEpsilon(t, want.MAE, ev.MAE, rel, row.Name)
		assert.InEpsilon(t, want.RMSE, ev.RMSE, rel, row.Name)
		assert.InEpsilon(t, want.Pearson, ev.Correlation, rel, row.Name)
		assert.InEpsilon(t, want.MeanP0, row.MeanNoPurchase, rel, row.Name)
		assert.InEpsilon(t, want.AUCP0, row.AUC, rel, row.Name)
		assert.InEpsilon(t, want.BrierP0, row.Brier, rel, row.Name)
		assert.InEpsilon(t, want.LogLossP0, row.LogLoss, rel, row.Name)
		assert.InEpsilon(t, want.AUCAlive, row.AUCAlive, rel, row.Name)
		assert.InEpsilon(t, want.AUCExpected, row.AUCExpected, rel, row.Name)
		require.Len(t, ev.Groups, 8)
		for _, g := range ev.Groups {
			key := strconv.Itoa(g.Frequency)
			if g.Frequency == 7 {
				key = "7+"
			}
			w := want.ByX[key]
			assert.Equal(t, w.N, g.Customers, "%s x=%s", row.Name, key)
			assert.InEpsilon(t, w.Actual, g.Actual, rel, "%s x=%s", row.Name, key)
			assert.InEpsilon(t, w.Predicted, g.Predicted, rel, "%s x=%s", row.Name, key)
		}
		// The calibration bins hold every customer once, and their
		// weighted means average back to the overall ones.
		var n, y, p float64
		for _, b := range row.Calibration {
			n += b.Weight
			y += b.Weight * b.FractionPositive
			p += b.Weight * b.MeanPredicted
		}
		assert.Equal(t, tab.Customers, n)
		assert.InEpsilon(t, tab.ShareWithout, y/n, 1e-12)
		assert.InEpsilon(t, row.MeanNoPurchase, p/n, 1e-12)
	}
	// The paper's point, on this table: P(alive) of a BG/NBD ranks holdout
	// buyers worse than chance; P(no purchase) does not.
	assert.Less(t, tab.Rows[0].AUCAlive, 0.5)
	assert.Greater(t, tab.Rows[0].AUC, 0.75)
}

func TestLeaderboardPrecomputedScores(t *testing.T) {
	// A model and the same model's scores passed as slices give the same
	// row, except for P(alive), which only a model has; weighted rows equal
	// repeated ones.
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	cs := []clv.HoldoutCustomer{
		{Customer: clv.Customer{Frequency: 0, T: 38}, HoldoutT: 39},
		{Customer: clv.Customer{Frequency: 2, Recency: 30, T: 38}, HoldoutPurchases: 1, HoldoutT: 39},
		{Customer: clv.Customer{Frequency: 5, Recency: 10, T: 38, Weight: 2}, HoldoutT: 39},
		{Customer: clv.Customer{Frequency: 9, Recency: 37, T: 38}, HoldoutPurchases: 4, HoldoutT: 39},
	}
	p0, ey := make([]float64, len(cs)), make([]float64, len(cs))
	for i, h := range cs {
		p0[i], ey[i] = m.ProbNoPurchase(h.Customer, 39), m.ConditionalExpectedPurchases(h.Customer, 39)
	}
	tab, err := churn.Leaderboard(cs, []churn.Contender{{Name: "model", Model: m}, {Name: "scores", NoPurchase: p0, Expected: ey}, {Name: "churn only", NoPurchase: p0}}, &churn.LeaderboardOptions{MaxFrequency: 3, CalibrationBins: 4})
	require.NoError(t, err)
	byModel, byScores, churnOnly := tab.Rows[0], tab.Rows[1], tab.Rows[2]
	assert.False(t, math.IsNaN(byModel.AUCAlive))
	assert.True(t, math.IsNaN(byScores.AUCAlive))
	byScores.AUCAlive, byScores.Name = byModel.AUCAlive, byModel.Name
	assert.Equal(t, byModel, byScores)
	assert.Nil(t, churnOnly.Purchases)
	assert.True(t, math.IsNaN(churnOnly.AUCExpected))
	assert.Equal(t, byModel.AUC, churnOnly.AUC)

	expanded := append(append([]clv.HoldoutCustomer{}, cs...), cs[2])
	expanded[2].Weight, expanded[4].Weight = 1, 0 // 0 means 1
	tab2, err := churn.Leaderboard(expanded, []churn.Contender{{Name: "model", Model: m}}, &churn.LeaderboardOptions{MaxFrequency: 3, CalibrationBins: 4})
	require.NoError(t, err)
	a, b := tab.Rows[0], tab2.Rows[0]
	assert.InEpsilon(t, a.Brier, b.Brier, 1e-14)
	assert.InEpsilon(t, a.LogLoss, b.LogLoss, 1e-14)
	assert.InEpsilon(t, a.AUC, b.AUC, 1e-14)
	assert.InEpsilon(t, a.Purchases.MAE, b.Purchases.MAE, 1e-14)
	assert.Equal(t, tab.Customers, tab2.Customers)
	// Hand-checkable AUC: the churners (rows 0 and 2, weight 1 + 2) against
	// the buyers (1 and 3), pair by pair in P(no purchase).
	var num, den float64
	for _, c := range []int{0, 2} {
		for _, b := range []int{1, 3} {
			w := 1.0
			if c == 2 {
				w = 2
			}
			den += w
			switch {
			case p0[c] > p0[b]:
				num += w
			case p0[c] == p0[b]:
				num += w / 2
			}
		}
	}
	assert.InEpsilon(t, num/den, a.AUC, 1e-15)
}

func TestLeaderboardErrors(t *testing.T) {
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	cs := []clv.HoldoutCustomer{
		{Customer: clv.Customer{T: 38}, HoldoutT: 39},
		{Customer: clv.Customer{Frequency: 2, Recency: 30, T: 38}, HoldoutPurchases: 1, HoldoutT: 39},
	}
	bad := func(mod func([]clv.HoldoutCustomer) []clv.HoldoutCustomer) []clv.HoldoutCustomer {
		return mod(append([]clv.HoldoutCustomer{}, cs...))
	}
	for _, tc := range []struct {
		name   string
		cs     []clv.HoldoutCustomer
		cont   []churn.Contender
		opt    *churn.LeaderboardOptions
		row    int
		field  string
		target error
	}{
		{"no customers", nil, []churn.Contender{{Model: m}}, nil, -1, "", clv.ErrEmpty},
		{"no contenders", cs, nil, nil, -1, "contenders", clv.ErrEmpty},
		{"negative bins", cs, []churn.Contender{{Model: m}}, &churn.LeaderboardOptions{CalibrationBins: -1}, -1, "CalibrationBins", clv.ErrInvalid},
		{"negative frequency", cs, []churn.Contender{{Model: m}}, &churn.LeaderboardOptions{MaxFrequency: -2}, -1, "MaxFrequency", clv.ErrInvalid},
		{"bad recency", bad(func(c []clv.HoldoutCustomer) []clv.HoldoutCustomer { c[1].Recency = 40; return c }), []churn.Contender{{Model: m}}, nil, 1, "Recency", clv.ErrInvalid},
		{"bad holdout count", bad(func(c []clv.HoldoutCustomer) []clv.HoldoutCustomer { c[0].HoldoutPurchases = math.NaN(); return c }), []churn.Contender{{Model: m}}, nil, 0, "HoldoutPurchases", clv.ErrInvalid},
		{"one class", bad(func(c []clv.HoldoutCustomer) []clv.HoldoutCustomer { c[0].HoldoutPurchases = 2; return c }), []churn.Contender{{Model: m}}, nil, -1, "HoldoutPurchases", clv.ErrInvalid},
		{"both", cs, []churn.Contender{{Model: m}, {Model: m, NoPurchase: []float64{0.5, 0.5}}}, nil, 1, "Contender.Model", clv.ErrInvalid},
		{"neither", cs, []churn.Contender{{Name: "x"}}, nil, 0, "Contender.NoPurchase", clv.ErrInvalid},
		{"short scores", cs, []churn.Contender{{NoPurchase: []float64{0.5}}}, nil, 0, "Contender.NoPurchase", clv.ErrInvalid},
		{"short counts", cs, []churn.Contender{{NoPurchase: []float64{0.5, 0.5}, Expected: []float64{1}}}, nil, 0, "Contender.Expected", clv.ErrInvalid},
		{"score above 1", cs, []churn.Contender{{NoPurchase: []float64{0.5, 1.5}}}, nil, 1, "Contender.NoPurchase", clv.ErrInvalid},
		{"NaN count", cs, []churn.Contender{{NoPurchase: []float64{0.5, 0.5}, Expected: []float64{math.NaN(), 1}}}, nil, 0, "Contender.Expected", clv.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := churn.Leaderboard(tc.cs, tc.cont, tc.opt)
			require.Error(t, err)
			var de *clv.DataError
			require.True(t, errors.As(err, &de), "%v", err)
			assert.Equal(t, "churn.Leaderboard", de.Func)
			assert.Equal(t, tc.row, de.Row, "%v", err)
			assert.Equal(t, tc.field, de.Field, "%v", err)
			assert.ErrorIs(t, err, tc.target)
		})
	}
}
