package cohort_test

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
)

var fuzzZones = []string{"UTC", "Europe/Berlin", "America/St_Johns", "Pacific/Apia"}

// fuzzTxns decodes 8-byte records: customer (1 byte), seconds offset from
// 2024-01-01 (4 bytes, ±68 years), amount (2 bytes, cents), a flag byte
// that injects a NaN amount, an empty ID, a zero time, a time in year
// 10000 (or, in a zone east of UTC, on its eve) or an infinite amount.
// Amounts may be negative, which is an error too.
func fuzzTxns(data []byte) []clv.Transaction {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	var txns []clv.Transaction
	for ; len(data) >= 8; data = data[8:] {
		tx := clv.Transaction{
			CustomerID: "c" + strconv.Itoa(int(data[0]%7)),
			At:         time.Unix(base+int64(int32(binary.LittleEndian.Uint32(data[1:5]))), 0),
			Amount:     float64(int16(binary.LittleEndian.Uint16(data[5:7]))) / 100,
		}
		switch data[7] {
		case 1:
			tx.Amount = math.NaN()
		case 2:
			tx.CustomerID = ""
		case 3:
			tx.At = time.Time{}
		case 4:
			tx.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(data[0]) * time.Hour)
		case 5:
			tx.Amount = math.Inf(1)
		}
		txns = append(txns, tx)
	}
	return txns
}

func fuzzSeeds(f *testing.F) {
	f.Add([]byte{}, uint8(0), uint8(0), int32(0))
	f.Add([]byte{1, 0, 0, 0, 0, 10, 0, 0, 2, 0, 0, 0x80, 0, 20, 0, 0, 1, 0, 0, 0x40, 0, 5, 0, 0}, uint8(0), uint8(1), int32(0))
	f.Add([]byte{1, 0, 0, 0, 0, 10, 0, 0, 1, 0, 0, 0x80, 0, 20, 0, 1}, uint8(1), uint8(2), int32(86400*40))
	f.Add([]byte{3, 1, 2, 3, 4, 5, 6, 0, 4, 4, 3, 2, 1, 9, 9, 0, 3, 0, 1, 0, 0, 1, 1, 3}, uint8(2), uint8(3), int32(-1000))
	f.Add([]byte{0, 0, 0, 0, 0xF0, 1, 0, 0, 0, 0, 0, 0, 0x10, 2, 0, 0}, uint8(3), uint8(1), int32(0))
}

func fuzzOptions(t *testing.T, period, zone uint8, end int32) cohort.Options {
	loc, err := time.LoadLocation(fuzzZones[int(zone)%len(fuzzZones)])
	require.NoError(t, err)
	o := cohort.Options{Period: cohort.Period(period % 5), Location: loc} // 4 is invalid
	if end != 0 {
		o.End = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(end) * time.Second)
	}
	return o
}

func FuzzBuild(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, period, zone uint8, end int32) {
		txns := fuzzTxns(data)
		before := slices.Clone(txns)
		o := fuzzOptions(t, period, zone, end)
		var c *cohort.Tables
		var err error
		require.NotPanics(t, func() { c, err = cohort.Build(txns, &o) })
		requireSameTxns(t, before, txns)
		if err != nil {
			requireLogError(t, err, "cohort.Build", txns, o)
			return
		}
		requireGoodLog(t, txns)
		for _, tb := range []cohort.Table{c.Active, c.Surviving, c.Revenue} {
			for r, row := range tb.Cells {
				require.Len(t, row, len(tb.Cells[0]))
				for k, v := range row {
					if k < c.Observed[r] {
						require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%v", v)
						require.GreaterOrEqual(t, v, 0.0)
					}
				}
			}
		}
		for r, row := range c.Active.Cells {
			size := float64(c.Active.Sizes[r])
			for k, v := range row {
				if k >= c.Observed[r] {
					require.True(t, math.IsNaN(v))
					continue
				}
				require.LessOrEqual(t, v, size)
				s := c.Surviving.Cells[r][k]
				require.GreaterOrEqual(t, s, v)
				if k > 0 {
					require.LessOrEqual(t, s, c.Surviving.Cells[r][k-1])
				}
			}
			if c.Observed[r] > 0 {
				require.Equal(t, size, row[0])
			}
		}
	})
}

