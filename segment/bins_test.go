package segment_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/montanaflynn/stats"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/segment"
)

// TestQuantileEdgesType7 checks the type-7 definition by hand: with m
// sorted values x_0..x_{m−1}, h = (m−1)·p, j = ⌊h⌋, Q(p) = x_j +
// (h−j)(x_{j+1}−x_j), the definition numpy.percentile documents for its
// default method "linear".
func TestQuantileEdgesType7(t *testing.T) {
	tests := []struct {
		sorted []float64
		n      int
		want   []float64
	}{
		// h = 4·0.2 = 0.8 → 1 + 0.8·1 = 1.8; h = 1.6 → 2.6; h = 2.4 → 3 + 0.4·1 = 3.4;
		// h = 3.2 → 4 + 0.2·6 = 5.2.
		{[]float64{1, 2, 3, 4, 10}, 5, []float64{1.8, 2.6, 3.4, 5.2}},
		// h = 9k/5 = 1.8, 3.6, 5.4, 7.2 → 1, 1 + 0.6·1 = 1.6, 2 + 0.4·1 = 2.4, 5 + 0.2·3 = 5.6.
		{[]float64{1, 1, 1, 1, 2, 2, 3, 5, 8, 13}, 5, []float64{1, 1.6, 2.4, 5.6}},
		// h = 4·0.5 = 2 exactly → x_2 = 20 (no interpolation).
		{[]float64{0, 10, 20, 30, 40}, 2, []float64{20}},
		// one value: every quantile is that value.
		{[]float64{7}, 5, []float64{7, 7, 7, 7}},
		// n = 1: no edges.
		{[]float64{1, 2}, 1, nil},
		// no values: no edges (the documented special case).
		{nil, 5, nil},
		{[]float64{}, 2, nil},
	}
	for _, tc := range tests {
		got := segment.QuantileEdges(tc.sorted, tc.n)
		require.Len(t, got, len(tc.want))
		assert.InDeltaSlice(t, tc.want, got, 1e-12, "%v", tc.sorted)
	}
}

// TestQuantileEdgesMatchStats: montanaflynn/stats v0.14.0 Percentile is
// type 7 (its source computes rank = p/100·(n−1) and interpolates; checked
// by hand on the first case above). It copies and sorts its input on every
// call and rejects p = 0, so the package computes the edges itself on one
// sorted copy; here the two must agree on seeded random data with ties.
func TestQuantileEdgesMatchStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, m := range []int{1, 2, 3, 7, 10, 101, 1000} {
		for _, n := range []int{2, 3, 4, 5, 10} {
			x := make([]float64, m)
			for i := range x {
				x[i] = float64(rng.IntN(20)) + 0.25*float64(rng.IntN(3))
			}
			slices.Sort(x)
			got := segment.QuantileEdges(x, n)
			require.Len(t, got, n-1)
			for k := 1; k < n; k++ {
				want, err := stats.Percentile(x, 100*float64(k)/float64(n))
				require.NoError(t, err)
				assert.InDelta(t, want, got[k-1], 1e-9*(1+math.Abs(want)), "m=%d n=%d k=%d", m, n, k)
			}
		}
	}
	// The hand case once more, through stats: (4·0.2 = 0.8 → 1.8).
	p, err := stats.Percentile([]float64{10, 4, 3, 2, 1}, 20)
	require.NoError(t, err)
	assert.InDelta(t, 1.8, p, 1e-12)
}

func TestScoreOf(t *testing.T) {
	edges := []float64{1, 1.6, 2.4, 5.6}
	tests := []struct {
		v        float64
		reversed bool
		want     int
	}{
		{0, false, 1}, {1, false, 1}, // ≤ e_1 → 1: a value on an edge takes the lower bin
		{1.5, false, 2}, {1.6, false, 2}, {2, false, 3}, {2.4, false, 3},
		{5.6, false, 4}, {5.7, false, 5},
		{1, true, 5}, {2, true, 3}, {5.7, true, 1}, // reversed: n − #{e < v}
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, segment.ScoreOf(tc.v, edges, tc.reversed), "v=%v reversed=%v", tc.v, tc.reversed)
	}
	assert.Equal(t, 1, segment.ScoreOf(3, nil, false))
	assert.Equal(t, 1, segment.ScoreOf(3, nil, true))
}

// rows builds RFM rows with IDs r0, r1, … from parallel value lists.
func rows(sinceLast, freq []int, monetary []float64) []segment.RFM {
	out := make([]segment.RFM, len(sinceLast))
	for i := range out {
		out[i] = segment.RFM{CustomerID: "r" + strconv.Itoa(i), SinceLast: sinceLast[i], Frequency: freq[i],
			Monetary: monetary[i], Revenue: monetary[i]}
	}
	return out
}

