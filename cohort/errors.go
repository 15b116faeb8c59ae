package cohort

import (
	"errors"
	"fmt"

	"github.com/ltvgo/ltv/clv"
)

// ErrSingular is wrapped by the error of a regression whose design matrix
// is rank deficient (for example, fewer distinct times than coefficients),
// where the least-squares coefficients are not unique.
var ErrSingular = errors.New("rank-deficient design")

// invalid returns a *clv.DataError for row and field wrapping clv.ErrInvalid.
func invalid(fn string, row int, field, format string, args ...any) error {
	return &clv.DataError{Func: fn, Row: row, Field: field, Reason: fmt.Sprintf(format, args...), Err: clv.ErrInvalid}
}

// empty returns a *clv.DataError wrapping clv.ErrEmpty.
func empty(fn, reason string) error {
	return &clv.DataError{Func: fn, Row: -1, Reason: reason, Err: clv.ErrEmpty}
}

// singular returns a *clv.DataError wrapping ErrSingular.
func singular(fn, reason string) error {
	return &clv.DataError{Func: fn, Row: -1, Reason: reason, Err: ErrSingular}
}
