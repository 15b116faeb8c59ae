package churn

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

func TestStratifiedGroupKFold(t *testing.T) {
	// Seeded panel: 300 customers with 1–4 rows each, 30% churners.
	r := rand.New(rand.NewPCG(5, 6))
	var ids []string
	var y []bool
	for c := range 300 {
		for range 1 + r.IntN(4) {
			ids = append(ids, string(rune(0x4e00+c)))
			y = append(y, r.Float64() < 0.3)
		}
	}
	idc, yc := slices.Clone(ids), slices.Clone(y)
	folds, err := StratifiedGroupKFold(ids, y, 5, 42)
	require.NoError(t, err)
	assert.Equal(t, idc, ids)
	assert.Equal(t, yc, y)
	require.Len(t, folds, 5)
	var total, pos int
	for _, v := range y {
		pos += b2i(v)
	}
	total = len(y)
	seen := make([]int, len(ids))
	for _, f := range folds {
		assert.Equal(t, len(ids), len(f.Train)+len(f.Test))
		assert.True(t, slices.IsSorted(f.Test) && slices.IsSorted(f.Train))
		testIDs := map[string]bool{}
		fp := 0
		for _, i := range f.Test {
			seen[i]++
			testIDs[ids[i]] = true
			fp += b2i(y[i])
		}
		for _, i := range f.Train {
			assert.False(t, testIDs[ids[i]], "customer %q in train and test", ids[i])
		}
		// Each fold holds about a fifth of the rows and of the churners
		// (greedy balance; 5 percentage points of slack).
		assert.InDelta(t, 0.2, float64(len(f.Test))/float64(total), 0.05)
		assert.InDelta(t, 0.2, float64(fp)/float64(pos), 0.05)
	}
	for i, s := range seen {
		require.Equal(t, 1, s, "row %d in %d test folds", i, s)
	}
	again, err := StratifiedGroupKFold(ids, y, 5, 42)
	require.NoError(t, err)
	assert.Equal(t, folds, again, "same seed, same folds")
	other, err := StratifiedGroupKFold(ids, y, 5, 43)
	require.NoError(t, err)
	assert.NotEqual(t, folds, other, "the seed matters")

	_, err = StratifiedGroupKFold([]string{"a", "a", "b"}, labels(0, 1, 1), 3, 1)
	require.ErrorIs(t, err, clv.ErrInvalid)
}

func TestTimeSplit(t *testing.T) {
	asOf := []time.Time{date(2024, 1, 1), date(2024, 3, 1), date(2024, 4, 1), date(2024, 5, 1), date(2024, 1, 31)}
	// Cutoff 2024-04-01, horizon 60 days: train as-of ≤ 2024-02-01 (hand: April 1 − 60 days).
	train, test := TimeSplit(asOf, date(2024, 4, 1), 60)
	assert.Equal(t, []int{0, 4}, train)
	assert.Equal(t, []int{2, 3}, test)
}
