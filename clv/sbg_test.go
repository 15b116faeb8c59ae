package clv

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"

	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

// sbgRetention reads the FH (2007) alive counts, years 0..12, of the
// "regular" and "high end" segments.
func sbgRetention(t testing.TB) (regular, highEnd []float64) {
	recs := refdatatest.CSV(t, "sbg/fh2007_retention.csv")
	require.Equal(t, []string{"year", "regular_alive", "highend_alive"}, recs[0])
	for _, r := range recs[1:] {
		a, err := strconv.ParseFloat(r[1], 64)
		require.NoError(t, err)
		b, err := strconv.ParseFloat(r[2], 64)
		require.NoError(t, err)
		regular, highEnd = append(regular, a), append(highEnd, b)
	}
	require.Len(t, regular, 13)
	return regular, highEnd
}

// sbgSegment is one segment of the `sbg` block of cdnow/expected.json.
type sbgSegment struct {
	Alive    []float64 `json:"alive_counts_years_0_12"`
	Params   struct{ Alpha, Beta float64 }
	SE       struct{ Alpha, Beta float64 }
	Loglik   float64
	Survival []float64          `json:"survival_t1_12"`
	Rate     []float64          `json:"retention_rate_t1_12"`
	Churn    []float64          `json:"churn_pmf_t1_12"`
	DERL     map[string]float64 `json:"DERL_d0.10_by_n_minus_1_renewals_n"`
}

func loadSBGExpected(t testing.TB) map[string]sbgSegment {
	var all struct {
		SBG map[string]sbgSegment `json:"sbg"`
	}
	refdatatest.JSON(t, "cdnow/expected.json", &all)
	require.Len(t, all.SBG, 2)
	return all.SBG
}

func TestFitShiftedBetaGeometricFH2007(t *testing.T) {
	regular, highEnd := sbgRetention(t)
	// MODELS.md §6 table (FH 2007: (0.704, 1.182), (0.668, 3.806)); LL and
	// SEs as computed there, the oracle [O] agreeing to 3e-6 on the SEs.
	tests := []struct {
		name   string
		alive  []float64
		params []float64
		ll     float64
		se     []float64
	}{
		{"regular", regular[:8], []float64{0.7040773, 1.182043}, -1680.265188, []float64{0.06559896, 0.1524756}},
		{"high end", highEnd[:8], []float64{0.6680884, 3.806095}, -1611.158147, []float64{0.1037349, 0.7855317}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.alive)
			m, fit, err := FitShiftedBetaGeometric(tt.alive, nil)
			require.NoError(t, err)
			assert.Equal(t, before, tt.alive)
			assert.True(t, fit.Converged)
			got := []float64{m.Alpha, m.Beta}
			require.Len(t, got, 2)
			assert.InDeltaSlice(t, tt.params, got, 1e-3)
			for j := range got {
				assert.InEpsilon(t, tt.params[j], got[j], 1e-6, "param %d", j)
			}
			assert.InDelta(t, tt.ll, fit.LogLikelihood, 1e-6)
			require.Len(t, fit.StdErr, 2)
			for j := range tt.se {
				assert.InEpsilon(t, tt.se[j], fit.StdErr[j], 1e-4, "SE %d", j)
			}
			assert.Equal(t, 1000.0, fit.N) // the cohort size
			// BIC = k·ln N − 2·LL with N = 1000 customers (MODELS.md §9).
			assert.InDelta(t, 2*math.Log(1000)-2*tt.ll, fit.BIC(), 1e-5)
		})
	}
}

