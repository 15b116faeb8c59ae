package cohort_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
)

// The shared bad-log catalogue (internal/txlog/txlogtest): Build and
// BuildLifetimes name the same row and field as clv, churn and segment,
// with nil options, in a zone and with an End, and leave the log alone.
// Before the shared step cohort accepted negative amounts ("negative amount
// (a refund)", "negative subnormal amount") as refunds.
func TestBuildBadLogCatalogue(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	require.NoError(t, err)
	end := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, bc := range txlogtest.BadLogs() {
		for _, opt := range []*cohort.Options{nil, {Location: apia, Period: cohort.Weekly}, {End: end, Period: cohort.Daily}} {
			txns := txlogtest.Convert[clv.Transaction](bc.Txns)
			before := slices.Clone(txns)
			lopt := cohort.LifetimeOptions{Gap: 30 * 24 * time.Hour}
			if opt != nil {
				lopt.Options = *opt
			}
			var err1, err2 error
			require.NotPanics(t, func() {
				_, err1 = cohort.Build(txns, opt)
				_, err2 = cohort.BuildLifetimes(txns, lopt)
			}, bc.Name)
			require.True(t, txlogtest.Same(before, txns), bc.Name)
			txlogtest.RequireError(t, err1, "cohort.Build", bc.Row, bc.Field, clv.ErrInvalid, bc.Name)
			txlogtest.RequireError(t, err2, "cohort.BuildLifetimes", bc.Row, bc.Field, clv.ErrInvalid, bc.Name)
		}
	}
	for _, rows := range [][]txlogtest.Tx{txlogtest.GoodLog(), txlogtest.BigLog(1<<16 + 3)} {
		good := txlogtest.Convert[clv.Transaction](rows)
		before := slices.Clone(good)
		_, err = cohort.Build(good, &cohort.Options{Location: apia})
		require.NoError(t, err)
		_, err = cohort.BuildLifetimes(good, cohort.LifetimeOptions{Options: cohort.Options{Period: cohort.Weekly}, Gap: time.Hour})
		require.NoError(t, err)
		require.True(t, txlogtest.Same(before, good), "input modified")
	}
}

// Option edge cases: End follows the rows' time rules; a zero End is the
// latest day of data.
func TestBuildBadOptions(t *testing.T) {
	good := txlogtest.Convert[clv.Transaction](txlogtest.GoodLog())
	for _, tc := range []struct {
		name  string
		opt   cohort.Options
		want  error
		field string
	}{
		{"End in year 10000", cohort.Options{End: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, clv.ErrInvalid, "Options.End"},
		{"End far in the past", cohort.Options{End: time.Unix(-1<<62, 0)}, clv.ErrInvalid, "Options.End"},
		{"End before every row", cohort.Options{End: time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)}, clv.ErrEmpty, ""},
		{"unknown Period", cohort.Options{Period: cohort.Quarterly + 1}, clv.ErrInvalid, "Options.Period"},
	} {
		before := slices.Clone(good)
		var err1, err2 error
		require.NotPanics(t, func() {
			_, err1 = cohort.Build(good, &tc.opt)
			_, err2 = cohort.BuildLifetimes(good, cohort.LifetimeOptions{Options: tc.opt, Gap: time.Hour})
		}, tc.name)
		require.True(t, txlogtest.Same(before, good), tc.name)
		txlogtest.RequireError(t, err1, "cohort.Build", -1, tc.field, tc.want, tc.name)
		txlogtest.RequireError(t, err2, "cohort.BuildLifetimes", -1, tc.field, tc.want, tc.name)
	}
}
