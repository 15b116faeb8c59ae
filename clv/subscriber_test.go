package clv

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
)

// cohortSubscribers returns the subscribers a cohort's alive counts stand
// for: alive[t−1] − alive[t] who churned in period t, alive[k] active after
// the last period k, as weighted rows.
func cohortSubscribers(alive []float64) []Subscriber {
	var subs []Subscriber
	for t := 1; t < len(alive); t++ {
		subs = append(subs, Subscriber{Periods: t, Churned: true, Weight: alive[t-1] - alive[t]})
	}
	return append(subs, Subscriber{Periods: len(alive) - 1, Weight: alive[len(alive)-1]})
}

// Without covariates the individual-level fits are the cohort fits on the
// aggregated counts: same estimate, LL, SEs. Also with the rows expanded
// to one per subscriber (weights 1) and shuffled, and for cohorts of
// different tenures.
func TestSubscriberFitsAreCohortFits(t *testing.T) {
	highEnd := []float64{1000, 869, 743, 653, 593, 551, 517, 491}
	subs := cohortSubscribers(highEnd)
	b, bfit, err := FitBetaDiscreteWeibull(highEnd, nil)
	require.NoError(t, err)
	bs, bsfit, err := FitBetaDiscreteWeibullSubscribers(subs, SubscriberCovariates{}, nil)
	require.NoError(t, err)
	assert.Equal(t, b, bs.BetaDiscreteWeibull)
	assert.Empty(t, bs.AlphaCoef)
	assert.Equal(t, bfit.LogLikelihood, bsfit.LogLikelihood)
	assert.Equal(t, bfit.StdErr, bsfit.StdErr)
	s, sfit, err := FitShiftedBetaGeometric(highEnd, nil)
	require.NoError(t, err)
	ss, ssfit, err := FitShiftedBetaGeometricSubscribers(subs, SubscriberCovariates{}, nil)
	require.NoError(t, err)
	assert.Equal(t, s, ss.ShiftedBetaGeometric)
	assert.Equal(t, sfit.LogLikelihood, ssfit.LogLikelihood)
	assert.Equal(t, 2, ssfit.NumParams)

	var expanded []Subscriber
	for _, r := range subs {
		for range int(r.Weight) {
			expanded = append(expanded, Subscriber{Periods: r.Periods, Churned: r.Churned})
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(expanded), func(i, j int) { expanded[i], expanded[j] = expanded[j], expanded[i] })
	be, befit, err := FitBetaDiscreteWeibullSubscribers(expanded, SubscriberCovariates{}, nil)
	require.NoError(t, err)
	assert.InEpsilon(t, b.C, be.C, 1e-9)
	assert.InDelta(t, bfit.LogLikelihood, befit.LogLikelihood, 1e-9)
	assert.Equal(t, 1000.0, befit.N)

	ragged := [][]float64{highEnd, highEnd[:4], {600, 380, 290}}
	var all []Subscriber
	for _, c := range ragged {
		all = append(all, cohortSubscribers(c)...)
	}
	bc, bcfit, err := FitBetaDiscreteWeibullCohorts(ragged, nil)
	require.NoError(t, err)
	br, brfit, err := FitBetaDiscreteWeibullSubscribers(all, SubscriberCovariates{}, nil)
	require.NoError(t, err)
	assert.InEpsilon(t, bc.C, br.C, 1e-9)
	assert.InDelta(t, bcfit.LogLikelihood, brfit.LogLikelihood, 1e-9)
}

// One binary covariate on both α and β gives each group its own model:
// the fit equals separate cohort fits of the two groups (FH 2007's
// segments, whose sBG fits the refdata checks), the LLs adding; for the
// BdW c is shared, so its LL lies between the sBG's and the two separate
// BdW fits'.
func TestSubscriberBinaryCovariateIsTwoFits(t *testing.T) {
	regular, highEnd := sbgRetention(t)
	segments := [][]float64{regular[:8], highEnd[:8]}
	var subs []Subscriber
	var z [][]float64
	for seg, alive := range segments {
		rows := cohortSubscribers(alive)
		subs = append(subs, rows...)
		for range rows {
			z = append(z, []float64{float64(seg)})
		}
	}
	cov := SubscriberCovariates{Alpha: z, Beta: z}
	m, fit, err := FitShiftedBetaGeometricSubscribers(subs, cov, nil)
	require.NoError(t, err)
	var sum float64
	for seg, alive := range segments {
		s, sfit, err := FitShiftedBetaGeometric(alive, nil)
		require.NoError(t, err)
		sum += sfit.LogLikelihood
		got := m.For([]float64{float64(seg)}, []float64{float64(seg)})
		assert.InEpsilon(t, s.Alpha, got.Alpha, 1e-6, "segment %d", seg)
		assert.InEpsilon(t, s.Beta, got.Beta, 1e-6, "segment %d", seg)
	}
	assert.InDelta(t, sum, fit.LogLikelihood, 1e-6)
	assert.Equal(t, 4, fit.NumParams)

	_, bfit, err := FitBetaDiscreteWeibullSubscribers(subs, cov, nil)
	require.NoError(t, err)
	var bsum float64
	for _, alive := range segments {
		_, f, err := FitBetaDiscreteWeibull(alive, nil)
		require.NoError(t, err)
		bsum += f.LogLikelihood
	}
	assert.Greater(t, bfit.LogLikelihood, fit.LogLikelihood)
	assert.Less(t, bfit.LogLikelihood, bsum+1e-6)
}

// subscriberLL is an independent implementation of the individual-level
// log-likelihood, one subscriber at a time, from S(t) = B(α_i, β_i+t^c)/
// B(α_i, β_i) by math.Lgamma (moderate parameters only).
func subscriberLL(subs []Subscriber, cov SubscriberCovariates, alpha, beta, c float64, gA, gB []float64) float64 {
	lnB := func(a, b float64) float64 {
		x, _ := math.Lgamma(a)
		y, _ := math.Lgamma(b)
		z, _ := math.Lgamma(a + b)
		return x + y - z
	}
	var ll float64
	for i, s := range subs {
		a, b := alpha, beta
		for j, g := range gA {
			a *= math.Exp(-g * cov.Alpha[i][j])
		}
		for j, g := range gB {
			b *= math.Exp(-g * cov.Beta[i][j])
		}
		surv := func(t int) float64 { return math.Exp(lnB(a, b+math.Pow(float64(t), c)) - lnB(a, b)) }
		w := s.Weight
		if w == 0 {
			w = 1
		}
		if s.Churned {
			ll += w * math.Log(surv(s.Periods-1)-surv(s.Periods))
		} else {
			ll += w * math.Log(surv(s.Periods))
		}
	}
	return ll
}

// simSubscribers draws n subscribers with one binary and one normal
// covariate (used on both α and β), θ_i ~ Beta(α_i, β_i), each period
// survived with probability (1−θ)^(t^c − (t−1)^c) (coin flips, unlike
// SimulateBetaDiscreteWeibull), observed for 1..maxPeriods periods.
func simSubscribers(m BetaDiscreteWeibullCov, n, maxPeriods int, seed uint64) ([]Subscriber, SubscriberCovariates) {
	rng := rand.New(rand.NewPCG(seed, 99))
	subs := make([]Subscriber, n)
	z := make([][]float64, n)
	for i := range subs {
		z[i] = []float64{float64(rng.IntN(2)), math.Round(rng.NormFloat64()*100) / 100}
		mi := m.For(z[i], z[i])
		theta := newBetaSampler(mi.Alpha, mi.Beta).draw(rng)
		observed := 1 + rng.IntN(maxPeriods)
		subs[i] = Subscriber{Periods: observed}
		for t := 1; t <= observed; t++ {
			if rng.Float64() > math.Pow(1-theta, math.Pow(float64(t), mi.C)-math.Pow(float64(t-1), mi.C)) {
				subs[i] = Subscriber{Periods: t, Churned: true}
				break
			}
		}
	}
	return subs, SubscriberCovariates{Alpha: z, Beta: z}
}

// The likelihood with covariates against the independent implementation,
// and its gradient against central differences.
func TestSubscriberLikelihoodAndGradient(t *testing.T) {
	truth := BetaDiscreteWeibullCov{BetaDiscreteWeibull: BetaDiscreteWeibull{Alpha: 0.8, Beta: 2.5, C: 1.3}, AlphaCoef: []float64{0.5, -0.3}, BetaCoef: []float64{-0.4, 0.2}}
	subs, cov := simSubscribers(truth, 300, 10, 3)
	subs[0].Weight = 2.5
	for _, base := range []int{2, 3} {
		d, err := newSubscriberData("test", subs, cov, base)
		require.NoError(t, err)
		p := d.problem(nil)
		theta := []float64{0.7, 2.2}
		c := 1.0
		if base == 3 {
			theta, c = append(theta, 1.4), 1.4
		}
		theta = append(theta, 0.4, -0.2, -0.3, 0.1)
		want := subscriberLL(subs, cov, theta[0], theta[1], c, theta[base:base+2], theta[base+2:])
		grad := make([]float64, len(theta))
		v := p.negLL(theta, grad)
		assert.InEpsilon(t, -want, v, 1e-11, "base %d", base)
		num := fd.Gradient(nil, func(th []float64) float64 { return p.negLL(th, nil) }, theta, &fd.Settings{Formula: fd.Central, Step: 1e-6})
		require.Len(t, num, len(grad))
		for j := range num {
			assert.InDelta(t, num[j], grad[j], 1e-6*math.Abs(num[j])+1e-8*math.Abs(v), "base %d ∂%d", base, j)
		}
	}
}

// Parameter recovery with covariates on seeded simulations: at least 99%
// of the estimates within 3 SEs of the truth (base parameters on the log
// scale, see within3SE). LTV_SUBSCRIBER_SEEDS sets
// the number of seeds per model (default 4).
func TestFitSubscribersRecovery(t *testing.T) {
	seeds := 4
	if s, err := strconv.Atoi(os.Getenv("LTV_SUBSCRIBER_SEEDS")); err == nil && s > 0 {
		seeds = s
	}
	truth := BetaDiscreteWeibullCov{BetaDiscreteWeibull: BetaDiscreteWeibull{Alpha: 0.8, Beta: 2.5, C: 1.3}, AlphaCoef: []float64{0.5, -0.3}, BetaCoef: []float64{-0.4, 0.2}}
	sbgTruth := truth
	sbgTruth.C = 1
	var checks, misses int
	check := func(name string, base int, want, got, se []float64) {
		require.Len(t, se, len(want))
		for j := range want {
			checks++
			if !within3SE(want[j], got[j], se[j], j < base) {
				misses++
				t.Logf("%s: param %d = %v (SE %v), truth %v", name, j, got[j], se[j], want[j])
			}
		}
	}
	for seed := range seeds {
		subs, cov := simSubscribers(truth, 4000, 12, uint64(seed))
		m, fit, err := FitBetaDiscreteWeibullSubscribers(subs, cov, nil)
		require.NoError(t, err, "seed %d", seed)
		assert.Equal(t, 7, fit.NumParams)
		check("BdW", 3, []float64{0.8, 2.5, 1.3, 0.5, -0.3, -0.4, 0.2},
			append([]float64{m.Alpha, m.Beta, m.C}, append(m.AlphaCoef, m.BetaCoef...)...), fit.StdErr)

		subs, cov = simSubscribers(sbgTruth, 4000, 12, uint64(seed)+1000)
		s, sfit, err := FitShiftedBetaGeometricSubscribers(subs, cov, nil)
		require.NoError(t, err, "seed %d", seed)
		check("sBG", 2, []float64{0.8, 2.5, 0.5, -0.3, -0.4, 0.2},
			append([]float64{s.Alpha, s.Beta}, append(s.AlphaCoef, s.BetaCoef...)...), sfit.StdErr)
		// The sBG is nested in the BdW with the same covariates.
		_, bfit, err := FitBetaDiscreteWeibullSubscribers(subs, cov, nil)
		require.NoError(t, err)
		lr, _ := LikelihoodRatioTest(sfit, bfit, false)
		assert.GreaterOrEqual(t, lr, -1e-6, "the BdW fits at least as well")
	}
	assert.LessOrEqual(t, misses, checks/100, "%d of %d estimates more than 3 SE from the truth", misses, checks)
}

func TestSubscriberCovFor(t *testing.T) {
	m := BetaDiscreteWeibullCov{BetaDiscreteWeibull: BetaDiscreteWeibull{Alpha: 0.8, Beta: 2.5, C: 1.3}, AlphaCoef: []float64{0.5, -0.3}, BetaCoef: []float64{-0.4}}
	got := m.For([]float64{1, 2}, []float64{3})
	assert.InEpsilon(t, 0.8*math.Exp(-(0.5-0.6)), got.Alpha, 1e-15)
	assert.InEpsilon(t, 2.5*math.Exp(1.2), got.Beta, 1e-15)
	assert.Equal(t, 1.3, got.C)
	assert.True(t, math.IsNaN(m.For([]float64{1}, []float64{3}).Alpha))
	assert.True(t, math.IsNaN(m.For([]float64{1, 2}, nil).Beta))
	s := ShiftedBetaGeometricCov{ShiftedBetaGeometric: ShiftedBetaGeometric{Alpha: 0.8, Beta: 2.5}, BetaCoef: []float64{1}}
	assert.Equal(t, ShiftedBetaGeometric{Alpha: 0.8, Beta: 2.5 * math.Exp(-2)}, s.For(nil, []float64{2}))
}

// The fits record the column names in the model and in Fit.Names, and
// the subscribers' fingerprint in Fit.Fingerprint.
func TestFitSubscribersNamesAndFingerprint(t *testing.T) {
	subs := []Subscriber{{Periods: 3}, {Periods: 1, Churned: true}, {Periods: 2, Churned: true}, {Periods: 5},
		{Periods: 4, Churned: true}, {Periods: 2, Churned: true, Weight: 3}, {Periods: 6}, {Periods: 1, Churned: true}}
	cov := SubscriberCovariates{Alpha: [][]float64{{1}, {0}, {1}, {0}, {1}, {0}, {0}, {1}}, AlphaNames: []string{"promo"},
		Beta: [][]float64{{0.5}, {-1}, {2}, {0}, {1}, {-0.5}, {0.3}, {1.5}}, BetaNames: []string{"age"}}
	opt := &FitOptions{MaxIterations: 500}
	s, sfit, err := FitShiftedBetaGeometricSubscribers(subs, cov, opt)
	require.NoError(t, err)
	b, bfit, err := FitBetaDiscreteWeibullSubscribers(subs, cov, opt)
	require.NoError(t, err)
	assert.Equal(t, []string{"promo"}, s.AlphaNames)
	assert.Equal(t, []string{"age"}, b.BetaNames)
	assert.Equal(t, []string{"Alpha", "Beta", "Alpha[promo]", "Beta[age]"}, sfit.Names)
	assert.Equal(t, []string{"Alpha", "Beta", "C", "Alpha[promo]", "Beta[age]"}, bfit.Names)
	cov.AlphaNames[0] = "changed"
	assert.Equal(t, []string{"promo"}, s.AlphaNames, "the model keeps its own copy")

	// The expected fingerprint, computed here: the distinct (Periods,
	// Churned) rows in numeric order, each as the bits of Periods, of
	// Churned (0 or 1) and of its total weight, little-endian.
	type key struct {
		periods int
		churned bool
	}
	w := map[key]float64{}
	for _, r := range subs {
		w[key{r.Periods, r.Churned}] += max(r.Weight, 1)
	}
	keys := slices.Collect(maps.Keys(w))
	slices.SortFunc(keys, func(a, b key) int {
		if a.periods != b.periods {
			return a.periods - b.periods
		}
		return btoi(a.churned) - btoi(b.churned)
	})
	h := sha256.New()
	for _, k := range keys {
		for _, v := range []float64{float64(k.periods), float64(btoi(k.churned)), w[k]} {
			h.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)))
		}
	}
	want := "sha256:" + hex.EncodeToString(h.Sum(nil))
	assert.Equal(t, want, FingerprintSubscribers(subs))
	assert.Equal(t, want, sfit.Fingerprint)
	assert.Equal(t, want, bfit.Fingerprint)

	// Order and split weights do not change it; the data do.
	shuffled := slices.Clone(subs)
	slices.Reverse(shuffled)
	shuffled[2].Weight = 1 // {2, churned, 3} becomes 1 + 2
	shuffled = append(shuffled, Subscriber{Periods: 2, Churned: true, Weight: 2})
	assert.Equal(t, want, FingerprintSubscribers(shuffled))
	assert.Equal(t, slices.Clone(subs), subs)
	shuffled[0].Periods = 7
	assert.NotEqual(t, want, FingerprintSubscribers(shuffled))
}

