package segment_test

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// simulate returns n transactions of the given number of customers in
// random order, dated in 2024 (UTC, at a random time of day), with amounts
// drawn from an exponential distribution of mean 40 rounded to cents.
// Seeded with PCG, so every call with the same arguments gives the same log.
func simulate(n, customers int, seed uint64) []clv.Transaction {
	rng := rand.New(rand.NewPCG(seed, 0x5e6))
	ids := make([]string, customers)
	for i := range ids {
		ids[i] = "c" + strconv.Itoa(i)
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	txns := make([]clv.Transaction, n)
	for i := range txns {
		txns[i] = clv.Transaction{
			CustomerID: ids[rng.IntN(customers)],
			At:         start.Add(time.Duration(rng.Int64N(366 * 24 * int64(time.Hour)))),
			Amount:     float64(int(rng.ExpFloat64()*4000)) / 100,
		}
	}
	return txns
}
