package clv_test

import (
	"bufio"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

// leaderboardModels are the three models of refdata leaderboard/expected.json
// (BG/NBD and Pareto/NBD at cdnow/'s fitted parameters, MBG/NBD fitted
// there), keyed by the column prefix of cdnow_holdout_scores.csv.
func leaderboardModels(t *testing.T) map[string]clv.PurchaseModel {
	var e struct {
		Models map[string]struct {
			Params map[string]float64 `json:"params"`
		} `json:"models"`
	}
	refdatatest.JSON(t, "leaderboard/expected.json", &e)
	bg, mbg, pn := e.Models["bgnbd"].Params, e.Models["mbgnbd"].Params, e.Models["pareto_nbd"].Params
	return map[string]clv.PurchaseModel{
		"bgnbd":      clv.BGNBD{R: bg["r"], Alpha: bg["alpha"], A: bg["a"], B: bg["b"]},
		"mbgnbd":     clv.MBGNBD{R: mbg["r"], Alpha: mbg["alpha"], A: mbg["a"], B: mbg["b"]},
		"pareto_nbd": clv.ParetoNBD{R: pn["r"], Alpha: pn["alpha"], S: pn["s"], Beta: pn["beta"]},
	}
}

func TestProbNoPurchaseLeaderboard(t *testing.T) {
	// P0 = L(x, t_x, T+39)/L(x, t_x, T) of every CDNOW customer for three
	// models: refdata leaderboard/cdnow_holdout_scores.csv (numpy/scipy,
	// leaderboard_ref.py), agreeing with REPORT §4.1.
	models := leaderboardModels(t)
	recs := refdatatest.CSV(t, "leaderboard/cdnow_holdout_scores.csv")
	col := map[string]int{}
	for j, name := range recs[0] {
		col[name] = j
	}
	require.Len(t, recs, 2358)
	for _, r := range recs[1:] {
		f := func(name string) float64 {
			v, err := strconv.ParseFloat(r[col[name]], 64)
			require.NoError(t, err)
			return v
		}
		c := clv.Customer{Frequency: f("x"), Recency: f("t_x"), T: f("T")}
		for name, m := range models {
			want := f(name + "_p_no_purchase_39w")
			assert.InEpsilon(t, want, m.ProbNoPurchase(c, 39), 1e-10, "%s, ID %s", name, r[0])
		}
	}
}

func TestProbNoPurchaseIsLikelihoodRatio(t *testing.T) {
	// The definition, from each model's own LogLikelihood.
	lr := func(m clv.PurchaseModel, c clv.Customer, t float64) float64 {
		later := c
		later.T += t
		return math.Exp(m.LogLikelihood(later) - m.LogLikelihood(c))
	}
	cs := []clv.Customer{{T: 38.86}, {Frequency: 2, Recency: 30.43, T: 38.86}, {Frequency: 26, Recency: 30.86, T: 31}, {Frequency: 200, Recency: 5, T: 60}}
	for _, m := range []clv.PurchaseModel{bgPub, clv.MBGNBD{R: 0.52484, Alpha: 6.18299, A: 0.89136, B: 1.614}, clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}} {
		for _, c := range cs {
			for _, h := range []float64{0.5, 39, 1000} {
				assert.InEpsilon(t, lr(m, c, h), m.ProbNoPurchase(c, h), 1e-11, "%T %+v t=%v", m, c, h)
			}
		}
	}
	bb := clv.BGBB{Alpha: 1.203507, Beta: 0.7497667, Gamma: 0.6567568, Delta: 2.783887}
	for _, c := range []clv.Customer{{T: 6}, {Frequency: 2, Recency: 4, T: 6}, {Frequency: 6, Recency: 6, T: 6}} {
		for _, h := range []float64{1, 5, 40} {
			assert.InEpsilon(t, lr(bb, c, h), bb.ProbNoPurchase(c, h), 1e-12, "%+v t=%v", c, h)
		}
	}
}

