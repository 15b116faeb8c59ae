package clv

import (
	"math"
	"slices"
	"time"

	"github.com/ltvgo/ltv/internal/custid"
)

// SummaryOptions say how a transaction log becomes BTYD summaries.
type SummaryOptions struct {
	// Period is the model's time unit, e.g. 24*time.Hour or 7*24*time.Hour.
	// Recency, T and HoldoutT are whole calendar days times 24h/Period.
	Period time.Duration
	// End is the end of the calibration period. Its whole calendar day is
	// included: the time of day of End does not matter.
	End time.Time
	// Location is the time zone whose calendar days are the purchase
	// occasions; nil means UTC. A day is a civil day, so a day with a
	// daylight-saving change (23 or 25 hours) still counts as one day.
	Location *time.Location
}

// HoldoutCustomer is a calibration summary with the customer's purchases in
// the holdout period that follows it, for checking predictions.
type HoldoutCustomer struct {
	Customer
	HoldoutPurchases float64 // x*: distinct purchase days in the holdout
	HoldoutSpend     float64 // sum of the holdout purchases, currency units
	HoldoutT         float64 // holdout length in periods, the same for every row
}

// Summarize turns a transaction log into one BTYD summary row per customer
// (MODELS.md §1), in units of opt.Period:
//
//	occasions = distinct calendar days with a purchase, up to End's day;
//	            the value of an occasion is the sum of that day's Amounts
//	Frequency = occasions − 1
//	Recency   = last occasion − first occasion
//	T         = End's day − first occasion
//	Monetary  = mean value of the repeat occasions (the first is excluded);
//	            0 when Frequency is 0
//
// A first purchase on End's day gives T = 0. Transactions after End's day
// are ignored, and a customer whose first purchase is after it has no row.
// Weight is left 0 (each row is one customer). The rows are sorted by ID
// (byte-wise string order).
//
// Every transaction is validated, also those after End: an empty
// CustomerID, a zero At, or an Amount that is NaN, ±Inf or negative is an
// error naming the row (refunds are not purchases: net them out of the
// log first). Period ≤ 0 or a zero End is an error, as is an empty log or
// an End before every transaction (ErrEmpty). Errors are *DataError.
//
// Summarize does not modify txns and keeps no reference to it (the IDs of
// the rows share the caller's strings, which are immutable). It panics if
// txns has 2³¹ or more rows.
func Summarize(txns []Transaction, opt SummaryOptions) ([]Customer, error) {
	cs, _, _, err := summarize("clv.Summarize", txns, opt, time.Time{})
	return cs, err
}

// SummarizeHoldout is Summarize with a holdout period: for each customer of
// the calibration summary it also reports the purchases in the days after
// End's day up to and including holdoutEnd's day. HoldoutPurchases counts
// distinct purchase days, HoldoutSpend sums their Amounts, and HoldoutT is
// the holdout length (holdoutEnd's day − End's day) in periods. Customers
// whose first purchase is in the holdout have no row. lifetimes averages
// the holdout spend over raw rows rather than days (lifetimes#431); here
// HoldoutSpend/HoldoutPurchases is the mean per purchase day.
//
// holdoutEnd must fall on a later day than End; otherwise the errors are
// those of Summarize. txns is not modified.
func SummarizeHoldout(txns []Transaction, opt SummaryOptions, holdoutEnd time.Time) ([]HoldoutCustomer, error) {
	const fn = "clv.SummarizeHoldout"
	if holdoutEnd.IsZero() {
		return nil, invalid(fn, -1, "holdoutEnd", "is the zero time")
	}
	cs, hold, holdT, err := summarize(fn, txns, opt, holdoutEnd)
	if err != nil {
		return nil, err
	}
	out := make([]HoldoutCustomer, len(cs))
	for i, c := range cs {
		out[i] = HoldoutCustomer{Customer: c, HoldoutPurchases: hold[i].purchases, HoldoutSpend: hold[i].spend, HoldoutT: holdT}
	}
	return out, nil
}

// holdoutStats are one customer's holdout purchases.
type holdoutStats struct{ purchases, spend float64 }

// dayAmount is one transaction reduced to its calendar day and amount.
type dayAmount struct {
	day    int64
	amount float64
}

