package clv

import (
	"errors"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mathext"

	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

// must returns v, panicking on err (which fails the test): the
// simulations of the tests take valid settings, so an error is a bug.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// bgbbBT is the BTYD walkthrough's printed BG/BB fit to the donations data
// (MODELS.md §5, "Bb").
var bgbbBT = BGBB{Alpha: 1.203507, Beta: 0.7497667, Gamma: 0.6567568, Delta: 2.783887}

// donations reads the 22 (x, t_x, n) patterns of FHS (2010) with their
// counts in Weight.
func donations(t testing.TB) []Customer {
	recs := refdatatest.CSV(t, "donations/donations.csv")
	require.Equal(t, []string{"frequency", "recency", "periods", "weights"}, recs[0])
	var cs []Customer
	for _, r := range recs[1:] {
		var v [4]float64
		for j := range v {
			f, err := strconv.ParseFloat(r[j], 64)
			require.NoError(t, err)
			v[j] = f
		}
		cs = append(cs, Customer{Frequency: v[0], Recency: v[1], T: v[2], Weight: v[3]})
	}
	return cs
}

// sameCustomers reports whether a and b hold bit-identical rows (NaN
// included), to show that a function left its input alone.
func sameCustomers(a, b []Customer) bool {
	same := func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) }
	return slices.EqualFunc(a, b, func(c, d Customer) bool {
		return c.ID == d.ID && same(c.Frequency, d.Frequency) && same(c.Recency, d.Recency) &&
			same(c.T, d.T) && same(c.Monetary, d.Monetary) && same(c.Weight, d.Weight)
	})
}

// bgbbExpected is the `bgbb_donations` block of cdnow/expected.json.
type bgbbExpected struct {
	Params struct{ Alpha, Beta, Gamma, Delta float64 }
	SE     struct{ Alpha, Beta, Gamma, Delta float64 }
	Loglik float64
	N      float64
	Rows   []struct {
		Frequency, Recency, Periods, Weight float64
		PAliveNext                          float64 `json:"p_alive_next_period"`
		ExpectedNext5                       float64 `json:"expected_next_5"`
		LoglikI                             float64 `json:"loglik_i"`
	}
	SumExpectedNext5 float64   `json:"sum_expected_next_5"`
	ExpectedXFirst6  float64   `json:"expected_X_n_first_6"`
	PmfX6            []float64 `json:"pmf_X6"`
}

func loadBGBBExpected(t testing.TB) bgbbExpected {
	var all struct {
		BGBB bgbbExpected `json:"bgbb_donations"`
	}
	refdatatest.JSON(t, "cdnow/expected.json", &all)
	require.Len(t, all.BGBB.Rows, 22)
	return all.BGBB
}

func TestFitBGBBDonations(t *testing.T) {
	cs := donations(t)
	m, fit, err := FitBGBB(cs, nil)
	require.NoError(t, err)
	assert.True(t, fit.Converged)
	// MLE and SEs: MODELS.md §5 table (BTYD fit 1.20350708, 0.74976668,
	// 0.65675682, 2.78388733 agrees to 1e-3; FHS 2010 print 1.204, 0.750,
	// 0.657, 2.783). The SEs are from the same analytic-gradient Hessian.
	want := []float64{1.203522, 0.7497164, 0.6567182, 2.783442}
	got := []float64{m.Alpha, m.Beta, m.Gamma, m.Delta}
	require.Len(t, got, 4)
	assert.InDeltaSlice(t, want, got, 1e-3)
	for j := range want {
		assert.InEpsilon(t, want[j], got[j], 1e-4, "param %d", j)
	}
	// LL at the MLE: MODELS.md §5 −33225.581274 (BTYD −33225.581285 at Bb).
	assert.InDelta(t, -33225.581274, fit.LogLikelihood, 1e-4)
	require.Len(t, fit.StdErr, 4)
	wantSE := []float64{0.06939136, 0.02944772, 0.05100986, 0.3208190} // MODELS.md §5
	for j := range wantSE {
		assert.InEpsilon(t, wantSE[j], fit.StdErr[j], 1e-3, "SE %d", j)
	}
	assert.Equal(t, 11104.0, fit.N) // donations.csv: Σ weights
	assert.Equal(t, 4, fit.NumParams)

	// The total LL is the weighted sum of the per-customer LogLikelihood.
	var sum float64
	for _, c := range cs {
		sum += c.Weight * m.LogLikelihood(c)
	}
	assert.InDelta(t, fit.LogLikelihood, sum, 1e-8)
}

