package clv_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/ltvgo/ltv/clv"
)

// bgbbCovTruth is the simulation truth of the BG/BB covariate tests: the
// donations fit of FHS (2010) as the base, a channel dummy and a
// continuous score in each process.
var bgbbCovTruth = clv.BGBBCov{
	BGBB:     clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8},
	Purchase: []float64{0.6, -0.4},
	Dropout:  []float64{0.5, 0.3},
}

// bgbbCovSim draws n customers of m, each with a channel dummy
// (Bernoulli(0.5)) and a standard-normal score as the covariates of both
// processes, observed for 6 or 10 opportunities; each customer is
// simulated from its own model For(z_p, z_d).
func bgbbCovSim(m clv.BGBBCov, n int, seed uint64) ([]clv.Customer, clv.Covariates) {
	rng := rand.New(rand.NewPCG(seed, 7))
	cs := make([]clv.Customer, n)
	var cov clv.Covariates
	for i := range cs {
		z := []float64{float64(rng.IntN(2)), rng.NormFloat64()}
		cov.Purchase = append(cov.Purchase, z)
		cov.Dropout = append(cov.Dropout, z)
		opp := 6 + 4*(i%2)
		cs[i] = must(clv.SimulateBGBB(m.For(z, z), clv.BGBBSimulationOptions{Customers: 1, Opportunities: opp, Seed: seed<<32 + uint64(i)}))[0]
	}
	return cs, cov
}

// indepBGBBLogLik is the BG/BB log-likelihood of one customer written
// directly from FHS (2010, eq. 5), with log-gamma functions and a plain
// log-sum-exp over its n − t_x + 1 terms:
//
//	L = B(α+x, β+n−x)/B(α,β)·B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β)·B(γ+1, δ+t_x+i)/B(γ,δ).
func indepBGBBLogLik(a, b, g, d, x, tx, n float64) float64 {
	lnB := func(u, v float64) float64 {
		lu, _ := math.Lgamma(u)
		lv, _ := math.Lgamma(v)
		luv, _ := math.Lgamma(u + v)
		return lu + lv - luv
	}
	terms := []float64{lnB(a+x, b+n-x) - lnB(a, b) + lnB(g, d+n) - lnB(g, d)}
	for i := 0.0; i < n-tx; i++ {
		terms = append(terms, lnB(a+x, b+tx-x+i)-lnB(a, b)+lnB(g+1, d+tx+i)-lnB(g, d))
	}
	top := math.Inf(-1)
	for _, v := range terms {
		top = math.Max(top, v)
	}
	var s float64
	for _, v := range terms {
		s += math.Exp(v - top)
	}
	return top + math.Log(s)
}

// indepBGBBCovNegLL is −LL of a BG/BB with covariates on the Beta means,
// written independently of the package: customer i's mean purchase
// probability is expit(logit(α/(α+β)) + b_p·z_p,i) with precision α+β,
// likewise for dropout. th = (α, β, γ, δ, b_p, b_d).
func indepBGBBCovNegLL(cs []clv.Customer, cov clv.Covariates, th []float64) float64 {
	nP := len(cov.Purchase[0])
	expit := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	var ll float64
	for i, c := range cs {
		var ep, ed float64
		for j, z := range cov.Purchase[i] {
			ep += th[4+j] * z
		}
		for j, z := range cov.Dropout[i] {
			ed += th[4+nP+j] * z
		}
		kp, kd := th[0]+th[1], th[2]+th[3]
		mp := expit(math.Log(th[0]/kp) - math.Log(th[1]/kp) + ep)
		md := expit(math.Log(th[2]/kd) - math.Log(th[3]/kd) + ed)
		ll += indepBGBBLogLik(kp*mp, kp*(1-mp), kd*md, kd*(1-md), c.Frequency, c.Recency, c.T)
	}
	return -ll
}

