package clv_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/ltvgo/ltv/clv"
)

// covCase is a covariate model written as a function of its full
// parameter vector in Fit.Cov's order, so the test can differentiate its
// predictions numerically with no help from the code under test.
type covCase struct {
	name  string
	theta []float64                                              // base, Purchase coefficients, unshared Dropout coefficients
	model func(th []float64, zp, zd []float64) clv.PurchaseModel // customer's own model at th, via For
	cov   clv.Covariates
	score func(fit clv.Fit, spendFit clv.Fit, cs []clv.Customer, opt clv.ValueOptions, iv clv.IntervalOptions) ([]clv.ScoreInterval, clv.Interval, error)
	pred  func(fit clv.Fit, cs []clv.Customer, p clv.Prediction, iv clv.IntervalOptions) ([]clv.Interval, clv.Interval, error)
	// spendCov is score through ScoreWithIntervalsSpendCov, with spend
	// model spend and spend covariates scov.
	spendCov func(fit clv.Fit, spend clv.GammaGammaCov, spendFit clv.Fit, cs []clv.Customer, scov clv.SpendCovariates,
		opt clv.ValueOptions, iv clv.IntervalOptions) ([]clv.ScoreInterval, clv.Interval, error)
	// discrete: the model takes whole periods (BG/BB), so the customers
	// are made discrete first.
	discrete bool
}

// covCases returns a BG/NBD with a Shared column, a Pareto/NBD without, an
// MBG/NBD with purchase covariates only and a BG/BB (its odds link) with
// both, on covSmall's customers.
func covCases(cov clv.Covariates) []covCase {
	bg := func(th []float64) clv.BGNBDCov { // Purchase (3), Dropout column 0 shared, column 1 at th[7]
		return clv.BGNBDCov{BGNBD: clv.BGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]},
			Purchase: []float64{th[4], th[5], th[6]}, Dropout: []float64{th[4], th[7]}}
	}
	pn := func(th []float64) clv.ParetoNBDCov {
		return clv.ParetoNBDCov{ParetoNBD: clv.ParetoNBD{R: th[0], Alpha: th[1], S: th[2], Beta: th[3]},
			Purchase: []float64{th[4], th[5], th[6]}, Dropout: []float64{th[7], th[8]}}
	}
	mb := func(th []float64) clv.MBGNBDCov {
		return clv.MBGNBDCov{MBGNBD: clv.MBGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]},
			Purchase: []float64{th[4], th[5], th[6]}}
	}
	shared := clv.Covariates{Purchase: cov.Purchase, Dropout: cov.Dropout, Shared: []int{0}}
	purchaseOnly := clv.Covariates{Purchase: cov.Purchase}
	bgTh := []float64{bgPub.R, bgPub.Alpha, bgPub.A, bgPub.B, 0.4, -0.2, 0.1, -0.5}
	pnTh := []float64{pnbdPub.R, pnbdPub.Alpha, pnbdPub.S, pnbdPub.Beta, 0.4, -0.2, 0.1, 0.3, -0.5}
	mbTh := []float64{0.525, 6.183, 0.891, 1.614, 0.4, -0.2, 0.1}
	bb := func(th []float64) clv.BGBBCov {
		return clv.BGBBCov{BGBB: clv.BGBB{Alpha: th[0], Beta: th[1], Gamma: th[2], Delta: th[3]},
			Purchase: []float64{th[4], th[5], th[6]}, Dropout: []float64{th[7], th[8]}}
	}
	bbTh := []float64{1.204, 0.750, 0.657, 2.783, 0.4, -0.2, 0.1, 0.3, -0.5}
	bbCase := newCovCase("BGBBCov", bbTh, cov, bb, func(m clv.BGBBCov, zp, zd []float64) clv.PurchaseModel { return m.For(zp, zd) })
	bbCase.discrete = true
	return []covCase{
		newCovCase("BGNBDCov", bgTh, shared, bg, func(m clv.BGNBDCov, zp, zd []float64) clv.PurchaseModel { return m.For(zp, zd) }),
		newCovCase("ParetoNBDCov", pnTh, cov, pn, func(m clv.ParetoNBDCov, zp, zd []float64) clv.PurchaseModel { return m.For(zp, zd) }),
		newCovCase("MBGNBDCov", mbTh, purchaseOnly, mb, func(m clv.MBGNBDCov, zp, _ []float64) clv.PurchaseModel { return m.For(zp, nil) }),
		bbCase,
	}
}

