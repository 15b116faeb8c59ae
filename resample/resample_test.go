package resample_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/resample"
)

// meanOf returns the weighted mean of x with weights w.
func meanOf(x, w []float64) float64 {
	var s, n float64
	for i := range x {
		s += w[i] * x[i]
		n += w[i]
	}
	return s / n
}

// bootMean bootstraps the mean of x with row counts w.
func bootMean(t *testing.T, x, w []float64, opt *resample.Options) resample.Result {
	t.Helper()
	refit := func(c []float64) (float64, error) { return meanOf(x, c), nil }
	res, err := resample.Bootstrap(meanOf(x, w), w, refit, func(m float64) []float64 { return []float64{m} }, opt)
	require.NoError(t, err)
	return res
}

func TestBootstrapMeanClosedForm(t *testing.T) {
	// The ideal bootstrap SE of a mean of N customers is the plug-in
	// sqrt(Σ(x−x̄)²)/N (Efron & Tibshirani 1993, eq. 6.9 with n−1 → n):
	// 4,000 replicates estimate it to about 1/sqrt(2·4000) = 1.1%.
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 200)
	ones := make([]float64, len(x))
	for i := range x {
		x[i] = rng.ExpFloat64() * 10
		ones[i] = 1
	}
	closed := func(x, w []float64) float64 {
		m := meanOf(x, w)
		var ss, n float64
		for i := range x {
			ss += w[i] * (x[i] - m) * (x[i] - m)
			n += w[i]
		}
		return math.Sqrt(ss) / n
	}
	opt := &resample.Options{Replicates: 4000, Seed: 7}
	res := bootMean(t, x, ones, opt)
	require.Len(t, res.Intervals, 1)
	assert.Equal(t, 4000, res.Replicates)
	assert.Zero(t, res.Failed)
	iv := res.Intervals[0]
	assert.Equal(t, meanOf(x, ones), iv.Estimate)
	assert.InEpsilon(t, closed(x, ones), iv.StdErr, 0.05)
	// The 90% percentile interval of a mean of 200 is near mean ∓ 1.645·SE.
	assert.InEpsilon(t, iv.Estimate-1.645*closed(x, ones), iv.Lower, 0.02)
	assert.InEpsilon(t, iv.Estimate+1.645*closed(x, ones), iv.Upper, 0.02)

	// Compressed rows: 20 distinct values with counts 1..20 are 210
	// customers; their bootstrap is that of the 210 customers, whose SE
	// the closed form with weights gives. Resampling the 20 rows instead
	// would give a different (larger here) SE, so the test can tell.
	xs, ws := x[:20], make([]float64, 20)
	for i := range ws {
		ws[i] = float64(i + 1)
	}
	res = bootMean(t, xs, ws, opt)
	assert.InEpsilon(t, closed(xs, ws), res.Intervals[0].StdErr, 0.05)
	assert.Greater(t, math.Abs(closed(xs, ws)-closed(xs, ones[:20]))/closed(xs, ws), 0.2, "the test must tell customers from rows")
}

func TestBootstrapSameOnAnyGOMAXPROCS(t *testing.T) {
	x := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9}
	w := []float64{2, 1, 1, 3, 1, 1, 1, 1, 2, 1, 1, 4, 1, 1, 1}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var got []resample.Result
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		got = append(got, bootMean(t, x, w, &resample.Options{Replicates: 500, Seed: 3}))
	}
	assert.Equal(t, got[0], got[1])
	assert.Equal(t, got[0], got[2])
	other := bootMean(t, x, w, &resample.Options{Replicates: 500, Seed: 4})
	assert.NotEqual(t, got[0].Intervals, other.Intervals, "another seed, other replicates")
}