func scores(res *segment.Result) (r, f, m []int) {
	for _, c := range res.Customers {
		r, f, m = append(r, c.R), append(f, c.F), append(m, c.M)
	}
	return r, f, m
}

func binCounts(s segment.Scale) []int {
	var out []int
	for _, b := range s.Bins {
		out = append(out, b.Customers)
	}
	return out
}

// TestScoreQuantileTies works the default rule by hand (n = 5).
func TestScoreQuantileTies(t *testing.T) {
	// Frequency 1,1,1,1,2,2,3,5,8,13: edges 1, 1.6, 2.4, 5.6 (see
	// TestQuantileEdgesType7). F = 1 + #{e < v}: 1 → 1, 2 → 3, 3 → 4, 5 → 4,
	// 8 → 5, 13 → 5; score 2 is empty, the four tied 1s share score 1.
	// SinceLast 0,0,10,20,30,40,50,60,70,80: h = 9k/5 = 1.8, 3.6, 5.4, 7.2 →
	// edges 0 + 0.8·10 = 8, 20 + 0.6·10 = 26, 40 + 0.4·10 = 44, 60 + 0.2·10 = 62.
	// R = 5 − #{e < d}: 0 → 5, 10 → 4, 20 → 4, 30 → 3, 40 → 3, 50 → 2, 60 → 2, 70 → 1, 80 → 1.
	// Monetary 10..100 by 10: h as above → edges 28, 46, 64, 82;
	// 10,20 → 1; 30,40 → 2; 50,60 → 3; 70,80 → 4; 90,100 → 5.
	rs := rows(
		[]int{0, 0, 10, 20, 30, 40, 50, 60, 70, 80},
		[]int{1, 1, 1, 1, 2, 2, 3, 5, 8, 13},
		[]float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100})
	res, err := segment.Score(rs, nil)
	require.NoError(t, err)
	r, f, m := scores(res)
	assert.Equal(t, []int{5, 5, 4, 4, 3, 3, 2, 2, 1, 1}, r)
	assert.Equal(t, []int{1, 1, 1, 1, 3, 3, 4, 4, 5, 5}, f)
	assert.Equal(t, []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, m)

	require.Len(t, res.Recency.Edges, 4)
	assert.InDeltaSlice(t, []float64{8, 26, 44, 62}, res.Recency.Edges, 1e-12)
	assert.InDeltaSlice(t, []float64{1, 1.6, 2.4, 5.6}, res.Frequency.Edges, 1e-12)
	assert.InDeltaSlice(t, []float64{28, 46, 64, 82}, res.Monetary.Edges, 1e-12)

	assert.Equal(t, []int{4, 0, 2, 2, 2}, binCounts(res.Frequency))
	empty := res.Frequency.Bins[1]
	assert.Equal(t, 2, empty.Score)
	assert.True(t, math.IsNaN(empty.Min) && math.IsNaN(empty.Max), "empty bin has NaN bounds")
	assert.Equal(t, segment.Bin{Score: 4, Customers: 2, Min: 3, Max: 5}, res.Frequency.Bins[3])
	assert.Equal(t, segment.Bin{Score: 5, Customers: 2, Min: 0, Max: 0}, res.Recency.Bins[4])
	assert.Equal(t, segment.Bin{Score: 1, Customers: 2, Min: 70, Max: 80}, res.Recency.Bins[0])
}

// TestScoreEdgeEquality: a value equal to an edge takes the lower bin.
// Values 0,10,20,30,40 with n = 2: h = 4·0.5 = 2, edge x_2 = 20 exactly.
// F, M: 20 ≤ 20 → 1, so scores 1,1,1,2,2. R = 2 − #{e < d}: 20 → 2, so
// 2,2,2,1,1.
func TestScoreEdgeEquality(t *testing.T) {
	rs := rows([]int{0, 10, 20, 30, 40}, []int{1, 11, 20, 30, 40}, []float64{0, 10, 20, 30, 40})
	res, err := segment.Score(rs, &segment.Options{Scores: 2})
	require.NoError(t, err)
	r, f, m := scores(res)
	assert.Equal(t, []int{2, 2, 2, 1, 1}, r)
	assert.Equal(t, []int{1, 1, 1, 2, 2}, f) // F values 1,11,20,30,40: edge x_2 = 20
	assert.Equal(t, []int{1, 1, 1, 2, 2}, m)
	assert.InDeltaSlice(t, []float64{20}, res.Monetary.Edges, 0)
}