// newCovCase returns the covCase of the model at(theta) with covariates cov.
func newCovCase[M clv.CovariateModel](name string, theta []float64, cov clv.Covariates, at func([]float64) M,
	customer func(m M, zp, zd []float64) clv.PurchaseModel) covCase {
	return covCase{name: name, theta: theta, cov: cov,
		model: func(th, zp, zd []float64) clv.PurchaseModel { return customer(at(th), zp, zd) },
		score: func(fit, sf clv.Fit, cs []clv.Customer, opt clv.ValueOptions, iv clv.IntervalOptions) ([]clv.ScoreInterval, clv.Interval, error) {
			return clv.ScoreWithIntervalsCov(at(theta), fit, ggPub, sf, cs, cov, opt, iv)
		},
		pred: func(fit clv.Fit, cs []clv.Customer, p clv.Prediction, iv clv.IntervalOptions) ([]clv.Interval, clv.Interval, error) {
			return clv.PredictionIntervalsCov(at(theta), fit, cs, cov, p, iv)
		},
		spendCov: func(fit clv.Fit, spend clv.GammaGammaCov, sf clv.Fit, cs []clv.Customer, scov clv.SpendCovariates,
			opt clv.ValueOptions, iv clv.IntervalOptions) ([]clv.ScoreInterval, clv.Interval, error) {
			return clv.ScoreWithIntervalsSpendCov(at(theta), fit, spend, sf, cs, cov, scov, opt, iv)
		}}
}

// randomCov returns a seeded covariance for theta with relative standard
// errors rel for positive parameters and rel absolute for coefficients
// (from index nPos on), and correlations from a random factor.
func randomCov(theta []float64, nPos int, rel float64, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	k := len(theta)
	a := make([][]float64, k)
	for i := range a {
		a[i] = make([]float64, k)
		for j := range a[i] {
			a[i][j] = rng.NormFloat64()
		}
		a[i][i] += 3
	}
	cov := make([][]float64, k)
	for i := range cov {
		cov[i] = make([]float64, k)
	}
	sd := func(i int) float64 {
		if i < nPos {
			return rel * theta[i]
		}
		return rel
	}
	for i := range k {
		for j := range k {
			var s, ni, nj float64
			for l := range k {
				s += a[i][l] * a[j][l]
				ni += a[i][l] * a[i][l]
				nj += a[j][l] * a[j][l]
			}
			cov[i][j] = s / math.Sqrt(ni*nj) * sd(i) * sd(j)
		}
	}
	return cov
}

// numGrad returns the 5-point central-difference gradient of f at x
// (steps 1e-4 relative, 1e-4 absolute for values below 1): error O(h⁴).
func numGrad(f func([]float64) float64, x []float64) []float64 {
	g := make([]float64, len(x))
	for j := range x {
		h := 1e-4 * math.Max(1, math.Abs(x[j]))
		at := func(d float64) float64 {
			y := append([]float64(nil), x...)
			y[j] += d
			return f(y)
		}
		g[j] = (8*(at(h)-at(-h)) - (at(2*h) - at(-2*h))) / (12 * h)
	}
	return g
}

// quad returns g'·Σ·g.
func quad(g []float64, cov [][]float64) float64 {
	var s float64
	for i := range g {
		for j := range g {
			s += g[i] * cov[i][j] * g[j]
		}
	}
	return s
}

