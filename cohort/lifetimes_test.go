package cohort_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
	"github.com/ltvgo/ltv/survival"
)

// lifeLog: end day 2024-03-31 (E = 2024-04-01 00:00 UTC), Gap 30 days.
// Times by hand (days):
//
//	A Jan 1, Jan 11, Mar 1    gap Jan 11 → Mar 1 is 50 d: churned, 10 + 30 = 40
//	B Jan 15.5, Feb 10.5, Mar 5.5    gaps 26, 24, then 26.5 to E: censored, E − Jan 15.5 = 76.5
//	C Feb 1                   60 d to E: churned, 0 + 30 = 30
//	D Mar 15.25               16.75 d to E: censored, 16.75
//	E Feb 1, Mar 2            exactly 30 d (2024 is a leap year): churned, 0 + 30 = 30
//	F Mar 31 23:00, Apr 5     Apr 5 is after the end day: censored, 1/24
func lifeLog() []clv.Transaction {
	d := func(m time.Month, day, hour int) time.Time { return time.Date(2024, m, day, hour, 0, 0, 0, time.UTC) }
	return []clv.Transaction{
		{CustomerID: "A", At: d(3, 1, 0)},
		{CustomerID: "B", At: d(3, 5, 12)},
		{CustomerID: "A", At: d(1, 1, 0)},
		{CustomerID: "C", At: d(2, 1, 0)},
		{CustomerID: "B", At: d(1, 15, 12)},
		{CustomerID: "D", At: d(3, 15, 6)},
		{CustomerID: "A", At: d(1, 11, 0)},
		{CustomerID: "E", At: d(3, 2, 0)},
		{CustomerID: "B", At: d(2, 10, 12)},
		{CustomerID: "E", At: d(2, 1, 0)},
		{CustomerID: "F", At: d(4, 5, 0)},
		{CustomerID: "F", At: d(3, 31, 23)},
	}
}

func TestBuildLifetimesHandComputed(t *testing.T) {
	txns := lifeLog()
	before := slices.Clone(txns)
	opt := cohort.LifetimeOptions{Options: cohort.Options{End: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)}, Gap: 30 * 24 * time.Hour}
	l, err := cohort.BuildLifetimes(txns, opt)
	require.NoError(t, err)
	require.Equal(t, before, txns)

	require.Equal(t, []string{"A", "B", "C", "D", "E", "F"}, l.CustomerIDs)
	require.Equal(t, []string{"2024-01", "2024-02", "2024-03"}, l.Labels)
	require.Equal(t, []int{0, 0, 1, 2, 1, 2}, l.Cohort)
	require.Equal(t, 24*time.Hour, l.Unit)
	want := []survival.Observation{
		{Time: 40, Event: true},
		{Time: 76.5},
		{Time: 30, Event: true},
		{Time: 16.75},
		{Time: 30, Event: true},
		{Time: 1.0 / 24},
	}
	require.Len(t, l.Observations, len(want))
	for i, w := range want {
		require.Equal(t, w.Event, l.Observations[i].Event, "row %d", i)
		require.InDelta(t, w.Time, l.Observations[i].Time, 1e-12, "row %d", i)
	}

	// Kaplan-Meier of the January cohort: A's event at 40 with A and B at
	// risk gives S(40) = 1 − 1/2; B is censored later.
	groups := l.ByCohort()
	require.Len(t, groups, 3)
	km, err := survival.KaplanMeier(groups[0], nil)
	require.NoError(t, err)
	require.InDelta(t, 1.0, km.At(39.9), 1e-15)
	require.InDelta(t, 0.5, km.At(40), 1e-15)

	// In hours, A's lifetime is 40·24.
	opt.Unit = time.Hour
	l, err = cohort.BuildLifetimes(txns, opt)
	require.NoError(t, err)
	require.InDelta(t, 960, l.Observations[0].Time, 1e-9)
}

func TestBuildLifetimesErrors(t *testing.T) {
	txns := lifeLog()
	for _, tc := range []struct {
		name  string
		opt   cohort.LifetimeOptions
		field string
	}{
		{"no gap", cohort.LifetimeOptions{}, "LifetimeOptions.Gap"},
		{"negative unit", cohort.LifetimeOptions{Gap: time.Hour, Unit: -time.Hour}, "LifetimeOptions.Unit"},
		{"bad period", cohort.LifetimeOptions{Gap: time.Hour, Options: cohort.Options{Period: -1}}, "Options.Period"},
	} {
		_, err := cohort.BuildLifetimes(txns, tc.opt)
		require.ErrorIs(t, err, clv.ErrInvalid, tc.name)
		var de *clv.DataError
		require.ErrorAs(t, err, &de)
		require.Equal(t, tc.field, de.Field, tc.name)
	}
	_, err := cohort.BuildLifetimes(nil, cohort.LifetimeOptions{Gap: time.Hour})
	require.ErrorIs(t, err, clv.ErrEmpty)
}
