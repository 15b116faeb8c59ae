package segment_test

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
	"github.com/ltvgo/ltv/segment"
)

// cdnowTxns returns the purchases of CDNOW_sample.txt, with the sample id
// as CustomerID (see refdata.ParseCDNOW).
func cdnowTxns(t *testing.T) []clv.Transaction {
	t.Helper()
	ps := refdatatest.CDNOW(t)
	txns := make([]clv.Transaction, len(ps))
	for i, p := range ps {
		txns[i] = clv.Transaction(p)
	}
	return txns
}

// TestComputeCDNOW checks RFM values on the CDNOW sample at E = 1997-09-30
// against MODELS.md §1: the check-value table (RFM rec in days, x, and the
// rows' dollars), the totals (2,357 customers, Σx = 2,457 repeat
// occasions), and every customer against the published summary
// cdnow_customers_summary_with_transactions.csv (x equal; T − t_x in weeks,
// rounded to 2 dp, times 7 within 0.07 days of SinceLast).
func TestComputeCDNOW(t *testing.T) {
	txns := cdnowTxns(t)
	res, err := segment.Compute(txns, time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC), nil)
	require.NoError(t, err)
	byID := map[string]segment.RFM{}
	sumX := 0
	for _, c := range res.Customers {
		byID[c.CustomerID] = c
		sumX += c.Frequency - 1
	}
	assert.Len(t, res.Customers, 2357) // MODELS.md §1
	assert.Equal(t, 2457, sumX)        // MODELS.md §1: Σx = 2,457

	// MODELS.md §1 check table: RFM rec (d), x + 1, and Σ dollars of the
	// listed calibration rows (customer 6: 35.99 + 7·73.741429 = 552.180003,
	// from the first row and x·m̄).
	checks := []struct {
		id        string
		sinceLast int
		freq      int
		revenue   float64
		tol       float64
	}{
		{"1", 59, 3, 29.33 + 29.73 + 14.96, 1e-9},
		{"2", 260, 2, 63.34 + 11.77, 1e-9},
		{"3", 272, 1, 6.79, 1e-9},
		{"6", 66, 8, 35.99 + 7*73.741429, 1e-5},
		{"26", 260, 2, 3.99 + 60.25 + 166.89, 1e-9},
		{"1516", 1, 27, math.NaN(), 0},
	}
	for _, c := range checks {
		got, ok := byID[c.id]
		require.True(t, ok, c.id)
		assert.Equal(t, c.sinceLast, got.SinceLast, c.id)
		assert.Equal(t, c.freq, got.Frequency, c.id)
		if !math.IsNaN(c.revenue) {
			assert.InDelta(t, c.revenue, got.Monetary, c.tol, c.id)
		}
	}

	recs := refdatatest.CSV(t, "cdnow/cdnow_customers_summary_with_transactions.csv")
	require.Equal(t, []string{"ID", "x", "t_x", "T", "zbar"}, recs[0])
	require.Len(t, recs[1:], 2357)
	for _, r := range recs[1:] {
		got, ok := byID[r[0]]
		require.True(t, ok, r[0])
		x, _ := strconv.Atoi(r[1])
		tx, _ := strconv.ParseFloat(r[2], 64)
		T, _ := strconv.ParseFloat(r[3], 64)
		assert.Equal(t, x+1, got.Frequency, r[0])
		assert.InDelta(t, (T-tx)*7, float64(got.SinceLast), 0.0701, r[0])
	}
}