func TestIntervalsCovAgainstNumericalGradient(t *testing.T) {
	// Delta-method SEs of every prediction of covariate models against an
	// independent computation: the 5-point numerical gradient of the
	// prediction (through For, Score and the model methods) in the full
	// parameter vector (base, coefficients, and the spend model's), times
	// the covariance. The total's gradient is the sum of the customers'.
	cs, cov := covSmall()
	const n = 40
	cs = cs[:n]
	for i := range cs {
		cs[i].Monetary = 0
		if cs[i].Frequency > 0 {
			cs[i].Monetary = 10 + float64(i%7)
		}
	}
	cov.Purchase, cov.Dropout = cov.Purchase[:n], cov.Dropout[:n]
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	horizon := 12 * float64(clv.Month) / float64(week)
	ggTh := []float64{ggPub.P, ggPub.Q, ggPub.Gamma}
	covS := randomCov(ggTh, 3, 0.1, 3)
	for ci, tc := range covCases(cov) {
		t.Run(tc.name, func(t *testing.T) {
			cs, opt, horizon := cs, opt, horizon
			if tc.discrete { // whole periods: weekly cash flows, 12 weeks
				cs, opt.CashFlow, horizon = discrete(cs), week, 12
			}
			covP := randomCov(tc.theta, 4, 0.1, uint64(10+ci))
			kp := len(tc.theta)
			full := append(append([]float64(nil), tc.theta...), ggTh...)
			covFull := make([][]float64, kp+3) // block-diagonal: the fits are independent
			for i := range covFull {
				covFull[i] = make([]float64, kp+3)
			}
			for i := range kp {
				copy(covFull[i], covP[i])
			}
			for i := range 3 {
				copy(covFull[kp+i][kp:], covS[i])
			}
			got, total, err := tc.score(clv.Fit{Cov: covP}, clv.Fit{Cov: covS}, cs, opt, clv.IntervalOptions{})
			require.NoError(t, err)
			require.Len(t, got, n)
			gTotal := make([]float64, kp+3)
			var sum, worst float64 // worst: the largest relative SE error
			for i, c := range cs {
				zp := cov.Purchase[i]
				zd := tc.cov.Dropout
				var zdi []float64
				if zd != nil {
					zdi = zd[i]
				}
				score := func(th []float64) clv.CustomerScore {
					s, err := clv.Score(tc.model(th[:kp], zp, zdi), clv.GammaGamma{P: th[kp], Q: th[kp+1], Gamma: th[kp+2]}, []clv.Customer{c}, opt)
					require.NoError(t, err)
					return s[0]
				}
				at := score(full)
				for _, q := range []struct {
					name string
					got  clv.Interval
					want float64
					f    func([]float64) float64
				}{
					{"PAlive", got[i].PAlive, at.PAlive, func(th []float64) float64 { return score(th).PAlive }},
					{"Purchases", got[i].Purchases, at.Purchases, func(th []float64) float64 {
						return tc.model(th[:kp], zp, zdi).ConditionalExpectedPurchases(c, horizon)
					}},
					{"Value", got[i].Value, at.Value, func(th []float64) float64 { return score(th).Value }},
				} {
					g := numGrad(q.f, full)
					if q.name == "Value" {
						for j := range g {
							gTotal[j] += g[j]
						}
					}
					assert.InEpsilon(t, q.want, q.got.Estimate, 1e-9, "%s row %d", q.name, i)
					wantSE := math.Sqrt(quad(g, covFull))
					if wantSE < 1e-12 {
						assert.Less(t, q.got.StdErr, 1e-10, "%s row %d", q.name, i)
						continue
					}
					assert.InEpsilon(t, wantSE, q.got.StdErr, 1e-6, "%s row %d", q.name, i)
					worst = math.Max(worst, math.Abs(q.got.StdErr/wantSE-1))
				}
				assert.True(t, got[i].PAlive.Lower >= 0 && got[i].PAlive.Upper <= 1, "row %d: %+v", i, got[i].PAlive)
				sum += at.Value
			}
			assert.InEpsilon(t, sum, total.Estimate, 1e-9)
			assert.InEpsilon(t, math.Sqrt(quad(gTotal, covFull)), total.StdErr, 1e-6)
			t.Logf("largest relative error of a customer's SE %.1e; of the total's %.1e", worst, math.Abs(total.StdErr/math.Sqrt(quad(gTotal, covFull))-1))

			// PredictionIntervalsCov: P(no purchase in 39 weeks), and DERT
			// where the model has one.
			preds := []clv.Prediction{{Kind: clv.NoPurchasePrediction, Horizon: 39}}
			if tc.name == "ParetoNBDCov" {
				preds = append(preds, clv.Prediction{Kind: clv.DERTPrediction, Rate: 0.002})
			}
			for _, p := range preds {
				ivs, ptotal, err := tc.pred(clv.Fit{Cov: covP}, cs, p, clv.IntervalOptions{})
				require.NoError(t, err)
				require.Len(t, ivs, n)
				gt := make([]float64, kp)
				for i, c := range cs {
					var zdi []float64
					if tc.cov.Dropout != nil {
						zdi = tc.cov.Dropout[i]
					}
					f := func(th []float64) float64 {
						m := tc.model(th, cov.Purchase[i], zdi)
						if p.Kind == clv.DERTPrediction {
							return m.(clv.ParetoNBD).DERT(c, p.Rate)
						}
						return m.ProbNoPurchase(c, p.Horizon)
					}
					g := numGrad(f, tc.theta)
					for j := range g {
						gt[j] += g[j]
					}
					assert.InEpsilon(t, f(tc.theta), ivs[i].Estimate, 1e-9)
					assert.InEpsilon(t, math.Sqrt(quad(g, covP)), ivs[i].StdErr, 1e-6, "kind %d row %d", p.Kind, i)
				}
				assert.InEpsilon(t, math.Sqrt(quad(gt, covP)), ptotal.StdErr, 1e-6, "kind %d total", p.Kind)
			}
		})
	}
}