func FuzzBuildLifetimes(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, period, zone uint8, end int32) {
		txns := fuzzTxns(data)
		before := slices.Clone(txns)
		o := cohort.LifetimeOptions{Options: fuzzOptions(t, period, zone, end), Gap: time.Duration(1+int(zone)) * 24 * time.Hour}
		var l *cohort.Lifetimes
		var err error
		require.NotPanics(t, func() { l, err = cohort.BuildLifetimes(txns, o) })
		requireSameTxns(t, before, txns)
		if err != nil {
			requireLogError(t, err, "cohort.BuildLifetimes", txns, o.Options)
			return
		}
		requireGoodLog(t, txns)
		require.Len(t, l.Observations, len(l.CustomerIDs))
		require.Len(t, l.Cohort, len(l.CustomerIDs))
		for i, obs := range l.Observations {
			require.False(t, math.IsNaN(obs.Time) || math.IsInf(obs.Time, 0) || obs.Time < 0, "%v", obs)
			require.Less(t, l.Cohort[i], len(l.Labels))
			if obs.Event {
				require.GreaterOrEqual(t, obs.Time, o.Gap.Hours()/24)
			}
		}
	})
}

func FuzzBuildRecurring(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, _, window uint8, _ int32) {
		var recs []cohort.MRR
		for _, tx := range fuzzTxns(data) {
			recs = append(recs, cohort.MRR{CustomerID: tx.CustomerID, Month: tx.At, Amount: tx.Amount})
		}
		before := slices.Clone(recs)
		r, err := cohort.BuildRecurring(recs)
		require.Equal(t, len(before), len(recs))
		for i := range recs {
			require.Equal(t, before[i].CustomerID, recs[i].CustomerID)
			require.Equal(t, before[i].Month, recs[i].Month)
			require.Equal(t, math.Float64bits(before[i].Amount), math.Float64bits(recs[i].Amount))
		}
		if err != nil {
			return
		}
		for _, m := range r.Movements() {
			require.InDelta(t, m.End, m.Start+m.New+m.Reactivation+m.Expansion-m.Contraction-m.Churn, 1e-6*(1+m.End))
		}
		if nr, err := r.Retention(int(window % 13)); err == nil {
			for _, x := range nr {
				require.False(t, x.GRR > x.NRR+1e-12, "%+v", x)
			}
		}
		r.CohortRetention()
	})
}

func FuzzFitTrend(f *testing.F) {
	f.Add(uint8(0), 1.0, 2.0, 3.0, 0.9, 0.7, 0.6)
	f.Add(uint8(3), 1.0, 1.0, 1.0, 0.9, 0.7, 0.6)
	f.Add(uint8(1), 0.0, 1e300, -1.0, 0.0, math.NaN(), 1.0)
	f.Fuzz(func(t *testing.T, form uint8, t0, t1, t2, y0, y1, y2 float64) {
		ts, ys := []float64{t0, t1, t2, t2 + 1}, []float64{y0, y1, y2, y2}
		tc, yc := slices.Clone(ts), slices.Clone(ys)
		tr, err := cohort.FitTrend(cohort.Form(form%4), ts, ys)
		requireSameFloats(t, tc, ts)
		requireSameFloats(t, yc, ys)
		if err == nil && tr.Form == cohort.Quadratic {
			require.Len(t, tr.Coef, 3)
		} else if err == nil {
			require.Len(t, tr.Coef, 2)
		}
	})
}

// requireLogError checks the error of a fuzzed call: a *clv.DataError of
// fn that names the first bad row and field (txlogtest.FirstBad), which
// comes first when the options are valid.
func requireLogError(t *testing.T, err error, fn string, txns []clv.Transaction, o cohort.Options) {
	t.Helper()
	require.Empty(t, txlogtest.CheckError(err, fn, txns))
	if row, field := txlogtest.FirstBad(txns); row >= 0 && o.Period <= cohort.Quarterly {
		var de *clv.DataError
		require.ErrorAs(t, err, &de)
		require.Equal(t, row, de.Row, "%v", err)
		require.Equal(t, field, de.Field, "%v", err)
		require.ErrorIs(t, err, clv.ErrInvalid)
	}
}

// requireGoodLog fails if a call succeeded on a log with a bad row.
func requireGoodLog(t *testing.T, txns []clv.Transaction) {
	t.Helper()
	row, field := txlogtest.FirstBad(txns)
	require.Equal(t, -1, row, "bad %s accepted", field)
}

// requireSameTxns compares transactions with amounts bit for bit, so NaN
// equals NaN.
func requireSameTxns(t *testing.T, want, got []clv.Transaction) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i].CustomerID, got[i].CustomerID)
		require.Equal(t, want[i].At, got[i].At)
		require.Equal(t, math.Float64bits(want[i].Amount), math.Float64bits(got[i].Amount))
	}
}

func requireSameFloats(t *testing.T, want, got []float64) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, math.Float64bits(want[i]), math.Float64bits(got[i]))
	}
}
