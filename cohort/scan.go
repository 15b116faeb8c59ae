package cohort

import (
	"math"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
	"github.com/ltvgo/ltv/internal/txlog"
)

// Options set the calendar of a cohort analysis. A nil *Options means
// monthly cohorts in UTC up to the day of the latest transaction.
type Options struct {
	// Period is the calendar unit of cohorts and of the period index
	// (default Monthly).
	Period Period
	// Location is the time zone whose calendar defines days, weeks, months
	// and quarters (default UTC). A purchase at 23:30 UTC on 31 March is in
	// April in Europe/Berlin.
	Location *time.Location
	// End is the analysis date: its civil day in Location is the last day
	// of data, included. Transactions on later days are ignored. The zero
	// Time means the day of the latest transaction ("end of data"). End is
	// read in Location, so build it there: midnight UTC of 15 April is
	// still 14 April in New York.
	End time.Time
}

// resolve returns the options with defaults filled in, or an error for a
// Period outside the constants.
func (o *Options) resolve(fn string) (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if !r.Period.valid() {
		return r, fault.New(fn, -1, "Options.Period", clv.ErrInvalid, "is %v, want Day, Week, Month or Quarter", r.Period)
	}
	if r.Location == nil {
		r.Location = time.UTC
	}
	if reason := txlog.CheckTime(r.End); reason != "" && !r.End.IsZero() { // zero End: the latest day of data
		return r, fault.New(fn, -1, "Options.End", clv.ErrInvalid, "%s", reason)
	}
	return r, nil
}

// scanned is a transaction log reduced to integers (internal/txlog) with
// the period number of every row kept.
type scanned struct {
	*txlog.Log         // Cust[i] is −1 for a row after the end day
	period     []int32 // per row kept: period number of its civil day
	first      []int32 // per customer: period number of the first purchase (the cohort)
	endDay     int64   // day number of the last day of data
}

// periodCost is the time scan takes to number one row's period (a month's
// number takes longer than a week's).
const periodCost = 10 * time.Nanosecond

// scan validates txns and indexes them: days and customers by the shared
// transaction-log step, then the period numbers, in parallel for large
// logs.
func scan(fn string, txns []clv.Transaction, o Options) (*scanned, error) {
	if len(txns) == 0 {
		return nil, fault.New(fn, -1, "", clv.ErrEmpty, "no transactions")
	}
	last := txlog.LastDay(o.Location, o.End)
	log, bad := txlog.Read(txns, o.Location, last)
	if bad != nil {
		return nil, bad.Err(fn)
	}
	if log.Kept == 0 {
		return nil, fault.New(fn, -1, "", clv.ErrEmpty, "no transaction on or before the end day")
	}
	s := &scanned{Log: log, period: make([]int32, len(txns)), endDay: log.MaxDay}
	if !o.End.IsZero() {
		s.endDay = last
	}
	parallel.For(len(txns), periodCost, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			if log.Cust[i] >= 0 {
				s.period[i] = int32(o.Period.periodOf(log.Day[i]))
			}
		}
	})
	s.first = make([]int32, len(log.IDs))
	for c := range s.first {
		s.first[c] = math.MaxInt32
	}
	for i, c := range log.Cust {
		if c >= 0 {
			s.first[c] = min(s.first[c], s.period[i])
		}
	}
	return s, nil
}