// Curves, rates, churn pmf and DERL at the parameters of expected.json.
func TestShiftedBetaGeometricExpected(t *testing.T) {
	for name, e := range loadSBGExpected(t) {
		m := ShiftedBetaGeometric{Alpha: e.Params.Alpha, Beta: e.Params.Beta}
		require.Len(t, e.Survival, 12)
		require.Len(t, e.Rate, 12)
		require.Len(t, e.Churn, 12)
		for i := range 12 {
			p := i + 1 // period
			assert.InEpsilon(t, e.Survival[i], m.Survival(p), 1e-10, "%s S(%d)", name, p)
			assert.InEpsilon(t, e.Rate[i], m.RetentionRate(p), 1e-10, "%s r(%d)", name, p)
			assert.InEpsilon(t, e.Churn[i], m.ChurnProbability(p), 1e-10, "%s P(T=%d)", name, p)
		}
		require.Len(t, e.DERL, 3)
		for key, want := range e.DERL {
			n, err := strconv.Atoi(key) // n: the customer has made n−1 renewals
			require.NoError(t, err)
			assert.InEpsilon(t, want, m.DERL(0.1, n-1), 1e-10, "%s DERL n=%d", name, n)
		}
		// expected.json's LL at its parameters, fitted on years 0..7.
		require.Len(t, e.Alive, 13)
		assert.InDelta(t, e.Loglik, -m.negLogLikelihood([][]float64{e.Alive[:8]}, nil), 1e-8, name)
	}
}

// MODELS.md §6 check values, which are at its own MLE: our fit to years
// 0..7 reproduces that MLE (to ~1e-7), so the values are checked there.
func TestShiftedBetaGeometricCheckValues(t *testing.T) {
	regularAlive, highEndAlive := sbgRetention(t)
	regular, _, err := FitShiftedBetaGeometric(regularAlive[:8], nil)
	require.NoError(t, err)
	highEnd, _, err := FitShiftedBetaGeometric(highEndAlive[:8], nil)
	require.NoError(t, err)
	tests := []struct {
		name      string
		got, want float64
		tol       float64 // absolute
	}{
		{"regular S(7) %", 100 * regular.Survival(7), 23.90, 5e-3},
		{"high end S(12) %", 100 * highEnd.Survival(12), 37.80, 5e-3},
		{"regular r_3", regular.RetentionRate(3), 0.818823, 5e-7},
		{"high end r_1", highEnd.RetentionRate(1), 0.850679, 5e-7},
		{"regular P(T=2)", regular.ChurnProbability(2), 0.1528867, 5e-8},
		{"high end P(T=3)", highEnd.ChurnProbability(3), 0.07707043, 5e-9},
		// MODELS.md prints 5.8940955; we get 5.89409536 at an MLE equal to
		// its printed one, and the oracle [O] 5.8940953 at its own: 2e-7.
		{"regular DERL(0.1 | n=5)", regular.DERL(0.1, 4), 5.8940955, 2e-7},
		{"high end DERL(0.1 | n=8)", highEnd.DERL(0.1, 7), 7.5296281, 1e-7},
		{"regular DEL(0.1)", regular.DEL(0.1), 3.694908455, 1e-7},
		{"high end DEL(0.1)", highEnd.DEL(0.1), 5.922253475, 1e-7},
	}
	for _, tt := range tests {
		assert.InDelta(t, tt.want, tt.got, tt.tol, tt.name)
	}
}

// Identities between the sBG quantities, each from MODELS.md §6:
// S(t) = S(t−1)·r_t, P(T=t) = S(t−1) − S(t), DEL = 1 + DERL(d, 0)/(1+d),
// and DERL against its series summed directly (d = 0.001 needs ~37,000
// terms, past the hand-over to Cephes in Hyp2F1A1).
func TestShiftedBetaGeometricIdentities(t *testing.T) {
	for _, m := range []ShiftedBetaGeometric{{Alpha: 0.704, Beta: 1.182}, {Alpha: 0.668, Beta: 3.806}, {Alpha: 1, Beta: 1}, {Alpha: 5, Beta: 0.3}, {Alpha: 0.05, Beta: 20}} {
		for p := 1; p <= 30; p++ {
			assert.InEpsilon(t, m.Survival(p-1)*m.RetentionRate(p), m.Survival(p), 1e-12, "%v t=%d", m, p)
			assert.InEpsilon(t, m.Survival(p-1)-m.Survival(p), m.ChurnProbability(p), 1e-10, "%v t=%d", m, p)
		}
		for _, d := range []float64{1, 0.1, 0.01, 0.001} {
			assert.InEpsilon(t, 1+m.DERL(d, 0)/(1+d), m.DEL(d), 1e-12, "%v d=%v", m, d)
			for _, renewals := range []int{0, 4, 50} {
				// Σ_{t≥n} S(t)/S(n−1)/(1+d)^(t−n), n = renewals+1.
				var want float64
				s, disc := 1.0, 1.0
				for p := renewals + 1; ; p++ {
					s *= m.RetentionRate(p)
					want += s * disc
					disc /= 1 + d
					if s*disc < 1e-18*want {
						break
					}
				}
				assert.InEpsilon(t, want, m.DERL(d, renewals), 1e-10, "%v d=%v renewals=%d", m, d, renewals)
			}
		}
		assert.InEpsilon(t, 250, m.NewSubscriberValue(250, 0.1)/m.DEL(0.1), 1e-15)
		assert.InEpsilon(t, 30*m.DERL(0.05, 3), m.ResidualValue(30, 0.05, 3), 1e-15)
		proj := m.ExpectedAlive(1000, 12)
		require.Len(t, proj, 13)
		for p, v := range proj {
			assert.InEpsilon(t, 1000*m.Survival(p), v, 1e-12, "%v projection t=%d", m, p)
		}
	}
}

