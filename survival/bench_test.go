package survival_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/ltvgo/ltv/survival"
)

// benchSizes are the size tiers; 1e7 runs only with LTV_BENCH_LARGE=1.
var benchSizes = []int{1e3, 1e4, 1e5, 1e6, 1e7}

func skipLarge(b *testing.B, n int) {
	if n > 1e6 && os.Getenv("LTV_BENCH_LARGE") != "1" {
		b.Skip("set LTV_BENCH_LARGE=1 for tiers above 1e6")
	}
}

// benchObs draws n exponential lifetimes with 30% censoring, as whole days
// (tied) or untied floats.
func benchObs(n int, days bool) []survival.Observation {
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	obs := make([]survival.Observation, n)
	for i := range obs {
		t := rng.ExpFloat64() * 365
		if days {
			t = math.Ceil(t)
		}
		obs[i] = survival.Observation{Time: t, Event: rng.Float64() < 0.7}
	}
	return obs
}

func BenchmarkKaplanMeier(b *testing.B) {
	for _, days := range []bool{true, false} {
		for _, n := range benchSizes {
			name := fmt.Sprintf("untied/n=%d", n)
			if days {
				name = fmt.Sprintf("days/n=%d", n)
			}
			b.Run(name, func(b *testing.B) {
				skipLarge(b, n)
				obs := benchObs(n, days)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := survival.KaplanMeier(obs, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkLogRank(b *testing.B) {
	for _, days := range []bool{true, false} {
		for _, n := range benchSizes {
			name := fmt.Sprintf("untied/n=%d", n)
			if days {
				name = fmt.Sprintf("days/n=%d", n)
			}
			b.Run(name, func(b *testing.B) {
				skipLarge(b, n)
				obs := benchObs(n, days)
				groups := [][]survival.Observation{obs[:n/2], obs[n/2:]}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := survival.LogRank(groups); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
