package churn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // TestBuildNoLeakage needs a zone with DST on every machine

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

// handLog is a small log whose features are computed by hand in
// TestBuildHand. Day numbers from 2024-01-01 (day 0); 2024 is a leap year.
var handLog = []clv.Transaction{
	{CustomerID: "a", At: date(2024, 2, 10), Amount: 30},  // day 40
	{CustomerID: "a", At: date(2024, 1, 1), Amount: 10},   // day 0
	{CustomerID: "b", At: date(2024, 1, 20), Amount: 100}, // day 19
	{CustomerID: "a", At: date(2024, 1, 11), Amount: 20},  // day 10
	{CustomerID: "d", At: date(2024, 2, 1), Amount: 8},    // day 31
	{CustomerID: "c", At: date(2024, 3, 15), Amount: 7},   // day 74
	{CustomerID: "a", At: date(2024, 1, 1), Amount: 5},    // day 0, same day: one occasion of 15
	{CustomerID: "d", At: date(2024, 3, 1), Amount: 9},    // day 60
	{CustomerID: "a", At: date(2024, 5, 1), Amount: 40},   // day 121 = end of data
}

func TestBuildHand(t *testing.T) {
	txc := slices.Clone(handLog)
	asOf := []time.Time{date(2024, 2, 15), date(2024, 3, 20)} // days 45 and 79
	opt := &FeatureOptions{Windows: []int{30, 90}, Horizon: 60}
	ds, err := Build(handLog, asOf, opt)
	require.NoError(t, err)
	assert.Equal(t, txc, handLog, "txns modified")
	assert.Equal(t, []string{"days_since_last", "tenure_days", "occasions", "spend",
		"occasions_30d", "spend_30d", "occasions_90d", "spend_90d",
		"mean_gap_days", "recency_gap_ratio", "one_time", "trend_30d"}, ds.Names)
	// As-of day 45: 45 + 60 = 105 ≤ 121, labelled. Day 79: 139 > 121, censored and excluded.
	// c first buys on day 74, after day 45: no row. Order: first appearance (a, b, d).
	assert.Equal(t, []string{"a", "b", "d"}, ds.IDs)
	assert.Equal(t, []time.Time{asOf[0], asOf[0], asOf[0]}, ds.AsOf)
	assert.Nil(t, ds.Censored)
	want := [][]float64{
		// a: occasions 0 ($15), 10 ($20), 40 ($30). recency 5, tenure 45, 3 occasions, $65;
		// (15,45]: day 40 → 1, $30; (−45,45]: 3, $65; gap 40/2 = 20; ratio 5/20;
		// trend: 1 in (15,45] − 2 in (−15,15] = −1.
		{5, 45, 3, 65, 1, 30, 3, 65, 20, 0.25, 0, -1},
		// b: one occasion on day 19 ($100).
		{26, 26, 1, 100, 1, 100, 1, 100, 0, 0, 1, 1},
		// d: one occasion on day 31 ($8) by day 45.
		{14, 14, 1, 8, 1, 8, 1, 8, 0, 0, 1, 1},
	}
	require.Len(t, ds.X, 3)
	for i := range want {
		assert.Equal(t, want[i], ds.X[i], ds.IDs[i])
	}
	// Labels: a's next purchase is day 121 > 105 (churned); b never buys
	// again (churned); d buys on day 60 ∈ (45, 105] (retained).
	assert.Equal(t, []bool{true, true, false}, ds.Churned)

	opt.Censored = KeepCensored
	ds, err = Build(handLog, asOf, opt)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "d", "a", "b", "d", "c"}, ds.IDs)
	assert.Equal(t, []bool{false, false, false, true, true, true, true}, ds.Censored)
	assert.Equal(t, []bool{true, true, false, false, false, false, false}, ds.Churned, "censored rows are never labelled churned")
	// a at day 79: recency 39, occasions (49,79]: none; trend 0 − 1 (day 40 ∈ (19,49]).
	assert.Equal(t, []float64{39, 79, 3, 65, 0, 0, 3, 65, 20, 1.95, 0, -1}, ds.X[3])

	sub := ds.Subset([]int{6, 0})
	assert.Equal(t, []string{"c", "a"}, sub.IDs)
	assert.Equal(t, []bool{true, false}, sub.Censored)
	assert.Nil(t, ds.Subset([]int{0, 7}), "an index past the rows: nil")
	assert.Nil(t, ds.Subset([]int{-1}), "a negative index: nil")

	// An explicit End before the last transaction drops it: with End = day
	// 110, a at day 45 is still churned and a's spend ignores day 121.
	ds, err = Build(handLog, asOf[:1], &FeatureOptions{Windows: []int{30}, Horizon: 60, End: date(2024, 4, 20)})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, false}, ds.Churned)
}

