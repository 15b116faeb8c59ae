package survival

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns wraps one of them; test
// with errors.Is.
var (
	// ErrEmpty: there is nothing to estimate (no observations, or fewer
	// than two groups with expected events in a log-rank test).
	ErrEmpty = errors.New("empty input")
	// ErrInvalid: a value is out of its domain (NaN, ±Inf, a negative time
	// or weight, an entry not before its exit).
	ErrInvalid = errors.New("invalid input")
	// ErrSingular: the log-rank variance matrix is not positive definite
	// (for example two groups whose risk sets are collinear).
	ErrSingular = errors.New("singular variance matrix")
)

// DataError reports one bad input value and where it is. It has the shape
// of clv.DataError (survival does not import clv) plus the group index used
// by the log-rank functions. Get at it with errors.As.
type DataError struct {
	Func   string // the function that rejected the input, e.g. "survival.KaplanMeier"
	Group  int    // index of the group in a log-rank call; -1 otherwise
	Row    int    // index into the caller's slice (within its group); -1 when no single row is to blame
	Field  string // the offending field, e.g. "Entry"; empty when no single field is
	Reason string // what is wrong, e.g. "is NaN"
	Err    error  // the sentinel this wraps (ErrInvalid, ErrEmpty, ErrSingular)
}

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
	return msg + e.Reason + ": " + e.Err.Error()
}

func (e *DataError) Unwrap() error { return e.Err }
