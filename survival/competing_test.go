package survival_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// competingCalls runs every competing-risks entry point on obs (as the
// second of two groups for GrayTest), with cause 1.
var competingCalls = map[string]func(obs []survival.CompetingObservation) error{
	"survival.CumulativeIncidence": func(obs []survival.CompetingObservation) error {
		_, err := survival.CumulativeIncidence(obs, nil)
		return err
	},
	"survival.GrayTest": func(obs []survival.CompetingObservation) error {
		_, err := survival.GrayTest([][]survival.CompetingObservation{goodCompeting(), obs}, 1, nil)
		return err
	},
	"survival.FineGray": func(obs []survival.CompetingObservation) error {
		_, _, err := survival.FineGray(obs, 1, false)
		return err
	},
	"survival.FitFineGray": func(obs []survival.CompetingObservation) error {
		_, err := survival.FitFineGray(obs, nil, 1, nil)
		return err
	},
}

// goodCompeting is four valid rows a bad row is put among.
func goodCompeting() []survival.CompetingObservation {
	return []survival.CompetingObservation{{Time: 1, Cause: 1}, {Time: 2}, {Time: 3, Cause: 2}, {Time: 4, Cause: 1}}
}

// The bad-input catalogue of the competing-risks functions: each bad row,
// put at index 1, is a *DataError naming the function, the row and the
// field (and for GrayTest group 1), and the caller's slice is untouched.
func TestCompetingBadInput(t *testing.T) {
	tests := []struct {
		name  string
		bad   survival.CompetingObservation
		field string
	}{
		{"Time NaN", survival.CompetingObservation{Time: math.NaN(), Cause: 1}, "Time"},
		{"Time negative", survival.CompetingObservation{Time: -1}, "Time"},
		{"Time +Inf", survival.CompetingObservation{Time: math.Inf(1), Cause: 2}, "Time"},
		{"Cause negative", survival.CompetingObservation{Time: 1, Cause: -1}, "Cause"},
		{"Cause above 1024", survival.CompetingObservation{Time: 1, Cause: 1025}, "Cause"},
		{"late entry", survival.CompetingObservation{Time: 2, Entry: 1, Cause: 1}, "Entry"},
		{"Weight negative", survival.CompetingObservation{Time: 2, Weight: -1}, "Weight"},
		{"Weight NaN", survival.CompetingObservation{Time: 2, Weight: math.NaN()}, "Weight"},
	}
	for _, tt := range tests {
		for fn, call := range competingCalls {
			if tt.field == "Entry" && fn == "survival.CumulativeIncidence" {
				continue // late entry is valid there (but not with VarianceGray, below)
			}
			g := goodCompeting()
			obs := []survival.CompetingObservation{g[0], tt.bad, g[1], g[2], g[3]}
			before := slices.Clone(obs)
			err := call(obs)
			var de *survival.DataError
			require.ErrorAs(t, err, &de, "%s: %s", fn, tt.name)
			require.ErrorIs(t, err, survival.ErrInvalid, "%s: %s", fn, tt.name)
			require.Equal(t, fn, de.Func, tt.name)
			require.Equal(t, 1, de.Row, "%s: %s", fn, tt.name)
			require.Equal(t, tt.field, de.Field, "%s: %s", fn, tt.name)
			if fn == "survival.GrayTest" {
				require.Equal(t, 1, de.Group, tt.name)
			}
			require.Equal(t, len(before), len(obs))
			for i := range obs { // NaN != NaN: compare bits
				require.Equal(t, fmt.Sprint(before[i]), fmt.Sprint(obs[i]), "%s modified row %d", fn, i)
			}
		}
	}
}

