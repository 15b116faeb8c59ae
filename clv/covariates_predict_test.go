package clv_test

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// covSmallModels returns covSmall's customers with repeat spend, their
// covariates, a BG/NBD with covariates and every customer's own model.
func covSmallModels(t *testing.T) ([]clv.Customer, clv.Covariates, clv.BGNBDCov, []clv.BGNBD) {
	cs, cov := covSmall()
	for i := range cs {
		cs[i].Monetary = 10 + float64(i%7)
		if cs[i].Frequency == 0 {
			cs[i].Monetary = 0
		}
	}
	m := clv.BGNBDCov{BGNBD: bgPub, Purchase: []float64{0.4, -0.2, 0.1}, Dropout: []float64{0.3, -0.5}}
	models, err := m.Models(cov)
	require.NoError(t, err)
	return cs, cov, m, models
}

func TestScoreEachMatchesScorePerCustomer(t *testing.T) {
	// Scoring with one model per customer equals scoring each customer on
	// its own with Score, and sharing models shares the work without
	// changing a result.
	cs, cov, m, models := covSmallModels(t)
	require.Len(t, models, len(cs))
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	got, err := clv.ScoreEach(models, ggPub, cs, opt)
	require.NoError(t, err)
	vals, err := clv.ValueEach(models, ggPub, cs, opt)
	require.NoError(t, err)
	for i, c := range cs {
		require.Equal(t, m.For(cov.Purchase[i], cov.Dropout[i]), models[i])
		want, err := clv.Score(models[i], ggPub, []clv.Customer{c}, opt)
		require.NoError(t, err)
		assert.Equal(t, want[0], got[i], "customer %d", i)
		assert.Equal(t, want[0].Value, vals[i])
	}
	// One model for all is Score.
	same := make([]clv.BGNBD, len(cs))
	for i := range same {
		same[i] = bgPub
	}
	want, err := clv.Score(bgPub, ggPub, cs, opt)
	require.NoError(t, err)
	got, err = clv.ScoreEach(same, ggPub, cs, opt)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestScoreEachWithSpendMatchesScorePerCustomer(t *testing.T) {
	// One purchase and one spend model per customer: customer i's row is
	// Score with models[i] and spends[i]; one spend model for everyone is
	// ScoreEach.
	cs, cov, _, models := covSmallModels(t)
	g := clv.GammaGammaCov{GammaGamma: ggPub, Spend: []float64{0.3, -0.6}}
	spends, err := g.Models(clv.SpendCovariates{Spend: cov.Dropout})
	require.NoError(t, err)
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	got, err := clv.ScoreEachWithSpend(models, spends, cs, opt)
	require.NoError(t, err)
	for i, c := range cs {
		want, err := clv.Score(models[i], spends[i], []clv.Customer{c}, opt)
		require.NoError(t, err)
		assert.Equal(t, want[0], got[i], "customer %d", i)
	}
	same := make([]clv.GammaGamma, len(cs))
	for i := range same {
		same[i] = ggPub
	}
	want, err := clv.ScoreEach(models, ggPub, cs, opt)
	require.NoError(t, err)
	got, err = clv.ScoreEachWithSpend(models, same, cs, opt)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	_, err = clv.ScoreEachWithSpend(models, same[1:], cs, opt)
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "spends", de.Field)
	assert.Equal(t, "clv.ScoreEachWithSpend", de.Func)
}