func TestIntervalsCovDrawsAgreeWithDelta(t *testing.T) {
	// Joint draws of base parameters and coefficients: with standard
	// errors of 3% the predictions are near-linear over the draws, whose
	// SD then approaches the delta SE (within 10% at 2,000 draws, the SD's
	// own sampling error being 1.6%); a seed gives the same intervals twice.
	cs, cov := covSmall()
	const n = 30
	cs, cov.Purchase, cov.Dropout = cs[:n], cov.Purchase[:n], cov.Dropout[:n]
	for i := range cs {
		cs[i].Monetary = 0
		if cs[i].Frequency > 0 {
			cs[i].Monetary = 20
		}
	}
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	tc := covCases(cov)[0]
	fit, sf := clv.Fit{Cov: randomCov(tc.theta, 4, 0.03, 5)}, clv.Fit{Cov: randomCov([]float64{ggPub.P, ggPub.Q, ggPub.Gamma}, 3, 0.03, 6)}
	delta, dTotal, err := tc.score(fit, sf, cs, opt, clv.IntervalOptions{})
	require.NoError(t, err)
	iv := clv.IntervalOptions{Method: clv.ParameterDraws, Draws: 2000, Seed: 3}
	draws, total, err := tc.score(fit, sf, cs, opt, iv)
	require.NoError(t, err)
	again, _, err := tc.score(fit, sf, cs, opt, iv)
	require.NoError(t, err)
	assert.Equal(t, draws, again)
	for i := range cs {
		for _, q := range [][2]clv.Interval{{delta[i].PAlive, draws[i].PAlive}, {delta[i].Value, draws[i].Value}} {
			assert.InEpsilon(t, q[0].Estimate, q[1].Estimate, 1e-12)
			if q[0].StdErr > 1e-9 {
				assert.InEpsilon(t, q[0].StdErr, q[1].StdErr, 0.1, "row %d", i)
			}
		}
	}
	assert.InEpsilon(t, dTotal.Estimate, total.Estimate, 1e-12)
	assert.InEpsilon(t, dTotal.StdErr, total.StdErr, 0.1)
	pa, paTotal, err := tc.pred(fit, cs, clv.Prediction{Kind: clv.PAlivePrediction}, clv.IntervalOptions{})
	require.NoError(t, err)
	pd, pdTotal, err := tc.pred(fit, cs, clv.Prediction{Kind: clv.PAlivePrediction}, iv)
	require.NoError(t, err)
	for i := range cs {
		assert.Equal(t, draws[i].PAlive, pd[i], "row %d: the same draws as ScoreWithIntervalsCov", i)
		if pa[i].StdErr > 1e-9 {
			assert.InEpsilon(t, pa[i].StdErr, pd[i].StdErr, 0.1, "row %d", i)
		}
	}
	assert.InEpsilon(t, paTotal.StdErr, pdTotal.StdErr, 0.1)
}

func TestIntervalsCovZeroCovariatesIsTheBaseModel(t *testing.T) {
	// Customers whose covariates are all 0 have the base model, and their
	// intervals are the base model's with the base block of the covariance.
	cs := cdnowCSV(t)[:50]
	for i := range cs {
		cs[i].Monetary = 0
		if cs[i].Frequency > 0 {
			cs[i].Monetary = 30
		}
	}
	zeros := func(k int) [][]float64 {
		z := make([][]float64, len(cs))
		for i := range z {
			z[i] = make([]float64, k)
		}
		return z
	}
	cov := clv.Covariates{Purchase: zeros(2), Dropout: zeros(1)}
	m := clv.BGNBDCov{BGNBD: bgPub, Purchase: []float64{0.3, -0.1}, Dropout: []float64{0.2}}
	covP := randomCov([]float64{bgPub.R, bgPub.Alpha, bgPub.A, bgPub.B, 0.3, -0.1, 0.2}, 4, 0.1, 9)
	covS := randomCov([]float64{ggPub.P, ggPub.Q, ggPub.Gamma}, 3, 0.1, 6)
	base := make([][]float64, 4)
	for i := range base {
		base[i] = covP[i][:4]
	}
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	got, total, err := clv.ScoreWithIntervalsCov(m, clv.Fit{Cov: covP}, ggPub, clv.Fit{Cov: covS}, cs, cov, opt, clv.IntervalOptions{})
	require.NoError(t, err)
	want, wantTotal, err := clv.ScoreWithIntervals(bgPub, clv.Fit{Cov: base}, ggPub, clv.Fit{Cov: covS}, cs, opt, clv.IntervalOptions{})
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for i := range want {
		for _, q := range [][2]clv.Interval{{want[i].PAlive, got[i].PAlive}, {want[i].Purchases, got[i].Purchases}, {want[i].Value, got[i].Value}} {
			assert.InEpsilon(t, q[0].Estimate, q[1].Estimate, 1e-12)
			assert.InDelta(t, q[0].StdErr, q[1].StdErr, 1e-12*math.Max(1, q[0].Estimate))
		}
	}
	assert.InEpsilon(t, wantTotal.StdErr, total.StdErr, 1e-12)
}

// A covariate model is not a PurchaseModel, so no function that takes one
// can silently score everybody with the baseline (all covariates 0).
func TestCovariateModelsAreNotPurchaseModels(t *testing.T) {
	for _, m := range []any{clv.BGNBDCov{BGNBD: bgPub}, clv.MBGNBDCov{}, clv.ParetoNBDCov{}} {
		_, ok := m.(clv.PurchaseModel)
		assert.False(t, ok, "%T", m)
	}
	m := clv.BGNBDCov{BGNBD: bgPub, Purchase: []float64{0.4}, Dropout: []float64{0.3}}
	c := clv.Customer{Frequency: 2, Recency: 20, T: 30}
	assert.Equal(t, m.For([]float64{1}, []float64{-1}).LogLikelihood(c), m.LogLikelihood(c, []float64{1}, []float64{-1}))
}