func TestBootstrapCountsFailures(t *testing.T) {
	// Replicates that leave out row 0 fail (about (1−1/10)^10 = 35% of
	// them), one panics; they are counted and left out, not hidden.
	x := []float64{10, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	w := make([]float64, len(x))
	for i := range w {
		w[i] = 1
	}
	errNoRow0 := errors.New("row 0 not drawn")
	refit := func(c []float64) (float64, error) {
		if c[0] == 0 {
			return 0, errNoRow0
		}
		if c[0] == 4 {
			panic("four")
		}
		return meanOf(x, c), nil
	}
	res, err := resample.Bootstrap(meanOf(x, w), w, refit, func(m float64) []float64 { return []float64{m} },
		&resample.Options{Replicates: 1000, Seed: 1})
	require.NoError(t, err)
	assert.InDelta(t, 350, res.Failed, 60)
	assert.Equal(t, 1000, res.Replicates+res.Failed)
	assert.ErrorIs(t, res.FirstFailure, errNoRow0)

	// All failing is an error that wraps ErrNotConverged and the failure.
	_, err = resample.Bootstrap(0.0, w, func([]float64) (float64, error) { return 0, errNoRow0 },
		func(m float64) []float64 { return []float64{m} }, &resample.Options{Replicates: 10})
	assert.ErrorIs(t, err, resample.ErrNotConverged)
	assert.ErrorIs(t, err, errNoRow0)
}

func TestBootstrapErrors(t *testing.T) {
	refit := func(c []float64) (float64, error) { return c[0], nil }
	one := func(m float64) []float64 { return []float64{m} }
	for _, tc := range []struct {
		name, field string
		row         int
		sentinel    error
		counts      []float64
		opt         *resample.Options
		predict     func(float64) []float64
	}{
		{"no rows", "counts", -1, resample.ErrEmpty, nil, nil, one},
		{"all zero", "counts", -1, resample.ErrEmpty, []float64{0, 0}, nil, one},
		{"fractional count", "counts", 1, resample.ErrInvalid, []float64{1, 0.5}, nil, one},
		{"NaN count", "counts", 0, resample.ErrInvalid, []float64{math.NaN()}, nil, one},
		{"negative count", "counts", 2, resample.ErrInvalid, []float64{1, 1, -1}, nil, one},
		{"one replicate", "Options.Replicates", -1, resample.ErrInvalid, []float64{1, 2}, &resample.Options{Replicates: 1}, one},
		{"level 1", "Options.Level", -1, resample.ErrInvalid, []float64{1, 2}, &resample.Options{Level: 1}, one},
		{"ragged predict", "predict", -1, resample.ErrInvalid, []float64{1, 2}, &resample.Options{Replicates: 5},
			func(m float64) []float64 { return make([]float64, 1+int(m)%2) }},
	} {
		counts := append([]float64(nil), tc.counts...)
		_, err := resample.Bootstrap(1.0, counts, refit, tc.predict, tc.opt)
		var de *resample.DataError
		require.True(t, errors.As(err, &de), "%s: %v", tc.name, err)
		assert.ErrorIs(t, err, tc.sentinel, tc.name)
		assert.Equal(t, tc.field, de.Field, tc.name)
		assert.Equal(t, tc.row, de.Row, tc.name)
		assert.Equal(t, fmt.Sprint(tc.counts), fmt.Sprint(counts), "%s: counts not modified", tc.name)
	}
}

func TestPercentileSpecialCases(t *testing.T) {
	vals := []float64{5, 1, 4, 2, 3}
	iv := resample.Percentile(3, vals, 0.5)
	assert.Equal(t, []float64{5, 1, 4, 2, 3}, vals, "not modified")
	// R: quantile(1:5, c(.25, .75), type = 7) = 2, 4; sd(1:5) = sqrt(2.5).
	assert.Equal(t, resample.Interval{Estimate: 3, StdErr: math.Sqrt(2.5), Lower: 2, Upper: 4}, iv)
	for _, bad := range []resample.Interval{
		resample.Percentile(3, []float64{1}, 0.9),
		resample.Percentile(3, []float64{1, math.Inf(1)}, 0.9),
		resample.Percentile(3, vals, 1.5),
	} {
		assert.Equal(t, 3.0, bad.Estimate)
		assert.True(t, math.IsNaN(bad.StdErr) && math.IsNaN(bad.Lower) && math.IsNaN(bad.Upper))
	}
}

// BenchmarkBootstrap measures the resampling itself (the refit is a
// weighted mean): a replicate of N customers costs N uniform draws and
// binary searches over the rows.
func BenchmarkBootstrap(b *testing.B) {
	for _, n := range []int{1e3, 1e5} {
		x, w := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], w[i] = float64(i%17), float64(1+i%3)
		}
		refit := func(c []float64) (float64, error) { return meanOf(x, c), nil }
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := resample.Bootstrap(meanOf(x, w), w, refit, func(m float64) []float64 { return []float64{m} },
					&resample.Options{Replicates: 100}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
