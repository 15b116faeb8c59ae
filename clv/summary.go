package clv

import (
	"time"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/txlog"
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
// (Fader, Hardie & Lee 2005, §2), in units of opt.Period:
//
//	occasions = distinct calendar days with a purchase, up to End's day;
//	            the value of an occasion is the sum of that day's Amounts
//	Frequency = occasions − 1
//	Recency   = last occasion − first occasion
//	T         = End's day − first occasion
//	Monetary  = mean value of the repeat occasions (the first is excluded);
//	            0 when Frequency is 0
//
// The repeat spend is summed exactly and rounded once, so Monetary does
// not depend on the order of the rows: a shuffled log, or one built up and
// merged in shards with CustomerStates, gives the same bits.
// A first purchase on End's day gives T = 0. Transactions after End's day
// are ignored, and a customer whose first purchase is after it has no row.
// Weight is left 0 (each row is one customer). The rows are sorted by ID
// (byte-wise string order).
//
// Every transaction is validated, also those after End, by the rules
// churn, cohort and segment share: an empty CustomerID, an At that is the
// zero Time or outside years 1..9999 UTC, or an Amount that is NaN,
// negative or above 1e290 is an error naming the first bad row and its
// field (refunds are not purchases: net them out of the log first; 0 is a
// free order).
// Period ≤ 0 or an End that is zero or outside years 1..9999 is an error,
// as is an empty log or an End before every transaction (ErrEmpty).
// Errors are *DataError.
//
// Summarize does not modify txns and keeps no reference to it (the IDs of
// the rows share the caller's strings, which are immutable). A log of 2³¹ − 1
// or more rows is an error (ErrInvalid, Field "txns").
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
	if r := txlog.CheckTime(holdoutEnd); r != "" {
		return nil, fault.New(fn, -1, "holdoutEnd", ErrInvalid, "%s", r)
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

// summarize is the one implementation behind Summarize and
// SummarizeHoldout. A zero holdoutEnd means no holdout: hold is then nil.
//
// The shared transaction-log step (internal/txlog) validates the rows,
// numbers their days and customers, and groups each customer's rows up to
// the last day used, sorted by day; then each customer in ID order is one
// walk over its rows.
func summarize(fn string, txns []Transaction, opt SummaryOptions, holdoutEnd time.Time) (cs []Customer, hold []holdoutStats, holdT float64, err error) {
	if err := checkSummaryOptions(fn, opt); err != nil {
		return nil, nil, 0, err
	}
	if len(txns) == 0 {
		return nil, nil, 0, fault.New(fn, -1, "", ErrEmpty, "no transactions")
	}
	clock := txlog.NewClock(opt.Location)
	endDay := clock.Day(opt.End)
	lastDay := endDay
	withHoldout := !holdoutEnd.IsZero()
	if withHoldout {
		lastDay = clock.Day(holdoutEnd)
		if lastDay <= endDay {
			return nil, nil, 0, fault.New(fn, -1, "holdoutEnd", ErrInvalid, "(%v) is not on a day after End (%v)", holdoutEnd, opt.End)
		}
	}
	dayLength := float64(opt.Period) / float64(24*time.Hour) // in days; exact for whole days

	log, bad := txlog.Read(txns, opt.Location, lastDay)
	if bad != nil {
		return nil, nil, 0, bad.Err(fn)
	}
	start, grouped := txlog.Purchases(log, txns)

	// One summary per customer, in ID order.
	nc := len(log.IDs)
	cs = make([]Customer, 0, nc)
	if withHoldout {
		hold = make([]holdoutStats, 0, nc)
	}
	var sum numeric.ExactSum
	for _, c := range log.ByID() {
		g := grouped[start[c]:start[c+1]]
		cust, n, ok := customerRow(log.IDs[c], g, endDay, dayLength, &sum)
		if !ok {
			continue
		}
		cs = append(cs, cust)
		if withHoldout {
			var h holdoutStats
			for j := n; j < len(g); j++ { // the group ends at the holdout's last day
				if j == n || g[j].Day != g[j-1].Day {
					h.purchases++
				}
				h.spend += g[j].Amount
			}
			hold = append(hold, h)
		}
	}
	if len(cs) == 0 {
		return nil, nil, 0, fault.New(fn, -1, "SummaryOptions.End", ErrEmpty, "(%v) is before every transaction", opt.End)
	}
	return cs, hold, float64(lastDay-endDay) / dayLength, nil
}

// checkSummaryOptions checks opt's Period and End for function fn.
func checkSummaryOptions(fn string, opt SummaryOptions) error {
	if opt.Period <= 0 {
		return fault.New(fn, -1, "SummaryOptions.Period", ErrInvalid, "is %v, want > 0", opt.Period)
	}
	if r := txlog.CheckTime(opt.End); r != "" {
		return fault.New(fn, -1, "SummaryOptions.End", ErrInvalid, "%s", r)
	}
	return nil
}

// customerRow applies the summary rules to one customer's purchases g,
// sorted by day, the one place they are written (Summarize and
// CustomerState share it). It reports false when the first purchase is
// after endDay, and returns the number n of purchases on or before endDay
// (g[n:] follow End). The repeat spend is summed exactly and rounded once
// (sum is scratch space), so the row does not depend on the order of the
// purchases within a day, nor on how a log was split and merged.
func customerRow(id string, g []txlog.Purchase, endDay int64, dayLength float64, sum *numeric.ExactSum) (c Customer, n int, ok bool) {
	if len(g) == 0 || g[0].Day > endDay {
		return Customer{}, 0, false
	}
	first := g[0].Day
	occasions := 0
	last := first
	sum.Reset()
	for ; n < len(g) && g[n].Day <= endDay; n++ {
		if d := g[n].Day; n == 0 || d != g[n-1].Day {
			occasions++
			last = d
		}
		if g[n].Day != first {
			sum.Add(g[n].Amount)
		}
	}
	c = Customer{
		ID:        id,
		Frequency: float64(occasions - 1),
		Recency:   float64(last-first) / dayLength,
		T:         float64(endDay-first) / dayLength,
	}
	if occasions > 1 {
		c.Monetary = sum.Value() / c.Frequency
	}
	return c, n, true
}