func TestShiftedBetaGeometricSpecialCases(t *testing.T) {
	m := ShiftedBetaGeometric{Alpha: 0.7, Beta: 1.2}
	assert.Equal(t, 1.0, m.Survival(0))
	assert.Equal(t, 1.0, m.Survival(-3))
	assert.Equal(t, 0.0, m.ChurnProbability(0))
	assert.InEpsilon(t, 0.7/1.9, m.ChurnProbability(1), 1e-15) // α/(α+β)
	assert.True(t, math.IsNaN(m.RetentionRate(0)))
	for _, d := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		assert.True(t, math.IsNaN(m.DEL(d)), "d=%v", d)
		assert.True(t, math.IsNaN(m.DERL(d, 1)), "d=%v", d)
	}
	assert.True(t, math.IsNaN(m.DERL(0.1, -1)))
	for _, bad := range []ShiftedBetaGeometric{{}, {Alpha: -1, Beta: 1}, {Alpha: 1, Beta: math.NaN()}, {Alpha: math.Inf(1), Beta: 1}} {
		assertRetentionNaN(t, bad)
	}
	assert.Nil(t, m.ExpectedAlive(10, -1), "negative periods: nil")
	assert.Len(t, m.ExpectedAlive(10, 0), 1, "no periods: the cohort size only")
}

