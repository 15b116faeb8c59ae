package clv_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST test needs America/New_York on any machine

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
)

const weekly = 7 * 24 * time.Hour

// CDNOW calibration and holdout ends (refdata/README.md, MODELS.md §1).
var (
	cdnowCalEnd  = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	cdnowHoldEnd = time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
)

func utcDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// loadCDNOWSample returns the 6,919 purchases of CDNOW_sample.txt, with
// the sample id as CustomerID (see refdata.ParseCDNOW).
func loadCDNOWSample(t testing.TB) []clv.Transaction {
	t.Helper()
	ps := refdatatest.CDNOW(t)
	require.Len(t, ps, 6919) // refdata/README.md: 6,919 purchases
	txns := make([]clv.Transaction, len(ps))
	for i, p := range ps {
		txns[i] = clv.Transaction(p)
	}
	return txns
}

// The published CDNOW summary (refdata cdnow_customers_summary_with_transactions.csv,
// rounded to 2 dp) is reproduced for every customer.
func TestSummarizeCDNOWPublished(t *testing.T) {
	txns := loadCDNOWSample(t)
	recs := refdatatest.CSV(t, "cdnow/cdnow_customers_summary_with_transactions.csv")
	require.Equal(t, []string{"ID", "x", "t_x", "T", "zbar"}, recs[0])
	recs = recs[1:]
	require.Len(t, recs, 2357)

	cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: weekly, End: cdnowCalEnd})
	require.NoError(t, err)
	require.Len(t, cs, 2357)
	byID := make(map[string]clv.Customer, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	const tol = 0.005 + 1e-9 // the CSV's 2-dp rounding
	for _, rec := range recs {
		c, ok := byID[rec[0]]
		require.True(t, ok, "customer %s missing", rec[0])
		want := make([]float64, 4)
		for j := range want {
			v, err := strconv.ParseFloat(rec[j+1], 64)
			require.NoError(t, err)
			want[j] = v
		}
		assert.Equal(t, want[0], c.Frequency, "x of %s", c.ID)
		assert.InDelta(t, want[1], c.Recency, tol, "t_x of %s", c.ID)
		assert.InDelta(t, want[2], c.T, tol, "T of %s", c.ID)
		assert.InDelta(t, want[3], c.Monetary, tol, "zbar of %s", c.ID)
		assert.Zero(t, c.Weight)
	}
}

// The MODELS.md §1 check table and totals, with the holdout to 1998-06-30.
func TestSummarizeHoldoutCDNOW(t *testing.T) {
	txns := loadCDNOWSample(t)
	hs, err := clv.SummarizeHoldout(txns, clv.SummaryOptions{Period: weekly, End: cdnowCalEnd}, cdnowHoldEnd)
	require.NoError(t, err)
	require.Len(t, hs, 2357)

	// MODELS.md §1 table: x, t_x and T in days (divided by 7 here), m̄,
	// x*, holdout $. The m̄ of ids 1, 2, 26 are hand sums of the raw rows
	// listed there: (29.73+14.96)/2, 11.77, 60.25+166.89.
	tests := []struct {
		id               string
		x, txDays, tDays float64
		monetary         float64
		xStar, spend     float64
	}{
		{"1", 2, 213, 272, 22.345, 1, 26.48},
		{"2", 1, 12, 272, 11.77, 0, 0},
		{"3", 0, 0, 272, 0, 0, 0},
		{"6", 7, 206, 272, 73.741429, 8, 554.86},
		{"26", 1, 11, 271, 227.14, 0, 0},
		{"1516", 26, 216, 217, 39.97, 15, 429.12},
	}
	byID := make(map[string]clv.HoldoutCustomer, len(hs))
	for _, h := range hs {
		byID[h.ID] = h
	}
	for _, tt := range tests {
		h, ok := byID[tt.id]
		require.True(t, ok, tt.id)
		assert.Equal(t, tt.x, h.Frequency, tt.id)
		assert.InDelta(t, tt.txDays/7, h.Recency, 1e-12, tt.id)
		assert.InDelta(t, tt.tDays/7, h.T, 1e-12, tt.id)
		assert.InDelta(t, tt.monetary, h.Monetary, 5e-7, tt.id) // table rounding
		assert.Equal(t, tt.xStar, h.HoldoutPurchases, tt.id)
		assert.InDelta(t, tt.spend, h.HoldoutSpend, 1e-9, tt.id)
		assert.InDelta(t, 39.0, h.HoldoutT, 1e-12, tt.id) // 273 days: 1997-10-01..1998-06-30
	}

	// MODELS.md §1: Σx = 2,457, Σx* = 1,882, 1,016 distinct (x, t_x, T).
	var sumX, sumXStar float64
	type triple struct{ x, tx, t float64 }
	distinct := map[triple]bool{}
	for _, h := range hs {
		sumX += h.Frequency
		sumXStar += h.HoldoutPurchases
		distinct[triple{h.Frequency, h.Recency, h.T}] = true
	}
	assert.Equal(t, 2457.0, sumX)
	assert.Equal(t, 1882.0, sumXStar)
	assert.Len(t, distinct, 1016)

	// The calibration part is exactly Summarize's answer.
	cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: weekly, End: cdnowCalEnd})
	require.NoError(t, err)
	require.Len(t, cs, len(hs))
	for i := range cs {
		require.Equal(t, cs[i], hs[i].Customer)
	}
}

