package clv

import (
	"math"

	"github.com/ltvgo/ltv/internal/fault"
)

// HoldoutGroup is one row of the calibration-versus-holdout table (FHL
// 2005, Figure 4): the customers with one calibration frequency, their
// mean actual purchases in the holdout and the mean the model predicted.
type HoldoutGroup struct {
	Frequency int     // calibration repeat purchases; the last group holds this many or more
	Customers float64 // Σ weights
	Actual    float64 // mean holdout purchases
	Predicted float64 // mean E[Y(HoldoutT) | x, t_x, T]
}

// HoldoutEvaluation compares a model's holdout predictions with what the
// customers did. Per-customer measures are weighted by Customer.Weight.
type HoldoutEvaluation struct {
	Groups []HoldoutGroup // by calibration frequency 0, 1, …, maxFrequency+

	MAE         float64 // mean |actual − predicted| per customer
	RMSE        float64 // root mean squared error per customer
	Correlation float64 // Pearson correlation of actual and predicted per customer

	Actual    float64 // total holdout purchases
	Predicted float64 // total predicted holdout purchases
	// TrackingError is (Predicted − Actual)/Actual: the aggregate bias
	// over the holdout.
	TrackingError float64
}

// EvaluateHoldout predicts each customer's holdout purchases,
// E[Y(HoldoutT) | x, t_x, T], and compares them with the actual ones,
// grouped by calibration frequency (frequencies above maxFrequency share
// the last group; there are no groups above the largest frequency in cs).
// cs is not modified.
//
// Errors: a *DataError wrapping ErrEmpty for no customers, or ErrInvalid
// naming the row and field of a bad summary, a negative or NaN holdout
// count or length, or maxFrequency < 0.
func EvaluateHoldout(m PurchaseModel, cs []HoldoutCustomer, maxFrequency int) (HoldoutEvaluation, error) {
	return evaluateHoldout("clv.EvaluateHoldout", cs, maxFrequency, func(i int, h HoldoutCustomer) (float64, error) {
		return m.ConditionalExpectedPurchases(h.Customer, h.HoldoutT), nil
	})
}

// EvaluateHoldoutPredictions is EvaluateHoldout for predictions made
// elsewhere: predicted[i] is customer i's expected holdout purchases (from
// a model outside this package, a regression, a rule of thumb), compared
// with cs[i].HoldoutPurchases in the same table. Neither slice is modified.
//
// Errors: as EvaluateHoldout, and ErrInvalid when the lengths differ
// (Field "predicted") or a prediction is negative, NaN or +Inf (naming its
// row).
func EvaluateHoldoutPredictions(cs []HoldoutCustomer, predicted []float64, maxFrequency int) (HoldoutEvaluation, error) {
	const fn = "clv.EvaluateHoldoutPredictions"
	if len(predicted) != len(cs) {
		return HoldoutEvaluation{}, fault.New(fn, -1, "predicted", ErrInvalid, "has %d rows, want one per customer (%d)", len(predicted), len(cs))
	}
	return evaluateHoldout(fn, cs, maxFrequency, func(i int, _ HoldoutCustomer) (float64, error) {
		if p := predicted[i]; !(p >= 0) || math.IsInf(p, 1) {
			return 0, fault.New(fn, i, "predicted", ErrInvalid, "is %v, want a finite count ≥ 0", p)
		}
		return predicted[i], nil
	})
}

// evaluateHoldout builds the holdout comparison with predict(i, cs[i]) as
// customer i's expected holdout purchases.
func evaluateHoldout(fn string, cs []HoldoutCustomer, maxFrequency int, predict func(int, HoldoutCustomer) (float64, error)) (HoldoutEvaluation, error) {
	if maxFrequency < 0 || maxFrequency > maxWhole {
		return HoldoutEvaluation{}, fault.New(fn, -1, "maxFrequency", ErrInvalid, "is %d, want 0 to 2^53", maxFrequency)
	}
	// Groups above the largest frequency seen would be empty: don't
	// allocate them (maxFrequency may be huge).
	largest := 0.0
	for _, h := range cs {
		if h.Frequency > largest && h.Frequency <= maxWhole {
			largest = h.Frequency
		}
	}
	if maxFrequency > int(largest) {
		maxFrequency = int(largest)
	}
	if len(cs) == 0 {
		return HoldoutEvaluation{}, fault.New(fn, -1, "", ErrEmpty, "no customers")
	}
	groups := make([]HoldoutGroup, maxFrequency+1)
	for i := range groups {
		groups[i].Frequency = i
	}
	var ev HoldoutEvaluation
	var n, sa, sp, saa, spp, sap, sabs float64
	for i, h := range cs {
		if err := checkCustomer(fn, i, h.Customer, false); err != nil {
			return HoldoutEvaluation{}, err
		}
		switch {
		case !(h.HoldoutPurchases >= 0) || math.IsInf(h.HoldoutPurchases, 1):
			return HoldoutEvaluation{}, fault.New(fn, i, "HoldoutPurchases", ErrInvalid, "is %v, want ≥ 0", h.HoldoutPurchases)
		case !(h.HoldoutT >= 0) || math.IsInf(h.HoldoutT, 1):
			return HoldoutEvaluation{}, fault.New(fn, i, "HoldoutT", ErrInvalid, "is %v, want ≥ 0", h.HoldoutT)
		}
		pred, err := predict(i, h)
		if err != nil {
			return HoldoutEvaluation{}, err
		}
		w, act := h.weight(), h.HoldoutPurchases
		g := &groups[min(int(h.Frequency), maxFrequency)]
		g.Customers += w
		g.Actual += w * act
		g.Predicted += w * pred
		n += w
		sa += w * act
		sp += w * pred
		saa += w * act * act
		spp += w * pred * pred
		sap += w * act * pred
		sabs += w * math.Abs(act-pred)
	}
	for i := range groups {
		if c := groups[i].Customers; c > 0 {
			groups[i].Actual /= c
			groups[i].Predicted /= c
		}
	}
	ev.Groups = groups
	ev.Actual, ev.Predicted = sa, sp
	ev.TrackingError = (sp - sa) / sa
	ev.MAE = sabs / n
	ev.RMSE = math.Sqrt((saa - 2*sap + spp) / n)
	ma, mp := sa/n, sp/n
	ev.Correlation = (sap/n - ma*mp) / math.Sqrt((saa/n-ma*ma)*(spp/n-mp*mp))
	return ev, nil
}
