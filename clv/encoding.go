package clv

import (
	"fmt"
	"reflect"

	"github.com/ltvgo/ltv/internal/modelenc"
)

// savedKind is the format of one saved type of this package.
type savedKind struct {
	kind modelenc.Kind
	// model: every float64 field is a parameter that must be finite and
	// > 0, and every coefficient finite.
	model bool
	// check validates what model does not cover; nil: nothing more.
	check func(fn string, v any) error
}

// savedKinds lists the saved types. A new model type is saved by one line
// here and the two one-line methods of encoding_methods.go.
var savedKinds = map[reflect.Type]savedKind{
	reflect.TypeFor[BGNBD]():                   {kind: modelenc.Kind{Name: "clv.BGNBD", Version: 1}, model: true},
	reflect.TypeFor[MBGNBD]():                  {kind: modelenc.Kind{Name: "clv.MBGNBD", Version: 1}, model: true},
	reflect.TypeFor[ParetoNBD]():               {kind: modelenc.Kind{Name: "clv.ParetoNBD", Version: 1}, model: true},
	reflect.TypeFor[BGBB]():                    {kind: modelenc.Kind{Name: "clv.BGBB", Version: 1}, model: true},
	reflect.TypeFor[GammaGamma]():              {kind: modelenc.Kind{Name: "clv.GammaGamma", Version: 1}, model: true},
	reflect.TypeFor[ShiftedBetaGeometric]():    {kind: modelenc.Kind{Name: "clv.ShiftedBetaGeometric", Version: 1}, model: true},
	reflect.TypeFor[BetaDiscreteWeibull]():     {kind: modelenc.Kind{Name: "clv.BetaDiscreteWeibull", Version: 1}, model: true},
	reflect.TypeFor[BGNBDCov]():                {kind: modelenc.Kind{Name: "clv.BGNBDCov", Version: 1}, model: true, check: purchaseNames},
	reflect.TypeFor[MBGNBDCov]():               {kind: modelenc.Kind{Name: "clv.MBGNBDCov", Version: 1}, model: true, check: purchaseNames},
	reflect.TypeFor[ParetoNBDCov]():            {kind: modelenc.Kind{Name: "clv.ParetoNBDCov", Version: 1}, model: true, check: purchaseNames},
	reflect.TypeFor[BGBBCov]():                 {kind: modelenc.Kind{Name: "clv.BGBBCov", Version: 1}, model: true, check: purchaseNames},
	reflect.TypeFor[GammaGammaCov]():           {kind: modelenc.Kind{Name: "clv.GammaGammaCov", Version: 1}, model: true, check: checkCovNames("Spend", "Names")},
	reflect.TypeFor[ShiftedBetaGeometricCov](): {kind: modelenc.Kind{Name: "clv.ShiftedBetaGeometricCov", Version: 1}, model: true, check: subscriberNames},
	reflect.TypeFor[BetaDiscreteWeibullCov]():  {kind: modelenc.Kind{Name: "clv.BetaDiscreteWeibullCov", Version: 1}, model: true, check: subscriberNames},
	reflect.TypeFor[Fit]():                     {kind: modelenc.Kind{Name: "clv.Fit", Version: 1}},
}

// kindOf returns the saved kind of T.
func kindOf[T any]() (savedKind, error) {
	k, ok := savedKinds[reflect.TypeFor[T]()]
	if !ok {
		return k, fmt.Errorf("clv: a %s cannot be saved: %w", reflect.TypeFor[T](), ErrInvalid)
	}
	return k, nil
}

// marshal returns the saved form of v, with fit when it is not nil.
func marshal[T any](v T, fit *Fit) ([]byte, error) {
	k, err := kindOf[T]()
	if err != nil {
		return nil, err
	}
	if fit == nil {
		return modelenc.Marshal(k.kind, v, nil)
	}
	return modelenc.Marshal(k.kind, v, *fit)
}

// unmarshal decodes the saved form data into *v (and its "fit" into *fit
// when fit is not nil) and validates it; *v is unchanged on error.
func unmarshal[T any](data []byte, v *T, fit *Fit) error {
	k, err := kindOf[T]()
	if err != nil {
		return err
	}
	fn := "clv." + reflect.TypeFor[T]().Name() + ".UnmarshalJSON"
	var out T
	var f Fit
	var fp any
	if fit != nil {
		fp = &f
	}
	if err := modelenc.Unmarshal(fn, data, k.kind, &out, fp); err != nil {
		return err
	}
	if k.model {
		if err := modelenc.CheckFinite(fn, "params", out); err != nil {
			return err
		}
		if err := modelenc.CheckPositive(fn, "params", out); err != nil {
			return err
		}
	}
	if k.check != nil {
		if err := k.check(fn, out); err != nil {
			return err
		}
	}
	*v = out
	if fit != nil {
		*fit = f
	}
	return nil
}

// checkCovNames returns the check of the column names of a loaded
// covariate model against its coefficients: fields lists pairs of field
// names, a []float64 of coefficients then the []string naming them.
func checkCovNames(fields ...string) func(fn string, v any) error {
	return func(fn string, v any) error {
		m := reflect.ValueOf(v)
		for j := 0; j < len(fields); j += 2 {
			names := m.FieldByName(fields[j+1]).Interface().([]string)
			if err := checkNames(fn, "params."+fields[j+1], names, m.FieldByName(fields[j]).Len()); err != nil {
				return err
			}
		}
		return nil
	}
}

// purchaseNames and subscriberNames check the names of the purchase
// models with covariates and of the subscriber models with covariates.
var (
	purchaseNames   = checkCovNames("Purchase", "PurchaseNames", "Dropout", "DropoutNames")
	subscriberNames = checkCovNames("AlphaCoef", "AlphaNames", "BetaCoef", "BetaNames")
)

// Fitted is a model with the report of its fit, saved and loaded as one
// value: the model's saved form with its Fit as the "fit" object (see
// "Saving and loading models" in the package documentation). M is a model
// type of this package.
type Fitted[M any] struct {
	Model M
	Fit   Fit
}

// MarshalJSON returns the saved form of f.
func (f Fitted[M]) MarshalJSON() ([]byte, error) { return marshal(f.Model, &f.Fit) }

// UnmarshalJSON loads a saved Fitted, validated as the model's
// UnmarshalJSON does; the "fit" object is required.
func (f *Fitted[M]) UnmarshalJSON(data []byte) error { return unmarshal(data, &f.Model, &f.Fit) }
