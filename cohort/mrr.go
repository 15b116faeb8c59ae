package cohort

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/custid"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/txlog"
)

// MRR is one customer's monthly recurring revenue in one calendar month.
type MRR struct {
	CustomerID string
	// Month is any instant of the month; its Year() and Month() in its own
	// location are used, so time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	// is March 2024.
	Month  time.Time
	Amount float64 // currency per month, ≥ 0; 0 is the same as no record
}

// Recurring is a validated MRR ledger: one amount per customer and month
// (duplicate records summed), over the months from the earliest to the
// latest record. Build one with BuildRecurring; it is immutable and safe for
// concurrent use.
type Recurring struct {
	first, last int64 // month numbers 12·year + month − 1 of the data's range
	// Each customer's paying months, ascending: months[starts[c]:starts[c+1]].
	starts  []int
	months  []int64
	amounts []float64
}

// BuildRecurring validates recs and indexes them by customer and month.
// recs is neither modified nor kept. Every month from the earliest to the
// latest record (zero amounts included) is taken to be fully observed; a
// customer without a positive amount in a month pays nothing that month.
//
// Errors (a *clv.DataError): clv.ErrEmpty for no records; clv.ErrInvalid
// for an empty CustomerID, a zero Month or one outside years 1..9999, an
// Amount that is negative, NaN or infinite, cohort tables of more than
// 2²⁶ cells, or 2³¹ − 1 or more records.
func BuildRecurring(recs []MRR) (*Recurring, error) {
	const fn = "cohort.BuildRecurring"
	switch {
	case len(recs) == 0:
		return nil, fault.New(fn, -1, "", clv.ErrEmpty, "no MRR records")
	case len(recs) > custid.MaxRows:
		return nil, fault.New(fn, -1, "recs", clv.ErrInvalid, "has %d records, more than the %d it can index", len(recs), custid.MaxRows)
	}
	type rec struct {
		cust   int32
		month  int64
		amount float64
	}
	r := &Recurring{first: math.MaxInt64, last: math.MinInt64}
	for i, m := range recs {
		switch {
		case m.CustomerID == "":
			return nil, fault.New(fn, i, "CustomerID", clv.ErrInvalid, "is empty")
		case txlog.CheckTime(m.Month) != "":
			return nil, fault.New(fn, i, "Month", clv.ErrInvalid, "%s", txlog.CheckTime(m.Month))
		case !(m.Amount >= 0) || m.Amount > txlog.MaxAmount:
			return nil, fault.New(fn, i, "Amount", clv.ErrInvalid, "is %v, want 0 to %g (totals must stay finite)", m.Amount, txlog.MaxAmount)
		}
		month := monthNumber(m.Month)
		r.first, r.last = min(r.first, month), max(r.last, month)
	}
	// Customers are numbered over the positive amounts only: a zero is no
	// payment.
	cust, ids := custid.Index(len(recs), func(i int) string {
		if recs[i].Amount == 0 {
			return ""
		}
		return recs[i].CustomerID
	})
	rows := make([]rec, 0, len(recs))
	for i, c := range cust {
		if c >= 0 {
			rows = append(rows, rec{c, monthNumber(recs[i].Month), recs[i].Amount})
		}
	}
	slices.SortFunc(rows, func(a, b rec) int {
		return cmp.Or(cmp.Compare(a.cust, b.cust), cmp.Compare(a.month, b.month))
	})
	r.starts = make([]int, 0, len(ids)+1)
	for i, x := range rows {
		switch {
		case i > 0 && x.cust == rows[i-1].cust && x.month == rows[i-1].month:
			r.amounts[len(r.amounts)-1] += x.amount // a second subscription in the same month
			continue
		case i == 0 || x.cust != rows[i-1].cust:
			r.starts = append(r.starts, len(r.months))
		}
		r.months = append(r.months, x.month)
		r.amounts = append(r.amounts, x.amount)
	}
	r.starts = append(r.starts, len(r.months))
	firsts := make([]int64, r.customers()) // distinct first months are the rows of CohortRetention
	for c := range firsts {
		firsts[c] = r.months[r.starts[c]]
	}
	slices.Sort(firsts)
	cohorts := int64(len(slices.Compact(firsts)))
	if span := r.last - r.first + 1; cohorts*span > maxCells {
		return nil, fault.New(fn, -1, "Month", clv.ErrInvalid, "%d cohorts × %d months exceed %d cells", cohorts, span, maxCells)
	}
	return r, nil
}

