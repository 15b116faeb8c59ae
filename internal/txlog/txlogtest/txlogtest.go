// Package txlogtest is the catalogue of bad transaction logs that every
// function reading a log (clv, churn, cohort, segment) is tested with, so
// that all of them answer the same bad row with the same Row and Field.
package txlogtest

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
	_ "time/tzdata" // Pacific/Apia without the host's zoneinfo

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/txlog"
)

// Tx has clv.Transaction's layout; Convert turns a log into the caller's
// type.
type Tx struct {
	CustomerID string
	At         time.Time
	Amount     float64
}

// Bad is a log with a known first bad value.
type Bad struct {
	Name  string
	Txns  []Tx
	Row   int    // the row every function must name
	Field string // "CustomerID", "At" or "Amount"
}

// Good rows are in January–March 2024; a caller's end of observation or
// analysis date must be on or after 2024-03-31 and before 2030. The row
// dated 2030 in "bad row after the end" must then be ignored but checked.
var (
	jan = time.Date(2024, 1, 10, 9, 0, 0, 0, time.UTC)
	feb = time.Date(2024, 2, 10, 23, 30, 0, 0, time.UTC)
	mar = time.Date(2024, 3, 10, 0, 30, 0, 0, time.UTC)
)

// GoodLog returns a valid log of three customers.
func GoodLog() []Tx {
	return []Tx{
		{"a", jan, 10},
		{"b", jan, 0},     // a free order
		{"c", jan, 1e290}, // the largest amount
		{"a", feb, 5},
		{"c", mar, 7.5},
		{"b", mar, 2},
	}
}

// BigLog returns a valid log of n rows by 97 customers, for the
// parallel path of the shared step.
func BigLog(n int) []Tx {
	txns := make([]Tx, n)
	for i := range txns {
		txns[i] = Tx{string(rune('A' + i%97)), jan.Add(time.Duration(i%1500) * time.Hour), float64(i % 13)}
	}
	return txns
}

// with returns GoodLog with row i changed by f.
func with(i int, f func(*Tx)) []Tx {
	txns := GoodLog()
	f(&txns[i])
	return txns
}

// BadLogs returns the catalogue, each log freshly allocated.
func BadLogs() []Bad {
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		panic(err)
	}
	const big = 1<<16 + 3 // read by the shared step in several chunks
	bigLate := BigLog(big)
	bigLate[big-2].Amount = math.NaN()
	bigBoth := BigLog(big)
	bigBoth[big/2+5].CustomerID = ""
	bigBoth[big/2-5].At = time.Time{}
	return []Bad{
		{"empty ID", with(1, func(t *Tx) { t.CustomerID = "" }), 1, "CustomerID"},
		{"empty ID in the first row", with(0, func(t *Tx) { t.CustomerID = "" }), 0, "CustomerID"},
		{"zero time", with(2, func(t *Tx) { t.At = time.Time{} }), 2, "At"},
		{"zero time in a zone", with(2, func(t *Tx) { t.At = time.Time{}.In(apia) }), 2, "At"},
		{"year 0", with(3, func(t *Tx) { t.At = time.Date(0, 12, 31, 23, 59, 59, 0, time.UTC) }), 3, "At"},
		{"year 10000", with(3, func(t *Tx) { t.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), 3, "At"},
		{"far future", with(4, func(t *Tx) { t.At = time.Unix(1<<62, 0) }), 4, "At"},
		{"far past", with(4, func(t *Tx) { t.At = time.Unix(-1<<62, 0) }), 4, "At"},
		{"NaN amount", with(1, func(t *Tx) { t.Amount = math.NaN() }), 1, "Amount"},
		{"+Inf amount", with(2, func(t *Tx) { t.Amount = math.Inf(1) }), 2, "Amount"},
		{"-Inf amount", with(2, func(t *Tx) { t.Amount = math.Inf(-1) }), 2, "Amount"},
		{"negative amount (a refund)", with(3, func(t *Tx) { t.Amount = -4 }), 3, "Amount"},
		{"amount above 1e290", with(2, func(t *Tx) { t.Amount = math.Nextafter(1e290, math.Inf(1)) }), 2, "Amount"},
		{"negative subnormal amount", with(3, func(t *Tx) { t.Amount = -math.SmallestNonzeroFloat64 }), 3, "Amount"},
		{"bad row after the end", append(GoodLog(), Tx{"a", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), math.NaN()}), len(GoodLog()), "Amount"},
		{"empty ID and NaN amount", with(4, func(t *Tx) { t.CustomerID, t.Amount = "", math.NaN() }), 4, "CustomerID"},
		{"zero time and negative amount", with(4, func(t *Tx) { t.At, t.Amount = time.Time{}, -1 }), 4, "At"},
		{"two bad rows", func() []Tx {
			txns := with(3, func(t *Tx) { t.CustomerID = "" })
			txns[1].Amount = math.Inf(1)
			return txns
		}(), 1, "Amount"},
		{"bad row late in a big log", bigLate, big - 2, "Amount"},
		{"bad rows in both halves of a big log", bigBoth, big/2 - 5, "At"},
	}
}

