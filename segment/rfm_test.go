package segment_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/segment"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// handTxns: customer a buys twice on 03-01 and once on 03-30, listed out of
// date order; b once on 2024-01-01; c on the analysis date and again after
// it; d only after it.
func handTxns() []clv.Transaction {
	return []clv.Transaction{
		{CustomerID: "a", At: day("2024-03-30").Add(9 * time.Hour), Amount: 20},
		{CustomerID: "b", At: day("2024-01-01"), Amount: 100},
		{CustomerID: "a", At: day("2024-03-01").Add(8 * time.Hour), Amount: 10},
		{CustomerID: "c", At: day("2024-03-31").Add(23 * time.Hour), Amount: 7},
		{CustomerID: "a", At: day("2024-03-01").Add(18 * time.Hour), Amount: 5},
		{CustomerID: "c", At: day("2024-04-01").Add(30 * time.Minute), Amount: 1000},
		{CustomerID: "d", At: day("2024-04-02"), Amount: 1},
	}
}

// TestComputeValues checks the aggregation by hand. At 2024-03-31:
// a: days 03-01 (10+5) and 03-30 (20): 2 occasions, 3 orders, total 35,
// last 03-30 → SinceLast 1; mean 35/2 = 17.5 per occasion, 35/3 per order.
// b: 2024-01-01 → 30 (Jan) + 29 (Feb, leap) + 31 (Mar) = 90 days; 1, 100.
// c: 03-31 23:00 counts (whole analysis day), 04-01 does not: 0 days, 1, 7.
// d: only after the date, so not a customer.
func TestComputeValues(t *testing.T) {
	at := day("2024-03-31")
	type vals struct {
		id        string
		sinceLast int
		freq      int
		monetary  float64
		revenue   float64
	}
	tests := []struct {
		name string
		opt  *segment.Options
		want []vals
	}{
		{"defaults: occasions, total", nil, []vals{
			{"a", 1, 2, 35, 35}, {"b", 90, 1, 100, 100}, {"c", 0, 1, 7, 7}}},
		{"orders, total", &segment.Options{Frequency: segment.Orders}, []vals{
			{"a", 1, 3, 35, 35}, {"b", 90, 1, 100, 100}, {"c", 0, 1, 7, 7}}},
		{"occasions, mean", &segment.Options{Monetary: segment.MeanSpend}, []vals{
			{"a", 1, 2, 17.5, 35}, {"b", 90, 1, 100, 100}, {"c", 0, 1, 7, 7}}},
		{"orders, mean", &segment.Options{Frequency: segment.Orders, Monetary: segment.MeanSpend}, []vals{
			{"a", 1, 3, 35.0 / 3, 35}, {"b", 90, 1, 100, 100}, {"c", 0, 1, 7, 7}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := segment.Compute(handTxns(), at, tc.opt)
			require.NoError(t, err)
			require.Len(t, res.Customers, len(tc.want))
			for i, w := range tc.want {
				c := res.Customers[i]
				assert.Equal(t, w.id, c.CustomerID)
				assert.Equal(t, w.sinceLast, c.SinceLast, w.id)
				assert.Equal(t, w.freq, c.Frequency, w.id)
				assert.InDelta(t, w.monetary, c.Monetary, 1e-12, w.id)
				assert.InDelta(t, w.revenue, c.Revenue, 1e-12, w.id)
			}
		})
	}
}

// TestComputeLocation: days are civil dates in Options.Location. In UTC−5,
// 2024-04-01T02:00Z is 2024-03-31 21:00, so it counts at the analysis date
// 2024-03-31, and 2024-03-01T03:00Z is 2024-02-29 22:00 local.
func TestComputeLocation(t *testing.T) {
	txns := []clv.Transaction{
		{CustomerID: "x", At: day("2024-03-01").Add(3 * time.Hour), Amount: 1},
		{CustomerID: "x", At: day("2024-04-01").Add(2 * time.Hour), Amount: 2},
	}
	est := time.FixedZone("UTC-5", -5*3600)
	at := time.Date(2024, 3, 31, 12, 0, 0, 0, est)
	tests := []struct {
		name      string
		loc       *time.Location
		sinceLast int // hand: UTC: last 03-01, at 03-31 → 30; UTC−5: last 03-31 → 0
		freq      int
		revenue   float64
	}{
		{"UTC", nil, 30, 1, 1},
		{"UTC-5", est, 0, 2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := segment.Compute(txns, at, &segment.Options{Location: tc.loc})
			require.NoError(t, err)
			require.Len(t, res.Customers, 1)
			c := res.Customers[0]
			assert.Equal(t, tc.sinceLast, c.SinceLast)
			assert.Equal(t, tc.freq, c.Frequency)
			assert.InDelta(t, tc.revenue, c.Revenue, 1e-12)
		})
	}
}