func TestForZeroCovariatesIsTheBaseModel(t *testing.T) {
	p := clv.ParetoNBDCov{ParetoNBD: pnbdPub, Purchase: []float64{0.7, -0.1}, Dropout: []float64{-0.4}}
	assert.Equal(t, pnbdPub, p.For([]float64{0, 0}, []float64{0}))
	b := clv.MBGNBDCov{MBGNBD: clv.MBGNBD(bgPub), Purchase: []float64{0.7}}
	assert.Equal(t, clv.MBGNBD(bgPub), b.For([]float64{0}, nil))
	// A purchase covariate of +1 with γ_p = 0.7 divides α by e^0.7, so the
	// mean purchase rate r/α_i rises by that factor; a dropout covariate
	// moves β (and for BG/NBD a and b together) the same way.
	q := p.For([]float64{1, 0}, []float64{1})
	assert.InDelta(t, pnbdPub.Alpha/math.Exp(0.7), q.Alpha, 1e-12*q.Alpha)
	assert.InDelta(t, pnbdPub.Beta*math.Exp(0.4), q.Beta, 1e-12*q.Beta)
	g := clv.BGNBDCov{BGNBD: bgPub, Dropout: []float64{0.5}}.For(nil, []float64{2})
	assert.InDelta(t, bgPub.A/(bgPub.A+bgPub.B), g.A/(g.A+g.B), 1e-15, "the mean dropout probability stays")
	assert.InDelta(t, bgPub.A*math.E, g.A, 1e-12)
}

// covRecoveryTruth are the simulation truths of the recovery test: the
// refdata oracle's (covariates/README), with purchase covariates (channel,
// age band) and dropout covariates (channel, premium).
var covRecoveryTruth = []struct {
	name     string
	base     []float64
	purchase []float64
	dropout  []float64
	// simulate draws n customers of the model with these covariates.
	simulate func(base, gp, gd, zp, zd []float64, n int, seed uint64) []clv.Customer
	fit      func(cs []clv.Customer, cov clv.Covariates) ([]float64, clv.Fit, error)
}{
	{"ParetoNBD", []float64{0.8, 8, 0.6, 30}, []float64{0.5, 0.3}, []float64{0.3, -0.7},
		func(base, gp, gd, zp, zd []float64, n int, seed uint64) []clv.Customer {
			m := clv.ParetoNBDCov{ParetoNBD: clv.ParetoNBD{R: base[0], Alpha: base[1], S: base[2], Beta: base[3]}, Purchase: gp, Dropout: gd}
			return must(clv.SimulateParetoNBDCustomers(m.For(zp, zd), clv.CustomerSimulationOptions{Customers: n, Period: week, Seed: seed, Continuous: true}))
		},
		func(cs []clv.Customer, cov clv.Covariates) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitParetoNBDCov(cs, cov, nil)
			return append([]float64{m.R, m.Alpha, m.S, m.Beta}, append(m.Purchase, m.Dropout...)...), f, err
		}},
	{"BGNBD", []float64{0.8, 8, 0.6, 2.5}, []float64{0.5, 0.3}, []float64{0.8, -0.9},
		func(base, gp, gd, zp, zd []float64, n int, seed uint64) []clv.Customer {
			m := clv.BGNBDCov{BGNBD: clv.BGNBD{R: base[0], Alpha: base[1], A: base[2], B: base[3]}, Purchase: gp, Dropout: gd}
			return must(clv.SimulateBGNBDCustomers(m.For(zp, zd), clv.CustomerSimulationOptions{Customers: n, Period: week, Seed: seed, Continuous: true}))
		},
		func(cs []clv.Customer, cov clv.Covariates) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitBGNBDCov(cs, cov, nil)
			return append([]float64{m.R, m.Alpha, m.A, m.B}, append(m.Purchase, m.Dropout...)...), f, err
		}},
	{"MBGNBD", []float64{0.8, 8, 0.6, 2.5}, []float64{0.5, 0.3}, []float64{0.8, -0.9},
		func(base, gp, gd, zp, zd []float64, n int, seed uint64) []clv.Customer {
			m := clv.MBGNBDCov{MBGNBD: clv.MBGNBD{R: base[0], Alpha: base[1], A: base[2], B: base[3]}, Purchase: gp, Dropout: gd}
			return must(clv.SimulateMBGNBDCustomers(m.For(zp, zd), clv.CustomerSimulationOptions{Customers: n, Period: week, Seed: seed, Continuous: true}))
		},
		func(cs []clv.Customer, cov clv.Covariates) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitMBGNBDCov(cs, cov, nil)
			return append([]float64{m.R, m.Alpha, m.A, m.B}, append(m.Purchase, m.Dropout...)...), f, err
		}},
}

