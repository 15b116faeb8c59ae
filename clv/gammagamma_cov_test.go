package clv_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/ltvgo/ltv/clv"
)

// ggCovTruth is the model of the covariate tests: CDNOW's published
// Gamma-Gamma with a channel dummy (+0.5: channel-1 customers spend
// e^0.5 = 1.65 times as much per transaction) and a standard-normal
// covariate (−0.3).
var ggCovTruth = clv.GammaGammaCov{GammaGamma: ggPub, Spend: []float64{0.5, -0.3}}

// simulateGGCov draws n customers from m: a channel dummy and a standard
// normal covariate z; 30% without a repeat purchase (Monetary 0), the
// others with 1 + ⌊3·Exp(1)⌋ repeat transactions whose mean is drawn as
// the Gamma-Gamma model says (Fader, Hardie & Lee 2005, JMR): ν ~
// Gamma(q, rate γ·exp(δ·z)), x·m̄ | ν ~ Gamma(p·x, rate ν).
func simulateGGCov(m clv.GammaGammaCov, n int, seed uint64) ([]clv.Customer, clv.SpendCovariates) {
	rng := rand.New(rand.NewPCG(seed, 12))
	cs := make([]clv.Customer, n)
	cov := clv.SpendCovariates{Spend: make([][]float64, n)}
	for i := range cs {
		z := []float64{float64(rng.IntN(2)), rng.NormFloat64()}
		cov.Spend[i] = z
		if rng.Float64() < 0.3 {
			cs[i] = clv.Customer{T: 10}
			continue
		}
		x := 1 + math.Floor(3*rng.ExpFloat64())
		nu := distuv.Gamma{Alpha: m.Q, Beta: m.For(z).Gamma, Src: rng}.Rand()
		total := distuv.Gamma{Alpha: m.P * x, Beta: nu, Src: rng}.Rand()
		cs[i] = clv.Customer{Frequency: x, Recency: 5, T: 10, Monetary: total / x}
	}
	return cs, cov
}

// refGGNegLL is an independent implementation of the covariate model's
// −LL: note 025's per-customer ℓ with γ_i = γ·exp(δ·z_i), summed over the
// customers with a repeat purchase, in φ = (ln p, ln q, ln γ, δ).
func refGGNegLL(cs []clv.Customer, z [][]float64, phi []float64) float64 {
	p, q, g := math.Exp(phi[0]), math.Exp(phi[1]), math.Exp(phi[2])
	var ll float64
	for i, c := range cs {
		if c.Frequency == 0 {
			continue
		}
		gi := g
		for j, d := range phi[3:] {
			gi *= math.Exp(d * z[i][j])
		}
		x, m := c.Frequency, c.Monetary
		lg1, _ := math.Lgamma(p*x + q)
		lg2, _ := math.Lgamma(p * x)
		lg3, _ := math.Lgamma(q)
		ll += lg1 - lg2 - lg3 + q*math.Log(gi) + (p*x-1)*math.Log(m) + p*x*math.Log(x) - (p*x+q)*math.Log(gi+x*m)
	}
	return -ll
}