func TestProbNoPurchaseSpecialCases(t *testing.T) {
	bb := clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}
	c := clv.Customer{Frequency: 2, Recency: 4, T: 6}
	for _, m := range []clv.PurchaseModel{bgPub, clv.MBGNBD(bgPub), clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}, bb} {
		assert.Equal(t, 1.0, m.ProbNoPurchase(c, 0), "%T", m)
		for _, bad := range []float64{-1, math.NaN(), math.Inf(1)} {
			assert.True(t, math.IsNaN(m.ProbNoPurchase(c, bad)), "%T t=%v", m, bad)
		}
		assert.True(t, math.IsNaN(m.ProbNoPurchase(clv.Customer{Frequency: 1, T: 3}, 1)), "%T: t_x = 0 with x > 0", m)
		// Falls with t from 1 towards the probability of being dead.
		p0, p1 := m.ProbNoPurchase(c, 1), m.ProbNoPurchase(c, 30)
		assert.Greater(t, p0, p1, "%T", m)
		assert.Greater(t, p1, 1-m.PAlive(c)-1e-12, "%T", m)
	}
	// BG/NBD, x = 0: alive for sure, so P0 is the NBD's zero term.
	c0 := clv.Customer{T: 10}
	assert.InEpsilon(t, math.Pow((bgPub.Alpha+10)/(bgPub.Alpha+10+5), bgPub.R), bgPub.ProbNoPurchase(c0, 5), 1e-14)
	// BG/BB counts opportunities.
	assert.True(t, math.IsNaN(bb.ProbNoPurchase(c, 1.5)))
	// Heavy buyers who stopped long ago: P(alive) underflows, P0 = 1.
	assert.Equal(t, 1.0, bgPub.ProbNoPurchase(clv.Customer{Frequency: 1000, Recency: 10, T: 100}, 52))
}

// predictiveRef is one row of testdata/predictive_ref.csv.
type predictiveRef struct {
	model    string
	p        [4]float64
	x, tx, T float64
	t        float64
	n        int
	pmf      float64
}

func readPredictiveRef(t *testing.T) []predictiveRef {
	f, err := os.Open("testdata/predictive_ref.csv")
	require.NoError(t, err)
	defer f.Close()
	br := bufio.NewReader(f)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(line, "#"))
	recs, err := csv.NewReader(br).ReadAll()
	require.NoError(t, err)
	var out []predictiveRef
	for _, r := range recs[1:] {
		v := make([]float64, len(r))
		for j := 1; j < len(r); j++ {
			v[j], err = strconv.ParseFloat(r[j], 64)
			require.NoError(t, err)
		}
		out = append(out, predictiveRef{r[0], [4]float64{v[1], v[2], v[3], v[4]}, v[5], v[6], v[7], v[8], int(v[9]), v[10]})
	}
	return out
}

func TestConditionalProbPurchasesReference(t *testing.T) {
	// testdata/predictive_ref.csv: P(Y(t) = n | x, t_x, T) from the model
	// definitions, integrated over the mixing distributions by mpmath at
	// 30 digits (predictive_ref.py), not from the closed forms used here.
	rows := readPredictiveRef(t)
	require.Len(t, rows, 84)
	for _, r := range rows {
		c := clv.Customer{Frequency: r.x, Recency: r.tx, T: r.T}
		p := r.p
		var got float64
		switch r.model {
		case "bgnbd":
			got = clv.BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}.ConditionalProbPurchases(c, r.n, r.t)
		case "mbgnbd":
			got = clv.MBGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}.ConditionalProbPurchases(c, r.n, r.t)
		case "paretonbd":
			got = clv.ParetoNBD{R: p[0], Alpha: p[1], S: p[2], Beta: p[3]}.ConditionalProbPurchases(c, r.n, r.t)
		case "bgbb":
			got = clv.BGBB{Alpha: p[0], Beta: p[1], Gamma: p[2], Delta: p[3]}.ConditionalProbPurchases(c, r.n, r.t)
		}
		assert.InEpsilon(t, r.pmf, got, 1e-12, "%+v", r)
	}
}

// conditionalPMF is the method every model of this package has.
type conditionalPMF interface {
	clv.PurchaseModel
	ConditionalProbPurchases(c clv.Customer, n int, t float64) float64
}