func TestCompetingBadOptions(t *testing.T) {
	obs := goodCompeting()
	two := [][]survival.CompetingObservation{obs, obs}
	isField := func(err error, sentinel error, field string) {
		t.Helper()
		var de *survival.DataError
		require.ErrorAs(t, err, &de)
		require.ErrorIs(t, err, sentinel)
		require.Equal(t, field, de.Field)
		require.Equal(t, -1, de.Row)
	}
	for _, o := range []struct {
		opt   survival.IncidenceOptions
		field string
	}{
		{survival.IncidenceOptions{Level: 1}, "IncidenceOptions.Level"},
		{survival.IncidenceOptions{Conf: 9}, "IncidenceOptions.Conf"},
		{survival.IncidenceOptions{Variance: -1}, "IncidenceOptions.Variance"},
		{survival.IncidenceOptions{Causes: -2}, "IncidenceOptions.Causes"},
	} {
		_, err := survival.CumulativeIncidence(obs, &o.opt)
		isField(err, survival.ErrInvalid, o.field)
	}
	late := append([]survival.CompetingObservation{{Time: 2, Entry: 1}}, obs...)
	_, err := survival.CumulativeIncidence(late, &survival.IncidenceOptions{Variance: survival.VarianceGray})
	var de *survival.DataError
	require.ErrorAs(t, err, &de)
	require.Equal(t, [2]any{0, "Entry"}, [2]any{de.Row, de.Field})
	_, err = survival.CumulativeIncidence(obs, &survival.IncidenceOptions{Causes: 1})
	require.ErrorIs(t, err, survival.ErrInvalid) // row 2 has cause 2
	_, err = survival.CumulativeIncidence(nil, nil)
	require.ErrorIs(t, err, survival.ErrEmpty)

	_, err = survival.GrayTest(two, 1, &survival.GrayOptions{Rho: math.NaN()})
	isField(err, survival.ErrInvalid, "GrayOptions.Rho")
	_, err = survival.GrayTest(two, 0, nil)
	isField(err, survival.ErrInvalid, "cause")
	_, err = survival.GrayTest(two[:1], 1, nil)
	require.ErrorIs(t, err, survival.ErrEmpty)
	_, err = survival.GrayTest([][]survival.CompetingObservation{obs, {}}, 1, nil)
	require.ErrorIs(t, err, survival.ErrEmpty)
	// No events of the cause: Gray's variance is 0.
	none := []survival.CompetingObservation{{Time: 2}, {Time: 3, Cause: 2}}
	_, err = survival.GrayTest([][]survival.CompetingObservation{none, none}, 1, nil)
	require.ErrorIs(t, err, survival.ErrSingular)

	_, err = survival.CauseSpecific(obs, 0)
	isField(err, survival.ErrInvalid, "cause")
	_, _, err = survival.FineGray(obs, -3, false)
	isField(err, survival.ErrInvalid, "cause")
	X := [][]float64{{1}, {0}, {1}, {0}}
	_, err = survival.FitFineGray(obs, X[:3], 1, nil)
	isField(err, survival.ErrInvalid, "X")
	_, err = survival.FitFineGray(obs, X, 1, &survival.CoxOptions{Strata: []int{1, 1, 2}})
	isField(err, survival.ErrInvalid, "CoxOptions.Strata")
	// A bad row in the second stratum is named in obs's numbering.
	badTime := append(slices.Clone(obs), survival.CompetingObservation{Time: -1})
	_, err = survival.FitFineGray(badTime, append(X, []float64{0}), 1, &survival.CoxOptions{Strata: []int{2, 1, 2, 1, 1}})
	require.ErrorAs(t, err, &de)
	require.Equal(t, [2]any{4, "Time"}, [2]any{de.Row, de.Field})
	_, err = survival.FitFineGray(obs, X, 1, &survival.CoxOptions{Cluster: []int{1}})
	isField(err, survival.ErrInvalid, "CoxOptions.Cluster")
	_, err = survival.FitFineGray(obs, X, 1, &survival.CoxOptions{MaxIterations: -1})
	isField(err, survival.ErrInvalid, "CoxOptions.MaxIterations")
	require.ErrorContains(t, err, "survival.FitFineGray:")
	// A bad X value is named by its row of obs, not of the expanded rows.
	Xbad := [][]float64{{1}, {0}, {1}, {math.NaN()}}
	_, err = survival.FitFineGray(obs, Xbad, 1, nil)
	require.ErrorAs(t, err, &de)
	require.Equal(t, "survival.FitFineGray", de.Func)
	require.Equal(t, 3, de.Row)
}

