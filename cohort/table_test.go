package cohort_test

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
)

var nan = math.NaN()

func berlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	return loc
}

// handLog is a small log in Europe/Berlin spanning the 2023/2024 year
// boundary and the DST change of 2024-03-31 (02:00 CET → 03:00 CEST), with
// the analysis date 2024-04-15 inside a partial April.
func handLog(loc *time.Location) []clv.Transaction {
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return tm
	}
	return []clv.Transaction{
		{CustomerID: "A", At: at(2023, 12, 5, 10, 0), Amount: 10},
		{CustomerID: "A", At: at(2024, 1, 10, 12, 0), Amount: 20},
		{CustomerID: "A", At: at(2024, 3, 31, 1, 30), Amount: 5},    // the DST day, before the jump
		{CustomerID: "A", At: at(2024, 4, 20, 9, 0), Amount: 100},   // after the end day: ignored
		{CustomerID: "B", At: at(2023, 12, 31, 23, 30), Amount: 40}, // 22:30 UTC
		{CustomerID: "B", At: at(2024, 2, 29, 18, 0), Amount: 10},
		{CustomerID: "C", At: utc("2023-12-31T23:30:00Z"), Amount: 30}, // 2024-01-01 00:30 in Berlin
		{CustomerID: "C", At: utc("2024-03-31T22:30:00Z"), Amount: 7},  // 2024-04-01 00:30 CEST: partial April
		{CustomerID: "D", At: at(2024, 1, 20, 8, 0), Amount: 15},
		{CustomerID: "D", At: at(2024, 1, 25, 8, 0), Amount: 5},        // same month: one active period
		{CustomerID: "E", At: utc("2024-03-31T21:30:00Z"), Amount: 12}, // 23:30 CEST, still March
		{CustomerID: "F", At: at(2024, 4, 3, 14, 0), Amount: 8},        // acquired in the partial period
		{CustomerID: "H", At: at(2024, 4, 16, 0, 0), Amount: 50},       // only after the end day
	}
}

// TestBuildHandComputed checks every cell of the monthly tables of handLog.
// Expected values are counted by hand from the log (Berlin calendar):
//
//	cohort 2023-12: A (Dec 10, Jan 20, Mar 5), B (Dec 40, Feb 10)          size 2, observes Dec..Mar (4)
//	cohort 2024-01: C (Jan 30, Apr 7 partial), D (Jan 15+5)                size 2, observes Jan..Mar (3)
//	cohort 2024-03: E (Mar 12)                                              size 1, observes Mar (1)
//	cohort 2024-04: F (Apr 8)                                               size 1, observes nothing
func TestBuildHandComputed(t *testing.T) {
	loc := berlin(t)
	txns := handLog(loc)
	before := slices.Clone(txns)
	c, err := cohort.Build(txns, &cohort.Options{Period: cohort.Monthly, Location: loc, End: time.Date(2024, 4, 15, 12, 0, 0, 0, loc)})
	require.NoError(t, err)
	require.Equal(t, before, txns, "input modified")

	require.Equal(t, []string{"2023-12", "2024-01", "2024-03", "2024-04"}, c.Active.Labels)
	require.Equal(t, []int{2, 2, 1, 1}, c.Active.Sizes)
	require.Equal(t, []int{4, 3, 1, 0}, c.Observed)
	require.True(t, c.End.Equal(time.Date(2024, 4, 15, 0, 0, 0, 0, loc)))
	require.True(t, c.Active.Starts[1].Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, loc)))
	require.Equal(t, loc, c.Active.Starts[1].Location())

	cases := []struct {
		name  string
		table cohort.Table
		want  [][]float64
		avg   []float64
	}{
		{"Active", c.Active, [][]float64{
			{2, 1, 1, 1}, // A,B | A | B | A (Mar 31 01:30)
			{2, 0, 0, nan},
			{1, nan, nan, nan},
			{nan, nan, nan, nan},
		}, nil},
		{"Surviving", c.Surviving, [][]float64{
			{2, 2, 2, 1},   // A's last purchase Mar (Apr 20 ignored), B's Feb
			{2, 1, 1, nan}, // C's last purchase is in partial April, D's in Jan
			{1, nan, nan, nan},
			{nan, nan, nan, nan},
		}, nil},
		{"Revenue", c.Revenue, [][]float64{
			{50, 20, 10, 5},
			{50, 0, 0, nan},
			{12, nan, nan, nan},
			{nan, nan, nan, nan},
		}, nil},
		// avg k1 = (2·0.5 + 2·0)/(2+2) = 0.25; k2 the same; k3 = 2·0.5/2 = 0.5.
		{"Retention", c.Retention(), [][]float64{
			{1, 0.5, 0.5, 0.5},
			{1, 0, 0, nan},
			{1, nan, nan, nan},
			{nan, nan, nan, nan},
		}, []float64{1, 0.25, 0.25, 0.5}},
		// avg k1 = (2·1 + 2·0.5)/4 = 0.75; k2 the same; k3 = 0.5.
		{"Survival", c.Survival(), [][]float64{
			{1, 1, 1, 0.5},
			{1, 0.5, 0.5, nan},
			{1, nan, nan, nan},
			{nan, nan, nan, nan},
		}, []float64{1, 0.75, 0.75, 0.5}},
		// Dec: 50, 20, 10, 5 over 50; avg k1 = (2·0.4 + 2·0)/4 = 0.2, k2 = (2·0.2 + 0)/4 = 0.1, k3 = 0.1.
		{"RevenueRetention", c.RevenueRetention(), [][]float64{
			{1, 0.4, 0.2, 0.1},
			{1, 0, 0, nan},
			{1, nan, nan, nan},
			{nan, nan, nan, nan},
		}, []float64{1, 0.2, 0.1, 0.1}},
		// Dec: 50/2, 70/2, 80/2, 85/2; Jan: 50/2 throughout; Mar 12/1.
		// avg k0 = (2·25 + 2·25 + 1·12)/5 = 22.4; k1 = (2·35 + 2·25)/4 = 30;
		// k2 = (2·40 + 2·25)/4 = 32.5; k3 = 42.5.
		{"CumulativeRevenuePerCustomer", c.CumulativeRevenuePerCustomer(), [][]float64{
			{25, 35, 40, 42.5},
			{25, 25, 25, nan},
			{12, nan, nan, nan},
			{nan, nan, nan, nan},
		}, []float64{22.4, 30, 32.5, 42.5}},
	}
	// Alive: the observed Surviving counts, the input of ProjectRetention.
	require.Equal(t, []float64{2, 2, 2, 1}, c.Alive(0))
	require.Equal(t, []float64{2, 1, 1}, c.Alive(1))
	require.Empty(t, c.Alive(3))
	for _, row := range []int{-1, len(c.Observed)} {
		require.Nil(t, c.Alive(row), "row %d is not a cohort: nil", row)
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireCells(t, tc.want, tc.table.Cells)
			if tc.avg != nil {
				avg := tc.table.Average()
				requireCells(t, [][]float64{tc.avg}, [][]float64{avg})
			}
		})
	}
}

