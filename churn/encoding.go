package churn

import (
	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/modelenc"
)

// logisticKind is the saved kind of a Logistic.
var logisticKind = modelenc.Kind{Name: "churn.Logistic", Version: 1}

// MarshalJSON returns the saved form of l (see "Saving and loading models"
// in the package documentation): every field, NaN and ±Inf as the strings
// "NaN", "+Inf" and "-Inf".
func (l Logistic) MarshalJSON() ([]byte, error) { return modelenc.Marshal(logisticKind, l, nil) }

// UnmarshalJSON loads a saved Logistic, refusing another kind or version,
// a missing or unknown key, an intercept or coefficient that is not
// finite, and per-feature slices (StdErr, Names, Mean) or a covariance of
// another size than Coef.
func (l *Logistic) UnmarshalJSON(data []byte) error {
	const fn = "churn.Logistic.UnmarshalJSON"
	var w Logistic
	if err := modelenc.Unmarshal(fn, data, logisticKind, &w, nil); err != nil {
		return err
	}
	if err := modelenc.CheckFinite(fn, "params.Intercept", w.Intercept); err != nil {
		return err
	}
	if err := modelenc.CheckFinite(fn, "params.Coef", w.Coef); err != nil {
		return err
	}
	k := len(w.Coef)
	if err := modelenc.CheckLens(fn, "params.", k, true, modelenc.Column{Name: "StdErr", Len: len(w.StdErr)},
		modelenc.Column{Name: "Names", Len: len(w.Names)}, modelenc.Column{Name: "Mean", Len: len(w.Mean)}); err != nil {
		return err
	}
	if err := modelenc.CheckMatrix(fn, "params.Cov", w.Cov, k+1, true); err != nil {
		return err
	}
	if !(w.L2 >= 0) {
		return fault.New(fn, -1, "params.L2", clv.ErrInvalid, "is %v, want ≥ 0", w.L2)
	}
	*l = w
	return nil
}