func TestConditionalProbPurchasesMoments(t *testing.T) {
	// Σ_n P(Y(t) = n) = 1, Σ_n n·P = E[Y(t)], P(Y(t) = 0) = P0, over
	// light, medium and heavy buyers.
	bb := clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}
	cases := []struct {
		m  conditionalPMF
		cs []clv.Customer
		t  float64
		n  int
	}{
		{bgPub, []clv.Customer{{T: 38.86}, {Frequency: 2, Recency: 30.43, T: 38.86}, {Frequency: 26, Recency: 30.86, T: 31}}, 39, 400},
		{clv.MBGNBD{R: 0.52484, Alpha: 6.18299, A: 0.89136, B: 1.614}, []clv.Customer{{T: 38.86}, {Frequency: 7, Recency: 29.43, T: 38.86}}, 52, 400},
		{clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}, []clv.Customer{{T: 38.86}, {Frequency: 2, Recency: 30.43, T: 38.86}, {Frequency: 26, Recency: 30.86, T: 31}, {Frequency: 150, Recency: 90, T: 95}}, 39, 600},
		{bb, []clv.Customer{{T: 6}, {Frequency: 4, Recency: 5, T: 6}}, 10, 10},
	}
	for _, tc := range cases {
		for _, c := range tc.cs {
			var sum, mean float64
			for n := 0; n <= tc.n; n++ {
				p := tc.m.ConditionalProbPurchases(c, n, tc.t)
				require.False(t, math.IsNaN(p) || p < 0, "%T %+v n=%d: %v", tc.m, c, n, p)
				sum += p
				mean += float64(n) * p
			}
			assert.InDelta(t, 1, sum, 1e-10, "%T %+v", tc.m, c)
			assert.InEpsilon(t, tc.m.ConditionalExpectedPurchases(c, tc.t), mean, 1e-9, "%T %+v", tc.m, c)
			assert.Equal(t, tc.m.ProbNoPurchase(c, tc.t), tc.m.ConditionalProbPurchases(c, 0, tc.t))
		}
		c := tc.cs[0]
		assert.Equal(t, 0.0, tc.m.ConditionalProbPurchases(c, 1, 0), "%T", tc.m)
		assert.Equal(t, 1.0, tc.m.ConditionalProbPurchases(c, 0, 0), "%T", tc.m)
		assert.True(t, math.IsNaN(tc.m.ConditionalProbPurchases(c, 1, math.NaN())), "%T", tc.m)
	}
	assert.True(t, math.IsNaN(bgPub.ConditionalProbPurchases(clv.Customer{T: 1}, -1, 1)))
	assert.Equal(t, 0.0, bb.ConditionalProbPurchases(clv.Customer{T: 6}, 4, 3))
}

func TestConditionalExpectedPurchasesBetween(t *testing.T) {
	// Additive over (T, T+13] and (T+13, T+39], equal to E[Y(39)] of the
	// refdata leaderboard scores, for every model and a few CDNOW rows.
	models := leaderboardModels(t)
	recs := refdatatest.CSV(t, "leaderboard/cdnow_holdout_scores.csv")
	col := map[string]int{}
	for j, name := range recs[0] {
		col[name] = j
	}
	for _, r := range recs[1:40] {
		f := func(name string) float64 {
			v, err := strconv.ParseFloat(r[col[name]], 64)
			require.NoError(t, err)
			return v
		}
		c := clv.Customer{Frequency: f("x"), Recency: f("t_x"), T: f("T")}
		for name, m := range models {
			first := clv.ConditionalExpectedPurchasesBetween(m, c, 0, 13)
			rest := clv.ConditionalExpectedPurchasesBetween(m, c, 13, 39)
			assert.Greater(t, rest, 0.0)
			assert.InEpsilon(t, f(name+"_expected_39w"), first+rest, 1e-10, "%s, ID %s", name, r[0])
		}
	}
	bb := clv.BGBB{Alpha: 1.203507, Beta: 0.7497667, Gamma: 0.6567568, Delta: 2.783887}
	c := clv.Customer{Frequency: 3, Recency: 5, T: 6}
	assert.InDelta(t, bb.ConditionalExpectedPurchases(c, 5), clv.ConditionalExpectedPurchasesBetween(bb, c, 0, 2)+clv.ConditionalExpectedPurchasesBetween(bb, c, 2, 5), 1e-14)
	for _, tt := range [][2]float64{{-1, 2}, {3, 2}, {math.NaN(), 1}, {0, math.NaN()}} {
		assert.True(t, math.IsNaN(clv.ConditionalExpectedPurchasesBetween(bgPub, c, tt[0], tt[1])), "%v", tt)
	}
	assert.Equal(t, 0.0, clv.ConditionalExpectedPurchasesBetween(bgPub, c, 4, 4))
	assert.True(t, math.IsNaN(clv.ConditionalExpectedPurchasesBetween(bgPub, clv.Customer{Frequency: 2, Recency: 9, T: 5}, 4, 4)))
}