// fakeModel returns scores that reveal the customer it was given.
type fakeModel struct{ seen []clv.Customer }

func (f *fakeModel) LogLikelihood(clv.Customer) float64 { return 0 }
func (f *fakeModel) PAlive(c clv.Customer) float64 {
	f.seen = append(f.seen, c)
	return 1 / (1 + c.Frequency)
}
func (f *fakeModel) ExpectedPurchases(t float64) float64 { return t }
func (f *fakeModel) ConditionalExpectedPurchases(c clv.Customer, t float64) float64 {
	return 1000*c.T + t
}
func (f *fakeModel) ProbNoPurchase(clv.Customer, float64) float64 { return 0.5 }

func TestBuildBTYD(t *testing.T) {
	m := &fakeModel{}
	week := 7 * 24 * time.Hour
	ds, err := Build(handLog, []time.Time{date(2024, 2, 15)}, &FeatureOptions{Windows: []int{30}, Horizon: 60, Model: m, ModelPeriod: week})
	require.NoError(t, err)
	require.Equal(t, []string{"p_alive", "expected_purchases"}, ds.Names[len(ds.Names)-2:])
	require.Len(t, m.seen, 3)
	// Customer a at day 45 in weeks (MODELS.md §1): x = 2, t_x = 40/7, T = 45/7,
	// mean repeat spend (20 + 30)/2 = 25.
	assert.Equal(t, "a", m.seen[0].ID)
	assert.Equal(t, 2.0, m.seen[0].Frequency)
	assert.InDelta(t, 40.0/7, m.seen[0].Recency, 1e-12)
	assert.InDelta(t, 45.0/7, m.seen[0].T, 1e-12)
	assert.InDelta(t, 25.0, m.seen[0].Monetary, 1e-12)
	// b: x = 0, t_x = 0, T = 26/7, Monetary 0.
	assert.Equal(t, clv.Customer{ID: "b", T: 26.0 / 7}, m.seen[1])
	// Horizon defaults to 60 days = 60/7 weeks.
	row := ds.X[0]
	assert.InDelta(t, 1.0/3, row[len(row)-2], 1e-12)
	assert.InDelta(t, 1000*45.0/7+60.0/7, row[len(row)-1], 1e-9)

	_, err = Build(handLog, []time.Time{date(2024, 2, 15)}, &FeatureOptions{Model: &nanModel{}, ModelPeriod: week, Horizon: 60})
	require.ErrorIs(t, err, clv.ErrInvalid)
}

type nanModel struct{ fakeModel }

func (*nanModel) PAlive(clv.Customer) float64 { return math.NaN() }

// randomLog simulates n transactions of nc customers over 2023–2024 (seeded PCG).
func randomLog(seed uint64, n, nc int) []clv.Transaction {
	r := rand.New(rand.NewPCG(seed, 7))
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	txns := make([]clv.Transaction, n)
	for i := range txns {
		txns[i] = clv.Transaction{
			CustomerID: "c" + string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(max(1, nc/26)))),
			At:         start.Add(time.Duration(r.Int64N(int64(730 * 24 * time.Hour)))),
			Amount:     math.Round(r.Float64()*10000) / 100,
		}
	}
	return txns
}

