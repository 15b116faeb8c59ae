package clv_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
)

// The shared bad-log catalogue (internal/txlog/txlogtest): both summaries
// name the same row and field as churn, cohort and segment, in UTC (nil
// Location) and in a zone, and leave the log alone. Before the shared
// step, clv accepted At outside years 1..9999 ("year 10000", "far future",
// "far past", "year 0").
func TestSummarizeBadLogCatalogue(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	require.NoError(t, err)
	end := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, bc := range txlogtest.BadLogs() {
		for _, loc := range []*time.Location{nil, apia} {
			txns := txlogtest.Convert[clv.Transaction](bc.Txns)
			before := slices.Clone(txns)
			opt := clv.SummaryOptions{Period: 24 * time.Hour, End: end, Location: loc}
			var err1, err2 error
			require.NotPanics(t, func() {
				_, err1 = clv.Summarize(txns, opt)
				_, err2 = clv.SummarizeHoldout(txns, opt, end.AddDate(0, 1, 0))
			}, bc.Name)
			require.True(t, txlogtest.Same(before, txns), bc.Name)
			txlogtest.RequireError(t, err1, "clv.Summarize", bc.Row, bc.Field, clv.ErrInvalid, bc.Name)
			txlogtest.RequireError(t, err2, "clv.SummarizeHoldout", bc.Row, bc.Field, clv.ErrInvalid, bc.Name)
		}
	}
	for _, rows := range [][]txlogtest.Tx{txlogtest.GoodLog(), txlogtest.BigLog(1<<16 + 3)} {
		good := txlogtest.Convert[clv.Transaction](rows)
		before := slices.Clone(good)
		_, err = clv.SummarizeHoldout(good, clv.SummaryOptions{Period: 24 * time.Hour, End: end, Location: apia}, end.AddDate(0, 1, 0))
		require.NoError(t, err)
		require.True(t, txlogtest.Same(before, good), "input modified")
	}
}

// Option edge cases: the end dates follow the rows' time rules. Before the
// shared step an End or holdoutEnd outside years 1..9999 was accepted.
func TestSummarizeBadOptions(t *testing.T) {
	good := txlogtest.Convert[clv.Transaction](txlogtest.GoodLog())
	end := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tc := range []struct {
		name       string
		opt        clv.SummaryOptions
		holdoutEnd time.Time // zero: Summarize
		field      string
	}{
		{"zero End", clv.SummaryOptions{Period: day}, time.Time{}, "SummaryOptions.End"},
		{"End in year 10000", clv.SummaryOptions{Period: day, End: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, time.Time{}, "SummaryOptions.End"},
		{"End far in the past", clv.SummaryOptions{Period: day, End: time.Unix(-1<<62, 0)}, time.Time{}, "SummaryOptions.End"},
		{"zero Period", clv.SummaryOptions{End: end}, time.Time{}, "SummaryOptions.Period"},
		{"holdoutEnd in year 10000", clv.SummaryOptions{Period: day, End: end}, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "holdoutEnd"},
		{"holdoutEnd on End's day", clv.SummaryOptions{Period: day, End: end}, end.Add(23 * time.Hour), "holdoutEnd"},
		{"holdoutEnd before End", clv.SummaryOptions{Period: day, End: end}, end.AddDate(0, 0, -1), "holdoutEnd"},
	} {
		before := slices.Clone(good)
		var err error
		fn := "clv.Summarize"
		require.NotPanics(t, func() {
			if tc.holdoutEnd.IsZero() {
				_, err = clv.Summarize(good, tc.opt)
			} else {
				fn = "clv.SummarizeHoldout"
				_, err = clv.SummarizeHoldout(good, tc.opt, tc.holdoutEnd)
			}
		}, tc.name)
		require.True(t, txlogtest.Same(before, good), tc.name)
		txlogtest.RequireError(t, err, fn, -1, tc.field, clv.ErrInvalid, tc.name)
	}
	_, err := clv.SummarizeHoldout(good, clv.SummaryOptions{Period: day, End: end}, time.Time{})
	txlogtest.RequireError(t, err, "clv.SummarizeHoldout", -1, "holdoutEnd", clv.ErrInvalid, "zero holdoutEnd")
}
