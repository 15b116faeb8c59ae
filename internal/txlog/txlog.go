// Package txlog is the one transaction-log step of clv, churn, cohort and
// segment: it validates a log, numbers each row's civil day and each
// row's customer, and groups the rows by customer.
//
// The rules, the same for every package:
//
//	CustomerID  not empty
//	At          not the zero Time, and in years 1..9999 UTC (MinUnix..MaxUnix)
//	Amount      in [0, MaxAmount]: 0 is a free order, refunds are not
//	            purchases, and NaN, ±Inf and absurd sizes are errors
//
// A row is checked field by field in that order, and the rows in slice
// order: the first bad field of the first bad row is reported, as a
// Problem that the caller turns into its *clv.DataError with Problem.Err.
// Every row is checked, also those a caller then leaves out.
//
// This package cannot import clv (internal/ is the ground floor), so it
// takes any slice whose element type has clv.Transaction's fields (the Tx
// constraint).
package txlog

import (
	"fmt"
	"math"
	"time"

	"github.com/ltvgo/ltv/internal/custid"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
)

// Tx is the layout of clv.Transaction.
type Tx interface {
	~struct {
		CustomerID string
		At         time.Time
		Amount     float64
	}
}

// row gives access to a Tx's fields: type parameters have no fields.
type row struct {
	CustomerID string
	At         time.Time
	Amount     float64
}

// Problem is the first bad value of an input.
type Problem struct {
	Row    int    // index into the caller's slice; -1 for the log as a whole
	Field  string // "CustomerID", "At" or "Amount"; "txns" for the log as a whole
	Reason string // what is wrong, e.g. "is the zero time"
}

// Err returns p as the *fault.DataError of function fn, wrapping
// fault.ErrInvalid.
func (p *Problem) Err(fn string) error {
	return fault.New(fn, p.Row, p.Field, fault.ErrInvalid, "%s", p.Reason)
}

// check returns the first bad field of t, or nil.
func check(i int, t *row) *Problem {
	switch {
	case t.CustomerID == "":
		return &Problem{i, "CustomerID", "is empty"}
	case !supported(t.At):
		return &Problem{i, "At", CheckTime(t.At)}
	case !(t.Amount >= 0 && t.Amount <= MaxAmount): // NaN fails both
		return &Problem{i, "Amount", fmt.Sprintf("is %v, want 0 ≤ Amount ≤ 1e290 (net refunds out of the log first)", t.Amount)}
	}
	return nil
}

// Log is a validated transaction log reduced to integers.
type Log struct {
	Day    []int64  // per row: civil day number (Clock) in the log's location
	Cust   []int32  // per row: customer number, or −1 for a row after the last day kept
	IDs    []string // per customer number: the ID, numbered in order of first appearance among the rows kept
	MaxDay int64    // the latest day of any row
	Kept   int      // rows on or before the last day kept
}

// MaxAmount is the largest Amount: no currency amount comes near it, and a
// sum of fewer than 2³¹ such amounts stays below 2.2·10²⁹⁹, so the sums,
// means and ratios built from a log stay finite.
const MaxAmount = 1e290

// NoLimit keeps every row.
const NoLimit = math.MaxInt64

// LastDay returns the day number of end in loc, or NoLimit when end is the
// zero Time (no end of observation): the last argument of Read.
func LastDay(loc *time.Location, end time.Time) int64 {
	if end.IsZero() {
		return NoLimit
	}
	return NewClock(loc).Day(end)
}

// Read validates txns (see the package doc), numbers the civil days of
// their At in loc (nil means UTC), and numbers the customers of the rows on
// or before day last (NoLimit: all rows). It returns the first bad value as
// a Problem and then no Log; a log of 2³¹ − 1 or more rows, more than the
// customer numbers can index, is a Problem of the log as a whole. txns is
// only read.
func Read[T Tx](txns []T, loc *time.Location, last int64) (*Log, *Problem) {
	n := len(txns)
	if n > custid.MaxRows {
		return nil, &Problem{-1, "txns", fmt.Sprintf("has %d rows, more than the %d a log can hold", n, custid.MaxRows)}
	}
	l := &Log{Day: make([]int64, n), MaxDay: math.MinInt64}
	type result struct {
		maxDay int64
		kept   int
		bad    *Problem
	}
	parts := make([]result, parallel.Chunks(n, readCost))
	parallel.For(n, readCost, func(part, lo, hi int) {
		clk := NewClock(loc)
		r := result{maxDay: math.MinInt64}
		for i := lo; i < hi; i++ {
			t := row(txns[i])
			if r.bad = check(i, &t); r.bad != nil {
				break
			}
			d := clk.Day(t.At)
			l.Day[i] = d
			r.maxDay = max(r.maxDay, d)
			if d <= last {
				r.kept++
			}
		}
		parts[part] = r
	})
	for _, r := range parts {
		if r.bad != nil {
			return nil, r.bad // parts are in row order: this is the first bad row
		}
		l.MaxDay = max(l.MaxDay, r.maxDay)
		l.Kept += r.kept
	}
	if l.MaxDay <= last {
		l.Cust, l.IDs = custid.Index(n, func(i int) string { return row(txns[i]).CustomerID })
	} else {
		l.Cust, l.IDs = custid.Index(n, func(i int) string {
			if l.Day[i] > last {
				return "" // left out: Cust −1
			}
			return row(txns[i]).CustomerID
		})
	}
	return l, nil
}

// ByID returns the customer numbers sorted by ID (byte-wise string order).
func (l *Log) ByID() []int32 { return custid.ByID(l.IDs) }

// readCost is the time Read takes to check a row and number its day.
const readCost = 20 * time.Nanosecond

// Check returns the first bad field of t, row i of its caller's input,
// by the rules of Read; nil when t is valid.
func Check[T Tx](i int, t T) *Problem {
	r := row(t)
	return check(i, &r)
}