// Convert returns rows as a fresh []T.
func Convert[T txlog.Tx](rows []Tx) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = T(r)
	}
	return out
}

// Same reports whether a and b hold the same rows: equal IDs, the same
// instant and location, amounts equal bit for bit (so NaN is NaN).
func Same[T txlog.Tx](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := Tx(a[i]), Tx(b[i])
		if x.CustomerID != y.CustomerID || x.At != y.At || math.Float64bits(x.Amount) != math.Float64bits(y.Amount) {
			return false
		}
	}
	return true
}

// FirstBad returns the first bad row of txns and its field, read straight
// from the rules (a reference for the shared step), or −1 and "".
func FirstBad[T txlog.Tx](txns []T) (int, string) {
	for i := range txns {
		t := Tx(txns[i])
		y := t.At.UTC().Year()
		switch {
		case t.CustomerID == "":
			return i, "CustomerID"
		case t.At.IsZero() || y < 1 || y > 9999:
			return i, "At"
		case math.IsNaN(t.Amount) || math.IsInf(t.Amount, 0) || t.Amount < 0 || t.Amount > 1e290:
			return i, "Amount"
		}
	}
	return -1, ""
}

// CheckError returns what is wrong with err, an error of function fn on the
// log txns, or "" when nothing is: err must be a *fault.DataError (as
// clv.DataError) of fn with a reason and a sentinel, and an error about a
// row must name the row and field FirstBad finds. An error about anything
// else (an option, an empty log) has Row −1 unless it indexes another
// slice of the call.
func CheckError[T txlog.Tx](err error, fn string, txns []T) string {
	var d *fault.DataError
	if !errors.As(err, &d) {
		return fmt.Sprintf("%T is not a data error: %v", err, err)
	}
	if d.Func != fn || d.Reason == "" || d.Err == nil {
		return fmt.Sprintf("malformed error %+v", *d)
	}
	switch d.Field {
	case "CustomerID", "At", "Amount":
		if row, field := FirstBad(txns); d.Row != row || d.Field != field {
			return fmt.Sprintf("error names row %d %s, the first bad value is row %d %s: %v", d.Row, d.Field, row, field, err)
		}
	}
	return ""
}

// RequireError fails t unless err is a *fault.DataError (as
// clv.DataError) of function fn for row and field that wraps sentinel;
// name labels the case.
func RequireError(t testing.TB, err error, fn string, row int, field string, sentinel error, name string) {
	t.Helper()
	var d *fault.DataError
	if !errors.As(err, &d) {
		t.Fatalf("%s: %T is not a data error: %v", name, err, err)
	}
	if d.Func != fn || d.Row != row || d.Field != field || !errors.Is(err, sentinel) {
		t.Fatalf("%s: got %s row %d field %q (%v), want %s row %d field %q wrapping %v", name, d.Func, d.Row, d.Field, err, fn, row, field, sentinel)
	}
}
