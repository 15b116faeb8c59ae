package txlog

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the host's zoneinfo

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
)

// tx has clv.Transaction's layout, as the callers' type does.
type tx struct {
	CustomerID string
	At         time.Time
	Amount     float64
}

// The zone cache must agree with t.In(loc).Date() (the time package, an
// independent implementation) for instants in any order, including the
// hours around DST changes, half-hour and 45-minute offsets, a zone that
// skipped a whole day (Pacific/Apia, 2011-12-30), and the supported
// extremes.
func TestClockAgainstTimeIn(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	zones := []*time.Location{nil, time.UTC, time.FixedZone("UTC+13:45", 13*3600+45*60), time.FixedZone("UTC-12", -12*3600)}
	for _, name := range []string{"Europe/Berlin", "America/New_York", "America/St_Johns", "Australia/Lord_Howe", "Pacific/Apia"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		zones = append(zones, loc)
	}
	for _, loc := range zones {
		want := func(tm time.Time) int64 {
			l := loc
			if l == nil {
				l = time.UTC
			}
			y, m, d := tm.In(l).Date()
			// Days between two UTC midnights, without time.Duration's ±292-year limit.
			return (time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() - epoch.Unix()) / 86400
		}
		clk := NewClock(loc)
		lo := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		hi := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		for range 20000 {
			tm := time.Unix(lo+rng.Int64N(hi-lo), 0)
			require.Equal(t, want(tm), clk.Day(tm), "%v in %v", tm, loc)
		}
		for _, u := range []int64{MinUnix, MinUnix + 1, -1, 0, MaxUnix - 1, MaxUnix} {
			tm := time.Unix(u, 999_999_999)
			if u == MaxUnix {
				tm = time.Unix(u, 0)
			}
			require.Equal(t, want(tm), clk.Day(tm), "%v in %v", tm, loc)
		}
	}
}

func TestCheckTime(t *testing.T) {
	// Hand-picked: the zero Time, the first and last supported seconds and
	// one second beyond each, in UTC and in other zones.
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "is the zero time"},
		{time.Time{}.In(berlin), "is the zero time"},
		{time.Unix(MinUnix, 1), ""},
		{time.Unix(MaxUnix, 999_999_999), ""},
		{time.Date(2024, 3, 31, 2, 30, 0, 0, berlin), ""},
		{time.Unix(MinUnix-1, 0), "is 0000-12-31 23:59:59 +0000 UTC, want a time in years 1..9999 UTC"},
		{time.Unix(MaxUnix+1, 0).UTC(), "is 10000-01-01 00:00:00 +0000 UTC, want a time in years 1..9999 UTC"},
		{time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("W", -3600)), "is 9999-12-31 23:00:00 -0100 W, want a time in years 1..9999 UTC"},
	} {
		require.Equal(t, tc.want, CheckTime(tc.t), "%v", tc.t)
	}
}

// day is noon UTC of 2024-01-01 plus d days.
func day(d int) time.Time { return time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, d) }

func TestReadRules(t *testing.T) {
	// Hand-built: one bad row among good ones; the field checks run in the
	// order CustomerID, At, Amount, so a row bad in several fields names
	// the first.
	good := tx{"a", day(0), 1}
	for _, tc := range []struct {
		name  string
		bad   tx
		field string
	}{
		{"empty ID", tx{"", day(0), 1}, "CustomerID"},
		{"empty ID and zero time", tx{"", time.Time{}, math.NaN()}, "CustomerID"},
		{"zero time", tx{"a", time.Time{}, 1}, "At"},
		{"zero time and NaN", tx{"a", time.Time{}, math.NaN()}, "At"},
		{"year 10000", tx{"a", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 1}, "At"},
		{"year 0", tx{"a", time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), 1}, "At"},
		{"NaN", tx{"a", day(0), math.NaN()}, "Amount"},
		{"+Inf", tx{"a", day(0), math.Inf(1)}, "Amount"},
		{"-Inf", tx{"a", day(0), math.Inf(-1)}, "Amount"},
		{"negative", tx{"a", day(0), -0.01}, "Amount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			txns := []tx{good, good, tc.bad, good, tc.bad}
			orig := slices.Clone(txns)
			l, p := Read(txns, nil, NoLimit)
			require.Nil(t, l)
			require.NotNil(t, p)
			require.Equal(t, 2, p.Row)
			require.Equal(t, tc.field, p.Field)
			require.NotEmpty(t, p.Reason)
			require.Equal(t, fmt.Sprint(orig), fmt.Sprint(txns)) // NaN ≠ NaN: compare the printed rows
		})
	}
	// Amount 0 (a free order) and −0 are valid.
	_, p := Read([]tx{{"a", day(0), 0}, {"a", day(0), math.Copysign(0, -1)}}, nil, NoLimit)
	require.Nil(t, p)
}