func TestIntervalsCovErrors(t *testing.T) {
	cs, cov := covSmall()
	for i := range cs {
		cs[i].Monetary = 0
		if cs[i].Frequency > 0 {
			cs[i].Monetary = 20
		}
	}
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	m := clv.BGNBDCov{BGNBD: bgPub, Purchase: []float64{0.4, -0.2, 0.1}, Dropout: []float64{0.3, -0.5}}
	covP := randomCov([]float64{bgPub.R, bgPub.Alpha, bgPub.A, bgPub.B, 0.4, -0.2, 0.1, 0.3, -0.5}, 4, 0.1, 1)
	covS := randomCov([]float64{ggPub.P, ggPub.Q, ggPub.Gamma}, 3, 0.1, 2)
	for _, tc := range []struct {
		name, field string
		row         int
		sentinel    error
		call        func() error
	}{
		{"rows ≠ customers", "Covariates", -1, clv.ErrInvalid, func() error {
			_, _, err := clv.ScoreWithIntervalsCov(m, clv.Fit{Cov: covP}, ggPub, clv.Fit{Cov: covS}, cs[:10], cov, opt, clv.IntervalOptions{})
			return err
		}},
		{"shared column with two values", "Covariates.Shared", -1, clv.ErrInvalid, func() error {
			c := cov
			c.Shared = []int{0}
			_, _, err := clv.ScoreWithIntervalsCov(m, clv.Fit{Cov: covP}, ggPub, clv.Fit{Cov: covS}, cs, c, opt, clv.IntervalOptions{})
			return err
		}},
		{"Cov of the wrong size", "fit.Cov", -1, clv.ErrInvalid, func() error {
			_, _, err := clv.PredictionIntervalsCov(m, clv.Fit{Cov: covS}, cs, cov, clv.Prediction{}, clv.IntervalOptions{})
			return err
		}},
		{"bad covariate value", "Dropout[1]", 7, clv.ErrInvalid, func() error {
			c := cloneCov(cov)
			c.Dropout[7][1] = math.NaN()
			_, _, err := clv.PredictionIntervalsCov(m, clv.Fit{Cov: covP}, cs, c, clv.Prediction{}, clv.IntervalOptions{})
			return err
		}},
		{"bad customer, in the caller's order", "Recency", 250, clv.ErrInvalid, func() error {
			bad := append([]clv.Customer(nil), cs...)
			bad[250].Recency = bad[250].T + 1
			_, _, err := clv.ScoreWithIntervalsCov(m, clv.Fit{Cov: covP}, ggPub, clv.Fit{Cov: covS}, bad, cov, opt, clv.IntervalOptions{})
			return err
		}},
	} {
		err := tc.call()
		var de *clv.DataError
		require.True(t, errors.As(err, &de), "%s: %v", tc.name, err)
		assert.ErrorIs(t, err, tc.sentinel, tc.name)
		assert.Equal(t, tc.field, de.Field, tc.name)
		assert.Equal(t, tc.row, de.Row, tc.name)
	}
}

func TestIntervalsCovBootstrap(t *testing.T) {
	// The bootstrap refits the covariate model to each replicate's
	// customers with their own covariate rows: estimates are the model's,
	// and the replicates move them.
	cs, cov := covSmall()
	cov = clv.Covariates{Purchase: cov.Purchase} // one purchase dummy and two continuous columns
	m, _, err := clv.FitParetoNBDCov(cs, cov, nil)
	require.NoError(t, err)
	iv := clv.IntervalOptions{Method: clv.Bootstrap, Draws: 8, Seed: 2}
	got, total, err := clv.PredictionIntervalsCov(m, clv.Fit{}, cs, cov, clv.Prediction{Kind: clv.PAlivePrediction}, iv)
	require.NoError(t, err)
	require.Len(t, got, len(cs))
	for i, c := range cs {
		assert.InEpsilon(t, m.For(cov.Purchase[i], nil).PAlive(c), got[i].Estimate, 1e-12)
		assert.LessOrEqual(t, got[i].Lower, got[i].Upper)
	}
	assert.Greater(t, total.StdErr, 0.0)
	assert.Less(t, total.Lower, total.Upper)
}

// spendCovData returns n of covSmall's customers with spend (Monetary 0
// without a repeat purchase), their purchase covariates, and two spend
// covariates per customer: a channel dummy and a standard normal.
func spendCovData(n int) ([]clv.Customer, clv.Covariates, clv.SpendCovariates) {
	cs, cov := covSmall()
	cs, cov.Purchase, cov.Dropout = cs[:n], cov.Purchase[:n], cov.Dropout[:n]
	rng := rand.New(rand.NewPCG(31, 32))
	scov := clv.SpendCovariates{Spend: make([][]float64, n), Names: []string{"channel", "income"}}
	for i := range cs {
		scov.Spend[i] = []float64{float64(rng.IntN(2)), rng.NormFloat64()}
		cs[i].Monetary = 0
		if cs[i].Frequency > 0 {
			cs[i].Monetary = 10 + float64(i%7)
		}
	}
	return cs, cov, scov
}

// ggCovAt is the GammaGammaCov at θ_S = (p, q, γ, δ...).
func ggCovAt(th []float64) clv.GammaGammaCov {
	return clv.GammaGammaCov{GammaGamma: clv.GammaGamma{P: th[0], Q: th[1], Gamma: th[2]}, Spend: slices.Clone(th[3:])}
}

