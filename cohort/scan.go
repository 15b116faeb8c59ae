package cohort

import (
	"math"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/custid"
)

// Options set the calendar of a cohort analysis. A nil *Options means
// monthly cohorts in UTC up to the day of the latest transaction.
type Options struct {
	// Period is the calendar unit of cohorts and of the period index
	// (default Month).
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
		return r, invalid(fn, -1, "Options.Period", "is %v, want Day, Week, Month or Quarter", r.Period)
	}
	if r.Location == nil {
		r.Location = time.UTC
	}
	if !r.End.IsZero() && !inRange(r.End) {
		return r, invalid(fn, -1, "Options.End", "is %v, want a time in years 1..9999", r.End)
	}
	return r, nil
}

// scanned is a transaction log reduced to integers: customer indices in
// order of first appearance, and period numbers.
type scanned struct {
	cust   []int32  // per transaction: customer index, or −1 for a row after the end day
	period []int32  // per transaction: period number of its civil day (afterEnd after the end day)
	ids    []string // per customer: CustomerID
	first  []int32  // per customer: period number of the first purchase (the cohort)
	endDay int64    // day number of the last day of data
	kept   int      // transactions on or before the end day
}

// parallelScan is the log size from which scan validates and dates the
// rows on two goroutines.
const parallelScan = 1 << 16

// afterEnd is the period number scan gives a row after the end day while it
// numbers the customers; such rows end with cust −1.
const afterEnd = math.MinInt32

// scan validates txns and indexes them: integer calendar arithmetic on a
// cached zone offset (two halves concurrently for large logs), then one
// customer numbering (internal/custid).
func scan(fn string, txns []clv.Transaction, o Options) (*scanned, error) {
	if len(txns) == 0 {
		return nil, empty(fn, "no transactions")
	}
	hasEnd := !o.End.IsZero()
	var endDay int64
	if hasEnd {
		endDay = newClock(o.Location).day(o.End)
	}
	period := make([]int32, len(txns))
	mid := len(txns)
	if len(txns) >= parallelScan {
		mid = len(txns) / 2
	}
	var parts [2]part
	done := make(chan struct{})
	go func() {
		parts[1] = dateRange(fn, txns, mid, len(txns), o, hasEnd, endDay, period)
		close(done)
	}()
	parts[0] = dateRange(fn, txns, 0, mid, o, hasEnd, endDay, period)
	<-done
	for _, p := range parts {
		if p.err != nil {
			return nil, p.err
		}
	}
	s := &scanned{period: period, endDay: endDay, kept: parts[0].kept + parts[1].kept}
	if s.kept == 0 {
		return nil, empty(fn, "no transaction on or before the end day")
	}
	if !hasEnd {
		s.endDay = max(parts[0].maxDay, parts[1].maxDay)
	}
	s.cust, s.ids = custid.Index(len(txns), func(i int) string {
		if period[i] == afterEnd {
			return ""
		}
		return txns[i].CustomerID
	})
	s.first = make([]int32, len(s.ids))
	for c := range s.first {
		s.first[c] = math.MaxInt32
	}
	for i, c := range s.cust {
		if c >= 0 {
			s.first[c] = min(s.first[c], period[i])
		}
	}
	return s, nil
}

// part is what dateRange finds in its rows.
type part struct {
	maxDay int64
	kept   int
	err    error // for the first bad row of the range
}

// dateRange validates rows lo..hi−1 and writes their period numbers into
// period (afterEnd for a row after the end day).
func dateRange(fn string, txns []clv.Transaction, lo, hi int, o Options, hasEnd bool, endDay int64, period []int32) part {
	clk := newClock(o.Location)
	p := part{maxDay: math.MinInt64}
	for i := lo; i < hi; i++ {
		tx := &txns[i]
		if tx.CustomerID == "" {
			p.err = invalid(fn, i, "CustomerID", "is empty")
			return p
		}
		if !inRange(tx.At) {
			p.err = invalid(fn, i, "At", "is %v, want a time in years 1..9999", tx.At)
			return p
		}
		if math.IsNaN(tx.Amount) || math.IsInf(tx.Amount, 0) {
			p.err = invalid(fn, i, "Amount", "is %v", tx.Amount)
			return p
		}
		d := clk.day(tx.At)
		if hasEnd && d > endDay {
			period[i] = afterEnd
			continue
		}
		p.maxDay = max(p.maxDay, d)
		period[i] = int32(o.Period.periodOf(d))
		p.kept++
	}
	return p
}
