package segment_test

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // Pacific/Apia on every machine

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
	"github.com/ltvgo/ltv/segment"
)

// The shared bad-log catalogue (internal/txlog/txlogtest): Compute names
// the same row and field as clv, churn and cohort, with nil options and in
// a zone, and leaves the log alone. Before the shared step Compute accepted
// zero times and times outside years 1..9999 ("zero time", "year 10000",
// "far past", ...).
func TestComputeBadLogCatalogue(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	require.NoError(t, err)
	at := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, bc := range txlogtest.BadLogs() {
		for _, opt := range []*segment.Options{nil, {Location: apia, Frequency: segment.Orders}} {
			txns := txlogtest.Convert[clv.Transaction](bc.Txns)
			before := slices.Clone(txns)
			var err error
			require.NotPanics(t, func() { _, err = segment.Compute(txns, at, opt) }, bc.Name)
			require.True(t, txlogtest.Same(before, txns), bc.Name)
			txlogtest.RequireError(t, err, "segment.Compute", bc.Row, bc.Field, clv.ErrInvalid, bc.Name)
		}
	}
	for _, rows := range [][]txlogtest.Tx{txlogtest.GoodLog(), txlogtest.BigLog(1<<16 + 3)} {
		good := txlogtest.Convert[clv.Transaction](rows)
		before := slices.Clone(good)
		_, err = segment.Compute(good, at, &segment.Options{Location: apia})
		require.NoError(t, err)
		require.True(t, txlogtest.Same(before, good), "input modified")
	}
}

// Option edge cases: the analysis date follows the rows' time rules.
// Before the shared step an analysis date outside years 1..9999 was
// accepted.
func TestComputeBadDate(t *testing.T) {
	good := txlogtest.Convert[clv.Transaction](txlogtest.GoodLog())
	for _, tc := range []struct {
		name string
		at   time.Time
		want error
	}{
		{"zero date", time.Time{}, clv.ErrInvalid},
		{"date in year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), clv.ErrInvalid},
		{"date far in the past", time.Unix(-1<<62, 0), clv.ErrInvalid},
		{"date before every row", time.Date(2024, 1, 9, 0, 0, 0, 0, time.UTC), clv.ErrEmpty},
	} {
		before := slices.Clone(good)
		var err error
		require.NotPanics(t, func() { _, err = segment.Compute(good, tc.at, nil) }, tc.name)
		require.True(t, txlogtest.Same(before, good), tc.name)
		txlogtest.RequireError(t, err, "segment.Compute", -1, "at", tc.want, tc.name)
	}
}