func TestFitBGBBCovMatchesIndependentFit(t *testing.T) {
	// FitBGBBCov against indepBGBBCovNegLL maximised by gonum's BFGS on
	// central-difference gradients, from the base (1, 1, 1, 1) with
	// coefficients 0 (not from our estimate): estimates within 1e-6
	// relative, LL within 1e-9 relative, and standard errors within 1e-3
	// of those of the inverse of a central-difference Hessian of that
	// likelihood at its optimum.
	cs, cov := bgbbCovSim(bgbbCovTruth, 1000, 1)
	m, fit, err := clv.FitBGBBCov(cs, cov, nil)
	require.NoError(t, err)
	got := append([]float64{m.Alpha, m.Beta, m.Gamma, m.Delta}, append(m.Purchase, m.Dropout...)...)

	k := len(got)
	toTheta := func(phi []float64) []float64 {
		th := append([]float64(nil), phi...)
		for j := range 4 {
			th[j] = math.Exp(phi[j])
		}
		return th
	}
	n := float64(len(cs))
	f := func(phi []float64) float64 { return indepBGBBCovNegLL(cs, cov, toTheta(phi)) / n }
	res, err := optimize.Minimize(optimize.Problem{
		Func: f,
		Grad: func(grad, phi []float64) {
			fd.Gradient(grad, f, phi, &fd.Settings{Formula: fd.Central, Step: 1e-6})
		},
	}, make([]float64, k), &optimize.Settings{GradientThreshold: 1e-10, Converger: &optimize.FunctionConverge{Absolute: 1e-15, Iterations: 50}}, &optimize.BFGS{})
	// BFGS on differenced gradients ends on a failed line search once the
	// gradient is down to their noise: accept that only at ‖∇‖ ≤ 1e-8.
	if err != nil {
		for j, g := range res.Gradient {
			require.LessOrEqual(t, math.Abs(g), 1e-8, "%v: ∂/∂φ_%d", err, j)
		}
	}
	want := toTheta(res.X)
	for j := range want {
		assert.InDelta(t, want[j], got[j], 1e-6*math.Abs(want[j]), "parameter %d", j)
	}
	wantLL := -indepBGBBCovNegLL(cs, cov, want)
	assert.InDelta(t, wantLL, fit.LogLikelihood, 1e-9*math.Abs(wantLL))
	assert.Equal(t, k, fit.NumParams)
	assert.Equal(t, n, fit.N)

	h := mat.NewSymDense(k, nil)
	fd.Hessian(h, func(th []float64) float64 { return indepBGBBCovNegLL(cs, cov, th) }, want, &fd.Settings{Formula: fd.Central, Step: 1e-4})
	var cho mat.Cholesky
	require.True(t, cho.Factorize(h))
	var inv mat.SymDense
	require.NoError(t, cho.InverseTo(&inv))
	require.Len(t, fit.StdErr, k)
	for j := range k {
		se := math.Sqrt(inv.At(j, j))
		assert.InDelta(t, se, fit.StdErr[j], 1e-3*se, "SE %d", j)
	}
}

func TestFitBGBBCovParameterRecovery(t *testing.T) {
	// Seeded simulations of bgbbCovTruth: ≥ 99% of the estimates within 3
	// standard errors of the truth. LTV_COV_SEEDS sets the number of seeds
	// (default 4).
	seeds := 4
	if s, err := strconv.Atoi(os.Getenv("LTV_COV_SEEDS")); err == nil && s > 0 {
		seeds = s
	}
	truth := append([]float64{1.2, 0.75, 0.66, 2.8}, append(bgbbCovTruth.Purchase, bgbbCovTruth.Dropout...)...)
	var within, total int
	for seed := range uint64(seeds) {
		cs, cov := bgbbCovSim(bgbbCovTruth, 4000, 100+seed)
		m, fit, err := clv.FitBGBBCov(cs, cov, nil)
		require.NoError(t, err, "seed %d", seed)
		est := append([]float64{m.Alpha, m.Beta, m.Gamma, m.Delta}, append(m.Purchase, m.Dropout...)...)
		require.Len(t, fit.StdErr, len(truth))
		for j, w := range truth {
			total++
			if math.Abs(est[j]-w) <= 3*fit.StdErr[j] {
				within++
			} else {
				t.Logf("seed %d: parameter %d is %.4g ± %.2g, truth %v", seed, j, est[j], fit.StdErr[j], w)
			}
		}
	}
	assert.GreaterOrEqual(t, float64(within), 0.99*float64(total), "%d of %d within 3 SE", within, total)
}