// The fit against the independent likelihood above maximised by gonum's
// BFGS on central-difference gradients, from the truth, and its standard
// errors against the inverse of that likelihood's central-difference
// Hessian (delta method to the natural scale).
func TestFitGammaGammaCovMatchesIndependentFit(t *testing.T) {
	cs, cov := simulateGGCov(ggCovTruth, 3000, 1)
	m, fit, err := clv.FitGammaGammaCov(cs, cov, nil)
	require.NoError(t, err)
	got := []float64{m.P, m.Q, m.Gamma, m.Spend[0], m.Spend[1]}

	f := func(phi []float64) float64 { return refGGNegLL(cs, cov.Spend, phi) }
	// Newton on the mean −LL per customer with central-difference
	// derivatives, whose noise (~1e-11 in the gradient) stays below the
	// threshold.
	n := float64(len(cs))
	mean := func(x []float64) float64 { return f(x) / n }
	prob := optimize.Problem{
		Func: mean,
		Grad: func(g, x []float64) { fd.Gradient(g, mean, x, &fd.Settings{Formula: fd.Central, Step: 1e-5}) },
		Hess: func(h *mat.SymDense, x []float64) {
			fd.Hessian(h, mean, x, &fd.Settings{Formula: fd.Central, Step: 1e-3})
		},
	}
	x0 := []float64{math.Log(ggPub.P), math.Log(ggPub.Q), math.Log(ggPub.Gamma), 0.5, -0.3}
	res, err := optimize.Minimize(prob, x0, &optimize.Settings{GradientThreshold: 1e-9}, &optimize.Newton{})
	require.NoError(t, err)
	res.F *= n
	phi := res.X
	want := []float64{math.Exp(phi[0]), math.Exp(phi[1]), math.Exp(phi[2]), phi[3], phi[4]}
	for j := range want {
		assert.Less(t, relErr(got[j], want[j]), 1e-6, "parameter %d: %v, independent %v", j, got[j], want[j])
	}
	assert.InDelta(t, -res.F, fit.LogLikelihood, 1e-8*math.Abs(res.F))
	assert.Equal(t, 5, fit.NumParams)

	h := mat.NewSymDense(5, nil)
	fd.Hessian(h, f, phi, &fd.Settings{Formula: fd.Central, Step: 1e-3})
	var chol mat.Cholesky
	require.True(t, chol.Factorize(h))
	var cov2 mat.SymDense
	require.NoError(t, chol.InverseTo(&cov2))
	require.Len(t, fit.StdErr, 5)
	for j := range want {
		se := math.Sqrt(cov2.At(j, j))
		if j < 3 {
			se *= want[j] // d θ/d φ = θ for the positive parameters
		}
		assert.Less(t, relErr(fit.StdErr[j], se), 1e-4, "standard error %d", j)
	}
}

// An empty SpendCovariates{} is FitGammaGamma exactly, and so are
// covariates with no columns; the per-customer model of z = 0 is the base.
func TestFitGammaGammaCovEmptyIsPlain(t *testing.T) {
	cs, _ := simulateGGCov(ggCovTruth, 2000, 2)
	for _, opt := range []*clv.FitOptions{nil, {ConstrainQ: true}, {Penalty: 0.5}} {
		m, fit, err := clv.FitGammaGamma(cs, opt)
		require.NoError(t, err)
		for _, cov := range []clv.SpendCovariates{{}, {Spend: make([][]float64, len(cs))}} {
			mc, fc, err := clv.FitGammaGammaCov(cs, cov, opt)
			require.NoError(t, err)
			assert.Equal(t, m, mc.GammaGamma)
			assert.Empty(t, mc.Spend)
			assert.Equal(t, fit, fc)
			assert.Equal(t, m, mc.For(nil))
		}
	}
}

// Identical (x, m̄, z) rows are compressed: the customers twice over is
// the same fit as every customer with Weight 2, and the input is not
// modified.
func TestFitGammaGammaCovWeights(t *testing.T) {
	cs, cov := simulateGGCov(ggCovTruth, 1000, 8)
	weighted := slices.Clone(cs)
	for i := range weighted {
		weighted[i].Weight = 2
	}
	before := fmt.Sprint(weighted, cov)
	m1, f1, err := clv.FitGammaGammaCov(slices.Concat(cs, cs), clv.SpendCovariates{Spend: slices.Concat(cov.Spend, cov.Spend)}, nil)
	require.NoError(t, err)
	m2, f2, err := clv.FitGammaGammaCov(weighted, cov, nil)
	require.NoError(t, err)
	assert.Equal(t, m1, m2)
	assert.Equal(t, f1, f2)
	assert.Equal(t, before, fmt.Sprint(weighted, cov))
}

