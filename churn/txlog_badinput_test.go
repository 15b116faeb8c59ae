package churn

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
)

// The shared bad-log catalogue (internal/txlog/txlogtest): Build names the
// same row and field as clv, cohort and segment, with a nil Location, in a
// zone, and with an End, and leaves the log alone. Before the shared step
// Build accepted zero times, times outside years 1..9999 and negative
// amounts ("zero time", "year 10000", "negative amount (a refund)", ...).
func TestBuildBadLogCatalogue(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	require.NoError(t, err)
	asOf := []time.Time{date(2024, 3, 1)}
	for _, bc := range txlogtest.BadLogs() {
		for _, opt := range []*FeatureOptions{nil, {Location: apia}, {End: date(2024, 4, 30), Censored: KeepCensored}} {
			txns := txlogtest.Convert[clv.Transaction](bc.Txns)
			before := slices.Clone(txns)
			asOfBefore := slices.Clone(asOf)
			var err error
			require.NotPanics(t, func() { _, err = Build(txns, asOf, opt) }, bc.Name)
			require.True(t, txlogtest.Same(before, txns), bc.Name)
			require.Equal(t, asOfBefore, asOf)
			txlogtest.RequireError(t, err, "churn.Build", bc.Row, bc.Field, clv.ErrInvalid, bc.Name)
		}
	}
	for _, rows := range [][]txlogtest.Tx{txlogtest.GoodLog(), txlogtest.BigLog(1<<16 + 3)} {
		good := txlogtest.Convert[clv.Transaction](rows)
		before := slices.Clone(good)
		_, err = Build(good, asOf, &FeatureOptions{Location: apia})
		require.NoError(t, err)
		require.True(t, txlogtest.Same(before, good), "input modified")
	}
}

// Option edge cases: as-of dates and End follow the rows' time rules. Before
// the shared step a zero or far as-of date and a far End were accepted (a
// zero as-of date gave an empty panel).
func TestBuildBadOptions(t *testing.T) {
	good := txlogtest.Convert[clv.Transaction](txlogtest.GoodLog())
	ok := date(2024, 3, 1)
	for _, tc := range []struct {
		name  string
		asOf  []time.Time
		opt   *FeatureOptions
		row   int
		field string
	}{
		{"zero as-of date", []time.Time{ok, {}}, nil, 1, "asOf"},
		{"as-of date in year 0", []time.Time{time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)}, nil, 0, "asOf"},
		{"as-of date far in the future", []time.Time{ok, ok, time.Unix(1<<62, 0)}, nil, 2, "asOf"},
		{"as-of date after the end of the data", []time.Time{date(2024, 3, 11)}, nil, 0, "asOf"},
		{"as-of date after End", []time.Time{ok, date(2024, 3, 2)}, &FeatureOptions{End: ok}, 1, "asOf"},
		{"End in year 10000", []time.Time{ok}, &FeatureOptions{End: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, -1, "FeatureOptions.End"},
	} {
		before := slices.Clone(good)
		var err error
		require.NotPanics(t, func() { _, err = Build(good, tc.asOf, tc.opt) }, tc.name)
		require.True(t, txlogtest.Same(before, good), tc.name)
		txlogtest.RequireError(t, err, "churn.Build", tc.row, tc.field, clv.ErrInvalid, tc.name)
	}
}

// Rows after End are ignored entirely, also for the order of the panel's
// customers (first appearance among the rows kept, as in segment and
// cohort). Before the shared step a customer whose first row in txns was
// after End came first.
func TestBuildOrderIgnoresRowsAfterEnd(t *testing.T) {
	txns := []clv.Transaction{
		{CustomerID: "b", At: date(2024, 6, 1), Amount: 1}, // after End
		{CustomerID: "a", At: date(2024, 1, 1), Amount: 1},
		{CustomerID: "b", At: date(2024, 1, 2), Amount: 1},
	}
	ds, err := Build(txns, []time.Time{date(2024, 1, 15)}, &FeatureOptions{End: date(2024, 3, 31), Horizon: 30})
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, ds.IDs)
}
