package survival

import "github.com/ltvgo/ltv/internal/fault"

// Sentinel errors. Every error this package returns wraps one of them; test
// with errors.Is. They are shared with the rest of ltv: ErrEmpty is
// clv.ErrEmpty, ErrInvalid is clv.ErrInvalid, ErrSingular is
// clv.ErrSingular and ErrNotConverged is clv.ErrNotConverged, so one
// errors.Is test serves errors from every package.
var (
	// ErrEmpty: there is nothing to estimate (no observations, or fewer
	// than two groups with expected events in a log-rank test).
	ErrEmpty = fault.ErrEmpty
	// ErrInvalid: a value is out of its domain (NaN, ±Inf, a negative time
	// or weight, an entry not before its exit), or a setting is (an option
	// outside its range, an unknown enum value, strata that do not match
	// the groups).
	ErrInvalid = fault.ErrInvalid
	// ErrSingular: a variance matrix is singular (rank deficient), as the
	// log-rank variance of two groups whose risk sets are collinear.
	ErrSingular = fault.ErrSingular
	// ErrNotConverged: an iterative fit stopped before its convergence
	// test passed; the fit returned with it is the best estimate reached.
	// It is not wrapped in a *DataError (no input value is to blame).
	ErrNotConverged = fault.ErrNotConverged
)

// DataError reports one bad input value or setting and where it is. It is
// the same type as clv.DataError (survival does not import clv; both are
// the one error type of ltv), so errors.As with either name finds it. Its
// fields are
//
//	Func   string // the function that rejected the input, e.g. "survival.KaplanMeier"
//	Group  int    // index of the group in a log-rank call; -1 otherwise
//	Row    int    // index into the caller's slice (within its group); -1 when no single row is to blame
//	Field  string // the offending field or option, e.g. "Entry", "Options.Level"; empty when none is
//	Reason string // what is wrong, e.g. "is NaN"
//	Err    error  // the sentinel it wraps (ErrInvalid, ErrEmpty, ErrSingular), returned by Unwrap
//
// and Error returns "Func: group g: row r: Field Reason: Err", leaving out
// the parts that do not apply. A bad option has Row -1 and names the
// option in Field.
type DataError = fault.DataError