func TestBuildNoLeakage(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	txns := randomLog(1, 3000, 300)
	asOf := []time.Time{time.Date(2023, 11, 5, 23, 30, 0, 0, ny), time.Date(2024, 3, 10, 1, 0, 0, 0, ny)}
	opt := &FeatureOptions{Location: ny, Censored: KeepCensored, End: time.Date(2024, 12, 31, 0, 0, 0, 0, ny)}
	full, err := Build(txns, asOf, opt)
	require.NoError(t, err)
	// Keep only transactions up to each as-of day (in New York), plus
	// unrelated future ones reshuffled: the features must not change.
	for k, a := range asOf {
		ay, am, ad := a.Date()
		cut := time.Date(ay, am, ad+1, 0, 0, 0, 0, ny)
		var past []clv.Transaction
		for _, tx := range txns {
			if tx.At.Before(cut) {
				past = append(past, tx)
			}
		}
		future := randomLog(uint64(10+k), 500, 400)
		for i := range future {
			future[i].At = cut.Add(future[i].At.Sub(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)) / 4)
		}
		trimmed, err := Build(append(future, past...), asOf[k:k+1], opt)
		require.NoError(t, err)
		want := map[string][]float64{}
		for i := range full.IDs {
			if full.AsOf[i].Equal(a) {
				want[full.IDs[i]] = full.X[i]
			}
		}
		got := map[string][]float64{}
		for i := range trimmed.IDs {
			got[trimmed.IDs[i]] = trimmed.X[i]
		}
		require.NotEmpty(t, want)
		assert.Equal(t, want, got, "as-of %v", a)
	}
}

func TestBuildErrors(t *testing.T) {
	at := []time.Time{date(2024, 2, 15)}
	for _, tc := range []struct {
		name     string
		txns     []clv.Transaction
		asOf     []time.Time
		sentinel error
		row      int
		field    string
	}{
		{"no txns", nil, at, clv.ErrEmpty, -1, "txns"},
		{"no dates", handLog, nil, clv.ErrEmpty, -1, "asOf"},
		{"empty ID", []clv.Transaction{{At: date(2024, 1, 1), Amount: 1}}, at, clv.ErrInvalid, 0, "CustomerID"},
		{"NaN amount", []clv.Transaction{{CustomerID: "x", At: date(2024, 3, 1)}, {CustomerID: "x", At: date(2024, 1, 1), Amount: math.NaN()}}, at, clv.ErrInvalid, 1, "Amount"},
		{"as-of after end", handLog, []time.Time{date(2024, 5, 2)}, clv.ErrInvalid, 0, "asOf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(tc.txns, tc.asOf, nil)
			require.ErrorIs(t, err, tc.sentinel)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.row, de.Row)
			assert.Equal(t, tc.field, de.Field)
		})
	}
}

