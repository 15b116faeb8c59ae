package cohort_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
)

// simulatedLog returns n transactions by n/10 customers over three years
// (seeded PCG): each customer is acquired on a uniform day and buys again
// at uniform times after it, in shuffled order.
func simulatedLog(n int) []clv.Transaction {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	customers := max(1, n/10)
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	const span = 3 * 365 * 86400
	first := make([]int64, customers)
	ids := make([]string, customers)
	for c := range first {
		first[c] = start + rng.Int64N(span)
		ids[c] = "cust-" + strconv.Itoa(c)
	}
	txns := make([]clv.Transaction, n)
	for i := range txns {
		c := i % customers
		at := first[c]
		if i >= customers {
			at += rng.Int64N(start + span - at + 1)
		}
		txns[i] = clv.Transaction{CustomerID: ids[c], At: time.Unix(at, 0).UTC(), Amount: float64(rng.IntN(10000)) / 100}
	}
	rng.Shuffle(len(txns), func(i, j int) { txns[i], txns[j] = txns[j], txns[i] })
	return txns
}

// benchSizes are the tiers; above 1e6 only with LTV_BENCH_LARGE=1.
func benchSizes(b *testing.B) []int {
	sizes := []int{1e3, 1e4, 1e5, 1e6}
	if os.Getenv("LTV_BENCH_LARGE") == "1" {
		sizes = append(sizes, 1e7)
	}
	return sizes
}

// Target: monthly tables from 1e7 transactions in ≤ 1.5 s.
func BenchmarkBuildMonthly(b *testing.B) {
	for _, n := range benchSizes(b) {
		txns := simulatedLog(n)
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cohort.Build(txns, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