// The per-row values of expected.json at its fitted parameters.
func TestBGBBDonationsRows(t *testing.T) {
	e := loadBGBBExpected(t)
	m := BGBB{Alpha: e.Params.Alpha, Beta: e.Params.Beta, Gamma: e.Params.Gamma, Delta: e.Params.Delta}
	var ll, next5 float64
	for _, r := range e.Rows {
		c := Customer{Frequency: r.Frequency, Recency: r.Recency, T: r.Periods}
		// expected.json, 1e-8 relative.
		assert.InEpsilon(t, r.LoglikI, m.LogLikelihood(c), 1e-8, "ℓ %v", c)
		assert.InEpsilon(t, r.PAliveNext, m.PAlive(c), 1e-8, "P(alive) %v", c)
		assert.InEpsilon(t, r.ExpectedNext5, m.ConditionalExpectedPurchases(c, 5), 1e-8, "E[X(5)] %v", c)
		ll += r.Weight * m.LogLikelihood(c)
		next5 += r.Weight * m.ConditionalExpectedPurchases(c, 5)
	}
	assert.InEpsilon(t, e.Loglik, ll, 1e-10)                             // expected.json loglik
	assert.InEpsilon(t, e.SumExpectedNext5, next5, 1e-8)                 // expected.json; Hardie sheet 12884.2
	assert.InEpsilon(t, e.ExpectedXFirst6, m.ExpectedPurchases(6), 1e-8) // expected.json
	require.Len(t, e.PmfX6, 7)
	for x, want := range e.PmfX6 {
		assert.InEpsilon(t, want, m.ProbPurchases(x, 6), 1e-8, "P(X(6)=%d)", x)
	}
	// MODELS.md §5: N·P(X(6)=0) = 3454.882, N·P(X(6)=6) = 1253.114 at the MLE.
	assert.InDelta(t, 3454.882, e.N*m.ProbPurchases(0, 6), 1e-3)
	assert.InDelta(t, 1253.114, e.N*m.ProbPurchases(6, 6), 1e-3)
}

// Check values of MODELS.md §5 at the BTYD walkthrough parameters, all
// reproduced there by BTYD's own R functions [BT].
func TestBGBBCheckValues(t *testing.T) {
	cs := donations(t)
	total := func(m BGBB) float64 {
		var s float64
		for _, c := range cs {
			s += c.Weight * m.LogLikelihood(c)
		}
		return s
	}
	assert.InDelta(t, -33225.581285, total(bgbbBT), 1e-6)
	assert.InDelta(t, -33225.581755, total(BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}), 1e-6)

	c := func(x, tx float64) Customer { return Customer{Frequency: x, Recency: tx, T: 6} }
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"P(alive at 7) 0,0", bgbbBT.PAlive(c(0, 0)), 0.1081491725},
		{"P(alive at 7) 2,4", bgbbBT.PAlive(c(2, 4)), 0.5896615784},
		{"P(alive at 7) 6,6", bgbbBT.PAliveAt(c(6, 6), 1), 0.9304330495},
		{"E[X(10)]", bgbbBT.ExpectedPurchases(10), 3.179827884},
		{"E[X(10 more)] 0,0,6", bgbbBT.ConditionalExpectedPurchases(c(0, 0), 10), 0.1302344169},
		{"E[X(10 more)] 4,5,6", bgbbBT.ConditionalExpectedPurchases(c(4, 5), 10), 3.627943117},
		{"DERT(0.1) 0,0,6", bgbbBT.DERT(c(0, 0), 0.1), 0.1147666963},
		{"DERT(0.1) 4,5,6", bgbbBT.DERT(c(4, 5), 0.1), 3.197058471},
		{"DERT(0.1) 6,6,6", bgbbBT.DERT(c(6, 6), 0.1), 5.909805251},
		// γ = 1 case of MODELS.md §5 (ψ form 1.7735342953901092).
		{"E[X(6)] γ=1", BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 1, Delta: 2.78}.ExpectedPurchases(6), 1.773534295},
	}
	for _, tt := range tests {
		assert.InEpsilon(t, tt.want, tt.got, 1e-9, tt.name)
	}
}