func TestReadFirstBadRowAcrossChunks(t *testing.T) {
	// A large log is checked in chunks, concurrently; the lowest bad row
	// must win whichever chunk finishes first.
	n := 1 << 16
	require.Greater(t, parallel.Chunks(n, readCost), 4)
	txns := make([]tx, n)
	for i := range txns {
		txns[i] = tx{"c" + strconv.Itoa(i%100), day(i % 50), 1}
	}
	for _, rows := range [][]int{{n - 1}, {n / 2}, {n/2 - 1, n/2 + 1}, {5, n - 5}, {n / 4, n / 2, 3 * n / 4}} {
		bad := slices.Clone(txns)
		for _, r := range rows {
			bad[r].Amount = -1
		}
		_, p := Read(bad, nil, NoLimit)
		require.NotNil(t, p)
		require.Equal(t, rows[0], p.Row)
	}
}

func TestReadNumbersDaysAndCustomers(t *testing.T) {
	// Hand-computed, in New York (UTC−5 in January): 03:00 UTC on
	// 2024-01-02 is still 1 January there. Day 19723 is 2024-01-01.
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	txns := []tx{
		{"b", time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC), 5},  // day 19723 in New York
		{"a", time.Date(2024, 1, 3, 12, 0, 0, 0, time.UTC), 1}, // 19725
		{"c", time.Date(2024, 1, 9, 12, 0, 0, 0, time.UTC), 2}, // 19731: after the last day kept
		{"a", time.Date(2024, 1, 2, 12, 0, 0, 0, time.UTC), 3}, // 19724
		{"c", time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC), 4}, // 19723
	}
	l, p := Read(txns, ny, 19725)
	require.Nil(t, p)
	require.Equal(t, []int64{19723, 19725, 19731, 19724, 19723}, l.Day)
	require.Equal(t, []int32{0, 1, -1, 1, 2}, l.Cust)
	require.Equal(t, []string{"b", "a", "c"}, l.IDs)
	require.Equal(t, int64(19731), l.MaxDay)
	require.Equal(t, 4, l.Kept)
	require.Equal(t, []int32{1, 0, 2}, l.ByID())

	start, ps := Purchases(l, txns)
	require.Equal(t, []int32{0, 1, 3, 4}, start)
	require.Equal(t, []Purchase{{19723, 5}, {19724, 3}, {19725, 1}, {19723, 4}}, ps)

	// Without a limit every row is kept.
	l, p = Read(txns, ny, NoLimit)
	require.Nil(t, p)
	require.Equal(t, []int32{0, 1, 2, 1, 2}, l.Cust)
	require.Equal(t, 5, l.Kept)
}

func TestGroupMatchesNaive(t *testing.T) {
	// Expected: per customer, the kept rows' values in row order, built
	// with a map (an independent reference); on a seeded log big enough
	// to be read in several chunks, with rows out of day order.
	rng := rand.New(rand.NewPCG(5, 6))
	n := 1<<16 + 11
	require.Greater(t, parallel.Chunks(n, readCost), 1)
	txns := make([]tx, n)
	for i := range txns {
		txns[i] = tx{"c" + strconv.Itoa(rng.IntN(3000)), day(rng.IntN(400)), float64(rng.IntN(100))}
	}
	orig := slices.Clone(txns)
	last := int64(NewClock(nil).Day(day(300)))
	l, p := Read(txns, nil, last)
	require.Nil(t, p)
	require.Equal(t, orig, txns)
	want := map[string][]int{}
	kept := 0
	for i, x := range txns {
		if NewClock(nil).Day(x.At) <= last {
			want[x.CustomerID] = append(want[x.CustomerID], i)
			kept++
		}
	}
	require.Equal(t, kept, l.Kept)
	require.Len(t, l.IDs, len(want))
	start, rows := Group(l, func(i int) int { return i })
	_, ps := Purchases(l, txns)
	for c, id := range l.IDs {
		require.Equal(t, want[id], rows[start[c]:start[c+1]], id)
		g := ps[start[c]:start[c+1]]
		require.True(t, slices.IsSortedFunc(g, byDay))
		wantPs := make([]Purchase, len(want[id]))
		for k, i := range want[id] {
			wantPs[k] = Purchase{NewClock(nil).Day(txns[i].At), txns[i].Amount}
		}
		slices.SortStableFunc(wantPs, byDay)
		require.Equal(t, wantPs, g, id)
	}
}

func TestProblemErr(t *testing.T) {
	err := (&Problem{Row: 3, Field: "At", Reason: "is the zero time"}).Err("pkg.F")
	var de *fault.DataError
	require.ErrorAs(t, err, &de)
	require.Equal(t, fault.DataError{Func: "pkg.F", Group: -1, Row: 3, Field: "At", Reason: "is the zero time", Err: fault.ErrInvalid}, *de)
	require.ErrorIs(t, err, fault.ErrInvalid)
}

var sinkLog *Log

// BenchmarkRead: validation, days and customer numbers of n rows by n/10
// customers in random order, in UTC and New York.
func BenchmarkRead(b *testing.B) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1e4, 1e6} {
		rng := rand.New(rand.NewPCG(1, 2))
		txns := make([]tx, n)
		for i := range txns {
			txns[i] = tx{"cust-" + strconv.Itoa(rng.IntN(n/10)), day(rng.IntN(1000)).Add(time.Duration(rng.IntN(86400)) * time.Second), 1}
		}
		for _, loc := range []*time.Location{time.UTC, ny} {
			b.Run(fmt.Sprintf("n=%.0e/%v", float64(n), loc), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					sinkLog, _ = Read(txns, loc, NoLimit)
				}
			})
		}
	}
}