// Days are civil days of the Location: T of a one-purchase customer equals
// the day count between the calendar dates that time.Time.In(loc).Date()
// gives (the standard library as the oracle), for random instants over two
// centuries in zones with DST, half- and quarter-hour offsets and
// historical changes.
func TestSummarizeCivilDays(t *testing.T) {
	civil := func(tm time.Time, loc *time.Location) int64 {
		y, m, d := tm.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	}
	rng := rand.New(rand.NewPCG(3, 4))
	end := time.Date(2100, 6, 30, 23, 59, 0, 0, time.UTC)
	for _, name := range []string{"UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Europe/Dublin", "Pacific/Apia"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		txns := make([]clv.Transaction, 2000)
		want := map[string]float64{}
		for i := range txns {
			at := time.Unix(rng.Int64N(end.Unix()+6e9)-6e9, 0) // 1779..2100
			id := strconv.Itoa(i)
			txns[i] = clv.Transaction{CustomerID: id, At: at}
			want[id] = float64(civil(end, loc) - civil(at, loc))
		}
		cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: 24 * time.Hour, End: end, Location: loc})
		require.NoError(t, err)
		require.Len(t, cs, len(txns))
		for _, c := range cs {
			require.Equal(t, want[c.ID], c.T, "%s, customer %s", name, c.ID)
		}
	}
}