func TestFitBGBBCovLayouts(t *testing.T) {
	// Shared, one-process and L2 layouts fit what they say: a Shared
	// coefficient is one number in both vectors and one standard error; a
	// process without covariates gets none; L2 shrinks the coefficients and
	// reports the plain LL, at most the unpenalised fit's.
	cs, cov := bgbbCovSim(bgbbCovTruth, 1500, 3)
	full, ff, err := clv.FitBGBBCov(cs, cov, nil)
	require.NoError(t, err)

	shared := cov
	shared.Shared = []int{0}
	m, f, err := clv.FitBGBBCov(cs, shared, nil)
	require.NoError(t, err)
	assert.Equal(t, m.Purchase[0], m.Dropout[0])
	assert.Len(t, f.StdErr, 7)
	assert.Equal(t, 7, f.NumParams)
	assert.LessOrEqual(t, f.LogLikelihood, ff.LogLikelihood+1e-9)

	// Named columns of one process, and the unit, reach the model, its
	// customers' models and the Fit.
	named := clv.Covariates{Purchase: cov.Purchase, PurchaseNames: []string{"channel", "score"}}
	m, f, err = clv.FitBGBBCov(cs, named, &clv.FitOptions{Period: week})
	require.NoError(t, err)
	assert.Empty(t, m.Dropout)
	assert.Len(t, f.StdErr, 6)
	assert.Equal(t, []string{"Alpha", "Beta", "Gamma", "Delta", "Purchase[channel]", "Purchase[score]"}, f.Names)
	assert.Equal(t, named.PurchaseNames, m.PurchaseNames)
	assert.Equal(t, week, m.For([]float64{1, 0}, nil).Period)
	assert.Equal(t, clv.Fingerprint(cs), f.Fingerprint)
	named.PurchaseNames = []string{"score", "channel"}
	_, err = m.Models(named)
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "Covariates.PurchaseNames", de.Field)

	ridge := cov
	ridge.L2 = 200
	m, f, err = clv.FitBGBBCov(cs, ridge, nil)
	require.NoError(t, err)
	assert.True(t, f.Penalized)
	assert.Less(t, math.Hypot(math.Hypot(m.Purchase[0], m.Purchase[1]), math.Hypot(m.Dropout[0], m.Dropout[1])),
		math.Hypot(math.Hypot(full.Purchase[0], full.Purchase[1]), math.Hypot(full.Dropout[0], full.Dropout[1])))
	assert.Less(t, f.LogLikelihood, ff.LogLikelihood)
	assert.InDelta(t, -f.LogLikelihood, negLLAt(cs, cov, m), 1e-9*math.Abs(f.LogLikelihood), "Fit.LogLikelihood is the plain LL")

	// A likelihood-ratio test of the covariates against the plain fit.
	_, plain, err := clv.FitBGBB(cs, nil)
	require.NoError(t, err)
	lr, p := clv.LikelihoodRatioTest(plain, ff, false)
	assert.Greater(t, lr, 0.0)
	assert.Less(t, p, 1e-6, "the simulated covariates matter")
}

// negLLAt returns −LL of m on cs, customer by customer through For.
func negLLAt(cs []clv.Customer, cov clv.Covariates, m clv.BGBBCov) float64 {
	var v float64
	for i, c := range cs {
		v -= m.For(cov.Purchase[i], cov.Dropout[i]).LogLikelihood(c)
	}
	return v
}

func TestBGBBCovForAndModels(t *testing.T) {
	m := bgbbCovTruth
	// Covariates 0 are the base model, exactly.
	assert.Equal(t, m.BGBB, m.For([]float64{0, 0}, []float64{0, 0}))
	// Channel 1: logit of the mean purchase probability rises by 0.6 and
	// that of the mean dropout probability by 0.5; the precisions stay.
	own := m.For([]float64{1, 0}, []float64{1, 0})
	logit := func(a, b float64) float64 { return math.Log(a / b) }
	assert.InDelta(t, logit(1.2, 0.75)+0.6, logit(own.Alpha, own.Beta), 1e-14)
	assert.InDelta(t, logit(0.66, 2.8)+0.5, logit(own.Gamma, own.Delta), 1e-14)
	assert.InDelta(t, 1.95, own.Alpha+own.Beta, 1e-14)
	assert.InDelta(t, 3.46, own.Gamma+own.Delta, 1e-14)
	// Covariates of the wrong length give NaN parameters and predictions.
	bad := m.For([]float64{1}, []float64{1, 0})
	assert.True(t, math.IsNaN(bad.Alpha) && math.IsNaN(bad.Beta))
	assert.True(t, math.IsNaN(bad.PAlive(clv.Customer{Frequency: 1, Recency: 2, T: 5})))

	cs, cov := bgbbCovSim(m, 50, 9)
	models, err := m.Models(cov)
	require.NoError(t, err)
	require.Len(t, models, len(cs))
	for i := range cs {
		assert.Equal(t, m.For(cov.Purchase[i], cov.Dropout[i]), models[i])
	}
	opt := clv.ValueOptions{Period: week, CashFlow: week, Horizon: 4, Margin: 1}
	for i := range cs {
		cs[i].Monetary = 20
		if cs[i].Frequency == 0 {
			cs[i].Monetary = 0
		}
	}
	scores, err := clv.ScoreEach(models, ggPub, cs, opt)
	require.NoError(t, err)
	for i, c := range cs {
		want, err := clv.Score(models[i], ggPub, []clv.Customer{c}, opt)
		require.NoError(t, err)
		assert.Equal(t, want[0], scores[i])
	}

	_, err = m.Models(clv.Covariates{Purchase: [][]float64{{1, 0}}, Dropout: [][]float64{{1, math.NaN()}}})
	var de *clv.DataError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.Equal(t, "clv.BGBBCov.Models", de.Func)
	assert.Equal(t, 0, de.Row)
	assert.Equal(t, "Dropout[1]", de.Field)
}

