package clv

import (
	"cmp"
	"math"
	"slices"

	"github.com/ltvgo/ltv/internal/fault"
)

// SensitivityOptions give the settings ValueSensitivity tries, one input
// at a time; an empty slice leaves that input at its base value.
type SensitivityOptions struct {
	Margins   []float64 // ValueOptions.Margin settings, each in (0, 1]
	Discounts []float64 // ValueOptions.Discount settings, each ≥ 0 per cash-flow period
	Horizons  []int     // ValueOptions.Horizon settings, each 1 to MaxHorizon cash-flow periods
}

// SensitivityInput is one input's row of a sensitivity table: the bar of
// a tornado chart runs from Low to High around Sensitivity.Base.
type SensitivityInput struct {
	Name      string    // "Margin", "Discount" or "Horizon"
	Settings  []float64 // the settings tried, ascending (Horizon in cash-flow periods)
	Values    []float64 // the population value at each setting, the other inputs at base
	Low, High float64   // the smallest and the largest of Values
}

// Sensitivity is a one-at-a-time sensitivity table of the population
// value Σ Weight·Value (Weight 0 counting 1).
type Sensitivity struct {
	Base   float64            // the population value at the base options
	Inputs []SensitivityInput // one per input varied, the widest High − Low first (a tornado chart's order)
}

// ValueSensitivity returns the population value Σ Weight·Value (as Value
// computes it) at the base options and with each of margin, discount rate
// and horizon moved over the caller's settings while the others stay at
// base: the table a tornado chart is drawn from. The model's expectations
// are computed once, for the longest horizon, so each setting costs a
// pass over the distinct (x, T) groups. model must be a purchase model of
// this package. cs and the setting slices are not modified.
//
// Errors: those of Score for the base options and the customers; a
// *DataError wrapping ErrInvalid (Row −1) naming a bad setting
// ("SensitivityOptions.Margins", …) or a model that is not of this
// package ("model"), or ErrUndefined naming a setting at which the value
// is not finite (e.g. a BGBB horizon past MaxOpportunities).
func ValueSensitivity(model PurchaseModel, spend GammaGamma, cs []Customer, base ValueOptions, s SensitivityOptions) (Sensitivity, error) {
	const fn = "clv.ValueSensitivity"
	m, ok := model.(parametric)
	if !ok {
		return Sensitivity{}, fault.New(fn, -1, "model", ErrInvalid, "is a %T, want a purchase model of package clv", model)
	}
	base, err := base.resolve(fn, model)
	if err != nil {
		return Sensitivity{}, err
	}
	for i, v := range s.Margins {
		if !(v > 0 && v <= 1) {
			return Sensitivity{}, fault.New(fn, -1, "SensitivityOptions.Margins", ErrInvalid, "[%d] is %v, want in (0, 1]", i, v)
		}
	}
	for i, v := range s.Discounts {
		if !(v >= 0) || math.IsInf(v, 1) {
			return Sensitivity{}, fault.New(fn, -1, "SensitivityOptions.Discounts", ErrInvalid, "[%d] is %v, want ≥ 0", i, v)
		}
	}
	longest := base.Horizon
	for i, v := range s.Horizons {
		if v < 1 || v > MaxHorizon {
			return Sensitivity{}, fault.New(fn, -1, "SensitivityOptions.Horizons", ErrInvalid, "[%d] is %d, want 1 to %d", i, v, MaxHorizon)
		}
		longest = max(longest, v)
	}
	table, rowOf, err := valueRows(fn, cs, nil)
	if err != nil {
		return Sensitivity{}, err
	}
	h := newHorizon(table.rows, base)

	// Per group: Σ_rows P(alive)·Σ w·E[Z], and E[Y(k·f) | alive] for k ≤ longest.
	alive := make([]float64, len(h.rows))
	for i, r := range h.rows {
		alive[i], _ = m.alive(Customer{Frequency: r.x, Recency: r.tx, T: r.t})
	}
	weight := make([]float64, len(h.groups))
	for i, c := range cs {
		weight[h.groupOf[rowOf[i]]] += alive[rowOf[i]] * c.weight() * spend.ConditionalExpectedSpend(c)
	}
	curve := make([][]float64, len(h.groups))
	for g, xt := range h.groups {
		curve[g] = make([]float64, longest)
		for k := range curve[g] {
			curve[g][k] = m.purchasesIfAlive(xt[0], xt[1], float64(k+1)*h.f)
		}
	}
	value := func(margin, discount float64, periods int) float64 {
		var sum float64
		for g, c := range curve {
			_, v := discounted(periods, discount, func(k int) float64 { return c[k-1] })
			sum += weight[g] * v
		}
		return margin * sum
	}
	out := Sensitivity{Base: value(base.Margin, base.Discount, base.Horizon)}
	if math.IsNaN(out.Base) || math.IsInf(out.Base, 0) {
		return Sensitivity{}, fault.New(fn, -1, "", ErrUndefined, "the population value is not finite under %+v and %+v", model, spend)
	}
	add := func(name string, settings []float64, at func(v float64) float64) error {
		if len(settings) == 0 {
			return nil
		}
		in := SensitivityInput{Name: name, Settings: slices.Sorted(slices.Values(settings))}
		for _, v := range in.Settings {
			x := at(v)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fault.New(fn, -1, "SensitivityOptions."+name+"s", ErrUndefined, "the population value is not finite at %v", v)
			}
			in.Values = append(in.Values, x)
		}
		in.Low, in.High = slices.Min(in.Values), slices.Max(in.Values)
		out.Inputs = append(out.Inputs, in)
		return nil
	}
	horizons := make([]float64, len(s.Horizons))
	for i, v := range s.Horizons {
		horizons[i] = float64(v)
	}
	if err := add("Margin", s.Margins, func(v float64) float64 { return value(v, base.Discount, base.Horizon) }); err != nil {
		return Sensitivity{}, err
	}
	if err := add("Discount", s.Discounts, func(v float64) float64 { return value(base.Margin, v, base.Horizon) }); err != nil {
		return Sensitivity{}, err
	}
	if err := add("Horizon", horizons, func(v float64) float64 { return value(base.Margin, base.Discount, int(v)) }); err != nil {
		return Sensitivity{}, err
	}
	slices.SortStableFunc(out.Inputs, func(a, b SensitivityInput) int { return cmp.Compare(b.High-b.Low, a.High-a.Low) })
	return out, nil
}
