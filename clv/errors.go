package clv

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of them; test
// with errors.Is.
var (
	// ErrEmpty: there is nothing to work on (no transactions, no customers,
	// no customer with a repeat purchase for Gamma-Gamma).
	ErrEmpty = errors.New("empty input")
	// ErrInvalid: a value is out of its domain (NaN, ±Inf, negative, a
	// recency after the age, a non-integer count, a spend ≤ 0 ...).
	ErrInvalid = errors.New("invalid input")
	// ErrNotConverged: the optimiser stopped before meeting its tolerance,
	// or the Hessian at the optimum is not positive definite. The fit
	// returned with it is the best estimate found.
	ErrNotConverged = errors.New("fit did not converge")
	// ErrUndefined: a fitted quantity does not exist for these parameters
	// (e.g. the Gamma-Gamma mean spend when q ≤ 1).
	ErrUndefined = errors.New("undefined for these parameters")
)

// DataError reports one bad input value, with where it is. It is the error
// type of clv and of the workflow packages built on it (churn, segment,
// cohort); get at it with errors.As.
type DataError struct {
	Func   string // the function that rejected the input, e.g. "clv.FitBGNBD"
	Row    int    // index into the caller's slice; -1 when no single row is to blame
	Field  string // the offending field, e.g. "Recency"; empty when no single field is
	Reason string // what is wrong, e.g. "is NaN" or "exceeds T (38.86)"
	Err    error  // the sentinel this wraps (ErrInvalid, ErrEmpty, ...)
}

func (e *DataError) Error() string {
	msg := e.Func + ": "
	if e.Row >= 0 {
		msg += fmt.Sprintf("row %d: ", e.Row)
	}
	if e.Field != "" {
		msg += e.Field + " "
	}
	return msg + e.Reason + ": " + e.Err.Error()
}

func (e *DataError) Unwrap() error { return e.Err }

// invalid returns a *DataError for row and field wrapping ErrInvalid.
func invalid(fn string, row int, field, format string, args ...any) error {
	return &DataError{Func: fn, Row: row, Field: field, Reason: fmt.Sprintf(format, args...), Err: ErrInvalid}
}