// E[X(n)] three ways: the product recursion, the closed form of FHS eq. 8
// (and its ψ limit at γ = 1), and Σ x·P(X(n) = x). P(X(n) = ·) sums to 1.
func TestBGBBUnconditionalConsistency(t *testing.T) {
	for _, m := range []BGBB{bgbbBT, {Alpha: 1.2, Beta: 0.75, Gamma: 1, Delta: 2.78}, {Alpha: 0.3, Beta: 4, Gamma: 2.5, Delta: 0.4}, {Alpha: 5, Beta: 0.2, Gamma: 0.05, Delta: 9}} {
		for _, n := range []int{0, 1, 6, 40, 300} {
			nf := float64(n)
			var mass, mean float64
			for x := 0; x <= n; x++ {
				p := m.ProbPurchases(x, n)
				require.False(t, math.IsNaN(p))
				mass += p
				mean += float64(x) * p
			}
			assert.InDelta(t, 1, mass, 1e-12, "%v n=%d", m, n)
			got := m.ExpectedPurchases(nf)
			assert.InDelta(t, mean, got, 1e-11*math.Max(1, mean), "%v n=%d", m, n)

			pbar := m.Alpha / (m.Alpha + m.Beta)
			var closed float64
			if m.Gamma == 1 {
				closed = pbar * m.Delta * (mathext.Digamma(m.Delta+nf+1) - mathext.Digamma(m.Delta+1))
			} else {
				lr := numeric.Lgamma(m.Gamma+m.Delta) + numeric.Lgamma(1+m.Delta+nf) -
					numeric.Lgamma(m.Gamma+m.Delta+nf) - numeric.Lgamma(1+m.Delta)
				closed = pbar * m.Delta / (m.Gamma - 1) * -math.Expm1(lr)
			}
			// gonum's Digamma is good to ~1e-11 here (the recursion gives
			// MODELS.md's ψ-form value 1.7735342953901092 at n = 6 to 1e-15).
			assert.InDelta(t, closed, got, 1e-10*math.Max(1, closed), "%v n=%d", m, n)
		}
	}
	assert.Equal(t, 0.0, bgbbBT.ProbPurchases(7, 6))
	assert.Equal(t, 0.0, bgbbBT.ProbPurchases(-1, 6))
	assert.True(t, math.IsNaN(bgbbBT.ProbPurchases(0, -1)))
	assert.Equal(t, 1.0, bgbbBT.ProbPurchases(0, 0))
}

// DERT against two other code paths: (1) at d = 2 the discounted
// increments of ConditionalExpectedPurchases, Σ_k [E(k) − E(k−1)]/(1+d)^k
// (60 terms leave a tail below 3^−60); (2) for every d the survivor series
// summed directly, without Hyp2F1A1 (d = 0.001 needs ~37,000 terms, past
// the hand-over to Cephes).
func TestBGBBDERTAgainstDirectSums(t *testing.T) {
	for _, c := range []Customer{{T: 6}, {Frequency: 4, Recency: 5, T: 6}, {Frequency: 3, Recency: 9, T: 30}} {
		var incr, prev float64
		disc := 1.0
		for k := 1; k <= 60; k++ {
			cur := bgbbBT.ConditionalExpectedPurchases(c, float64(k))
			disc /= 3
			incr += (cur - prev) * disc
			prev = cur
		}
		assert.InEpsilon(t, incr, bgbbBT.DERT(c, 2), 1e-12, "%v increments", c)

		lead := math.Exp(bgbbBT.logLeadFactor(c))
		for _, d := range []float64{2, 0.1, 0.01, 0.001} {
			var want float64
			s, disc := lead, 1.0
			for j := c.T; ; j++ {
				s *= (bgbbBT.Delta + j) / (bgbbBT.Gamma + bgbbBT.Delta + j)
				disc /= 1 + d
				want += s * disc
				if s*disc < 1e-18*want {
					break
				}
			}
			assert.InEpsilon(t, want, bgbbBT.DERT(c, d), 1e-10, "%v d=%v", c, d)
		}
	}
}

