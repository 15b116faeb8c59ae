package clv_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ltvgo/ltv/clv"
)

// covBase is a seeded base of n customers with the covariates of the
// refdata oracle's design, Purchase [channel, age] and Dropout [channel,
// premium]: channel ~ Bernoulli(0.4), premium ~ Bernoulli(0.3), and age
// in whole years (N(40, 12) clipped to 18..80), standardised as
// (age − 40)/12, so there are 2·63·2 covariate patterns. Each pattern's
// customers are drawn by simulate from that pattern's model (CDNOW-like
// day-level summaries, T up to 78 weeks).
func covBase(n int, seed uint64, simulate func(zp, zd []float64, n int, seed uint64) []clv.Customer) ([]clv.Customer, clv.Covariates) {
	rng := rand.New(rand.NewPCG(seed, 1))
	type pattern struct{ channel, age, premium float64 }
	counts := map[pattern]int{}
	var order []pattern
	for range n {
		p := pattern{float64(b2i(rng.Float64() < 0.4)), math.Round(math.Min(80, math.Max(18, 40+12*rng.NormFloat64()))), float64(b2i(rng.Float64() < 0.3))}
		if counts[p] == 0 {
			order = append(order, p)
		}
		counts[p]++
	}
	var cs []clv.Customer
	var cov clv.Covariates
	for k, p := range order {
		zp, zd := []float64{p.channel, (p.age - 40) / 12}, []float64{p.channel, p.premium}
		for _, c := range simulate(zp, zd, counts[p], seed*1000+uint64(k)) {
			cs = append(cs, c)
			cov.Purchase = append(cov.Purchase, zp)
			cov.Dropout = append(cov.Dropout, zd)
		}
	}
	return cs, cov
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkFitParetoNBDCov fits a Pareto/NBD with four covariates to
// covBase at the refdata oracle's truth (issue 12's target: ≤ 2 s at 1e5).
func BenchmarkFitParetoNBDCov(b *testing.B) {
	truth := clv.ParetoNBDCov{ParetoNBD: clv.ParetoNBD{R: 0.8, Alpha: 8, S: 0.6, Beta: 30}, Purchase: []float64{0.5, 0.3}, Dropout: []float64{0.3, -0.7}}
	for _, n := range []int{1e4, 1e5} {
		cs, cov := covBase(n, 31, func(zp, zd []float64, n int, seed uint64) []clv.Customer {
			return must(clv.SimulateParetoNBDCustomers(truth.For(zp, zd), clv.CustomerSimulationOptions{Customers: n, Period: week, Seed: seed}))
		})
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := clv.FitParetoNBDCov(cs, cov, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitBGNBDCov is BenchmarkFitParetoNBDCov for the BG/NBD
// (target ≤ 0.5 s at 1e5).
func BenchmarkFitBGNBDCov(b *testing.B) {
	truth := clv.BGNBDCov{BGNBD: clv.BGNBD{R: 0.8, Alpha: 8, A: 0.6, B: 2.5}, Purchase: []float64{0.5, 0.3}, Dropout: []float64{0.8, -0.9}}
	for _, n := range []int{1e4, 1e5} {
		cs, cov := covBase(n, 32, func(zp, zd []float64, n int, seed uint64) []clv.Customer {
			return must(clv.SimulateBGNBDCustomers(truth.For(zp, zd), clv.CustomerSimulationOptions{Customers: n, Period: week, Seed: seed}))
		})
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := clv.FitBGNBDCov(cs, cov, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
