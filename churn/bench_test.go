package churn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// largeTier skips tiers above 1e6 unless LTV_BENCH_LARGE=1.
func largeTier(b *testing.B, n int) {
	if n > 1_000_000 && os.Getenv("LTV_BENCH_LARGE") != "1" {
		b.Skip("set LTV_BENCH_LARGE=1 for tiers above 1e6")
	}
}

// loop runs body in b.Loop, reporting allocations.
func loop(b *testing.B, body func()) {
	b.ReportAllocs()
	for b.Loop() {
		body()
	}
}

// logisticData simulates n rows of k standard normal features with a known
// logistic model (seeded PCG).
func logisticData(n, k int) ([][]float64, []bool) {
	r := rand.New(rand.NewPCG(11, 12))
	back := make([]float64, n*k)
	X := make([][]float64, n)
	y := make([]bool, n)
	for i := range X {
		X[i] = back[i*k : (i+1)*k : (i+1)*k]
		eta := -1.0
		for j := range X[i] {
			X[i][j] = r.NormFloat64()
			eta += 0.1 * float64(j%5-2) * X[i][j]
		}
		y[i] = r.Float64() < 1/(1+math.Exp(-eta))
	}
	return X, y
}

func BenchmarkFitLogistic(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5, 1e6, 1e7} {
		b.Run(fmt.Sprintf("n=%d,k=20", n), func(b *testing.B) {
			largeTier(b, n)
			X, y := logisticData(n, 20)
			loop(b, func() {
				if _, err := FitLogistic(X, y, nil); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5, 1e6, 1e7} {
		b.Run(fmt.Sprintf("txns=%d", n), func(b *testing.B) {
			largeTier(b, n)
			r := rand.New(rand.NewPCG(1, 2))
			nc := max(n/10, 1)
			start := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
			ids := make([]string, nc)
			for i := range ids {
				ids[i] = fmt.Sprintf("cust%07d", i)
			}
			txns := make([]clv.Transaction, n)
			for i := range txns {
				txns[i] = clv.Transaction{CustomerID: ids[r.IntN(nc)], At: start.Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour)))), Amount: 20}
			}
			asOf := []time.Time{start.AddDate(2, 0, 0)}
			loop(b, func() {
				if _, err := Build(txns, asOf, nil); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkAUC(b *testing.B) {
	for _, n := range []int{1e3, 1e5, 1e6, 1e7} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			largeTier(b, n)
			r := rand.New(rand.NewPCG(3, 4))
			s := make([]float64, n)
			y := make([]bool, n)
			for i := range s {
				y[i] = r.Float64() < 0.3
				s[i] = r.Float64() + 0.3*float64(b2i(y[i]))
			}
			loop(b, func() { AUC(s, y) })
		})
	}
}

// BenchmarkLeaderboard scores n simulated calibration/holdout customers
// with one BG/NBD contender and one precomputed churn score.
func BenchmarkLeaderboard(b *testing.B) {
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, uint64(n)))
			cs := make([]clv.HoldoutCustomer, n)
			p0 := make([]float64, n)
			for i := range cs {
				T := 1 + 38*rng.Float64()
				x := float64(rng.IntN(8))
				tx := 0.0
				if x > 0 {
					tx = T * rng.Float64()
				}
				cs[i] = clv.HoldoutCustomer{Customer: clv.Customer{Frequency: x, Recency: tx, T: T}, HoldoutPurchases: float64(rng.IntN(3)), HoldoutT: 39}
				p0[i] = rng.Float64()
			}
			contenders := []Contender{{Name: "bg", Model: m}, {Name: "score", NoPurchase: p0}}
			loop(b, func() {
				if _, err := Leaderboard(cs, contenders, nil); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
