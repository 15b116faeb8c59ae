package segment_test

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/segment"
)

// TestABC: hand computations of Σ{values above}/total against 0.8 and 0.95.
func TestABC(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   []string
	}{
		// total 100; share above: 50 → 0, 30 → .5, 10 → .8 (not < .8: B),
		// 5 → .9, 3 → .95 (not < .95: C), 2 → .98.
		{"boundary", []float64{3, 50, 2, 10, 30, 5}, []string{"C", "A", "C", "B", "A", "B"}},
		// 30 crosses 0.8 (0.5 → 0.8 exactly) and stays A: A is the fewest
		// top customers reaching 80%. Total 100: 50 → 0, 30 → .5, 20 → .8 → B.
		{"crossing customer is A", []float64{50, 30, 20}, []string{"A", "A", "B"}},
		// tied 30s: the group starts at share 0, so all are A although they
		// reach 0.9 together; 10 → .9 → B.
		{"ties share a class", []float64{30, 10, 30, 30}, []string{"A", "B", "A", "A"}},
		// one customer holds everything: A; zero-value customers start at
		// share 1 → C.
		{"zeros", []float64{0, 7, 0}, []string{"C", "A", "C"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.values)
			got, err := segment.ABC(tc.values, 0.8, 0.95)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, before, tc.values)
		})
	}
}

// TestHeavyMediumLight: values 1..10, cuts 0.2 and 0.5 of customers by
// count above: 10 (0), 9 (.1) Heavy; 8 (.2), 7, 6 (.4) Medium; 5 (.5) … 1
// Light: 2/3/5 customers.
func TestHeavyMediumLight(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	got, err := segment.HeavyMediumLight(v, 0.2, 0.5)
	require.NoError(t, err)
	assert.Equal(t, []string{"Light", "Light", "Light", "Light", "Light", "Medium", "Medium", "Medium", "Heavy", "Heavy"}, got)

	// Ties at the boundary join the higher tier whole: with cuts 0.3, 0.9 of
	// 5 customers, the 9s all start at 1/5 = .2 < .3, so H holds 4 of 5
	// (more than its 30%); 1 starts at 4/5 = .8 < .9 → M; L stays empty.
	got, err = segment.ByCount([]float64{10, 9, 9, 9, 1}, []float64{0.3, 0.9}, []string{"H", "M", "L"})
	require.NoError(t, err)
	assert.Equal(t, []string{"H", "H", "H", "H", "M"}, got)
}

// TestTop: the fraction of customers strictly above must be < share.
func TestTop(t *testing.T) {
	tests := []struct {
		values []float64
		share  float64
		want   []bool
	}{
		{[]float64{5, 5, 5, 1}, 0.25, []bool{true, true, true, false}}, // ties at the boundary all in
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.1, []bool{false, false, false, false, false, false, false, false, false, true}},
		// 30 values, share 0.1: 3 above is 3/30 = 0.1, not < 0.1, so exactly 3 (30, 29, 28).
		{seq(30), 0.1, append(make([]bool, 27), true, true, true)},
		{[]float64{3, 1, 2}, 0, []bool{false, false, false}},
		{[]float64{3, 1, 2}, 1, []bool{true, true, true}},
	}
	for _, tc := range tests {
		got, err := segment.Top(tc.values, tc.share)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%v %v", tc.values, tc.share)
	}
}

func seq(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i + 1)
	}
	return out
}

// TestTierErrors: bad values, and bad cuts, shares and names (once
// panics), are a *clv.DataError naming the function, row and field.
func TestTierErrors(t *testing.T) {
	v := []float64{1, 2}
	ab := []string{"a", "b"}
	tests := []struct {
		name  string
		call  func() error
		is    error
		fn    string
		row   int
		field string
	}{
		{"ByCount empty", func() error { _, err := segment.ByCount(nil, []float64{0.5}, ab); return err }, clv.ErrEmpty, "segment.ByCount", -1, ""},
		{"ByCount NaN", func() error {
			_, err := segment.ByCount([]float64{1, math.NaN()}, []float64{0.5}, ab)
			return err
		}, clv.ErrInvalid, "segment.ByCount", 1, ""},
		{"Top Inf", func() error { _, err := segment.Top([]float64{math.Inf(1)}, 0.5); return err }, clv.ErrInvalid, "segment.Top", 0, ""},
		{"ABC negative", func() error { _, err := segment.ABC([]float64{1, -1}, 0.8, 0.95); return err }, clv.ErrInvalid, "segment.ABC", 1, ""},
		{"ABC zero total", func() error { _, err := segment.ABC([]float64{0, 0}, 0.8, 0.95); return err }, clv.ErrInvalid, "segment.ABC", -1, "values"},
		{"ByCount names", func() error { _, err := segment.ByCount(v, []float64{0.2, 0.5}, ab); return err }, clv.ErrInvalid, "segment.ByCount", -1, "names"},
		{"ByRevenue cut above 1", func() error { _, err := segment.ByRevenue(v, []float64{0.5, 1.5}, []string{"a", "b", "c"}); return err }, clv.ErrInvalid, "segment.ByRevenue", 1, "cuts"},
		{"ByCount cuts not increasing", func() error { _, err := segment.ByCount(v, []float64{0.5, 0.5}, []string{"a", "b", "c"}); return err }, clv.ErrInvalid, "segment.ByCount", 1, "cuts"},
		{"ByCount NaN cut", func() error { _, err := segment.ByCount(v, []float64{math.NaN()}, ab); return err }, clv.ErrInvalid, "segment.ByCount", 0, "cuts"},
		{"ABC b below a", func() error { _, err := segment.ABC(v, 0.9, 0.8); return err }, clv.ErrInvalid, "segment.ABC", -1, "b"},
		{"ABC negative a", func() error { _, err := segment.ABC(v, -0.1, 0.8); return err }, clv.ErrInvalid, "segment.ABC", -1, "a"},
		{"HeavyMediumLight medium above 1", func() error { _, err := segment.HeavyMediumLight(v, 0.2, 1.5); return err }, clv.ErrInvalid, "segment.HeavyMediumLight", -1, "medium"},
		{"Top NaN share", func() error { _, err := segment.Top(v, math.NaN()); return err }, clv.ErrInvalid, "segment.Top", -1, "share"},
		{"Top share above 1", func() error { _, err := segment.Top(v, 1.01); return err }, clv.ErrInvalid, "segment.Top", -1, "share"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tc.call() })
			assert.ErrorIs(t, err, tc.is)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.fn, de.Func)
			assert.Equal(t, tc.row, de.Row)
			assert.Equal(t, tc.field, de.Field)
		})
	}
}

// Revenues whose total overflows float64 still get their shares (the
// total used to become +Inf and put B customers in C).
func TestABCOverflowingTotal(t *testing.T) {
	got, err := segment.ABC([]float64{1.7e308, 1e308, 1e307, 1e306}, 0.5, 0.9)
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "B", "C", "C"}, got)
}