// A hand-checkable case (no censoring, so the estimate is the empirical
// distribution): of 4 subjects, events of cause 1 at 1 and 3, of cause 2
// at 2 and 4. F_1 = 1/4, 1/4, 2/4, 2/4; F_2 = 0, 1/4, 1/4, 2/4; S = 3/4,
// 2/4, 1/4, 0. Without censoring the jackknife variance is the binomial
// p(1 − p)/n.
func TestCumulativeIncidenceHandChecked(t *testing.T) {
	inc, err := survival.CumulativeIncidence(goodCompetingUncensored(), nil)
	require.NoError(t, err)
	require.Equal(t, []float64{1, 2, 3, 4}, inc.Time)
	want := [][]float64{{0.75, 0.5, 0.25, 0}, {0.25, 0.25, 0.5, 0.5}, {0, 0.25, 0.25, 0.5}}
	for s := range want {
		require.InDeltaSlice(t, want[s], inc.Prob[s], 1e-15, "state %d", s)
		for j, p := range want[s] {
			require.InDelta(t, math.Sqrt(p*(1-p)/4), inc.StdErr[s][j], 1e-15, "SE of state %d at row %d", s, j)
		}
	}
	// The log band: p·exp(∓1.96·SE/p), NaN where p = 0.
	require.InDelta(t, 0.25*math.Exp(-1.959963984540054*math.Sqrt(0.75/16)/0.25), inc.Lower[1][0], 1e-15)
	require.True(t, math.IsNaN(inc.Lower[2][0]))
	p, se := inc.At(2, 0.5)
	require.Equal(t, [2]float64{0, 0}, [2]float64{p, se})
	p, _ = inc.At(0, 0.5)
	require.Equal(t, 1.0, p)
	p, _ = inc.At(3, 2)
	require.True(t, math.IsNaN(p))
}

func goodCompetingUncensored() []survival.CompetingObservation {
	return []survival.CompetingObservation{{Time: 3, Cause: 1}, {Time: 2, Cause: 2}, {Time: 1, Cause: 1}, {Time: 4, Cause: 2}}
}

// A case weight counts as that many identical rows, in every function.
func TestCompetingWeightsAreCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var weighted, expanded []survival.CompetingObservation
	var xw, xe [][]float64
	for range 60 {
		o := survival.CompetingObservation{Time: math.Ceil(rng.ExpFloat64() * 10), Cause: rng.IntN(3), Weight: float64(1 + rng.IntN(3))}
		x := []float64{rng.NormFloat64()}
		weighted, xw = append(weighted, o), append(xw, x)
		for range int(o.Weight) {
			e := o
			e.Weight = 0
			expanded, xe = append(expanded, e), append(xe, x)
		}
	}
	for _, v := range []survival.IncidenceVariance{survival.VarianceJackknife, survival.VarianceGray} {
		a, err := survival.CumulativeIncidence(weighted, &survival.IncidenceOptions{Variance: v})
		require.NoError(t, err)
		b, err := survival.CumulativeIncidence(expanded, &survival.IncidenceOptions{Variance: v})
		require.NoError(t, err)
		for s := range a.Prob {
			require.InDeltaSlice(t, b.Prob[s], a.Prob[s], 1e-13)
			// The jackknife treats weights as R does (Σ (w·U)²), which is
			// not the variance of the expanded rows.
			if v == survival.VarianceGray && s > 0 {
				require.InDeltaSlice(t, b.StdErr[s], a.StdErr[s], 1e-13)
			}
		}
	}
	// Breslow ties: Efron's averages count rows, as R's coxph.
	breslow := &survival.CoxOptions{Ties: survival.Breslow}
	a, err := survival.FitFineGray(weighted, xw, 1, breslow)
	require.NoError(t, err)
	b, err := survival.FitFineGray(expanded, xe, 1, breslow)
	require.NoError(t, err)
	require.InDelta(t, b.Coef[0], a.Coef[0], 1e-9)
	require.InDelta(t, b.NaiveStdErr[0], a.NaiveStdErr[0], 1e-9)
}