func TestFitSubscribersBadInput(t *testing.T) {
	good := []Subscriber{{Periods: 3}, {Periods: 1, Churned: true}, {Periods: 2, Churned: true}, {Periods: 5}, {Periods: 4, Churned: true}}
	z := [][]float64{{1}, {0}, {1}, {0}, {1}}
	tests := []struct {
		name  string
		subs  []Subscriber
		cov   SubscriberCovariates
		is    error
		row   int
		field string
	}{
		{"empty", nil, SubscriberCovariates{}, ErrEmpty, -1, ""},
		{"negative periods", []Subscriber{{Periods: 2}, {Periods: -1}}, SubscriberCovariates{}, ErrInvalid, 1, "Periods"},
		{"churned at 0", []Subscriber{{Periods: 0, Churned: true}}, SubscriberCovariates{}, ErrInvalid, 0, "Periods"},
		{"NaN weight", []Subscriber{{Periods: 2}, {Periods: 1, Weight: math.NaN()}}, SubscriberCovariates{}, ErrInvalid, 1, "Weight"},
		{"negative weight", []Subscriber{{Periods: 2, Weight: -1}}, SubscriberCovariates{}, ErrInvalid, 0, "Weight"},
		{"Inf covariate", good, SubscriberCovariates{Beta: [][]float64{{1}, {0}, {math.Inf(1)}, {0}, {1}}}, ErrInvalid, 2, "Beta[0]"},
		{"ragged", good, SubscriberCovariates{Alpha: [][]float64{{1}, {0}, {1, 2}, {0}, {1}}}, ErrInvalid, 2, "Alpha"},
		{"row count", good, SubscriberCovariates{Alpha: z[:3]}, ErrInvalid, -1, "Covariates.Alpha"},
		{"constant", good, SubscriberCovariates{Alpha: [][]float64{{0}, {0}, {0}, {0}, {0}}}, ErrSingular, -1, "Alpha[0]"},
		{"collinear", good, SubscriberCovariates{Beta: [][]float64{{1, 2}, {0, 0}, {1, 2}, {0, 0}, {1, 2}}}, ErrSingular, -1, "Beta[1]"},
		{"too few cells", []Subscriber{{Periods: 3}, {Periods: 3}}, SubscriberCovariates{}, ErrEmpty, -1, ""},
		{"names of another length", good, SubscriberCovariates{Alpha: z, AlphaNames: []string{"a", "b"}}, ErrInvalid, -1, "SubscriberCovariates.AlphaNames"},
		{"empty name", good, SubscriberCovariates{Beta: z, BetaNames: []string{""}}, ErrInvalid, -1, "SubscriberCovariates.BetaNames"},
		{"names without columns", good, SubscriberCovariates{BetaNames: []string{"a"}}, ErrInvalid, -1, "SubscriberCovariates.BetaNames"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.subs)
			for fn, fit := range map[string]func() error{
				"clv.FitShiftedBetaGeometricSubscribers": func() error {
					_, _, err := FitShiftedBetaGeometricSubscribers(tt.subs, tt.cov, nil)
					return err
				},
				"clv.FitBetaDiscreteWeibullSubscribers": func() error {
					_, _, err := FitBetaDiscreteWeibullSubscribers(tt.subs, tt.cov, nil)
					return err
				},
			} {
				err := fit()
				assert.ErrorIs(t, err, tt.is, fn)
				var de *DataError
				require.True(t, errors.As(err, &de), "%s: %v", fn, err)
				assert.Equal(t, fn, de.Func)
				assert.Equal(t, tt.row, de.Row, fn)
				assert.Equal(t, tt.field, de.Field, fn)
				assert.True(t, slices.EqualFunc(before, tt.subs, sameSubscriber), "subs are not modified")
			}
		})
	}
	_, _, err := FitBetaDiscreteWeibullSubscribers(good, SubscriberCovariates{}, &FitOptions{MaxIterations: -1})
	var de *DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "FitOptions.MaxIterations", de.Field)
}