// The analytic gradient of the total −LL against gonum's central
// differences, at the BTYD fit, at a far point, and on rows with big n.
func TestBGBBGradient(t *testing.T) {
	donationRows, _, err := compress("test", donations(t), true)
	require.NoError(t, err)
	longRows := []row{{0, 0, 500, 3}, {7, 120, 500, 1}, {400, 499, 500, 2}, {30, 30, 500, 1}}
	for _, rows := range [][]row{donationRows, longRows} {
		for _, theta := range [][]float64{
			{bgbbBT.Alpha, bgbbBT.Beta, bgbbBT.Gamma, bgbbBT.Delta},
			{0.2, 3, 1, 0.4},
			{4, 0.6, 0.05, 12},
		} {
			f := func(th []float64) float64 {
				return BGBB{Alpha: th[0], Beta: th[1], Gamma: th[2], Delta: th[3]}.negLogLikelihood(rows, nil)
			}
			grad := make([]float64, 4)
			v := BGBB{Alpha: theta[0], Beta: theta[1], Gamma: theta[2], Delta: theta[3]}.negLogLikelihood(rows, grad)
			assert.Equal(t, f(theta), v)
			want := fd.Gradient(nil, f, theta, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			require.Len(t, grad, 4)
			// Central differences of a sum of size |f| carry round-off
			// ~|f|·1e-16/h and truncation ~h²: allow 1e-9·|f|/h.
			tol := 1e-9 * math.Abs(v) / 1e-5
			for j := range want {
				assert.InDelta(t, want[j], grad[j], tol, "θ=%v j=%d", theta, j)
			}
		}
	}
}

// naiveBGBBLogLik is ℓ of MODELS.md §5 written term by term with lnB from
// lgamma (no incremental updates), as a reference for long horizons.
func naiveBGBBLogLik(m BGBB, x, tx, n float64) float64 {
	lnB := numeric.LnBeta
	l := lnB(m.Alpha+x, m.Beta+n-x) - lnB(m.Alpha, m.Beta) + lnB(m.Gamma, m.Delta+n) - lnB(m.Gamma, m.Delta)
	for i := 0.0; i < n-tx; i++ {
		l = numeric.LogSumExp(l, lnB(m.Alpha+x, m.Beta+tx-x+i)-lnB(m.Alpha, m.Beta)+
			lnB(m.Gamma+1, m.Delta+tx+i)-lnB(m.Gamma, m.Delta))
	}
	return l
}

func TestBGBBLongHorizon(t *testing.T) {
	tests := []Customer{
		{T: 10000},
		{Frequency: 1, Recency: 1, T: 10000},
		{Frequency: 5000, Recency: 9000, T: 10000},
		{Frequency: 10000, Recency: 10000, T: 10000},
		{Frequency: 2, Recency: 3, T: 6},
	}
	for _, c := range tests {
		got := bgbbBT.LogLikelihood(c)
		require.False(t, math.IsNaN(got) || math.IsInf(got, 0), "%v", c)
		assert.InEpsilon(t, naiveBGBBLogLik(bgbbBT, c.Frequency, c.Recency, c.T), got, 1e-11, "%v", c)
		for _, v := range []float64{bgbbBT.PAlive(c), bgbbBT.ConditionalExpectedPurchases(c, 1000), bgbbBT.DERT(c, 0.05)} {
			assert.True(t, v >= 0 && !math.IsInf(v, 0), "%v: %v", c, v)
		}
	}
}

func TestBGBBSpecialCases(t *testing.T) {
	ok := Customer{Frequency: 2, Recency: 4, T: 6}
	bad := []Customer{
		{Frequency: math.NaN(), T: 6},
		{Frequency: 1, Recency: 2.5, T: 6}, // not whole
		{Frequency: 3, Recency: 2, T: 6},   // x > t_x
		{Frequency: 1, Recency: 7, T: 6},   // t_x > n
		{Frequency: 0, Recency: 0, T: -1},
		{Frequency: 0, Recency: 0, T: math.Inf(1)},
	}
	for _, c := range bad {
		assert.True(t, math.IsNaN(bgbbBT.LogLikelihood(c)), "%v", c)
		assert.True(t, math.IsNaN(bgbbBT.PAlive(c)), "%v", c)
		assert.True(t, math.IsNaN(bgbbBT.ConditionalExpectedPurchases(c, 3)), "%v", c)
		assert.True(t, math.IsNaN(bgbbBT.DERT(c, 0.1)), "%v", c)
	}
	for _, n := range []float64{-1, 2.5, math.NaN(), math.Inf(1)} {
		assert.True(t, math.IsNaN(bgbbBT.ExpectedPurchases(n)), "n=%v", n)
		assert.True(t, math.IsNaN(bgbbBT.ConditionalExpectedPurchases(ok, n)), "n*=%v", n)
	}
	for _, d := range []float64{0, -0.1, math.NaN(), math.Inf(1)} {
		assert.True(t, math.IsNaN(bgbbBT.DERT(ok, d)), "d=%v", d)
	}
	assert.True(t, math.IsNaN(bgbbBT.PAliveAt(ok, -1)))
	for _, m := range []BGBB{{}, {Alpha: -1, Beta: 1, Gamma: 1, Delta: 1}, {Alpha: 1, Beta: math.NaN(), Gamma: 1, Delta: 1}, {Alpha: 1, Beta: 1, Gamma: math.Inf(1), Delta: 1}} {
		assert.True(t, math.IsNaN(m.LogLikelihood(ok)), "%v", m)
		assert.True(t, math.IsNaN(m.ExpectedPurchases(3)), "%v", m)
		assert.True(t, math.IsNaN(m.ProbPurchases(1, 3)), "%v", m)
	}
	// Hand values: nothing happens in zero opportunities, and PAliveAt(c, 0)
	// of a customer who bought at n is 1 (active through n).
	assert.Equal(t, 0.0, bgbbBT.ExpectedPurchases(0))
	assert.Equal(t, 0.0, bgbbBT.ConditionalExpectedPurchases(ok, 0))
	assert.InDelta(t, 1, bgbbBT.PAliveAt(Customer{Frequency: 3, Recency: 6, T: 6}, 0), 1e-14)
	// P(alive) falls with k: ratio (δ+n+k−1)/(γ+δ+n+k−1) per step (MODELS.md §5 surv).
	p1, p2 := bgbbBT.PAliveAt(ok, 1), bgbbBT.PAliveAt(ok, 2)
	assert.InEpsilon(t, (bgbbBT.Delta+7)/(bgbbBT.Gamma+bgbbBT.Delta+7), p2/p1, 1e-13)
}

func TestFitBGBBBadInput(t *testing.T) {
	good := Customer{Frequency: 1, Recency: 2, T: 3}
	tests := []struct {
		name  string
		cs    []Customer
		is    error
		row   int
		field string
	}{
		{"empty", nil, ErrEmpty, -1, ""},
		{"NaN", []Customer{good, {Frequency: math.NaN(), T: 3}}, ErrInvalid, 1, "Frequency"},
		{"fractional recency", []Customer{good, good, {Frequency: 1, Recency: 1.5, T: 3}}, ErrInvalid, 2, "Recency"},
		{"fractional T", []Customer{{Frequency: 1, Recency: 1, T: 3.2}}, ErrInvalid, 0, "T"},
		{"x > t_x", []Customer{{Frequency: 3, Recency: 2, T: 3}}, ErrInvalid, 0, "Frequency"},
		{"t_x > n", []Customer{{Frequency: 1, Recency: 4, T: 3}}, ErrInvalid, 0, "Recency"},
		{"negative weight", []Customer{{Frequency: 1, Recency: 1, T: 3, Weight: -2}}, ErrInvalid, 0, "Weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.cs)
			_, _, err := FitBGBB(tt.cs, nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.is)
			var de *DataError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, "clv.FitBGBB", de.Func)
			assert.Equal(t, tt.row, de.Row)
			assert.Equal(t, tt.field, de.Field)
			assert.True(t, sameCustomers(before, tt.cs))
		})
	}
	// One distinct row cannot identify four parameters.
	_, _, err := FitBGBB([]Customer{{T: 5, Weight: 100}}, nil)
	assert.ErrorIs(t, err, ErrEmpty)
	// Nobody ever transacts: the purchase probabilities pile up at 0 (α → 0
	// or β → ∞, the same limit), which is reported.
	m, _, err := FitBGBB([]Customer{{T: 5, Weight: 100}, {T: 3, Weight: 50}, {T: 6}, {T: 2, Weight: 7}}, nil)
	require.ErrorIs(t, err, ErrBoundary)
	var be *BoundaryError
	require.ErrorAs(t, err, &be)
	assert.NotEmpty(t, be.Params)
	assert.Less(t, m.Alpha/(m.Alpha+m.Beta), 1e-3)
	assert.True(t, m.valid(), "%+v", m)
}

