// Package fault is the one error shape of ltv: the sentinels every
// package wraps and DataError, the error that says which input is bad and
// where. clv and survival re-export them (clv.DataError and
// survival.DataError are aliases of DataError, clv.ErrInvalid is
// ErrInvalid, …), so errors.Is and errors.As work with either name on the
// errors of every package.
package fault

import (
	"errors"
	"fmt"
)

// Sentinels shared by every package. clv and survival document them for
// users.
var (
	ErrEmpty        = errors.New("empty input")
	ErrInvalid      = errors.New("invalid input")
	ErrNotConverged = errors.New("fit did not converge")
	ErrSingular     = errors.New("singular design or variance matrix (rank deficient)")
)

// DataError reports one bad input value or setting and where it is.
type DataError struct {
	Func   string // the function that rejected the input, e.g. "clv.FitBGNBD"
	Group  int    // index of the group in a call that takes groups; -1 otherwise
	Row    int    // index into the caller's slice (within its group); -1 when no single row is to blame
	Field  string // the offending field, option or argument, e.g. "Recency", "Options.Level", "y"; empty when none is
	Reason string // what is wrong, e.g. "is NaN" or "exceeds T (38.86)"
	Err    error  // the sentinel this wraps (ErrInvalid, ErrEmpty, ...)
}

// New returns a *DataError of function fn for row and field (Group −1)
// wrapping sentinel, with the reason fmt.Sprintf(format, args...).
func New(fn string, row int, field string, sentinel error, format string, args ...any) *DataError {
	return NewInGroup(fn, -1, row, field, sentinel, format, args...)
}

// NewInGroup is New for row of group group.
func NewInGroup(fn string, group, row int, field string, sentinel error, format string, args ...any) *DataError {
	return &DataError{Func: fn, Group: group, Row: row, Field: field, Reason: fmt.Sprintf(format, args...), Err: sentinel}
}

// Error returns "Func: group g: row r: Field Reason: Err", leaving out
// the group, row and field when they do not apply.
func (e *DataError) Error() string {
	msg := e.Func + ": "
	if e.Group >= 0 {
		msg += fmt.Sprintf("group %d: ", e.Group)
	}
	if e.Row >= 0 {
		msg += fmt.Sprintf("row %d: ", e.Row)
	}
	if e.Field != "" {
		msg += e.Field + " "
	}
	msg += e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *DataError) Unwrap() error { return e.Err }