// Small logs with summaries worked out by hand (each case says how).
func TestSummarizeByHand(t *testing.T) {
	jan := func(d, h int) time.Time { return time.Date(2024, 1, d, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		txns []clv.Transaction
		opt  clv.SummaryOptions
		want []clv.Customer
	}{
		{
			// Same-day rows collapse to one occasion of value 5+7: x = 1,
			// t_x = 10−1 = 9 days, T = 31−1 = 30 days, m̄ = (5+7)/1.
			name: "collapse",
			txns: []clv.Transaction{{"a", jan(1, 9), 3}, {"a", jan(10, 8), 5}, {"a", jan(10, 20), 7}},
			opt:  clv.SummaryOptions{Period: 24 * time.Hour, End: jan(31, 0)},
			want: []clv.Customer{{ID: "a", Frequency: 1, Recency: 9, T: 30, Monetary: 12}},
		},
		{
			// Unordered rows; rows after End's day are ignored (day 20),
			// the time of day of End is irrelevant (day 15, 23:00 counts
			// as day 15): x = 2 (days 1, 9, 15), t_x = T = 15−1 = 14 days =
			// 2 weeks, m̄ = (4+6)/2. Customer "b" starts after End: no row. Output
			// is sorted by ID.
			name: "order and end",
			txns: []clv.Transaction{
				{"z", jan(9, 1), 4}, {"b", jan(16, 0), 1}, {"z", jan(1, 5), 2},
				{"z", jan(20, 0), 100}, {"z", jan(15, 23), 6}, {"c", jan(15, 0), 9},
			},
			opt: clv.SummaryOptions{Period: weekly, End: jan(15, 12)},
			want: []clv.Customer{
				{ID: "c", Frequency: 0, Recency: 0, T: 0, Monetary: 0},
				{ID: "z", Frequency: 2, Recency: 2, T: 2, Monetary: 5},
			},
		},
		{
			// Days are taken in Location: 2024-01-01 23:30 UTC is
			// 2024-01-02 00:30 at UTC+1, the same day as the second row, so
			// there is one occasion of value 3+4 and T = 4−2 = 2 days.
			name: "location",
			txns: []clv.Transaction{{"a", jan(1, 23).Add(30 * time.Minute), 3}, {"a", jan(2, 12), 4}},
			opt:  clv.SummaryOptions{Period: 24 * time.Hour, End: jan(4, 0), Location: time.FixedZone("UTC+1", 3600)},
			want: []clv.Customer{{ID: "a", T: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := clv.Summarize(tt.txns, tt.opt)
			require.NoError(t, err)
			require.Len(t, got, len(tt.want))
			for i := range got {
				assert.Equal(t, tt.want[i].ID, got[i].ID)
				assert.Equal(t, tt.want[i].Frequency, got[i].Frequency)
				assert.InDelta(t, tt.want[i].Recency, got[i].Recency, 1e-12)
				assert.InDelta(t, tt.want[i].T, got[i].T, 1e-12)
				assert.InDelta(t, tt.want[i].Monetary, got[i].Monetary, 1e-12)
			}
		})
	}
}

// A civil day with a DST change still counts as one day: in New York,
// 2021-03-14 has 23 hours, yet noon on 03-13 to noon on 03-15 is 2 days
// (47 elapsed hours) and 03-13 to End 03-16 is 3 days.
func TestSummarizeDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := func(d int) time.Time { return time.Date(2021, 3, d, 12, 0, 0, 0, ny) }
	require.Equal(t, 47*time.Hour, at(15).Sub(at(13)))
	// The same purchase and End instants from far away, to exercise the
	// offset cache on both sides of the switch.
	txns := []clv.Transaction{
		{"a", at(15).Add(11 * time.Hour), 1},  // 23:00 on 03-15
		{"a", at(13).Add(-12 * time.Hour), 1}, // 00:00 on 03-13
		{"b", time.Date(2020, 11, 1, 0, 30, 0, 0, ny), 2},
	}
	cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: 24 * time.Hour, End: at(16), Location: ny})
	require.NoError(t, err)
	require.Len(t, cs, 2)
	assert.Equal(t, 1.0, cs[0].Frequency)
	assert.Equal(t, 2.0, cs[0].Recency)
	assert.Equal(t, 3.0, cs[0].T)
	// 2020-11-01 (a 25-hour day) to 2021-03-16: 30+31+31+28+15 days.
	assert.Equal(t, 135.0, cs[1].T)
}

