package cohort

import (
	"math"
	"time"

	"github.com/ltvgo/ltv/clv"
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
	period []int32  // per transaction: period number of its civil day
	ids    []string // per customer: CustomerID
	first  []int32  // per customer: period number of the first purchase (the cohort)
	endDay int64    // day number of the last day of data
	kept   int      // transactions on or before the end day
}

// parallelScan is the log size from which scan splits the rows between
// two goroutines; below it the merge costs more than it saves.
const parallelScan = 1 << 16

// scan validates txns and indexes them: one map lookup per row and integer
// calendar arithmetic on a cached zone offset. Large logs are scanned in
// two halves concurrently, each with its own map, then merged.
func scan(fn string, txns []clv.Transaction, o Options) (*scanned, error) {
	if len(txns) == 0 {
		return nil, empty(fn, "no transactions")
	}
	hasEnd := !o.End.IsZero()
	var endDay int64
	if hasEnd {
		endDay = newClock(o.Location).day(o.End)
	}
	cust := make([]int32, len(txns))
	period := make([]int32, len(txns))
	half := len(txns)
	if len(txns) >= parallelScan {
		half = len(txns) / 2
	}
	parts := make([]part, 2)
	if half < len(txns) {
		done := make(chan struct{})
		go func() {
			parts[1] = scanRange(fn, txns, half, len(txns), o, hasEnd, endDay, cust, period)
			close(done)
		}()
		parts[0] = scanRange(fn, txns, 0, half, o, hasEnd, endDay, cust, period)
		<-done
	} else {
		parts[0] = scanRange(fn, txns, 0, half, o, hasEnd, endDay, cust, period)
		parts[1] = scanRange(fn, txns, half, half, o, hasEnd, endDay, cust, period)
	}
	for _, p := range parts {
		if p.err != nil {
			return nil, p.err
		}
	}
	a, b := &parts[0], &parts[1]
	// Merge b into a: b's customers get a's indices, or new ones after a's.
	remap := make([]int32, len(b.ids))
	for j, id := range b.ids {
		c, ok := a.index[id]
		if !ok {
			c = int32(len(a.ids))
			a.index[id] = c
			a.ids = append(a.ids, id)
			a.first = append(a.first, b.first[j])
		}
		a.first[c] = min(a.first[c], b.first[j])
		remap[j] = c
	}
	for i := half; i < len(txns); i++ {
		if c := cust[i]; c >= 0 {
			cust[i] = remap[c]
		}
	}
	s := &scanned{cust: cust, period: period, ids: a.ids, first: a.first, endDay: endDay, kept: a.kept + b.kept}
	if s.kept == 0 {
		return nil, empty(fn, "no transaction on or before the end day")
	}
	if !hasEnd {
		s.endDay = max(a.maxDay, b.maxDay)
	}
	return s, nil
}

// part is what scanRange finds in its rows.
type part struct {
	index  map[string]int32
	ids    []string
	first  []int32
	maxDay int64
	kept   int
	err    error // for the first bad row of the range
}

// scanRange validates rows lo..hi−1 and writes their local customer index
// (−1 after the end day) and period number into cust and period.
func scanRange(fn string, txns []clv.Transaction, lo, hi int, o Options, hasEnd bool, endDay int64, cust, period []int32) part {
	clk := newClock(o.Location)
	p := part{index: make(map[string]int32, min((hi-lo)/4+1, 1<<20)), maxDay: math.MinInt64}
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
			cust[i] = -1
			continue
		}
		p.maxDay = max(p.maxDay, d)
		pn := int32(o.Period.periodOf(d))
		c, ok := p.index[tx.CustomerID]
		if !ok {
			c = int32(len(p.ids))
			p.index[tx.CustomerID] = c
			p.ids = append(p.ids, tx.CustomerID)
			p.first = append(p.first, pn)
		} else if pn < p.first[c] {
			p.first[c] = pn
		}
		cust[i] = c
		period[i] = pn
		p.kept++
	}
	return p
}