// FuzzCumulativeIncidence checks, on any input the function accepts, that
// the state probabilities lie in [0, 1] and sum to 1, the incidences never
// fall, the standard errors are finite and ≥ 0 and the bands bracket the
// estimate; and that anything else is an error, not a panic.
func FuzzCumulativeIncidence(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, gray bool) {
		base := decodeObs(data)
		obs := make([]survival.CompetingObservation, len(base))
		for i, o := range base {
			obs[i] = survival.CompetingObservation{Time: o.Time, Weight: o.Weight}
			if o.Event {
				obs[i].Cause = 1 + i%3
			}
			if i%7 == 6 {
				obs[i].Entry = o.Entry
			}
		}
		opt := &survival.IncidenceOptions{}
		if gray {
			opt.Variance = survival.VarianceGray
		}
		inc, err := survival.CumulativeIncidence(obs, opt)
		if err != nil {
			var de *survival.DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DataError", err)
			}
			return
		}
		lo, hi := math.Inf(1), 0.0
		for _, o := range obs {
			w := o.Weight
			if w == 0 {
				w = 1
			}
			lo, hi = min(lo, w), max(hi, w)
		}
		// The jackknife is scale-free but needs w² of every weight; Gray's
		// variance counts weights as subjects, so it is of order 1/n and
		// overflows for tiny total weights.
		wide := hi/lo > 0x1p400 || math.IsInf(hi/lo, 0) || gray && lo < 0x1p-400
		for j := range inc.Time {
			sum := 0.0
			for s := range inc.Prob {
				p, se, lo, hi := inc.Prob[s][j], inc.StdErr[s][j], inc.Lower[s][j], inc.Upper[s][j]
				sum += p
				if !(p >= 0 && p <= 1+1e-12) {
					t.Fatalf("state %d row %d: p %v", s, j, p)
				}
				if math.IsNaN(se) && wide {
					continue // documented: weights beyond float64's squared range
				}
				if !(se >= 0) || math.IsInf(se, 0) {
					t.Fatalf("state %d row %d: p %v, SE %v", s, j, p, se)
				}
				if p > 0 && !(lo <= p && p <= hi) {
					t.Fatalf("state %d row %d: band [%v, %v] does not bracket %v", s, j, lo, hi, p)
				}
				if s > 0 && j > 0 && p < inc.Prob[s][j-1] {
					t.Fatalf("cause %d falls at row %d", s, j)
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Fatalf("row %d: probabilities sum to %v", j, sum)
			}
		}
	})
}

// benchCompeting draws n subscribers with two causes and about 30%
// censoring, in whole days (or whole weeks), and one covariate.
func benchCompeting(n int, weeks bool) ([]survival.CompetingObservation, [][]float64) {
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	obs := make([]survival.CompetingObservation, n)
	X := make([][]float64, n)
	for i := range obs {
		x := rng.NormFloat64()
		t1 := rng.ExpFloat64() * 365 * math.Exp(-0.5*x)
		t2 := rng.ExpFloat64() * 900
		c := rng.Float64() * 1000
		t := min(t1, t2, c)
		if weeks {
			t /= 7
		}
		obs[i] = survival.CompetingObservation{Time: math.Ceil(t)}
		switch {
		case c < min(t1, t2):
		case t1 < t2:
			obs[i].Cause = 1
		default:
			obs[i].Cause = 2
		}
		X[i] = []float64{x}
	}
	return obs, X
}