func TestSummarizeErrors(t *testing.T) {
	end := utcDay(2024, 1, 31)
	ok := clv.Transaction{CustomerID: "a", At: utcDay(2024, 1, 2), Amount: 1}
	opt := clv.SummaryOptions{Period: 24 * time.Hour, End: end}
	with := func(f func(*clv.Transaction)) []clv.Transaction {
		bad := ok
		f(&bad)
		return []clv.Transaction{ok, ok, bad}
	}
	tests := []struct {
		name     string
		txns     []clv.Transaction
		opt      clv.SummaryOptions
		holdout  time.Time
		sentinel error
		row      int
		field    string
	}{
		{"empty log", nil, opt, time.Time{}, clv.ErrEmpty, -1, ""},
		{"empty ID", with(func(t *clv.Transaction) { t.CustomerID = "" }), opt, time.Time{}, clv.ErrInvalid, 2, "CustomerID"},
		{"zero time", with(func(t *clv.Transaction) { t.At = time.Time{} }), opt, time.Time{}, clv.ErrInvalid, 2, "At"},
		{"NaN amount", with(func(t *clv.Transaction) { t.Amount = math.NaN() }), opt, time.Time{}, clv.ErrInvalid, 2, "Amount"},
		{"Inf amount", with(func(t *clv.Transaction) { t.Amount = math.Inf(1) }), opt, time.Time{}, clv.ErrInvalid, 2, "Amount"},
		{"negative amount", with(func(t *clv.Transaction) { t.Amount = -2 }), opt, time.Time{}, clv.ErrInvalid, 2, "Amount"},
		{"bad row after End", with(func(t *clv.Transaction) { t.At, t.Amount = utcDay(2025, 1, 1), -1 }), opt, time.Time{}, clv.ErrInvalid, 2, "Amount"},
		{"zero period", []clv.Transaction{ok}, clv.SummaryOptions{End: end}, time.Time{}, clv.ErrInvalid, -1, "SummaryOptions.Period"},
		{"negative period", []clv.Transaction{ok}, clv.SummaryOptions{Period: -time.Hour, End: end}, time.Time{}, clv.ErrInvalid, -1, "SummaryOptions.Period"},
		{"zero End", []clv.Transaction{ok}, clv.SummaryOptions{Period: time.Hour}, time.Time{}, clv.ErrInvalid, -1, "SummaryOptions.End"},
		{"End before all", []clv.Transaction{ok}, clv.SummaryOptions{Period: time.Hour, End: utcDay(2023, 12, 31)}, time.Time{}, clv.ErrEmpty, -1, "SummaryOptions.End"},
		{"holdout on End's day", []clv.Transaction{ok}, opt, end.Add(23 * time.Hour), clv.ErrInvalid, -1, "holdoutEnd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.holdout.IsZero() {
				var cs []clv.Customer
				cs, err = clv.Summarize(tt.txns, tt.opt)
				assert.Nil(t, cs)
			} else {
				var hs []clv.HoldoutCustomer
				hs, err = clv.SummarizeHoldout(tt.txns, tt.opt, tt.holdout)
				assert.Nil(t, hs)
			}
			require.ErrorIs(t, err, tt.sentinel)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.row, de.Row)
			assert.Equal(t, tt.field, de.Field)
			assert.True(t, strings.HasPrefix(err.Error(), "clv.Summarize"), err.Error())
		})
	}
	_, err := clv.SummarizeHoldout([]clv.Transaction{ok}, opt, time.Time{})
	require.ErrorIs(t, err, clv.ErrInvalid)
}

// The input is not modified, and the row order does not matter.
func TestSummarizeInputUntouched(t *testing.T) {
	txns := loadCDNOWSample(t)
	orig := slices.Clone(txns)
	opt := clv.SummaryOptions{Period: weekly, End: cdnowCalEnd}
	want, err := clv.SummarizeHoldout(txns, opt, cdnowHoldEnd)
	require.NoError(t, err)
	require.Equal(t, orig, txns)

	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(txns), func(i, j int) { txns[i], txns[j] = txns[j], txns[i] })
	shuffled := slices.Clone(txns)
	got, err := clv.SummarizeHoldout(txns, opt, cdnowHoldEnd)
	require.NoError(t, err)
	require.Equal(t, shuffled, txns)
	require.Len(t, got, len(want))
	for i := range want {
		// Same-day amounts may be added in another order.
		assert.Equal(t, want[i].ID, got[i].ID)
		assert.Equal(t, want[i].Frequency, got[i].Frequency)
		assert.Equal(t, want[i].Recency, got[i].Recency)
		assert.Equal(t, want[i].T, got[i].T)
		assert.InDelta(t, want[i].Monetary, got[i].Monetary, 1e-9)
		assert.Equal(t, want[i].HoldoutPurchases, got[i].HoldoutPurchases)
		assert.InDelta(t, want[i].HoldoutSpend, got[i].HoldoutSpend, 1e-9)
	}
}