func FuzzFitBetaDiscreteWeibullSubscribers(f *testing.F) {
	f.Add(3, true, 1.0, 5, false, 2.0, 0.5)
	f.Add(0, false, 0.0, 1, true, -1.0, math.NaN())
	f.Fuzz(func(t *testing.T, p0 int, c0 bool, w0 float64, p1 int, c1 bool, w1, z float64) {
		subs := []Subscriber{{p0 % 50, c0, w0}, {p1 % 50, c1, w1}, {2, true, 1}, {4, false, 1}, {1, true, 3}}
		cov := SubscriberCovariates{Alpha: [][]float64{{z}, {1}, {0}, {1}, {0}}}
		before := slices.Clone(subs)
		m, fit, err := FitBetaDiscreteWeibullSubscribers(subs, cov, &FitOptions{MaxIterations: 200})
		assert.True(t, slices.EqualFunc(before, subs, sameSubscriber))
		if err == nil {
			assert.True(t, m.valid(), "%v", m)
			assert.False(t, math.IsNaN(fit.LogLikelihood))
		}
	})
}

// sameSubscriber reports equal rows, a NaN Weight equal to itself.
func sameSubscriber(a, b Subscriber) bool {
	return a.Periods == b.Periods && a.Churned == b.Churned && sameBits(a.Weight, b.Weight)
}
