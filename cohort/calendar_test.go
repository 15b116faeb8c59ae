package cohort

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/internal/txlog"
)

const secondsPerDay = 86400

// The calendar arithmetic is checked against the time package, which is an
// independent implementation of the proleptic Gregorian calendar.
func TestCivilAgainstTimePackage(t *testing.T) {
	for d := int64(-800_000); d <= 800_000; d += 7 { // about 1780..4160, every weekday in turn
		want := time.Unix(d*secondsPerDay, 0).UTC()
		y, m, day := civil(d)
		require.Equal(t, want.Year(), int(y), "day %d", d)
		require.Equal(t, want.Month(), time.Month(m), "day %d", d)
		require.Equal(t, want.Day(), day, "day %d", d)
		require.Equal(t, d, dayNumber(y, m, day))

		// Month and quarter numbers and their first days.
		require.Equal(t, int64(12*want.Year()+int(want.Month())-1), Monthly.periodOf(d))
		require.Equal(t, int64(4*want.Year()+(int(want.Month())-1)/3), Quarterly.periodOf(d))
		first := time.Unix(Monthly.firstDay(Monthly.periodOf(d))*secondsPerDay, 0).UTC()
		require.Equal(t, 1, first.Day())
		require.Equal(t, want.Month(), first.Month())

		// Weeks start on Monday and contain d.
		w := Weekly.periodOf(d)
		monday := Weekly.firstDay(w)
		require.Equal(t, time.Monday, time.Unix(monday*secondsPerDay, 0).UTC().Weekday())
		require.True(t, monday <= d && d < monday+7)
	}
	// The supported extremes, one day beyond in a zone east or west of UTC.
	lo, hi := floorDiv(txlog.MinUnix, secondsPerDay), floorDiv(txlog.MaxUnix, secondsPerDay)
	for _, d := range []int64{lo - 1, lo, hi, hi + 1} {
		want := time.Unix(d*secondsPerDay, 0).UTC()
		y, m, day := civil(d)
		require.Equal(t, []int{want.Year(), int(want.Month()), want.Day()}, []int{int(y), m, day})
	}
}

func TestLabels(t *testing.T) {
	// Expected labels by hand: 2024-12-30 is the Monday of ISO week 1 of
	// 2025; 2021-01-03 is a Sunday in ISO week 53 of 2020.
	cases := []struct {
		period Period
		date   string
		want   string
	}{
		{Daily, "2024-02-29", "2024-02-29"},
		{Weekly, "2024-12-31", "2025-W01"},
		{Weekly, "2021-01-03", "2020-W53"},
		{Weekly, "2024-03-04", "2024-W10"},
		{Monthly, "2023-12-31", "2023-12"},
		{Quarterly, "2024-05-01", "2024-Q2"},
		{Quarterly, "2023-12-31", "2023-Q4"},
	}
	for _, c := range cases {
		tm, err := time.Parse(time.DateOnly, c.date)
		require.NoError(t, err)
		d := tm.Unix() / secondsPerDay
		require.Equal(t, c.want, c.period.label(c.period.periodOf(d)), "%v %s", c.period, c.date)
	}
}