// monthNumber returns 12·year + month − 1 of t in its own location.
func monthNumber(t time.Time) int64 { return 12*int64(t.Year()) + int64(t.Month()) - 1 }

// monthStart returns midnight UTC of the first day of month number n.
func monthStart(n int64) time.Time { return Monthly.start(n, time.UTC) }

// customers returns the number of customers with at least one payment.
func (r *Recurring) customers() int { return len(r.starts) - 1 }

// history returns customer c's paying months and amounts.
func (r *Recurring) history(c int) ([]int64, []float64) {
	lo, hi := r.starts[c], r.starts[c+1]
	return r.months[lo:hi], r.amounts[lo:hi]
}

// Movement is the change of total MRR from one month to the next, split by
// cause. For each customer, with p their MRR in the previous month and m in
// this one:
//
//	New          m        if p = 0 < m and the customer never paid before
//	Reactivation m        if p = 0 < m and the customer paid in an earlier month
//	Expansion    m − p    if 0 < p < m
//	Contraction  p − m    if 0 < m < p
//	Churn        p        if p > 0 = m
//
// so that End = Start + New + Reactivation + Expansion − Contraction − Churn.
type Movement struct {
	Month        time.Time // midnight UTC of the first day of the month
	Start        float64   // total MRR of the previous month
	New          float64
	Expansion    float64
	Contraction  float64
	Churn        float64
	Reactivation float64
	End          float64 // total MRR of this month
	Customers    int     // customers paying this month
}

// Movements returns the MRR movements of every month after the first month
// of the data, oldest first. The first month has no previous month: its
// MRR is the opening balance (the Start of the second month), not New.
func (r *Recurring) Movements() []Movement {
	n := int(r.last - r.first + 1)
	mv := make([]Movement, n)
	for c := range r.customers() {
		months, amounts := r.history(c)
		for j, m := range months {
			i := int(m - r.first)
			mv[i].End += amounts[j]
			mv[i].Customers++
			switch {
			case j == 0:
				mv[i].New += amounts[j]
			case months[j-1] == m-1:
				if d := amounts[j] - amounts[j-1]; d > 0 {
					mv[i].Expansion += d
				} else {
					mv[i].Contraction -= d
				}
			default:
				mv[int(months[j-1]-r.first)+1].Churn += amounts[j-1]
				mv[i].Reactivation += amounts[j]
			}
		}
		if lastPaid := months[len(months)-1]; lastPaid < r.last {
			mv[int(lastPaid-r.first)+1].Churn += amounts[len(amounts)-1]
		}
	}
	for i := range mv {
		mv[i].Month = monthStart(r.first + int64(i))
		if i > 0 {
			mv[i].Start = mv[i-1].End
		}
	}
	return mv[1:]
}

// NetRetention is the revenue retention, over a window of w months ending
// in Month, of the customers who paid at the start of the window. With
// S = their MRR in month Month − w and, per customer, s and e their MRR at
// the start and the end of the window:
//
//	Expansion   = Σ (e − s) over customers with e > s
//	Contraction = Σ (s − e) over customers with 0 < e < s
//	Churn       = Σ s       over customers with e = 0
//	NRR = (S + Expansion − Contraction − Churn) / S = Σ e / S
//	GRR = (S − Contraction − Churn) / S             = Σ min(s, e) / S
//
// Only the two end months count: a customer who leaves and comes back
// inside the window is measured by their MRR at its end. Customers new in
// the window are excluded. NRR and GRR are NaN when S = 0.
type NetRetention struct {
	Month       time.Time // end month of the window, midnight UTC of its first day
	Start       float64
	Expansion   float64
	Contraction float64
	Churn       float64
	NRR, GRR    float64
}