func TestFitBGBBDoesNotModifyInput(t *testing.T) {
	cs := donations(t)
	before := slices.Clone(cs)
	_, _, err := FitBGBB(cs, nil)
	require.NoError(t, err)
	assert.True(t, sameCustomers(before, cs))
}

// Parameter recovery on seeded simulations: every estimate within 3 SEs of
// the truth, and the expanded rows give the same LL as the fit reports.
func TestFitBGBBRecovery(t *testing.T) {
	tests := []struct {
		truth BGBB
		n     int
		seed  uint64
	}{
		{bgbbBT, 6, 1},
		{BGBB{Alpha: 0.6, Beta: 2.5, Gamma: 1.5, Delta: 6}, 20, 2},
		{BGBB{Alpha: 3, Beta: 1, Gamma: 0.3, Delta: 0.9}, 52, 3},
	}
	for _, tt := range tests {
		cs := must(SimulateBGBB(tt.truth, BGBBSimulationOptions{Customers: 20000, Opportunities: tt.n, Seed: tt.seed}))
		m, fit, err := FitBGBB(cs, nil)
		require.NoError(t, err)
		require.Len(t, fit.StdErr, 4)
		truth := []float64{tt.truth.Alpha, tt.truth.Beta, tt.truth.Gamma, tt.truth.Delta}
		for j, got := range []float64{m.Alpha, m.Beta, m.Gamma, m.Delta} {
			assert.InDelta(t, truth[j], got, 3*fit.StdErr[j], "%v param %d", tt.truth, j)
		}
		assert.Equal(t, 20000.0, fit.N)
	}
}