// blockDiag returns the block-diagonal matrix of a and b.
func blockDiag(a, b [][]float64) [][]float64 {
	k := len(a) + len(b)
	out := make([][]float64, k)
	for i := range out {
		out[i] = make([]float64, k)
	}
	for i := range a {
		copy(out[i], a[i])
	}
	for i := range b {
		copy(out[len(a)+i][len(a):], b[i])
	}
	return out
}

func TestIntervalsSpendCovAgainstNumericalGradient(t *testing.T) {
	// Delta-method SEs of the values against an independent computation:
	// the 5-point numerical gradient of each customer's Score value, with
	// the purchase model at θ_P (For of the customer's purchase covariates
	// where it has them) and the spend model ggCovAt(θ_S).For(z_i), in the
	// full vector (θ_P, θ_S), times the block-diagonal covariance (the fits
	// are independent). The total's gradient is the sum of the customers'.
	const n = 40
	cs, cov, scov := spendCovData(n)
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	thS := []float64{ggPub.P, ggPub.Q, ggPub.Gamma, 0.3, -0.2}
	covS := randomCov(thS, 3, 0.1, 4)
	spend := ggCovAt(thS)
	spend.Names = scov.Names
	bgCase := covCases(cov)[0]
	cases := []struct {
		name  string
		theta []float64
		model func(th []float64, i int) clv.PurchaseModel
		score func(fit clv.Fit) ([]clv.ScoreInterval, clv.Interval, error)
	}{
		{"BGNBD", []float64{bgPub.R, bgPub.Alpha, bgPub.A, bgPub.B},
			func(th []float64, _ int) clv.PurchaseModel {
				return clv.BGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]}
			},
			func(fit clv.Fit) ([]clv.ScoreInterval, clv.Interval, error) {
				return clv.ScoreWithIntervalsSpendCov(bgPub, fit, spend, clv.Fit{Cov: covS}, cs, clv.Covariates{}, scov, opt, clv.IntervalOptions{})
			}},
		{"BGNBDCov", bgCase.theta,
			func(th []float64, i int) clv.PurchaseModel {
				return bgCase.model(th, bgCase.cov.Purchase[i], bgCase.cov.Dropout[i])
			},
			func(fit clv.Fit) ([]clv.ScoreInterval, clv.Interval, error) {
				th := bgCase.theta
				m := clv.BGNBDCov{BGNBD: clv.BGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]},
					Purchase: []float64{th[4], th[5], th[6]}, Dropout: []float64{th[4], th[7]}}
				return clv.ScoreWithIntervalsSpendCov(m, fit, spend, clv.Fit{Cov: covS}, cs, bgCase.cov, scov, opt, clv.IntervalOptions{})
			}},
	}
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kp := len(tc.theta)
			covP := randomCov(tc.theta, 4, 0.1, uint64(20+ci))
			full := append(slices.Clone(tc.theta), thS...)
			covFull := blockDiag(covP, covS)
			got, total, err := tc.score(clv.Fit{Cov: covP})
			require.NoError(t, err)
			require.Len(t, got, n)
			gTotal := make([]float64, len(full))
			var sum float64
			for i, c := range cs {
				value := func(th []float64) float64 {
					s, err := clv.Score(tc.model(th[:kp], i), ggCovAt(th[kp:]).For(scov.Spend[i]), []clv.Customer{c}, opt)
					require.NoError(t, err)
					return s[0].Value
				}
				g := numGrad(value, full)
				for j := range g {
					gTotal[j] += g[j]
				}
				want := value(full)
				sum += want
				assert.InEpsilon(t, want, got[i].Value.Estimate, 1e-9, "row %d", i)
				wantSE := math.Sqrt(quad(g, covFull))
				if wantSE < 1e-12 {
					assert.Less(t, got[i].Value.StdErr, 1e-10, "row %d", i)
					continue
				}
				assert.InEpsilon(t, wantSE, got[i].Value.StdErr, 1e-6, "row %d", i)
			}
			assert.InEpsilon(t, sum, total.Estimate, 1e-9)
			assert.InEpsilon(t, math.Sqrt(quad(gTotal, covFull)), total.StdErr, 1e-6)
		})
	}
}

