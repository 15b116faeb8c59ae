package segment

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSelectQuantileEdgesMatchesSort(t *testing.T) {
	// Expected: QuantileEdges of the sorted values, bit for bit, on whole
	// numbers with many ties, on untied values and on short inputs.
	rng := rand.New(rand.NewPCG(7, 8))
	for _, size := range []int{1, 2, 3, 17, 100, 10_001} {
		for _, distinct := range []int{1, 3, 50, 0} {
			vals := make([]float64, size)
			for i := range vals {
				if distinct == 0 {
					vals[i] = rng.ExpFloat64()
				} else {
					vals[i] = float64(rng.IntN(distinct))
				}
			}
			sorted := slices.Clone(vals)
			slices.Sort(sorted)
			for _, n := range []int{1, 2, 5, 10, 97} {
				want := QuantileEdges(sorted, n)
				got := selectQuantileEdges(slices.Clone(vals), n)
				require.Len(t, got, len(want))
				for k := range want {
					require.Equal(t, math.Float64bits(want[k]), math.Float64bits(got[k]), "size %d distinct %d n %d edge %d", size, distinct, n, k)
				}
			}
		}
	}
}

func TestScoreOfNaN(t *testing.T) {
	// sort.SearchFloat64s puts NaN past every edge.
	require.Equal(t, 3, ScoreOf(math.NaN(), []float64{1, 2}, false))
	require.Equal(t, 1, ScoreOf(math.NaN(), []float64{1, 2}, true))
}
