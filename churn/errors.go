package churn

import (
	"errors"
	"fmt"

	"github.com/ltvgo/ltv/clv"
)

// Sentinel errors of this package. Errors returned here are *clv.DataError
// values wrapping one of them or clv.ErrInvalid, clv.ErrEmpty or
// clv.ErrNotConverged; test with errors.Is.
var (
	// ErrSeparation: the classes are completely or quasi-completely
	// separated by a linear combination of the features, so the
	// unpenalised maximum-likelihood estimate does not exist (Albert &
	// Anderson 1984). Use LogisticOptions.L2 > 0 or drop the separating
	// feature.
	ErrSeparation = errors.New("classes are separated: the maximum-likelihood estimate does not exist")
	// ErrCollinear: a feature column is constant or (nearly) a linear
	// combination of other columns, so its coefficient is not identified.
	ErrCollinear = errors.New("design is rank deficient")
)

// dataError returns a *clv.DataError of function fn for row and field.
func dataError(fn string, row int, field string, sentinel error, format string, args ...any) error {
	return &clv.DataError{Func: fn, Row: row, Field: field, Reason: fmt.Sprintf(format, args...), Err: sentinel}
}