func TestIntervalsSpendCovZeroCoefficientsIsThePlainSpend(t *testing.T) {
	// δ = 0: every customer has the base Gamma-Gamma, so the estimates
	// are the plain-spend function's exactly and so are the SEs of the
	// customers; the total's SE grows only by the δ block of the
	// covariance, which the plain spend does not have; with that block 0
	// (a fit holding δ fixed) the SEs agree to rounding.
	const n = 40
	cs, cov, scov := spendCovData(n)
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	covP := randomCov([]float64{bgPub.R, bgPub.Alpha, bgPub.A, bgPub.B}, 4, 0.1, 8)
	covS3 := randomCov([]float64{ggPub.P, ggPub.Q, ggPub.Gamma}, 3, 0.1, 6)
	covS := blockDiag(covS3, [][]float64{{0, 0}, {0, 0}})
	spend := clv.GammaGammaCov{GammaGamma: ggPub, Spend: []float64{0, 0}}
	for _, method := range []clv.IntervalMethod{clv.DeltaMethod, clv.ParameterDraws} {
		iv := clv.IntervalOptions{Method: method, Draws: 200, Seed: 4}
		got, total, err := clv.ScoreWithIntervalsSpendCov(bgPub, clv.Fit{Cov: covP}, spend, clv.Fit{Cov: covS}, cs, clv.Covariates{}, scov, opt, iv)
		require.NoError(t, err)
		want, wantTotal, err := clv.ScoreWithIntervals(bgPub, clv.Fit{Cov: covP}, ggPub, clv.Fit{Cov: covS3}, cs, opt, iv)
		require.NoError(t, err)
		require.Len(t, got, len(want))
		for i := range want {
			assert.Equal(t, want[i].PAlive, got[i].PAlive, "method %d row %d", method, i)
			assert.Equal(t, want[i].Purchases, got[i].Purchases, "method %d row %d", method, i)
			assert.InEpsilon(t, want[i].Value.Estimate, got[i].Value.Estimate, 1e-14, "method %d row %d", method, i)
			assert.InDelta(t, want[i].Value.StdErr, got[i].Value.StdErr, 1e-12*want[i].Value.Estimate, "method %d row %d", method, i)
		}
		assert.InEpsilon(t, wantTotal.Estimate, total.Estimate, 1e-14)
		assert.InEpsilon(t, wantTotal.StdErr, total.StdErr, 1e-12)
	}
	// Without spend covariates at all, every covariate purchase model:
	// ScoreWithIntervalsCov's intervals.
	for ci, tc := range covCases(cov) {
		covPC := clv.Fit{Cov: randomCov(tc.theta, 4, 0.1, uint64(30+ci))}
		cs, opt := cs, opt
		if tc.discrete {
			cs, opt.CashFlow = discrete(cs), week
		}
		got, total, err := tc.spendCov(covPC, clv.GammaGammaCov{GammaGamma: ggPub}, clv.Fit{Cov: covS3}, cs, clv.SpendCovariates{}, opt, clv.IntervalOptions{})
		require.NoError(t, err, tc.name)
		want, wantTotal, err := tc.score(covPC, clv.Fit{Cov: covS3}, cs, opt, clv.IntervalOptions{})
		require.NoError(t, err, tc.name)
		assert.Equal(t, want, got, tc.name)
		assert.Equal(t, wantTotal, total, tc.name)
	}
}

func TestIntervalsSpendCovDrawsAgreeWithDelta(t *testing.T) {
	// Joint draws of (p, q, γ, δ): with standard errors of 3% the values
	// are near-linear over the draws, whose SD then approaches the delta
	// SE (within 10% at 2,000 draws, the SD's own sampling error being
	// 1.6%); a seed gives the same intervals twice.
	const n = 30
	cs, _, scov := spendCovData(n)
	opt := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	thS := []float64{ggPub.P, ggPub.Q, ggPub.Gamma, 0.3, -0.2}
	fit := clv.Fit{Cov: randomCov([]float64{bgPub.R, bgPub.Alpha, bgPub.A, bgPub.B}, 4, 0.03, 5)}
	sf := clv.Fit{Cov: randomCov(thS, 3, 0.03, 6)}
	spend := ggCovAt(thS)
	run := func(iv clv.IntervalOptions) ([]clv.ScoreInterval, clv.Interval) {
		out, total, err := clv.ScoreWithIntervalsSpendCov(bgPub, fit, spend, sf, cs, clv.Covariates{}, scov, opt, iv)
		require.NoError(t, err)
		return out, total
	}
	delta, dTotal := run(clv.IntervalOptions{})
	iv := clv.IntervalOptions{Method: clv.ParameterDraws, Draws: 2000, Seed: 3}
	draws, total := run(iv)
	again, _ := run(iv)
	assert.Equal(t, draws, again)
	var worst float64
	for i := range cs {
		assert.InEpsilon(t, delta[i].Value.Estimate, draws[i].Value.Estimate, 1e-12)
		if delta[i].Value.StdErr > 1e-9 {
			assert.InEpsilon(t, delta[i].Value.StdErr, draws[i].Value.StdErr, 0.1, "row %d", i)
			worst = math.Max(worst, math.Abs(draws[i].Value.StdErr/delta[i].Value.StdErr-1))
		}
	}
	assert.InEpsilon(t, dTotal.Estimate, total.Estimate, 1e-12)
	assert.InEpsilon(t, dTotal.StdErr, total.StdErr, 0.1)
	t.Logf("largest relative gap draws/delta of a customer's SE %.3f; of the total's %.3f", worst, math.Abs(total.StdErr/dTotal.StdErr-1))
}

