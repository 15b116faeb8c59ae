package clv

import (
	"errors"
	"fmt"

	"github.com/ltvgo/ltv/internal/fault"
)

// Sentinel errors. Errors returned by this package wrap one of them; test
// with errors.Is. ErrEmpty, ErrInvalid, ErrNotConverged and ErrSingular are
// shared by every package of ltv (survival.ErrInvalid is ErrInvalid, and
// churn, cohort and segment wrap these), so one errors.Is test serves
// errors from all of them.
var (
	// ErrEmpty: there is nothing or too little to work on (no transactions,
	// no customers, no customer with a repeat purchase for Gamma-Gamma,
	// fewer distinct rows than a model has parameters).
	ErrEmpty = fault.ErrEmpty
	// ErrInvalid: a value is out of its domain (NaN, ±Inf, negative, a
	// recency after the age, a non-integer count, a spend ≤ 0 ...), or a
	// setting is: an option outside its range, an unknown enum value,
	// parallel slices of different lengths.
	ErrInvalid = fault.ErrInvalid
	// ErrNotConverged: the optimiser stopped before meeting its tolerance,
	// or the Hessian at the optimum is not positive definite. The fit
	// returned with it is the best estimate found. It is wrapped by a
	// plain error that names the function, never by a *DataError: the
	// input is not at fault.
	ErrNotConverged = fault.ErrNotConverged
	// ErrSingular: a design or variance matrix is singular (rank
	// deficient), so the estimate is not unique: a constant or collinear
	// feature column in churn.FitLogistic, a regression design with too
	// few distinct times in cohort.FitTrend, a log-rank variance that is
	// not positive definite in survival.
	ErrSingular = fault.ErrSingular
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

// DataError reports one bad input value or setting, with where it is. It
// is the error type of every package of ltv (survival.DataError is the
// same type); get at it with errors.As. Its fields are
//
//	Func   string // the function that rejected the input, e.g. "clv.FitBGNBD"
//	Group  int    // index of the group in a call that takes groups (survival.LogRankTest); -1 otherwise
//	Row    int    // index into the caller's slice (within its group); -1 when no single row is to blame
//	Field  string // the offending field, option or argument, e.g. "Recency",
//	              // "FitOptions.Start", "y"; empty when no single one is
//	Reason string // what is wrong, e.g. "is NaN" or "exceeds T (38.86)"
//	Err    error  // the sentinel it wraps (ErrInvalid, ErrEmpty, ...), returned by Unwrap
//
// and Error returns "Func: group g: row r: Field Reason: Err", leaving out
// the parts that do not apply. A bad setting (an option, an argument) has
// Row -1 and names the setting in Field.
type DataError = fault.DataError

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