// The analytic gradient against gonum's central differences, for one and
// for several cohorts of different lengths (fractional counts included).
func TestShiftedBetaGeometricGradient(t *testing.T) {
	cohorts := [][]float64{
		{1000, 631, 468, 382, 326, 289, 262, 241},
		{500.5, 400.25, 390, 390, 100},
		{10, 0},
	}
	for _, cs := range [][][]float64{cohorts[:1], cohorts} {
		for _, theta := range [][]float64{{0.704, 1.182}, {3, 0.2}, {0.05, 8}} {
			f := func(th []float64) float64 {
				return ShiftedBetaGeometric{Alpha: th[0], Beta: th[1]}.negLogLikelihood(cs, nil)
			}
			grad := make([]float64, 2)
			v := ShiftedBetaGeometric{Alpha: theta[0], Beta: theta[1]}.negLogLikelihood(cs, grad)
			assert.Equal(t, f(theta), v)
			want := fd.Gradient(nil, f, theta, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			tol := 1e-9 * math.Abs(v) / 1e-5 // round-off of a central difference of a sum of size |v|
			require.Len(t, want, 2)
			assert.InDeltaSlice(t, want, grad, tol, "θ=%v", theta)
		}
	}
}

// Several cohorts: LLs add, so a cohort listed twice doubles the LL and
// keeps the MLE, and cohorts cut at different ages fit jointly.
func TestFitShiftedBetaGeometricCohorts(t *testing.T) {
	regular, _ := sbgRetention(t)
	one, fit1, err := FitShiftedBetaGeometric(regular[:8], nil)
	require.NoError(t, err)
	two, fit2, err := FitShiftedBetaGeometricCohorts([][]float64{regular[:8], regular[:8]}, nil)
	require.NoError(t, err)
	assert.InEpsilon(t, one.Alpha, two.Alpha, 1e-6)
	assert.InEpsilon(t, one.Beta, two.Beta, 1e-6)
	assert.InDelta(t, 2*fit1.LogLikelihood, fit2.LogLikelihood, 1e-6)
	assert.Equal(t, 2000.0, fit2.N)
	// SEs shrink by √2 with twice the data (the Hessian doubles).
	require.Len(t, fit2.StdErr, 2)
	assert.InEpsilon(t, fit1.StdErr[0]/math.Sqrt2, fit2.StdErr[0], 1e-4)

	ragged := [][]float64{regular[:8], regular[:4], {600, 380, 290}}
	m, fit, err := FitShiftedBetaGeometricCohorts(ragged, nil)
	require.NoError(t, err)
	var want float64
	for _, c := range ragged {
		want -= m.negLogLikelihood([][]float64{c}, nil)
	}
	assert.InDelta(t, want, fit.LogLikelihood, 1e-9)
	assert.Equal(t, 2600.0, fit.N)
}

func TestFitRetentionBadInput(t *testing.T) {
	tests := []struct {
		name  string
		alive []float64
		is    error
		row   int
	}{
		{"empty", nil, ErrEmpty, -1},
		{"one count", []float64{100}, ErrEmpty, -1},
		{"zero cohort", []float64{0, 0}, ErrInvalid, 0},
		{"increasing", []float64{100, 60, 61}, ErrInvalid, 2},
		{"negative", []float64{100, -1}, ErrInvalid, 1},
		{"NaN", []float64{100, 50, math.NaN()}, ErrInvalid, 2},
		{"Inf", []float64{math.Inf(1), 50}, ErrInvalid, 0},
	}
	// The sBG's and the BdW's fits validate their counts alike.
	fits := []struct {
		fn, cohortsFn string
		fit           func([]float64) error
		cohorts       func([][]float64) error
	}{
		{"clv.FitShiftedBetaGeometric", "clv.FitShiftedBetaGeometricCohorts",
			func(a []float64) error { _, _, err := FitShiftedBetaGeometric(a, nil); return err },
			func(c [][]float64) error { _, _, err := FitShiftedBetaGeometricCohorts(c, nil); return err }},
		{"clv.FitBetaDiscreteWeibull", "clv.FitBetaDiscreteWeibullCohorts",
			func(a []float64) error { _, _, err := FitBetaDiscreteWeibull(a, nil); return err },
			func(c [][]float64) error { _, _, err := FitBetaDiscreteWeibullCohorts(c, nil); return err }},
	}
	for _, f := range fits {
		for _, tt := range tests {
			t.Run(f.fn+"/"+tt.name, func(t *testing.T) {
				before := slices.Clone(tt.alive)
				err := f.fit(tt.alive)
				assert.ErrorIs(t, err, tt.is)
				var de *DataError
				require.True(t, errors.As(err, &de))
				assert.Equal(t, f.fn, de.Func)
				assert.Equal(t, tt.row, de.Row)
				assert.Equal(t, "alive", de.Field)
				assert.True(t, slices.EqualFunc(before, tt.alive, sameBits))

				err = f.cohorts([][]float64{{10, 5}, tt.alive})
				require.True(t, errors.As(err, &de))
				assert.ErrorIs(t, err, tt.is)
				assert.Equal(t, f.cohortsFn, de.Func)
				assert.Equal(t, tt.row, de.Row)
				assert.Equal(t, "cohorts[1]", de.Field)
			})
		}
		assert.ErrorIs(t, f.cohorts(nil), ErrEmpty, f.cohortsFn)
	}
	// No finite MLE: nobody leaves (α → 0), or everybody leaves at once
	// (β → 0): the limit is returned with a BoundaryError naming it.
	for _, tt := range []struct {
		alive []float64
		param string
	}{{[]float64{100, 100, 100}, "Alpha"}, {[]float64{100, 0, 0}, "Beta"}} {
		m, _, err := FitShiftedBetaGeometric(tt.alive, nil)
		require.ErrorIs(t, err, ErrBoundary, "%v", tt.alive)
		var be *BoundaryError
		require.ErrorAs(t, err, &be)
		assert.Contains(t, be.Params, tt.param)
		assert.True(t, m.valid(), "%+v", m)
	}
	// One period cannot identify two parameters.
	_, _, err := FitShiftedBetaGeometric([]float64{100, 60}, nil)
	assert.ErrorIs(t, err, ErrEmpty)
}

// retentionModel is what the sBG and the BdW both offer.
type retentionModel interface {
	Survival(t int) float64
	RetentionRate(t int) float64
	ChurnProbability(t int) float64
	DEL(d float64) float64
	ExpectedAlive(cohortSize float64, periods int) []float64
}

// assertRetentionNaN checks that a model with a bad parameter answers NaN.
func assertRetentionNaN(t *testing.T, bad retentionModel) {
	t.Helper()
	assert.True(t, math.IsNaN(bad.Survival(2)), "%v", bad)
	assert.True(t, math.IsNaN(bad.RetentionRate(2)), "%v", bad)
	assert.True(t, math.IsNaN(bad.ChurnProbability(2)), "%v", bad)
	assert.True(t, math.IsNaN(bad.DEL(0.1)), "%v", bad)
	assert.True(t, math.IsNaN(bad.ExpectedAlive(10, 2)[1]), "%v", bad)
}

// sameBits reports bit-identical floats (NaN equals NaN).
func sameBits(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// Parameter recovery on seeded simulations: within 3 SEs of the truth.
func TestFitShiftedBetaGeometricRecovery(t *testing.T) {
	tests := []struct {
		truth   ShiftedBetaGeometric
		size    int
		periods int
		seed    uint64
	}{
		{ShiftedBetaGeometric{Alpha: 0.704, Beta: 1.182}, 5000, 8, 1},
		{ShiftedBetaGeometric{Alpha: 0.668, Beta: 3.806}, 20000, 12, 2},
		{ShiftedBetaGeometric{Alpha: 2, Beta: 0.5}, 3000, 24, 3},
	}
	for _, tt := range tests {
		alive := must(SimulateShiftedBetaGeometric(tt.truth, CohortSimulationOptions{Size: tt.size, Periods: tt.periods, Seed: tt.seed}))
		require.Len(t, alive, tt.periods+1)
		assert.Equal(t, float64(tt.size), alive[0])
		m, fit, err := FitShiftedBetaGeometric(alive, nil)
		require.NoError(t, err)
		require.Len(t, fit.StdErr, 2)
		assert.InDelta(t, tt.truth.Alpha, m.Alpha, 3*fit.StdErr[0], "%v", tt.truth)
		assert.InDelta(t, tt.truth.Beta, m.Beta, 3*fit.StdErr[1], "%v", tt.truth)
	}
}

func FuzzFitShiftedBetaGeometric(f *testing.F) {
	f.Add(1000.0, 631.0, 468.0, 382.0)
	f.Add(10.0, 10.0, 0.0, 0.0)
	f.Add(5.5, math.NaN(), -1.0, 7.0)
	f.Fuzz(func(t *testing.T, a0, a1, a2, a3 float64) {
		alive := []float64{a0, a1, a2, a3}
		before := slices.Clone(alive)
		m, fit, err := FitShiftedBetaGeometric(alive, &FitOptions{MaxIterations: 200})
		assert.True(t, slices.EqualFunc(before, alive, sameBits))
		if err == nil {
			assert.True(t, m.valid(), "%v", m)
			assert.False(t, math.IsNaN(fit.LogLikelihood))
		}
	})
}

func BenchmarkFitShiftedBetaGeometric(b *testing.B) {
	regular := []float64{1000, 631, 468, 382, 326, 289, 262, 241} // FH 2007, years 0..7
	b.Run("FH2007", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := FitShiftedBetaGeometric(regular, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	cohorts := make([][]float64, 60) // 60 monthly cohorts, 1..60 months old
	for i := range cohorts {
		cohorts[i] = must(SimulateShiftedBetaGeometric(ShiftedBetaGeometric{Alpha: 0.7, Beta: 1.2}, CohortSimulationOptions{Size: 1000, Periods: i + 1, Seed: uint64(i)}))
	}
	b.Run("60cohorts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := FitShiftedBetaGeometricCohorts(cohorts, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
