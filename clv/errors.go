package clv

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of them; test
// with errors.Is.
var (
	// ErrEmpty: there is nothing or too little to work on (no transactions,
	// no customers, no customer with a repeat purchase for Gamma-Gamma,
	// fewer distinct rows than a model has parameters).
	ErrEmpty = errors.New("empty input")
	// ErrInvalid: a value is out of its domain (NaN, ±Inf, negative, a
	// recency after the age, a non-integer count, a spend ≤ 0 ...).
	ErrInvalid = errors.New("invalid input")
	// ErrNotConverged: the optimiser stopped before meeting its tolerance,
	// or the Hessian at the optimum is not positive definite. The fit
	// returned with it is the best estimate found.
	ErrNotConverged = errors.New("fit did not converge")
	// ErrBoundary: the likelihood rises towards a limit of the parameter
	// space, where a mixing distribution collapses (every customer has the
	// same rate or probability) or piles up at zero. The maximum-likelihood
	// estimate is that limiting model; the fit returns it through a
	// *BoundaryError, which says which parameters were held and why.
	ErrBoundary = errors.New("the likelihood is maximised on the boundary of the parameter space")
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

// BoundaryError reports a fit whose likelihood keeps rising towards a limit
// of the parameter space: a shape parameter ran past 1e4 (its mixing
// distribution collapses onto one value, or onto 0) or below 1e-4 (it piles
// up at 0). Such a shape is held at that bound and the other parameters are
// fitted again, so the returned model is the limiting model to about 1% in
// its heterogeneity and is safe to predict with; its Fit has StdErr NaN for
// the held parameters, and Fit.NumParams counts only the free ones. Its
// log-likelihood is a lower bound on the supremum.
//
// What to do: use the returned model as the limiting model it stands for;
// compare it with a simpler model (e.g. an NBD without dropout, or constant
// churn) by AIC/BIC; or add FitOptions.Penalty to keep the parameters
// finite. The condition is common on small samples and on samples whose
// customers are close to homogeneous.
type BoundaryError struct {
	Func   string    // the fit function, e.g. "clv.FitBGNBD"
	Params []string  // the parameters held at a bound, e.g. ["R"]
	Held   []float64 // the value each is held at (1e4 or 1e-4)
	Limits []string  // what the model becomes in each limit
	Err    error     // ErrBoundary, joined with ErrNotConverged if the refit did not converge
}

func (e *BoundaryError) Error() string {
	msg := e.Func + ": "
	for i, name := range e.Params {
		if i > 0 {
			msg += "; "
		}
		msg += fmt.Sprintf("%s held at %g (%s)", name, e.Held[i], e.Limits[i])
	}
	return msg + ": " + e.Err.Error()
}

func (e *BoundaryError) Unwrap() error { return e.Err }