// The per-customer model: γ_i = γ·exp(δ·z_i), so the mean spend moves by
// exp(δ·z_i) (hand-checkable); a wrong-length z gives NaN. Models is For
// of every row, and names a bad row and field.
func TestGammaGammaCovFor(t *testing.T) {
	own := ggCovTruth.For([]float64{1, 2})
	assert.InDelta(t, ggPub.Gamma*math.Exp(0.5-0.6), own.Gamma, 1e-12)
	assert.InDelta(t, ggPub.MeanSpend()*math.Exp(-0.1), own.MeanSpend(), 1e-10)
	assert.Equal(t, ggPub.P, own.P)
	assert.Equal(t, ggPub.Q, own.Q)
	assert.True(t, math.IsNaN(ggCovTruth.For([]float64{1}).Gamma))
	assert.True(t, math.IsNaN(ggCovTruth.For([]float64{1}).ConditionalExpectedSpend(clv.Customer{Frequency: 2, Monetary: 3})))

	z := [][]float64{{1, 2}, {0, -1}}
	models, err := ggCovTruth.Models(clv.SpendCovariates{Spend: z})
	require.NoError(t, err)
	require.Len(t, models, 2)
	for i, m := range models {
		assert.Equal(t, ggCovTruth.For(z[i]), m)
	}
	for _, tc := range []struct {
		cov   clv.SpendCovariates
		row   int
		field string
		err   error
	}{
		{clv.SpendCovariates{}, -1, "SpendCovariates.Spend", clv.ErrEmpty},
		{clv.SpendCovariates{Spend: [][]float64{{1}, {2}}}, -1, "SpendCovariates.Spend", clv.ErrInvalid},
		{clv.SpendCovariates{Spend: [][]float64{{1, 2}, {2, math.Inf(1)}}}, 1, "Spend[1]", clv.ErrInvalid},
	} {
		_, err := ggCovTruth.Models(tc.cov)
		requireDataError(t, err, tc.err, "clv.GammaGammaCov.Models", tc.row, tc.field)
	}
}

// requireDataError requires err to be a *DataError of function fn, row
// and field that wraps sentinel.
func requireDataError(t *testing.T, err, sentinel error, fn string, row int, field string) {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	var de *clv.DataError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.Equal(t, fn, de.Func)
	assert.Equal(t, row, de.Row)
	assert.Equal(t, field, de.Field)
}