// Retention returns the net and gross revenue retention over windows of
// window months (1 for month over month, 12 for annual) for every month
// that has a full window in the data, oldest first.
//
// Errors: a *clv.DataError wrapping clv.ErrInvalid when window < 1.
func (r *Recurring) Retention(window int) ([]NetRetention, error) {
	if window < 1 {
		return nil, fault.New("cohort.Recurring.Retention", -1, "window", clv.ErrInvalid, "is %d, want ≥ 1", window)
	}
	w := int64(window)
	n := int(r.last - r.first + 1 - w)
	if n <= 0 {
		return nil, nil
	}
	out := make([]NetRetention, n)
	// The retained MRR is summed directly: Start − Contraction − Churn
	// cancels when a large account churns beside small ones that stay.
	netKept, grossKept := make([]float64, n), make([]float64, n)
	for c := range r.customers() {
		months, amounts := r.history(c)
		for j, m := range months {
			if m+w > r.last {
				break
			}
			s, e := amounts[j], 0.0
			if k := sort.Search(len(months), func(k int) bool { return months[k] >= m+w }); k < len(months) && months[k] == m+w {
				e = amounts[k]
			}
			o := &out[int(m-r.first)]
			netKept[int(m-r.first)] += e
			grossKept[int(m-r.first)] += min(s, e)
			o.Start += s
			switch {
			case e == 0:
				o.Churn += s
			case e > s:
				o.Expansion += e - s
			default:
				o.Contraction += s - e
			}
		}
	}
	for i := range out {
		o := &out[i]
		o.Month = monthStart(r.first + int64(i) + w)
		o.NRR = ratio(netKept[i], o.Start)
		o.GRR = ratio(grossKept[i], o.Start)
	}
	return out, nil
}

// CohortRetention returns the net and gross revenue retention of each
// acquisition cohort (the month of a customer's first payment) k months
// after acquisition, the formulas of NetRetention with the window from the
// cohort's first month to month k:
//
//	nrr[c][k] = Σ_{i∈c} MRR_i(c+k) / Σ_{i∈c} MRR_i(c)
//	grr[c][k] = Σ_{i∈c} min(MRR_i(c+k), MRR_i(c)) / Σ_{i∈c} MRR_i(c)
//
// Months after the last month of the data are NaN. Sizes are customers, so
// Average weights cohorts by customers. The first month's cohort holds
// every customer paying then, some of whom started earlier.
func (r *Recurring) CohortRetention() (nrr, grr Table) {
	type cohortSums struct {
		size       int
		start      float64
		net, gross []float64
	}
	span := int(r.last - r.first + 1)
	sums := make([]cohortSums, span) // by cohort month − first
	for c := range r.customers() {
		months, amounts := r.history(c)
		cs := &sums[int(months[0]-r.first)]
		if cs.net == nil {
			cs.net, cs.gross = make([]float64, span), make([]float64, span)
		}
		cs.size++
		cs.start += amounts[0]
		for j, m := range months {
			k := int(m - months[0])
			cs.net[k] += amounts[j]
			cs.gross[k] += min(amounts[j], amounts[0])
		}
	}
	var g grid
	g.period, g.loc, g.span = Monthly, time.UTC, span
	var netFlat, grossFlat []float64
	for i, cs := range sums {
		if cs.size == 0 {
			continue
		}
		p := r.first + int64(i)
		g.periods = append(g.periods, p)
		g.sizes = append(g.sizes, cs.size)
		g.observed = append(g.observed, int(r.last-p)+1)
		for k := range span {
			netFlat = append(netFlat, cs.net[k]/cs.start)
			grossFlat = append(grossFlat, cs.gross[k]/cs.start)
		}
	}
	if len(g.observed) > 0 {
		g.width = g.observed[0]
	}
	return g.table(netFlat), g.table(grossFlat)
}