// TestComputeOrderInvariant: the values and scores of every customer do not
// depend on the order of the transactions (the occasion recount handles
// rows out of date order). Seeded shuffles of a simulated log are compared
// with the log sorted by time.
func TestComputeOrderInvariant(t *testing.T) {
	txns := simulate(2000, 300, 7)
	sorted := slices.Clone(txns)
	slices.SortStableFunc(sorted, func(a, b clv.Transaction) int { return a.At.Compare(b.At) })
	at := day("2024-12-31")
	for _, opt := range []*segment.Options{nil, {Scoring: segment.ByEqualCount}, {Frequency: segment.Orders}} {
		want, err := segment.Compute(sorted, at, opt)
		require.NoError(t, err)
		got, err := segment.Compute(txns, at, opt)
		require.NoError(t, err)
		require.Len(t, got.Customers, len(want.Customers))
		byID := map[string]segment.RFM{}
		for _, c := range want.Customers {
			byID[c.CustomerID] = c
		}
		for _, c := range got.Customers {
			w := byID[c.CustomerID]
			assert.Equal(t, w.SinceLast, c.SinceLast)
			assert.Equal(t, w.Frequency, c.Frequency)
			assert.InDelta(t, w.Revenue, c.Revenue, 1e-9)
			assert.Equal(t, [3]int{w.R, w.F, w.M}, [3]int{c.R, c.F, c.M})
		}
	}
}

func TestComputeErrors(t *testing.T) {
	at := day("2024-03-31")
	good := func() []clv.Transaction {
		return []clv.Transaction{
			{CustomerID: "a", At: day("2024-03-01"), Amount: 1},
			{CustomerID: "b", At: day("2024-03-02"), Amount: 2},
		}
	}
	with := func(row int, f func(*clv.Transaction)) []clv.Transaction {
		txns := good()
		f(&txns[row])
		return txns
	}
	tests := []struct {
		name  string
		txns  []clv.Transaction
		at    time.Time
		opt   *segment.Options
		is    error
		row   int
		field string
	}{
		{"no transactions", nil, at, nil, clv.ErrEmpty, -1, ""},
		{"NaN amount", with(1, func(t *clv.Transaction) { t.Amount = math.NaN() }), at, nil, clv.ErrInvalid, 1, "Amount"},
		{"+Inf amount", with(0, func(t *clv.Transaction) { t.Amount = math.Inf(1) }), at, nil, clv.ErrInvalid, 0, "Amount"},
		{"-Inf amount", with(1, func(t *clv.Transaction) { t.Amount = math.Inf(-1) }), at, nil, clv.ErrInvalid, 1, "Amount"},
		{"negative amount", with(1, func(t *clv.Transaction) { t.Amount = -3 }), at, nil, clv.ErrInvalid, 1, "Amount"},
		{"empty ID", with(1, func(t *clv.Transaction) { t.CustomerID = "" }), at, nil, clv.ErrInvalid, 1, "CustomerID"},
		{"bad row after the date", with(1, func(t *clv.Transaction) { t.At = day("2025-01-01"); t.Amount = math.NaN() }), at, nil, clv.ErrInvalid, 1, "Amount"},
		{"date before every transaction", good(), day("2024-02-29"), nil, clv.ErrEmpty, -1, "at"},
		{"zero date", good(), time.Time{}, nil, clv.ErrInvalid, -1, "at"},
		{"Scores < 1", good(), at, &segment.Options{Scores: -2}, clv.ErrInvalid, -1, "Options.Scores"},
		{"Scores above MaxScores (used to run out of memory)", good(), at, &segment.Options{Scores: 1 << 40}, clv.ErrInvalid, -1, "Options.Scores"},
		{"unknown Scoring", good(), at, &segment.Options{Scoring: 9}, clv.ErrInvalid, -1, "Options.Scoring"},
		{"unknown Frequency", good(), at, &segment.Options{Frequency: 9}, clv.ErrInvalid, -1, "Options.Frequency"},
		{"unknown Monetary", good(), at, &segment.Options{Monetary: -1}, clv.ErrInvalid, -1, "Options.Monetary"},
		{"custom edges missing", good(), at, &segment.Options{Scoring: segment.ByEdges}, clv.ErrInvalid, -1, "Options.RecencyEdges"},
		{"custom edges decreasing", good(), at, &segment.Options{Scoring: segment.ByEdges, Scores: 3,
			RecencyEdges: []float64{1, 2}, FrequencyEdges: []float64{2, 1}, MonetaryEdges: []float64{1, 2}}, clv.ErrInvalid, -1, "Options.FrequencyEdges"},
		{"custom edge NaN", good(), at, &segment.Options{Scoring: segment.ByEdges, Scores: 2,
			RecencyEdges: []float64{1}, FrequencyEdges: []float64{1}, MonetaryEdges: []float64{math.NaN()}}, clv.ErrInvalid, -1, "Options.MonetaryEdges"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.txns)
			res, err := segment.Compute(tc.txns, tc.at, tc.opt)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.ErrorIs(t, err, tc.is)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "segment.Compute", de.Func)
			assert.Equal(t, tc.row, de.Row)
			assert.Equal(t, tc.field, de.Field)
			assertSameTxns(t, before, tc.txns)
		})
	}
}