// FuzzBuild: three rows from two IDs, any times and amounts, plus flags
// that inject zero or far times, an End, a zone and a model. Build must not
// panic or touch its input, must name the first bad row and field
// (txlogtest.FirstBad) when it fails, and must otherwise return finite
// features within their ranges.
func FuzzBuild(f *testing.F) {
	f.Add("a", int64(0), 10.0, "b", int64(86400*3), 5.0, int64(86400), uint8(0))
	f.Add("", int64(-5), math.NaN(), "b", int64(1), math.Inf(1), int64(0), uint8(0))
	f.Add("a", int64(1e9), -3.0, "a", int64(1e9+1), 0.0, int64(2e9), uint8(0))
	f.Add("a", int64(1e9), 3.0, "b", int64(1e9+86400*40), 0.0, int64(1e9+86400*20), uint8(4|8|16))
	f.Add("a", int64(1e9), 3.0, "b", int64(-7e10), 1.0, int64(1e9), uint8(1))
	f.Add("a", int64(1e9), 1e308, "a", int64(1e9+86400), 1e308, int64(2e9), uint8(0)) // the spend would overflow
	f.Fuzz(func(t *testing.T, id1 string, s1 int64, a1 float64, id2 string, s2 int64, a2 float64, asOf int64, flags uint8) {
		at := func(s int64) time.Time { return time.Unix(s%1e11, 0) } // about years −1200..5100
		t1, t2 := at(s1), at(s2)
		switch flags & 3 {
		case 1:
			t1 = time.Time{}
		case 2:
			t2 = time.Unix(s2, 0) // any int64 seconds
		case 3:
			t1 = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		txns := []clv.Transaction{
			{CustomerID: id1, At: t1, Amount: a1},
			{CustomerID: id2, At: t2, Amount: a2},
			{CustomerID: id1, At: t2.Add(time.Hour), Amount: a2},
		}
		asOfs := []time.Time{at(asOf), at(asOf).AddDate(0, 0, -int(flags>>5))}
		opt := &FeatureOptions{Horizon: 1, Windows: []int{1, 7}, Censored: KeepCensored}
		if flags&4 != 0 {
			opt.End = at(asOf).AddDate(0, 0, 2)
		}
		if flags&8 != 0 {
			opt.Location = fuzzZone
		}
		if flags&16 != 0 {
			opt.Model = clv.BGNBD{R: 0.24, Alpha: 4.41, A: 0.79, B: 2.43}
			opt.ModelPeriod = 7 * 24 * time.Hour
		}
		tc, ac := slices.Clone(txns), slices.Clone(asOfs)
		var ds *Dataset
		var err error
		require.NotPanics(t, func() { ds, err = Build(txns, asOfs, opt) })
		require.True(t, txlogtest.Same(tc, txns), "txns modified")
		require.Equal(t, ac, asOfs, "asOf modified")
		if err != nil {
			require.Empty(t, txlogtest.CheckError(err, "churn.Build", txns))
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			if de.Field != "asOf" && de.Field != "FeatureOptions.End" { // options are checked first
				row, field := txlogtest.FirstBad(txns)
				require.Equal(t, row, de.Row, "%v", err)
				require.Equal(t, field, de.Field, "%v", err)
			}
			return
		}
		row, _ := txlogtest.FirstBad(txns)
		require.Equal(t, -1, row, "a bad row was accepted")
		n := len(ds.X)
		require.Len(t, ds.IDs, n)
		require.Len(t, ds.AsOf, n)
		require.Len(t, ds.Churned, n)
		require.Len(t, ds.Censored, n)
		col := map[string]int{}
		for j, name := range ds.Names {
			col[name] = j
		}
		for i, x := range ds.X {
			require.Len(t, x, len(ds.Names))
			for j, v := range x {
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s = %v", ds.Names[j], v)
				if ds.Names[j] != "trend_1d" {
					require.GreaterOrEqual(t, v, 0.0, "%s", ds.Names[j])
				}
			}
			require.NotEmpty(t, ds.IDs[i])
			require.LessOrEqual(t, x[col["days_since_last"]], x[col["tenure_days"]])
			require.GreaterOrEqual(t, x[col["occasions"]], 1.0)
			require.LessOrEqual(t, x[col["occasions_7d"]], x[col["occasions"]])
			require.Contains(t, []float64{0, 1}, x[col["one_time"]])
			if opt.Model != nil {
				require.LessOrEqual(t, x[col["p_alive"]], 1.0)
			}
		}
	})
}

var fuzzZone, _ = time.LoadLocation("Australia/Lord_Howe") // half-hour DST

func TestBuildLargeMatchesPerCustomer(t *testing.T) {
	// A log this large is validated and numbered in chunks, in parallel
	// (internal/txlog, internal/custid); each customer's row must equal the
	// one built from that customer alone.
	txns := randomLog(9, 60_000, 500)
	asOf := []time.Time{date(2024, 6, 30)}
	opt := &FeatureOptions{End: date(2024, 12, 31)}
	all, err := Build(txns, asOf, opt)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, tx := range txns {
		seen[tx.CustomerID] = true
	}
	require.Len(t, all.IDs, len(seen))
	for i, id := range all.IDs[:40] {
		var own []clv.Transaction
		for _, tx := range txns {
			if tx.CustomerID == id {
				own = append(own, tx)
			}
		}
		one, err := Build(own, asOf, opt)
		require.NoError(t, err)
		require.Equal(t, []string{id}, one.IDs)
		assert.Equal(t, one.X[0], all.X[i], id)
		assert.Equal(t, one.Churned[0], all.Churned[i], id)
	}
	// First-appearance order across the chunks.
	var order []string
	firstSeen := map[string]bool{}
	for _, tx := range txns {
		if !firstSeen[tx.CustomerID] {
			firstSeen[tx.CustomerID] = true
			order = append(order, tx.CustomerID)
		}
	}
	assert.Equal(t, order, all.IDs)
}