var fuzzDSTZone, _ = time.LoadLocation("Europe/Berlin")

// FuzzSummarize decodes each 4 bytes as one transaction (customer 0..7 and
// a fault flag, day offset, hour, amount) and checks that Summarize and
// SummarizeHoldout never panic, never touch their input, name the first
// bad row and field (txlogtest.FirstBad) when they fail, and otherwise
// return the same rows, which obey the BTYD constraints.
func FuzzSummarize(f *testing.F) {
	f.Add([]byte{0, 0, 0, 10, 0, 3, 5, 20, 1, 200, 23, 0}, int16(10), int8(0))
	f.Add([]byte{7, 255, 255, 255}, int16(-3), int8(-12))
	f.Add([]byte{}, int16(0), int8(5))
	f.Add([]byte{1, 50, 10, 3, 2, 140, 20, 4, 1, 30, 0, 0}, int16(200), int8(1))
	f.Add([]byte{1, 50, 10, 3, 2 | 3<<3, 140, 20, 4, 1 | 6<<3, 30, 0, 0}, int16(200), int8(1))
	f.Add([]byte{1 | 2<<3, 50, 10, 3, 2 | 7<<3, 140, 20, 4}, int16(20), int8(100))
	f.Fuzz(func(t *testing.T, data []byte, endDay int16, zoneHours int8) {
		origin := utcDay(2020, 1, 1)
		var txns []clv.Transaction
		for i := 0; i+4 <= len(data); i += 4 {
			b := data[i : i+4]
			tx := clv.Transaction{
				CustomerID: strconv.Itoa(int(b[0] % 8)),
				At:         origin.Add(time.Duration(int(b[1])-20)*24*time.Hour + time.Duration(b[2])*time.Hour/8),
				Amount:     float64(b[3]),
			}
			switch b[0] >> 3 & 7 { // faults
			case 1:
				tx.CustomerID = ""
			case 2:
				tx.At = time.Time{}
			case 3:
				tx.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(b[1]) * time.Hour)
			case 4:
				tx.Amount = math.NaN()
			case 5:
				tx.Amount = math.Inf(1 - 2*int(b[2]&1))
			case 6:
				tx.At = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(int(b[1])-128) * time.Hour)
			}
			if b[3] == 255 {
				tx.Amount = -1
			}
			txns = append(txns, tx)
		}
		orig := slices.Clone(txns)
		opt := clv.SummaryOptions{
			Period:   24 * time.Hour,
			End:      origin.AddDate(0, 0, int(endDay)),
			Location: time.FixedZone("z", int(zoneHours)*1800),
		}
		if zoneHours%4 == 1 {
			opt.Location = fuzzDSTZone
		}
		cs, err1 := clv.Summarize(txns, opt)
		hs, err2 := clv.SummarizeHoldout(txns, opt, opt.End.AddDate(0, 0, 30))
		require.True(t, txlogtest.Same(orig, txns), "input modified")
		if err1 != nil || err2 != nil {
			require.Error(t, err1)
			require.Error(t, err2)
			require.Empty(t, txlogtest.CheckError(err1, "clv.Summarize", txns))
			require.Empty(t, txlogtest.CheckError(err2, "clv.SummarizeHoldout", txns))
			if row, _ := txlogtest.FirstBad(txns); row >= 0 {
				require.ErrorIs(t, err1, clv.ErrInvalid)
				var de *clv.DataError
				require.ErrorAs(t, err1, &de)
				require.Equal(t, row, de.Row) // options are valid here: the row comes first
			}
			return
		}
		require.Len(t, cs, len(hs))
		for i, h := range hs {
			require.Equal(t, cs[i], h.Customer)
			if i > 0 {
				require.Less(t, hs[i-1].ID, h.ID)
			}
			for _, v := range []float64{h.Frequency, h.Recency, h.T, h.Monetary, h.HoldoutPurchases, h.HoldoutSpend} {
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%+v", h)
				require.GreaterOrEqual(t, v, 0.0, "%+v", h)
			}
			require.Equal(t, math.Trunc(h.Frequency), h.Frequency)
			require.LessOrEqual(t, h.Recency, h.T)
			require.LessOrEqual(t, h.Frequency, h.Recency) // one occasion per day
			if h.Frequency == 0 {
				require.Zero(t, h.Recency)
				require.Zero(t, h.Monetary)
			}
			require.Equal(t, 30.0, h.HoldoutT)
			require.Equal(t, math.Trunc(h.HoldoutPurchases), h.HoldoutPurchases)
			require.LessOrEqual(t, h.HoldoutPurchases, 30.0)
		}
	})
}

