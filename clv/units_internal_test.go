package clv

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// fingerprintMap is Fingerprint as first written, with a Go map: the
// reference the faster table must reproduce bit for bit.
func fingerprintMap(cs []Customer) string {
	weights := map[[4]float64]float64{}
	for _, c := range cs {
		weights[[4]float64{c.Frequency, c.Recency, c.T, c.Monetary}] += c.weight()
	}
	keys := make([][4]float64, 0, len(weights))
	for k := range weights {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [4]float64) int {
		for j := range a {
			if c := cmp.Compare(a[j], b[j]); c != 0 {
				return c
			}
		}
		return 0
	})
	h := sha256.New()
	var buf [5 * 8]byte
	for _, k := range keys {
		for j, v := range append(k[:], weights[k]) {
			binary.LittleEndian.PutUint64(buf[8*j:], math.Float64bits(v+0))
		}
		h.Write(buf[:])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func TestFingerprintMatchesMap(t *testing.T) {
	// Few distinct values so that rows repeat; −0, negative zero weights
	// and fractional weights whose sums depend on their order.
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 7, 1000, 50_000} {
		cs := make([]Customer, n)
		for i := range cs {
			x := float64(rng.IntN(4))
			c := Customer{Frequency: x, T: float64(rng.IntN(20)) / 7}
			if x > 0 {
				c.Recency = float64(1+rng.IntN(9)) / 7
				c.Monetary = float64(rng.IntN(3)) * 0.1
			} else if rng.IntN(2) == 0 {
				c.Recency, c.Monetary = math.Copysign(0, -1), math.Copysign(0, -1)
			}
			switch rng.IntN(3) {
			case 0:
				c.Weight = math.Copysign(0, -1)
			case 1:
				c.Weight = rng.Float64()
			}
			cs[i] = c
		}
		require.Equal(t, fingerprintMap(cs), Fingerprint(cs), "n=%d", n)
	}
	// NaN rows (which no fit accepts) do not depend on the order: the map
	// wrote them with weight 0 and in an order that varied.
	cs := []Customer{{Frequency: 1, Recency: 1, T: 2}, {Frequency: math.NaN(), T: 1, Weight: 2}, {T: 3}, {Frequency: math.NaN(), T: 1}}
	require.Equal(t, Fingerprint(cs), Fingerprint([]Customer{cs[3], cs[2], cs[1], cs[0]}))
}