// TestCovariateParameterRecovery fits seeded simulations with covariates
// (each of 12 covariate patterns simulated with its own For model, exact
// continuous-time data) and requires ≥ 99% of the parameters within 3
// standard errors of the truth. LTV_COV_SEEDS sets the number of seeds
// per model (default 2).
func TestCovariateParameterRecovery(t *testing.T) {
	seeds := 2
	if s, err := strconv.Atoi(os.Getenv("LTV_COV_SEEDS")); err == nil && s > 0 {
		seeds = s
	}
	const perPattern = 500
	var within, total int
	for _, tc := range covRecoveryTruth {
		for seed := range uint64(seeds) {
			var cs []clv.Customer
			var cov clv.Covariates
			pattern := uint64(0)
			for _, channel := range []float64{0, 1} {
				for _, age := range []float64{-1, 0, 1} {
					for _, premium := range []float64{0, 1} {
						zp, zd := []float64{channel, age}, []float64{channel, premium}
						for _, c := range tc.simulate(tc.base, tc.purchase, tc.dropout, zp, zd, perPattern, 1000*seed+pattern) {
							cs = append(cs, c)
							cov.Purchase = append(cov.Purchase, zp)
							cov.Dropout = append(cov.Dropout, zd)
						}
						pattern++
					}
				}
			}
			est, fit, err := tc.fit(cs, cov)
			require.NoError(t, err, "%s seed %d", tc.name, seed)
			truth := append(append(append([]float64(nil), tc.base...), tc.purchase...), tc.dropout...)
			require.Len(t, fit.StdErr, len(truth))
			for j, want := range truth {
				total++
				if math.Abs(est[j]-want) <= 3*fit.StdErr[j] {
					within++
				} else {
					t.Logf("%s seed %d: parameter %d is %.4g ± %.2g, truth %v", tc.name, seed, j, est[j], fit.StdErr[j], want)
				}
			}
		}
	}
	assert.GreaterOrEqual(t, float64(within), 0.99*float64(total), "%d of %d within 3 SE", within, total)
}

func ExampleBGNBDCov_For() {
	// A BG/NBD with one purchase covariate (a channel dummy) and one
	// dropout covariate (a premium dummy), as a fit would return it.
	m := clv.BGNBDCov{
		BGNBD:    clv.BGNBD{R: 0.8, Alpha: 8, A: 0.6, B: 2.5},
		Purchase: []float64{0.5},
		Dropout:  []float64{-0.9},
	}
	c := clv.Customer{Frequency: 3, Recency: 20, T: 40}
	for _, z := range [][2]float64{{0, 0}, {1, 0}, {1, 1}} {
		own := m.For([]float64{z[0]}, []float64{z[1]})
		fmt.Printf("channel %v premium %v: alpha %.3f  a %.3f  b %.3f  P(alive) %.3f  E[Y(52)] %.3f\n",
			z[0], z[1], own.Alpha, own.A, own.B, own.PAlive(c), own.ConditionalExpectedPurchases(c, 52))
	}
	// The values agree with FHL 2005 eqs. 10 and P(alive) evaluated in
	// mpmath at 30 digits.

	// Output:
	// channel 0 premium 0: alpha 8.000  a 0.600  b 2.500  P(alive) 0.492  E[Y(52)] 1.663
	// channel 1 premium 0: alpha 4.852  a 0.600  b 2.500  P(alive) 0.443  E[Y(52)] 1.587
	// channel 1 premium 1: alpha 4.852  a 0.244  b 1.016  P(alive) 0.567  E[Y(52)] 2.229
}