// TestScoreSingleCustomer: every edge equals the one value, so F = M = 1
// (v ≤ e_1) and R = n (d ≤ e_1); the other bins are empty.
func TestScoreSingleCustomer(t *testing.T) {
	for _, b := range []segment.Scoring{segment.ByQuantile, segment.ByEqualCount} {
		res, err := segment.Score(rows([]int{12}, []int{3}, []float64{50}), &segment.Options{Scoring: b})
		require.NoError(t, err)
		r, f, m := scores(res)
		if b == segment.ByQuantile {
			assert.Equal(t, []int{5}, r)
			assert.InDeltaSlice(t, []float64{12, 12, 12, 12}, res.Recency.Edges, 0)
		} else {
			// ByEqualCount: NTILE(5) of one row is group 1 of every measure.
			assert.Equal(t, []int{1}, r)
			assert.Nil(t, res.Recency.Edges)
		}
		assert.Equal(t, []int{1}, f)
		assert.Equal(t, []int{1}, m)
		assert.Equal(t, 1, res.Monetary.Bins[0].Customers)
	}
}

// TestScoreEqualCount: SQL NTILE. Seven customers, n = 5: q = 1, r = 2, so
// group sizes 2,2,1,1,1. All values tied, so the order is by CustomerID:
// r0,r1 → 1; r2,r3 → 2; r4 → 3; r5 → 4; r6 → 5, for R (ties by ID too) as
// well. The input order must not matter.
func TestScoreEqualCount(t *testing.T) {
	rs := rows([]int{5, 5, 5, 5, 5, 5, 5}, []int{2, 2, 2, 2, 2, 2, 2}, []float64{9, 9, 9, 9, 9, 9, 9})
	slices.Reverse(rs)
	res, err := segment.Score(rs, &segment.Options{Scoring: segment.ByEqualCount})
	require.NoError(t, err)
	got := map[string][3]int{}
	for _, c := range res.Customers {
		got[c.CustomerID] = [3]int{c.R, c.F, c.M}
	}
	for i, s := range []int{1, 1, 2, 2, 3, 4, 5} {
		assert.Equal(t, [3]int{s, s, s}, got["r"+strconv.Itoa(i)], "r%d", i)
	}
	assert.Equal(t, []int{2, 2, 1, 1, 1}, binCounts(res.Frequency))

	// Distinct values, m = 3 < n = 5: groups 1, 2, 3 and two empty groups.
	// R ranks the longest SinceLast lowest: 30 → 1, 20 → 2, 10 → 3.
	res, err = segment.Score(rows([]int{10, 30, 20}, []int{4, 1, 2}, []float64{1, 2, 3}), &segment.Options{Scoring: segment.ByEqualCount})
	require.NoError(t, err)
	r, f, m := scores(res)
	assert.Equal(t, []int{3, 1, 2}, r)
	assert.Equal(t, []int{3, 1, 2}, f)
	assert.Equal(t, []int{1, 2, 3}, m)
	assert.Equal(t, []int{1, 1, 1, 0, 0}, binCounts(res.Recency))
	assert.Equal(t, segment.Bin{Score: 1, Customers: 1, Min: 30, Max: 30}, res.Recency.Bins[0])
}

// TestScoreCustomEdges: R edges 30,60,90,180 days: ≤30 → 5, 31..60 → 4,
// 61..90 → 3, 91..180 → 2, >180 → 1. F edges 1,2,3,5: 1 → 1, 2 → 2, 4 → 4,
// 6 → 5. M edges 50,100,200,500: 50 → 1, 50.01 → 2, 500 → 4, 501 → 5.
func TestScoreCustomEdges(t *testing.T) {
	opt := &segment.Options{Scoring: segment.ByEdges,
		RecencyEdges:   []float64{30, 60, 90, 180},
		FrequencyEdges: []float64{1, 2, 3, 5},
		MonetaryEdges:  []float64{50, 100, 200, 500}}
	rs := rows([]int{30, 31, 180, 181}, []int{1, 2, 4, 6}, []float64{50, 50.01, 500, 501})
	before := slices.Clone(rs)
	res, err := segment.Score(rs, opt)
	require.NoError(t, err)
	assert.Equal(t, before, rs, "Score must not modify rows")
	r, f, m := scores(res)
	assert.Equal(t, []int{5, 4, 2, 1}, r)
	assert.Equal(t, []int{1, 2, 4, 5}, f)
	assert.Equal(t, []int{1, 2, 4, 5}, m)
	assert.Equal(t, []float64{30, 60, 90, 180}, res.Recency.Edges)
	assert.Equal(t, []int{1, 1, 0, 1, 1}, binCounts(res.Recency))
}
