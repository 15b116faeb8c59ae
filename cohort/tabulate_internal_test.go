package cohort

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// Both ways of counting active periods must agree with a direct count by
// maps over time.In calendar dates (an independent, slow reference) on a
// seeded random log in Europe/Berlin.
func TestTabulateAgainstNaive(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(3, 4))
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, loc).Unix()
	txns := make([]clv.Transaction, 3000)
	for i := range txns {
		txns[i] = clv.Transaction{
			CustomerID: "c" + strconv.Itoa(rng.IntN(300)),
			At:         time.Unix(t0+rng.Int64N(400*86400), 0),
			Amount:     float64(rng.IntN(1000)) / 10,
		}
	}
	monthNumber := func(tm time.Time) int { l := tm.In(loc); return 12*l.Year() + int(l.Month()) - 1 }

	// Naive reference by months: cohort = first month; sets of active k.
	first := map[string]int{}
	for _, tx := range txns {
		m := monthNumber(tx.At)
		if f, ok := first[tx.CustomerID]; !ok || m < f {
			first[tx.CustomerID] = m
		}
	}
	type cell struct{ cohort, k int }
	activeSet := map[string]map[int]bool{}
	wantRevenue := map[cell]float64{}
	for _, tx := range txns {
		k := monthNumber(tx.At) - first[tx.CustomerID]
		if activeSet[tx.CustomerID] == nil {
			activeSet[tx.CustomerID] = map[int]bool{}
		}
		activeSet[tx.CustomerID][k] = true
		wantRevenue[cell{first[tx.CustomerID], k}] += tx.Amount
	}
	wantActive := map[cell]float64{}
	wantSurviving := map[cell]float64{}
	for id, ks := range activeSet {
		last := 0
		for k := range ks {
			wantActive[cell{first[id], k}]++
			last = max(last, k)
		}
		for k := 0; k <= last; k++ {
			wantSurviving[cell{first[id], k}]++
		}
	}

	o := Options{Period: Monthly, Location: loc}
	s, err := scan("test", txns, o)
	require.NoError(t, err)
	g, err := newGrid("test", s, o)
	require.NoError(t, err)
	require.LessOrEqual(t, g.span, 64)
	for _, byMask := range []bool{true, false} {
		revenue, active, surviving := g.tabulate(txns, s, byMask)
		for r, p := range g.periods {
			for k := range g.span {
				c := cell{int(p), k}
				i := r*g.span + k
				require.InDelta(t, wantRevenue[c], revenue[i], 1e-9, "mask %v cell %v", byMask, c)
				require.Equal(t, wantActive[c], active[i], "mask %v cell %v", byMask, c)
				require.Equal(t, wantSurviving[c], surviving[i], "mask %v cell %v", byMask, c)
			}
		}
	}
}
