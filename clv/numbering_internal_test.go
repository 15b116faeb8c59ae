package clv

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNumberFloatsMatchesNumbering(t *testing.T) {
	// Expected: numbering's first-appearance numbers and keys, on tied
	// whole numbers, untied times and −0 next to 0, on both sides of the
	// radix sort's insertion-sort cutoff.
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 5, 100, 5000} {
		for _, tied := range []bool{true, false} {
			vals := make([]float64, n)
			for i := range vals {
				switch {
				case tied && rng.IntN(10) == 0:
					vals[i] = math.Copysign(0, -1)
				case tied:
					vals[i] = float64(rng.IntN(20))
				default:
					vals[i] = rng.ExpFloat64() * 50
				}
			}
			var want numbering[float64]
			wantOf := make([]int32, n)
			for i, v := range vals {
				wantOf[i] = want.number(v)
			}
			of, distinct := numberFloats(vals)
			require.Equal(t, wantOf, of, "n=%d tied=%v", n, tied)
			require.Len(t, distinct, len(want.keys))
			for k := range distinct {
				require.Equal(t, math.Float64bits(want.keys[k]), math.Float64bits(distinct[k]), "n=%d tied=%v key %d", n, tied, k)
			}
		}
	}
}