func ExampleBGBBCov_For() {
	// A BG/BB with a channel dummy in both processes, as a fit would return
	// it: channel 1 raises the logit of the mean transaction probability
	// by 0.6 and that of the mean dropout probability by 0.5.
	m := clv.BGBBCov{
		BGBB:     clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8},
		Purchase: []float64{0.6},
		Dropout:  []float64{0.5},
	}
	c := clv.Customer{Frequency: 3, Recency: 4, T: 6} // 3 of 6 opportunities, the last at 4
	for _, channel := range []float64{0, 1} {
		own := m.For([]float64{channel}, []float64{channel})
		fmt.Printf("channel %v: E[p] %.3f  E[θ] %.3f  P(alive) %.3f  E[X(6, 6+5)] %.3f\n", channel,
			own.Alpha/(own.Alpha+own.Beta), own.Gamma/(own.Gamma+own.Delta), own.PAlive(c), own.ConditionalExpectedPurchases(c, 5))
	}
	// The values agree with FHS (2010)'s closed forms evaluated in mpmath
	// at 30 digits (testdata/bgbb_cov_example.py).

	// Output:
	// channel 0: E[p] 0.615  E[θ] 0.191  P(alive) 0.439  E[X(6, 6+5)] 1.033
	// channel 1: E[p] 0.745  E[θ] 0.280  P(alive) 0.279  E[X(6, 6+5)] 0.658
}

// BenchmarkFitBGBBCov fits a BG/BB with four coefficients (channel and a
// continuous score in each process) to customers with 6 or 10
// opportunities, every customer a covariate group of their own: the most
// expensive layout, with no compression.
func BenchmarkFitBGBBCov(b *testing.B) {
	for _, n := range []int{1e4, 1e5} {
		cs, cov := bgbbCovSim(bgbbCovTruth, n, 41)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := clv.FitBGBBCov(cs, cov, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ExampleFitBGBBCov() {
	// 6,000 donors observed for 6 yearly campaigns, simulated with a channel
	// dummy that raises the mean giving probability (logit +0.6) and the
	// mean lapse probability (logit +0.5).
	truth := clv.BGBBCov{
		BGBB:     clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8},
		Purchase: []float64{0.6},
		Dropout:  []float64{0.5},
	}
	var cs []clv.Customer
	var cov clv.Covariates
	for channel, seed := range []uint64{1, 2} {
		z := []float64{float64(channel)}
		sim, err := clv.SimulateBGBB(truth.For(z, z), clv.BGBBSimulationOptions{Customers: 3000, Opportunities: 6, Seed: seed})
		if err != nil {
			panic(err)
		}
		for _, c := range sim {
			cs = append(cs, c)
			cov.Purchase = append(cov.Purchase, z)
			cov.Dropout = append(cov.Dropout, z)
		}
	}
	m, fit, err := clv.FitBGBBCov(cs, cov, nil)
	if err != nil {
		panic(err)
	}
	names := []string{"alpha", "beta", "gamma", "delta", "channel (purchase)", "channel (dropout)"}
	est := []float64{m.Alpha, m.Beta, m.Gamma, m.Delta, m.Purchase[0], m.Dropout[0]}
	for j, name := range names {
		fmt.Printf("%-18s %6.3f ± %.3f\n", name, est[j], fit.StdErr[j])
	}
	_, plain, err := clv.FitBGBB(cs, nil)
	if err != nil {
		panic(err)
	}
	lr, p := clv.LikelihoodRatioTest(plain, fit, false)
	fmt.Printf("LR test of the channel: χ² %.1f on 2 df, p %.1g\n", lr, p)

	// Output:
	// alpha               1.089 ± 0.088
	// beta                0.720 ± 0.042
	// gamma               0.748 ± 0.069
	// delta               3.218 ± 0.419
	// channel (purchase)  0.584 ± 0.061
	// channel (dropout)   0.452 ± 0.049
	// LR test of the channel: χ² 139.5 on 2 df, p 5e-31
}