// A seeded simulation reproduces the model's moments: the mean frequency
// is E[X(n)] and the share with x = 0 is P(X(n) = 0), within 4 standard
// errors of a proportion / mean.
func TestBGBBSimulateMoments(t *testing.T) {
	const customers, n = 200000, 10
	cs := must(SimulateBGBB(bgbbBT, BGBBSimulationOptions{Customers: customers, Opportunities: n, Seed: 7}))
	require.Len(t, cs, customers)
	var sum, sumSq, zeros float64
	for _, c := range cs {
		require.NoError(t, checkCustomer("test", 0, c, true))
		require.Equal(t, float64(n), c.T)
		sum += c.Frequency
		sumSq += c.Frequency * c.Frequency
		if c.Frequency == 0 {
			zeros++
		}
	}
	mean := sum / customers
	sd := math.Sqrt(sumSq/customers - mean*mean)
	assert.InDelta(t, bgbbBT.ExpectedPurchases(n), mean, 4*sd/math.Sqrt(customers))
	p0 := bgbbBT.ProbPurchases(0, n)
	assert.InDelta(t, p0, zeros/customers, 4*math.Sqrt(p0*(1-p0)/customers))
}

func FuzzFitBGBB(f *testing.F) {
	f.Add(1.0, 2.0, 3.0, 5.0, 0.0, 0.0, 3.0, 2.0)
	f.Add(2.0, 2.0, 2.0, 1.0, 1.0, 3.0, 6.0, 0.0)
	f.Add(math.NaN(), 0.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, x1, tx1, n1, w1, x2, tx2, n2, w2 float64) {
		cs := []Customer{
			{Frequency: x1, Recency: tx1, T: math.Mod(n1, 60), Weight: w1},
			{Frequency: x2, Recency: tx2, T: math.Mod(n2, 60), Weight: w2},
			{Frequency: 1, Recency: 2, T: 4},
		}
		before := slices.Clone(cs)
		m, fit, err := FitBGBB(cs, &FitOptions{MaxIterations: 200})
		assert.True(t, sameCustomers(before, cs))
		if err == nil {
			assert.True(t, m.valid(), "%v", m)
			assert.False(t, math.IsNaN(fit.LogLikelihood))
		}
	})
}

func BenchmarkFitBGBB(b *testing.B) {
	b.Run("donations", func(b *testing.B) {
		cs := donations(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := FitBGBB(cs, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, n := range []int{6, 52} {
		for _, size := range []int{1e3, 1e6, 1e7} {
			b.Run("n="+strconv.Itoa(n)+"/customers="+strconv.Itoa(size), func(b *testing.B) {
				if size > 1e6 && os.Getenv("LTV_BENCH_LARGE") != "1" {
					b.Skip("set LTV_BENCH_LARGE=1 for tiers above 1e6")
				}
				cs := must(SimulateBGBB(bgbbBT, BGBBSimulationOptions{Customers: size, Opportunities: n, Seed: uint64(n)}))
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if _, _, err := FitBGBB(cs, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
