package survival

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRadixSort(t *testing.T) {
	// Compared with slices.Sort on seeded random time keys: untied
	// floats, whole days (most digits shared, so passes are skipped), and
	// lengths on both sides of the insertion-sort cutoff.
	rng := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func() float64{
		"untied": func() float64 { return rng.ExpFloat64() * 100 },
		"days":   func() float64 { return float64(rng.IntN(3650)) },
		"wide":   func() float64 { return math.Ldexp(rng.Float64(), rng.IntN(200)-100) },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 5, radixMinLen - 1, radixMinLen, 1000, 50000} {
			keys := make([]uint64, n)
			w := make([]float64, n)
			for i := range keys {
				keys[i] = timeKey(gen())
				w[i] = float64(keys[i]) // payload that must travel with its key
			}
			want := slices.Clone(keys)
			slices.Sort(want)
			radixSort(keys, w)
			require.Equal(t, want, keys, "%s n=%d", name, n)
			for i := range keys {
				require.Equal(t, float64(keys[i]), w[i], "%s n=%d: payload", name, n)
			}
		}
	}
}

func TestTimeKeyOrder(t *testing.T) {
	// Keys of non-negative floats order like the floats; −0 is +0.
	xs := []float64{0, math.SmallestNonzeroFloat64, 1e-300, 0.5, 1, 1 + 1e-15, 2, 1e300, math.MaxFloat64}
	for i := 1; i < len(xs); i++ {
		require.Less(t, timeKey(xs[i-1]), timeKey(xs[i]))
	}
	require.Equal(t, timeKey(0), timeKey(math.Copysign(0, -1)))
}