func TestComputeDoesNotModifyInput(t *testing.T) {
	txns := handTxns()
	before := slices.Clone(txns)
	edges := []float64{30, 60, 90, 180}
	opt := &segment.Options{Scoring: segment.ByEdges, RecencyEdges: edges,
		FrequencyEdges: []float64{1, 2, 3, 5}, MonetaryEdges: []float64{10, 20, 50, 100}}
	res, err := segment.Compute(txns, day("2024-03-31"), opt)
	require.NoError(t, err)
	assertSameTxns(t, before, txns)
	res.Recency.Edges[0] = -1 // the result must not alias the options
	assert.Equal(t, 30.0, edges[0])
}

func TestScoreErrors(t *testing.T) {
	ok := segment.RFM{CustomerID: "a", SinceLast: 1, Frequency: 1, Monetary: 1, Revenue: 1}
	with := func(f func(*segment.RFM)) []segment.RFM {
		r := []segment.RFM{ok, ok}
		f(&r[1])
		return r
	}
	tests := []struct {
		name  string
		rows  []segment.RFM
		is    error
		field string
	}{
		{"no rows", nil, clv.ErrEmpty, ""},
		{"empty ID", with(func(r *segment.RFM) { r.CustomerID = "" }), clv.ErrInvalid, "CustomerID"},
		{"negative SinceLast", with(func(r *segment.RFM) { r.SinceLast = -1 }), clv.ErrInvalid, "SinceLast"},
		{"zero Frequency", with(func(r *segment.RFM) { r.Frequency = 0 }), clv.ErrInvalid, "Frequency"},
		{"NaN Monetary", with(func(r *segment.RFM) { r.Monetary = math.NaN() }), clv.ErrInvalid, "Monetary"},
		{"Inf Revenue", with(func(r *segment.RFM) { r.Revenue = math.Inf(1) }), clv.ErrInvalid, "Revenue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := segment.Score(tc.rows, nil)
			assert.ErrorIs(t, err, tc.is)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.field, de.Field)
		})
	}
}

// assertSameTxns compares transactions field by field (NaN equal to NaN).
func assertSameTxns(t *testing.T, want, got []clv.Transaction) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], got[i]
		same := w.CustomerID == g.CustomerID && w.At.Equal(g.At) &&
			(w.Amount == g.Amount || (math.IsNaN(w.Amount) && math.IsNaN(g.Amount)))
		assert.True(t, same, "row %d changed: %+v → %+v", i, w, g)
	}
}