// Column names are checked, recorded in the model and in Fit.Names, and
// held against the covariates Models is given; the model saves and loads
// whole (not as the embedded GammaGamma).
func TestFitGammaGammaCovNames(t *testing.T) {
	cs, cov := simulateGGCov(ggCovTruth, 2000, 10)
	cov.Names = []string{"channel", "score"}
	m, fit, err := clv.FitGammaGammaCov(cs, cov, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"P", "Q", "Gamma", "Spend[channel]", "Spend[score]"}, fit.Names)
	assert.Equal(t, cov.Names, m.Names)
	_, err = m.Models(clv.SpendCovariates{Spend: cov.Spend[:3], Names: []string{"score", "channel"}})
	requireDataError(t, err, clv.ErrInvalid, "clv.GammaGammaCov.Models", -1, "SpendCovariates.Names")
	models, err := m.Models(clv.SpendCovariates{Spend: cov.Spend[:3]}) // unnamed: not checked
	require.NoError(t, err)
	assert.Equal(t, m.For(cov.Spend[2]), models[2])
	for _, names := range [][]string{{"channel"}, {"channel", "channel"}, {"channel", ""}} {
		_, _, err := clv.FitGammaGammaCov(cs, clv.SpendCovariates{Spend: cov.Spend, Names: names}, nil)
		requireDataError(t, err, clv.ErrInvalid, "clv.FitGammaGammaCov", -1, "SpendCovariates.Names")
	}

	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"kind":"clv.GammaGammaCov"`)
	var back clv.GammaGammaCov
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, m, back)
	var base clv.GammaGamma
	assert.Error(t, json.Unmarshal(b, &base), "a GammaGammaCov does not load as its base model")
}

// TestFitGammaGammaCovRecovery fits seeded simulations at ggCovTruth and
// requires ≥ 99% of the estimates within 3 standard errors of the truth.
// LTV_COV_SEEDS sets the number of seeds (default 4).
func TestFitGammaGammaCovRecovery(t *testing.T) {
	seeds := 4
	if s, err := strconv.Atoi(os.Getenv("LTV_COV_SEEDS")); err == nil && s > 0 {
		seeds = s
	}
	truth := []float64{ggCovTruth.P, ggCovTruth.Q, ggCovTruth.Gamma, ggCovTruth.Spend[0], ggCovTruth.Spend[1]}
	var scores []float64 // (estimate − truth)/SE, every parameter of every seed
	for seed := range uint64(seeds) {
		cs, cov := simulateGGCov(ggCovTruth, 20_000, 100+seed)
		m, fit, err := clv.FitGammaGammaCov(cs, cov, nil)
		require.NoError(t, err, "seed %d", seed)
		require.Len(t, fit.StdErr, len(truth))
		for j, est := range []float64{m.P, m.Q, m.Gamma, m.Spend[0], m.Spend[1]} {
			scores = append(scores, (est-truth[j])/fit.StdErr[j])
		}
	}
	within := 0
	for i, z := range scores {
		if math.Abs(z) <= 3 {
			within++
		} else {
			t.Logf("seed %d: parameter %d is %.2f standard errors from the truth", i/len(truth), i%len(truth), z)
		}
	}
	assert.GreaterOrEqual(t, float64(within), 0.99*float64(len(scores)), "%d of %d within 3 SE", within, len(scores))
}

func TestFitGammaGammaCovL2AndLRTest(t *testing.T) {
	cs, cov := simulateGGCov(ggCovTruth, 3000, 3)
	m, fit, err := clv.FitGammaGammaCov(cs, cov, nil)
	require.NoError(t, err)
	cov.L2 = 200
	mp, fp, err := clv.FitGammaGammaCov(cs, cov, nil)
	require.NoError(t, err)
	assert.True(t, fp.Penalized)
	assert.False(t, fit.Penalized)
	for j := range m.Spend {
		assert.Less(t, math.Abs(mp.Spend[j]), math.Abs(m.Spend[j]), "coefficient %d", j)
	}
	assert.Less(t, fp.LogLikelihood, fit.LogLikelihood) // the plain LL, lower away from its maximum
	_, plain, err := clv.FitGammaGamma(cs, nil)
	require.NoError(t, err)
	assert.Equal(t, plain.NumParams+2, fit.NumParams)
	lr, p := clv.LikelihoodRatioTest(plain, fit, false)
	assert.InDelta(t, 2*(fit.LogLikelihood-plain.LogLikelihood), lr, 1e-9*lr)
	assert.Less(t, p, 1e-6) // δ = (0.5, −0.3) on 2,100 buyers is far from 0
}

// A column constant over the customers with a repeat purchase (even if it
// varies among the others), or collinear with another, is ErrSingular
// naming the column; bad values name the row and field.
func TestFitGammaGammaCovBadInput(t *testing.T) {
	base, _ := simulateGGCov(ggCovTruth, 50, 4)
	cols := func(f func(i int, c clv.Customer) []float64) clv.SpendCovariates {
		cov := clv.SpendCovariates{}
		for i, c := range base {
			cov.Spend = append(cov.Spend, f(i, c))
		}
		return cov
	}
	varying := func(i int) float64 { return float64(i%5) - 2 }
	firstBuyer := -1
	for i, c := range base {
		if c.Frequency > 0 && firstBuyer < 0 {
			firstBuyer = i
		}
	}
	require.GreaterOrEqual(t, firstBuyer, 0)
	for _, tc := range []struct {
		name  string
		cs    []clv.Customer
		cov   clv.SpendCovariates
		row   int
		field string
		err   error
	}{
		{"constant among buyers", base, cols(func(i int, c clv.Customer) []float64 {
			if c.Frequency == 0 {
				return []float64{varying(i), 7}
			}
			return []float64{varying(i), 1}
		}), -1, "Spend[1]", clv.ErrSingular},
		{"all zeros", base, cols(func(i int, _ clv.Customer) []float64 { return []float64{0, varying(i)} }), -1, "Spend[0]", clv.ErrSingular},
		{"collinear", base, cols(func(i int, _ clv.Customer) []float64 { return []float64{varying(i), 3 - 2*varying(i)} }), -1, "Spend[1]", clv.ErrSingular},
		{"NaN on a non-buyer", base, cols(func(i int, c clv.Customer) []float64 {
			if i == 3 {
				return []float64{math.NaN(), 1}
			}
			return []float64{varying(i), float64(i)}
		}), 3, "Spend[0]", clv.ErrInvalid},
		{"ragged", base, cols(func(i int, _ clv.Customer) []float64 {
			if i == 7 {
				return []float64{1}
			}
			return []float64{varying(i), float64(i)}
		}), 7, "Spend", clv.ErrInvalid},
		{"too few rows", base, clv.SpendCovariates{Spend: [][]float64{{1}}}, -1, "SpendCovariates.Spend", clv.ErrInvalid},
		{"negative L2", base, clv.SpendCovariates{L2: -1}, -1, "SpendCovariates.L2", clv.ErrInvalid},
		{"negative spend", append([]clv.Customer{{Frequency: 2, Recency: 1, T: 3, Monetary: -4}}, base[1:]...),
			cols(func(i int, _ clv.Customer) []float64 { return []float64{varying(i)} }), 0, "Monetary", clv.ErrInvalid},
		{"no repeat buyers", []clv.Customer{{T: 1}, {T: 2}}, clv.SpendCovariates{Spend: [][]float64{{1}, {2}}}, -1, "Frequency", clv.ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := fmt.Sprint(tc.cov)
			_, _, err := clv.FitGammaGammaCov(tc.cs, tc.cov, nil)
			requireDataError(t, err, tc.err, "clv.FitGammaGammaCov", tc.row, tc.field)
			assert.Equal(t, before, fmt.Sprint(tc.cov), "input modified")
		})
	}
}

// A fit that does not reach its optimum within MaxIterations says so, and
// a negative cap is an option error.
func TestFitGammaGammaCovOptions(t *testing.T) {
	cs, cov := simulateGGCov(ggCovTruth, 500, 5)
	_, _, err := clv.FitGammaGammaCov(cs, cov, &clv.FitOptions{MaxIterations: -1})
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "FitOptions.MaxIterations", de.Field)
	_, _, err = clv.FitGammaGammaCov(cs, cov, &clv.FitOptions{MaxIterations: 1, Start: []float64{1, 1, 1, 0, 0}})
	require.ErrorIs(t, err, clv.ErrNotConverged)
	m, _, err := clv.FitGammaGammaCov(cs, cov, &clv.FitOptions{Start: []float64{6, 4, 15, 0.4, -0.2}})
	require.NoError(t, err)
	m0, _, err := clv.FitGammaGammaCov(cs, cov, nil)
	require.NoError(t, err)
	assert.Less(t, relErr(m.Gamma, m0.Gamma), 1e-5)
}

// FuzzFitGammaGammaCov fits a small base whose covariate values, number
// of columns, L2 and one customer's spend the fuzzer sets, NaN and ±Inf
// included: no panic, no modified input, and a typed error (a singular
// column included) or finite estimates with per-customer models that
// predict. Finite covariates are folded into [−8, 8].
func FuzzFitGammaGammaCov(f *testing.F) {
	f.Add(uint8(3), 0.5, uint8(0), 0.0, uint8(2), 10.0)
	f.Add(uint8(17), math.NaN(), uint8(1), 5.0, uint8(1), 1e300)
	f.Add(uint8(0), 1e300, uint8(2), math.Inf(1), uint8(3), -1.0)
	f.Add(uint8(9), 0.0, uint8(0), -1.0, uint8(0), math.Inf(1))
	f.Fuzz(func(t *testing.T, row uint8, v float64, col uint8, l2 float64, ncol uint8, monetary float64) {
		cs, base := simulateGGCov(ggCovTruth, 60, 9)
		k := int(ncol % 4)
		cov := clv.SpendCovariates{L2: l2}
		for i := range cs {
			z := []float64{base.Spend[i][0], base.Spend[i][1], float64(i % 3)}
			if k > 0 {
				cov.Spend = append(cov.Spend, z[:k])
			}
		}
		i := int(row) % len(cs)
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			v = math.Mod(v, 8)
		}
		if k > 0 {
			cov.Spend[i][int(col)%k] = v
		}
		cs[(i+1)%len(cs)].Monetary = monetary
		before, csBefore := fmt.Sprint(cov), fmt.Sprint(cs)
		m, fit, err := clv.FitGammaGammaCov(cs, cov, &clv.FitOptions{MaxIterations: 50})
		if fmt.Sprint(cov) != before || fmt.Sprint(cs) != csBefore {
			t.Fatal("input modified")
		}
		if errors.Is(err, clv.ErrSingular) {
			return
		}
		checkFitOutcome(t, "FitGammaGammaCov", []float64{m.P, m.Q, m.Gamma}, fit, err)
		if err != nil {
			return
		}
		require.Len(t, m.Spend, k)
		for j := range cs {
			var z []float64
			if k > 0 {
				z = cov.Spend[j]
			}
			if s := m.For(z).ConditionalExpectedSpend(cs[j]); math.IsNaN(s) || s < 0 {
				t.Fatalf("customer %d: expected spend %v", j, s)
			}
		}
	})
}

func BenchmarkFitGammaGammaCov(b *testing.B) {
	cs, cov := simulateGGCov(ggCovTruth, 100_000, 6)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := clv.FitGammaGammaCov(cs, cov, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleFitGammaGammaCov() {
	// Two acquisition channels whose customers spend differently per
	// transaction: channel 1's spend scale is e^0.5 = 1.65 times channel
	// 0's (CDNOW's published Gamma-Gamma). Simulate 10,000 customers of
	// each, with their channel as the one covariate.
	truth := clv.GammaGammaCov{GammaGamma: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, Spend: []float64{0.5}}
	purchases := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	var cs []clv.Customer
	var cov clv.SpendCovariates
	for _, channel := range []float64{0, 1} {
		z := []float64{channel}
		sim, err := clv.SimulateBGNBDCustomers(purchases, clv.CustomerSimulationOptions{
			Customers: 10_000, Period: 7 * 24 * time.Hour, Spend: truth.For(z), Seed: uint64(1 + channel), Continuous: true,
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, c := range sim {
			cs = append(cs, c)
			cov.Spend = append(cov.Spend, z)
		}
	}
	m, fit, err := clv.FitGammaGammaCov(cs, cov, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("p %.2f ± %.2f, q %.2f ± %.2f, γ %.1f ± %.1f\n", m.P, fit.StdErr[0], m.Q, fit.StdErr[1], m.Gamma, fit.StdErr[2])
	fmt.Printf("channel coefficient %.3f ± %.3f (truth 0.5)\n", m.Spend[0], fit.StdErr[3])
	c := clv.Customer{Frequency: 3, Recency: 20, T: 30, Monetary: 20}
	for _, channel := range []float64{0, 1} {
		own := m.For([]float64{channel})
		fmt.Printf("channel %v: mean spend per transaction %.2f; a customer with 3 at 20.00: %.2f\n",
			channel, own.MeanSpend(), own.ConditionalExpectedSpend(c))
	}
	// Output:
	// p 6.00 ± 0.35, q 3.83 ± 0.10, γ 16.3 ± 1.3
	// channel coefficient 0.519 ± 0.014 (truth 0.5)
	// channel 0: mean spend per transaction 34.70; a customer with 3 at 20.00: 21.99
	// channel 1: mean spend per transaction 58.30; a customer with 3 at 20.00: 25.19
}