func ExampleSummarize() {
	at := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 10, 0, 0, 0, time.UTC) }
	txns := []clv.Transaction{
		{CustomerID: "alice", At: at(1, 1), Amount: 20},
		{CustomerID: "bob", At: at(1, 8), Amount: 15},
		{CustomerID: "alice", At: at(1, 15), Amount: 30},
		{CustomerID: "alice", At: at(1, 15), Amount: 10}, // same day: one occasion of 40
		{CustomerID: "alice", At: at(2, 12), Amount: 50},
	}
	cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: 7 * 24 * time.Hour, End: at(3, 31)})
	if err != nil {
		panic(err)
	}
	for _, c := range cs {
		fmt.Printf("%-5s x=%.0f t_x=%.3f T=%.3f m=%.2f\n", c.ID, c.Frequency, c.Recency, c.T, c.Monetary)
	}
	// Output:
	// alice x=2 t_x=6.000 T=12.857 m=45.00
	// bob   x=0 t_x=0.000 T=11.857 m=0.00
}

// sink keeps benchmark results alive.
var sinkCustomers []clv.Customer

// BenchmarkSummarize runs on a log grouped by customer (no ID map needed),
// the same log in time order (interleaved customers: the map path), and
// that with days taken in New York (the zone-offset cache).
func BenchmarkSummarize(b *testing.B) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1e3, 1e4, 1e5, 1e6, 1e7} {
		if n > 1e6 && os.Getenv("LTV_BENCH_LARGE") != "1" {
			b.Run(fmt.Sprintf("txns=%.0e", float64(n)), func(b *testing.B) {
				b.Skip("set LTV_BENCH_LARGE=1 for the 1e7 tier")
			})
			continue
		}
		byCustomer := summaryBenchLog(n)
		byTime := slices.Clone(byCustomer)
		slices.SortStableFunc(byTime, func(a, b clv.Transaction) int { return a.At.Compare(b.At) })
		for _, v := range []struct {
			name string
			txns []clv.Transaction
			loc  *time.Location
		}{{"byCustomer", byCustomer, nil}, {"byTime", byTime, nil}, {"byTime,NewYork", byTime, ny}} {
			b.Run(fmt.Sprintf("txns=%.0e/%s", float64(n), v.name), func(b *testing.B) {
				opt := clv.SummaryOptions{Period: weekly, End: summaryBenchEnd, Location: v.loc}
				b.ReportAllocs()
				for b.Loop() {
					cs, err := clv.Summarize(v.txns, opt)
					if err != nil {
						b.Fatal(err)
					}
					sinkCustomers = cs
				}
			})
		}
	}
}
