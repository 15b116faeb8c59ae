package numeric

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The expected sum is big.Float's exact sum (precision 2000 bits holds any
// sum of these values without rounding) rounded once to float64, an
// independent reference; every shuffle must give the same bits, also from
// a reused (Reset) sum.
func TestExactSumIsCorrectlyRounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := [][]float64{
		{},
		{0, math.Copysign(0, -1)},
		{1, 1e100, 1, -1e100},
		{0.1, 0.2, 0.3},
		{1, 0x1p-53, 0x1p-106}, // a half-way case broken by the third term
		{1, 0x1p-53},           // a tie: rounds to even
		{1e290, 1e290, 1e-300, 3},
	}
	for range 300 {
		n := rng.IntN(40)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = math.Ldexp(rng.Float64(), rng.IntN(120)-60)
			if rng.IntN(4) == 0 {
				xs[i] = math.Round(xs[i]*100) / 100
			}
		}
		cases = append(cases, xs)
	}
	for _, xs := range cases {
		exact := new(big.Float).SetPrec(2000)
		for _, x := range xs {
			exact.Add(exact, new(big.Float).SetPrec(2000).SetFloat64(x))
		}
		want, _ := exact.Float64()
		want += 0
		var s ExactSum
		for range 5 {
			rng.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
			s.Reset()
			for _, x := range xs {
				s.Add(x)
			}
			if got := s.Value(); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("sum of %v = %v, want %v", xs, got, want)
			}
		}
	}
}