// summarize is the one implementation behind Summarize and
// SummarizeHoldout. A zero holdoutEnd means no holdout: hold is then nil.
//
// It makes three passes and no per-customer allocations: (1) validate
// each row and number the customers in order of first appearance
// (internal/custid); (2) counting-sort the rows into one
// flat slice grouped by customer, keeping input order inside a group;
// (3) walk each group in ID order, sorting it by day only when it is not
// already in order.
func summarize(fn string, txns []Transaction, opt SummaryOptions, holdoutEnd time.Time) (cs []Customer, hold []holdoutStats, holdT float64, err error) {
	if opt.Period <= 0 {
		return nil, nil, 0, invalid(fn, -1, "SummaryOptions.Period", "is %v, want > 0", opt.Period)
	}
	if opt.End.IsZero() {
		return nil, nil, 0, invalid(fn, -1, "SummaryOptions.End", "is the zero time")
	}
	if len(txns) == 0 {
		return nil, nil, 0, &DataError{Func: fn, Row: -1, Reason: "no transactions", Err: ErrEmpty}
	}
	if len(txns) >= math.MaxInt32 {
		panic("clv: 2³¹ or more transactions")
	}
	days := newDayCounter(opt.Location)
	endDay := days.day(opt.End)
	lastDay := endDay
	withHoldout := !holdoutEnd.IsZero()
	if withHoldout {
		lastDay = days.day(holdoutEnd)
		if lastDay <= endDay {
			return nil, nil, 0, invalid(fn, -1, "holdoutEnd", "(%v) is not on a day after End (%v)", holdoutEnd, opt.End)
		}
	}
	dayLength := float64(opt.Period) / float64(24*time.Hour) // in days; exact for whole days

	// Pass 1: validate, then number the customers (custid.Index: no hashing
	// while the log is sorted by ID) and count their rows.
	for i := range txns {
		if err := checkTransaction(fn, i, &txns[i]); err != nil {
			return nil, nil, 0, err
		}
	}
	custOf, ids := custid.Index(len(txns), func(i int) string { return txns[i].CustomerID })
	counts := make([]int32, len(ids))
	for _, c := range custOf {
		counts[c]++
	}

	// Pass 2: group the rows by customer. start[c] is where customer c's
	// rows begin; counts becomes the write cursor.
	nc := len(ids)
	start := make([]int32, nc+1)
	for c, k := range counts {
		start[c+1] = start[c] + k
	}
	copy(counts, start[:nc])
	grouped := make([]dayAmount, len(txns))
	for i := range txns {
		c := custOf[i]
		grouped[counts[c]] = dayAmount{days.day(txns[i].At), txns[i].Amount}
		counts[c]++
	}

	// Pass 3: one summary per customer, in ID order.
	cs = make([]Customer, 0, nc)
	if withHoldout {
		hold = make([]holdoutStats, 0, nc)
	}
	for _, c := range custid.ByID(ids) {
		g := grouped[start[c]:start[c+1]]
		if !slices.IsSortedFunc(g, byDay) {
			slices.SortStableFunc(g, byDay)
		}
		first := g[0].day
		if first > endDay {
			continue
		}
		var occasions int
		var repeatSpend float64
		last := first
		i := 0
		for ; i < len(g) && g[i].day <= endDay; i++ {
			if d := g[i].day; i == 0 || d != g[i-1].day {
				occasions++
				last = d
			}
			if g[i].day != first {
				repeatSpend += g[i].amount
			}
		}
		cust := Customer{
			ID:        ids[c],
			Frequency: float64(occasions - 1),
			Recency:   float64(last-first) / dayLength,
			T:         float64(endDay-first) / dayLength,
		}
		if occasions > 1 {
			cust.Monetary = repeatSpend / cust.Frequency
		}
		cs = append(cs, cust)
		if withHoldout {
			var h holdoutStats
			for j := i; j < len(g) && g[j].day <= lastDay; j++ {
				if j == i || g[j].day != g[j-1].day {
					h.purchases++
				}
				h.spend += g[j].amount
			}
			hold = append(hold, h)
		}
	}
	if len(cs) == 0 {
		return nil, nil, 0, &DataError{Func: fn, Row: -1, Field: "SummaryOptions.End",
			Reason: "(" + opt.End.String() + ") is before every transaction", Err: ErrEmpty}
	}
	return cs, hold, float64(lastDay-endDay) / dayLength, nil
}

// checkTransaction validates row i of a transaction log.
func checkTransaction(fn string, i int, t *Transaction) error {
	switch {
	case t.CustomerID == "":
		return invalid(fn, i, "CustomerID", "is empty")
	case t.At.IsZero():
		return invalid(fn, i, "At", "is the zero time")
	case math.IsNaN(t.Amount) || math.IsInf(t.Amount, 0):
		return invalid(fn, i, "Amount", "is %v", t.Amount)
	case t.Amount < 0:
		return invalid(fn, i, "Amount", "is %v, want ≥ 0 (net refunds out of the log first)", t.Amount)
	}
	return nil
}

func byDay(a, b dayAmount) int {
	switch {
	case a.day < b.day:
		return -1
	case a.day > b.day:
		return 1
	}
	return 0
}

// dayCounter numbers the civil days of a time zone: day 0 is 1970-01-01.
// t.In(loc).Date() is slow per row, so it adds the zone's UTC offset to
// the Unix time, caching each span of constant offset (ZoneBounds) it meets.
type dayCounter struct {
	loc   *time.Location // nil for UTC
	spans []zoneSpan     // sorted by start, disjoint
	hit   int            // the span that answered last
}

// zoneSpan is a stretch [start, end) of Unix seconds with one UTC offset.
type zoneSpan struct{ start, end, offset int64 }

const secondsPerDay = 24 * 60 * 60

func newDayCounter(loc *time.Location) *dayCounter {
	if loc == time.UTC {
		loc = nil
	}
	return &dayCounter{loc: loc}
}

// day returns the number of t's civil day in the counter's zone.
func (d *dayCounter) day(t time.Time) int64 {
	s := t.Unix()
	if d.loc != nil {
		s += d.offset(t, s)
	}
	q := s / secondsPerDay
	if s%secondsPerDay < 0 {
		q--
	}
	return q
}

// offset returns the zone's UTC offset in seconds at t (Unix time s).
func (d *dayCounter) offset(t time.Time, s int64) int64 {
	if d.hit < len(d.spans) {
		if sp := d.spans[d.hit]; sp.start <= s && s < sp.end {
			return sp.offset
		}
	}
	i, found := slices.BinarySearchFunc(d.spans, s, func(sp zoneSpan, s int64) int {
		switch {
		case sp.end <= s:
			return -1
		case sp.start > s:
			return 1
		}
		return 0
	})
	if !found {
		local := t.In(d.loc)
		_, off := local.Zone()
		from, to := local.ZoneBounds()
		sp := zoneSpan{start: math.MinInt64, end: math.MaxInt64, offset: int64(off)}
		if !from.IsZero() {
			sp.start = from.Unix()
		}
		if !to.IsZero() {
			sp.end = to.Unix()
		}
		d.spans = slices.Insert(d.spans, i, sp)
	}
	d.hit = i
	return d.spans[i].offset
}
