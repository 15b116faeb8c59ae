package radix

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRadixSort(t *testing.T) {
	// Compared with slices.Sort on seeded random keys (the bits of
	// non-negative floats): untied
	// floats, whole days (most digits shared, so passes are skipped), and
	// lengths on both sides of the insertion-sort cutoff.
	rng := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func() float64{
		"untied": func() float64 { return rng.ExpFloat64() * 100 },
		"days":   func() float64 { return float64(rng.IntN(3650)) },
		"wide":   func() float64 { return math.Ldexp(rng.Float64(), rng.IntN(200)-100) },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 5, minLen - 1, minLen, 1000, 50000} {
			keys := make([]uint64, n)
			w := make([]float64, n)
			for i := range keys {
				keys[i] = math.Float64bits(gen())
				w[i] = float64(keys[i]) // payload that must travel with its key
			}
			want := slices.Clone(keys)
			slices.Sort(want)
			Sort(keys, w)
			require.Equal(t, want, keys, "%s n=%d", name, n)
			for i := range keys {
				require.Equal(t, float64(keys[i]), w[i], "%s n=%d: payload", name, n)
			}
		}
	}
}

func TestRadixSort32(t *testing.T) {
	// uint32 keys (the bits of float32 values) against slices.Sort.
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 5, minLen, 50000} {
		keys := make([]uint32, n)
		w := make([]int, n)
		for i := range keys {
			keys[i] = math.Float32bits(float32(rng.ExpFloat64()))
			w[i] = int(keys[i])
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		Sort(keys, w)
		require.Equal(t, want, keys, "n=%d", n)
		for i := range keys {
			require.Equal(t, int(keys[i]), w[i], "n=%d: payload", n)
		}
	}
}
