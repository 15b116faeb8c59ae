package clv

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/internal/parallel"
)

func TestCompressChunksMatchOneTable(t *testing.T) {
	// Expected: one partitionedTable filled with every customer in order
	// (the single-chunk path). Merging the chunks' tables must give the
	// same rows in the same order; weights are multiples of 1/4, so the
	// sums are exact in any order.
	rng := rand.New(rand.NewPCG(3, 4))
	cs := make([]Customer, 3*itemCustomers+123)
	for i := range cs {
		x := float64(rng.IntN(6))
		tx := 0.0
		if x > 0 {
			tx = float64(1 + rng.IntN(400))
		}
		cs[i] = Customer{Frequency: x, Recency: tx, T: tx + float64(rng.IntN(300)), Weight: float64(rng.IntN(9)) / 4}
	}
	items := (len(cs) + itemCustomers - 1) / itemCustomers
	require.Greater(t, parallel.Chunks(items, itemCustomers*compressCost), 1)
	var want partitionedTable
	require.NoError(t, want.addAll("test", cs, 0, false))
	rows, n, err := compress("test", cs, false)
	require.NoError(t, err)
	wantRows := want.rows()
	require.Len(t, rows, len(wantRows))
	for i := range rows { // row by row: a diff of the whole slices takes minutes
		require.Equal(t, wantRows[i], rows[i], "row %d", i)
	}
	require.Equal(t, want.n, n)

	// The lowest bad row is reported, whichever chunk holds it.
	for _, bad := range [][]int{{len(cs) - 1}, {2*itemCustomers + 5, itemCustomers + 7}, {3, len(cs) - 3}} {
		cb := slices.Clone(cs)
		for _, i := range bad {
			cb[i].T = -1
		}
		_, _, err := compress("test", cb, false)
		var de *DataError
		require.ErrorAs(t, err, &de)
		require.Equal(t, min(bad[0], bad[len(bad)-1]), de.Row)
	}
}