func TestIntervalsSpendCovBootstrap(t *testing.T) {
	// The bootstrap refits both models to each replicate's customers, the
	// spend model with their own spend covariate rows: estimates are the
	// fitted models', and the replicates move them.
	// Spend as simulateGGCov draws it, for covSmall's purchase histories.
	cs, _, _ := spendCovData(300)
	rng := rand.New(rand.NewPCG(5, 6))
	truth := clv.GammaGammaCov{GammaGamma: ggPub, Spend: []float64{0.5}}
	scov := clv.SpendCovariates{Spend: make([][]float64, len(cs))}
	for i, c := range cs {
		z := []float64{float64(rng.IntN(2))}
		scov.Spend[i] = z
		if x := c.Frequency; x > 0 {
			nu := distuv.Gamma{Alpha: truth.Q, Beta: truth.For(z).Gamma, Src: rng}.Rand()
			cs[i].Monetary = distuv.Gamma{Alpha: truth.P * x, Beta: nu, Src: rng}.Rand() / x
		}
	}
	m, _, err := clv.FitParetoNBD(cs, nil)
	require.NoError(t, err)
	spend, _, err := clv.FitGammaGammaCov(cs, scov, nil)
	require.NoError(t, err)
	opt := clv.ValueOptions{Period: week, Horizon: 12, Margin: 1}
	iv := clv.IntervalOptions{Method: clv.Bootstrap, Draws: 8, Seed: 2}
	got, total, err := clv.ScoreWithIntervalsSpendCov(m, clv.Fit{}, spend, clv.Fit{}, cs, clv.Covariates{}, scov, opt, iv)
	require.NoError(t, err)
	require.Len(t, got, len(cs))
	models, err := spend.Models(scov)
	require.NoError(t, err)
	var sum float64
	for i, c := range cs {
		s, err := clv.Score(m, models[i], []clv.Customer{c}, opt)
		require.NoError(t, err)
		assert.InEpsilon(t, s[0].Value, got[i].Value.Estimate, 1e-12, "row %d", i)
		assert.LessOrEqual(t, got[i].Value.Lower, got[i].Value.Upper)
		sum += s[0].Value
	}
	assert.InEpsilon(t, sum, total.Estimate, 1e-12)
	assert.Greater(t, total.StdErr, 0.0)
}

func TestIntervalsSpendCovErrors(t *testing.T) {
	// Bad spend covariates are named by row and field; the caller's
	// covariates are not modified.
	const n = 20
	cs, cov, scov := spendCovData(n)
	opt := clv.ValueOptions{Period: week, Horizon: 12, Margin: 1}
	covP := clv.Fit{Cov: randomCov([]float64{bgPub.R, bgPub.Alpha, bgPub.A, bgPub.B}, 4, 0.1, 8)}
	thS := []float64{ggPub.P, ggPub.Q, ggPub.Gamma, 0.3, -0.2}
	sf := clv.Fit{Cov: randomCov(thS, 3, 0.1, 4)}
	spend := ggCovAt(thS)
	withRow := func(i int, r []float64) clv.SpendCovariates {
		z := slices.Clone(scov.Spend)
		z[i] = r
		return clv.SpendCovariates{Spend: z}
	}
	for _, tc := range []struct {
		name  string
		cov   clv.Covariates
		scov  clv.SpendCovariates
		spend clv.GammaGammaCov
		sf    clv.Fit
		row   int
		field string
	}{
		{"short row", clv.Covariates{}, withRow(7, []float64{1}), spend, sf, 7, "Spend"},
		{"NaN", clv.Covariates{}, withRow(4, []float64{1, math.NaN()}), spend, sf, 4, "Spend[1]"},
		{"row count", clv.Covariates{}, clv.SpendCovariates{Spend: scov.Spend[:n-1]}, spend, sf, -1, "SpendCovariates.Spend"},
		{"columns", clv.Covariates{}, scov, ggCovAt(thS[:4]), sf, -1, "SpendCovariates.Spend"},
		{"names", clv.Covariates{}, scov, clv.GammaGammaCov{GammaGamma: ggPub, Spend: []float64{0.3, -0.2}, Names: []string{"a", "b"}}, sf, -1, "SpendCovariates.Names"},
		{"coefficient", clv.Covariates{}, scov, ggCovAt([]float64{ggPub.P, ggPub.Q, ggPub.Gamma, math.Inf(1), 0}), sf, -1, "spend.Spend"},
		{"spend Cov order", clv.Covariates{}, scov, spend, clv.Fit{Cov: randomCov(thS[:3], 3, 0.1, 4)}, -1, "spendFit.Cov"},
		{"covariates without a covariate model", cov, scov, spend, sf, -1, "Covariates"},
	} {
		before := slices.Clone(tc.scov.Spend)
		_, _, err := clv.ScoreWithIntervalsSpendCov(bgPub, covP, tc.spend, tc.sf, cs, tc.cov, tc.scov, opt, clv.IntervalOptions{})
		var de *clv.DataError
		require.ErrorAs(t, err, &de, tc.name)
		assert.ErrorIs(t, err, clv.ErrInvalid, tc.name)
		assert.Equal(t, tc.row, de.Row, tc.name)
		assert.Equal(t, tc.field, de.Field, tc.name)
		assert.Equal(t, before, tc.scov.Spend, tc.name)
	}
}