func BenchmarkCumulativeIncidence(b *testing.B) {
	for _, c := range []struct {
		n    int
		late bool
	}{{1e3, false}, {1e5, false}, {1e5, true}} {
		obs, _ := benchCompeting(c.n, false)
		name := fmt.Sprintf("n=%d", c.n)
		if c.late { // half the subscribers enter halfway through their follow-up
			name = "late/" + name
			for i := range obs {
				if i%2 == 0 && obs[i].Time >= 2 {
					obs[i].Entry = math.Floor(obs[i].Time / 2)
				}
			}
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := survival.CumulativeIncidence(obs, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGrayTest(b *testing.B) {
	for _, n := range []int{1e3, 1e5} {
		obs, X := benchCompeting(n, false)
		groups := make([][]survival.CompetingObservation, 2)
		for i, o := range obs {
			g := 0
			if X[i][0] > 0 {
				g = 1
			}
			groups[g] = append(groups[g], o)
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := survival.GrayTest(groups, 1, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitFineGray times whole weeks: the expanded data have a row per
// competing event and later censoring interval with events, so daily times
// on 1e5 subjects make 1.6e7 rows (80 s, 11 GB allocated; weeks: 2.6e6).
func BenchmarkFitFineGray(b *testing.B) {
	for _, n := range []int{1e3, 1e5} {
		obs, X := benchCompeting(n, true)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := survival.FitFineGray(obs, X, 1, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// bruteJackknife is an independent implementation of the jackknife
// standard errors of CumulativeIncidence: each subject's influence by the
// recursion of the documentation, row by row (O(n·m)), from the counts of
// inc. Times must be exact row times (whole numbers with ExactTimes).
func bruteJackknife(inc *survival.Incidence, obs []survival.CompetingObservation) [][]float64 {
	k, m := inc.Causes(), len(inc.Time)
	v := make([][]float64, k+1)
	for s := range v {
		v[s] = make([]float64, m)
	}
	for _, o := range obs {
		w := o.Weight
		if w == 0 {
			w = 1
		}
		u := make([]float64, k+1) // U_i0, U_i1, …
		sPrev := 1.0
		for j, t := range inc.Time {
			n, h := inc.AtRisk[j], inc.Events[0][j]/inc.AtRisk[j]
			y, dn := 0.0, 0.0
			if o.Entry < t && t <= o.Time {
				y = 1
			}
			if t == o.Time && o.Cause > 0 {
				dn = 1
			}
			keep := 0.0 // 1 − h, as S's own factor (exactly 0 when everyone at risk leaves)
			if sPrev > 0 {
				keep = inc.Prob[0][j] / sPrev
			}
			u0 := u[0]
			u[0] = u0*keep - sPrev*(dn-y*h)/n
			for c := 1; c <= k; c++ {
				hc := inc.Events[c][j] / n
				own := 0.0
				if t == o.Time && o.Cause == c {
					own = 1
				}
				u[c] += u0*hc + sPrev*(own-y*hc)/n
			}
			for s := range u {
				v[s][j] += w * w * u[s] * u[s]
			}
			sPrev = inc.Prob[0][j]
		}
	}
	for s := range v {
		for j := range v[s] {
			v[s][j] = math.Sqrt(v[s][j])
		}
	}
	return v
}

// The closed-form jackknife equals the brute-force one on random data with
// ties, fractional weights and late entries, including entries after the
// event-free probability has reached 0 and entries at exit times.
func TestCumulativeIncidenceJackknifeBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 40 {
		var obs []survival.CompetingObservation
		for range 5 + rng.IntN(40) {
			o := survival.CompetingObservation{Time: float64(1 + rng.IntN(12)), Cause: rng.IntN(4)}
			if rng.IntN(3) == 0 {
				o.Entry = float64(rng.IntN(int(o.Time)))
			}
			if trial%2 == 1 {
				o.Weight = 0.25 + 2*rng.Float64()
			}
			obs = append(obs, o)
		}
		if trial%5 == 0 { // everyone at risk leaves at 6, then late entries
			obs = []survival.CompetingObservation{{Time: 3, Cause: 1}, {Time: 6, Cause: 2}, {Time: 6, Cause: 1},
				{Time: 9, Cause: 1, Entry: 7}, {Time: 11, Entry: 6}, {Time: 10, Cause: 2, Entry: 8}, {Time: 12, Cause: 1, Entry: 2}}
		}
		inc, err := survival.CumulativeIncidence(obs, &survival.IncidenceOptions{ExactTimes: true})
		require.NoError(t, err, "trial %d", trial)
		want := bruteJackknife(inc, obs)
		for s := range want {
			require.InDeltaSlice(t, want[s], inc.StdErr[s], 1e-12, "trial %d state %d", trial, s)
		}
	}
}