// requireCells compares matrices cell by cell, NaN only against NaN.
func requireCells(t *testing.T, want, got [][]float64) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		require.Len(t, got[i], len(want[i]), "row %d", i)
		for k, w := range want[i] {
			if math.IsNaN(w) {
				require.True(t, math.IsNaN(got[i][k]), "cell [%d][%d] = %v, want NaN", i, k, got[i][k])
				continue
			}
			require.False(t, math.IsNaN(got[i][k]), "cell [%d][%d] is NaN, want %v", i, k, w)
			require.InDelta(t, w, got[i][k], 1e-12, "cell [%d][%d]", i, k)
		}
	}
}

// The same log in UTC: C's first purchase (23:30Z on 31 December) joins
// the December cohort, and the latest transaction (H, 2024-04-15 22:00Z)
// is the default end day, so April is still partial.
func TestBuildLocationAndDefaultEnd(t *testing.T) {
	c, err := cohort.Build(handLog(berlin(t)), nil)
	require.NoError(t, err)
	require.Equal(t, []string{"2023-12", "2024-01", "2024-03", "2024-04"}, c.Active.Labels)
	require.Equal(t, []int{3, 1, 1, 2}, c.Active.Sizes) // Dec A,B,C; Jan D; Mar E; Apr F,H
	require.True(t, c.End.Equal(time.Date(2024, 4, 20, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, []int{4, 3, 1, 0}, c.Observed)
}

// With the end day on the last day of a period, that period is observed.
func TestBuildEndOnLastDayOfPeriod(t *testing.T) {
	loc := berlin(t)
	c, err := cohort.Build(handLog(loc), &cohort.Options{Location: loc, End: time.Date(2024, 3, 31, 23, 59, 0, 0, loc)})
	require.NoError(t, err)
	// F and H bought only in April: no April cohort; C's April purchase is
	// ignored, so C's last active period is January (k = 0).
	require.Equal(t, []string{"2023-12", "2024-01", "2024-03"}, c.Active.Labels)
	require.Equal(t, []int{4, 3, 1}, c.Observed)
	requireCells(t, [][]float64{{2, 2, 2, 1}, {2, 0, 0, nan}, {1, nan, nan, nan}}, c.Surviving.Cells)
}

func TestBuildPeriods(t *testing.T) {
	// Hand counts: purchases on Mon 2024-12-30 (ISO 2025-W01), Sun 2025-01-05
	// (still W01), Mon 2025-01-06 (W02) by one customer, end Sun 2025-01-12.
	day := func(d int, m time.Month, y int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	txns := []clv.Transaction{
		{CustomerID: "x", At: day(30, 12, 2024), Amount: 1},
		{CustomerID: "x", At: day(5, 1, 2025), Amount: 2},
		{CustomerID: "x", At: day(6, 1, 2025), Amount: 4},
	}
	end := day(12, 1, 2025)
	cases := []struct {
		period   cohort.Period
		label    string
		observed int
		revenue  []float64
	}{
		{cohort.Weekly, "2025-W01", 2, []float64{3, 4}},
		// Days: Dec 30 .. Jan 12 is 14 days; purchases at k = 0, 6, 7.
		{cohort.Daily, "2024-12-30", 14, []float64{1, 0, 0, 0, 0, 0, 2, 4, 0, 0, 0, 0, 0, 0}},
		// Months: December observed, January partial.
		{cohort.Monthly, "2024-12", 1, []float64{1}},
		// Quarters: 2024-Q4 observed, 2025-Q1 partial.
		{cohort.Quarterly, "2024-Q4", 1, []float64{1}},
	}
	for _, tc := range cases {
		c, err := cohort.Build(txns, &cohort.Options{Period: tc.period, End: end})
		require.NoError(t, err)
		require.Equal(t, []string{tc.label}, c.Revenue.Labels, "%v", tc.period)
		require.Equal(t, []int{tc.observed}, c.Observed, "%v", tc.period)
		requireCells(t, [][]float64{tc.revenue}, c.Revenue.Cells)
	}
}

func TestBuildErrors(t *testing.T) {
	ok := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		txns  []clv.Transaction
		opt   *cohort.Options
		want  error
		row   int
		field string
	}{
		{"empty", nil, nil, clv.ErrEmpty, -1, ""},
		{"all after end", []clv.Transaction{{CustomerID: "a", At: ok}}, &cohort.Options{End: ok.AddDate(0, 0, -1)}, clv.ErrEmpty, -1, ""},
		{"empty id", []clv.Transaction{{CustomerID: "a", At: ok}, {At: ok}}, nil, clv.ErrInvalid, 1, "CustomerID"},
		{"zero time", []clv.Transaction{{CustomerID: "a"}}, nil, clv.ErrInvalid, 0, "At"},
		{"year 10000", []clv.Transaction{{CustomerID: "a", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}, nil, clv.ErrInvalid, 0, "At"},
		{"NaN amount", []clv.Transaction{{CustomerID: "a", At: ok, Amount: math.NaN()}}, nil, clv.ErrInvalid, 0, "Amount"},
		{"Inf amount", []clv.Transaction{{CustomerID: "a", At: ok, Amount: math.Inf(-1)}}, nil, clv.ErrInvalid, 0, "Amount"},
		{"bad period", []clv.Transaction{{CustomerID: "a", At: ok}}, &cohort.Options{Period: 9}, clv.ErrInvalid, -1, "Options.Period"},
		{"too many cells", spread(1000, 200), &cohort.Options{Period: cohort.Daily}, clv.ErrInvalid, -1, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cohort.Build(tc.txns, tc.opt)
			require.ErrorIs(t, err, tc.want)
			var de *clv.DataError
			require.True(t, errors.As(err, &de))
			require.Equal(t, tc.row, de.Row)
			require.Equal(t, tc.field, de.Field)
			require.Equal(t, "cohort.Build", de.Func)
		})
	}
}

// spread returns n one-purchase customers, one every `years` years/n apart
// from 1800, for a daily table of n cohorts × ~365·years periods.
func spread(n, years int) []clv.Transaction {
	txns := make([]clv.Transaction, n)
	for i := range txns {
		txns[i] = clv.Transaction{CustomerID: strconv.Itoa(i), At: time.Date(1800, 1, 1+i*365*years/n, 0, 0, 0, 0, time.UTC)}
	}
	return txns
}

// A negative amount is an error, as in clv, churn and segment: refunds are
// not purchases and are netted out of the log first. (Build used to add
// them to Revenue.)
func TestBuildRejectsRefund(t *testing.T) {
	ok := time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	_, err := cohort.Build([]clv.Transaction{{CustomerID: "a", At: ok, Amount: 10}, {CustomerID: "a", At: ok, Amount: -4}}, nil)
	require.ErrorIs(t, err, clv.ErrInvalid)
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	require.Equal(t, 1, de.Row)
	require.Equal(t, "Amount", de.Field)
}
