package segment

import (
	"math"
	"slices"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
)

// ByCount puts each value into a tier by the share of customers ranked
// strictly above it. Customer i goes to names[k] for the first k with
//
//	#{j : values[j] > values[i]} / len(values) < cuts[k]
//
// and to the last name when there is no such k. So the top tier holds the
// largest values up to a cuts[0] share of the customers, and tied values
// always share a tier: a tie at a boundary joins the higher tier whole, so a
// tier may hold more than its share. cuts must be strictly increasing in
// [0, 1] and len(names) == len(cuts)+1.
//
// It returns a *clv.DataError wrapping clv.ErrEmpty for no values and one
// wrapping clv.ErrInvalid for a NaN or infinite value, for a cut that is
// outside [0, 1] or not above the previous one (Row its index, Field
// "cuts"), and for names of the wrong length (Row -1, Field "names").
// values is not modified or kept.
func ByCount(values, cuts []float64, names []string) ([]string, error) {
	return tiers("segment.ByCount", values, cuts, nil, names, false)
}

// ByRevenue puts each value into a tier by the cumulative share of the
// total held by the customers ranked strictly above it (ABC analysis).
// Customer i goes to names[k] for the first k with
//
//	Σ{values[j] : values[j] > values[i]} / Σ values < cuts[k]
//
// and to the last name when there is no such k. So the customer whose value
// carries the cumulative share across cuts[k] still belongs to tier k: tier
// k is the fewest top customers that reach the share cuts[k]. Tied values
// always share a tier. cuts and names are as for ByCount.
//
// It returns a *clv.DataError wrapping clv.ErrEmpty for no values, and one
// wrapping clv.ErrInvalid for a NaN, infinite or negative value, a zero
// total, or cuts and names as for ByCount. values is not modified or kept.
func ByRevenue(values, cuts []float64, names []string) ([]string, error) {
	return tiers("segment.ByRevenue", values, cuts, nil, names, true)
}

// ABC is ByRevenue with the tiers "A" up to a share a of the revenue, "B" up
// to b, and "C" for the rest; a = 0.8, b = 0.95 is the usual choice. Errors
// are as for ByRevenue, with 0 ≤ a < b ≤ 1 (Row -1, Field "a" or "b").
func ABC(values []float64, a, b float64) ([]string, error) {
	return tiers("segment.ABC", values, []float64{a, b}, []string{"a", "b"}, []string{"A", "B", "C"}, true)
}

// HeavyMediumLight is ByCount with the tiers "Heavy" for the top heavy
// share of customers, "Medium" up to the share medium, and "Light" for the
// rest; heavy = 0.2, medium = 0.5 is a common choice. Errors are as for
// ByCount, with 0 ≤ heavy < medium ≤ 1 (Row -1, Field "heavy" or
// "medium").
func HeavyMediumLight(values []float64, heavy, medium float64) ([]string, error) {
	return tiers("segment.HeavyMediumLight", values, []float64{heavy, medium}, []string{"heavy", "medium"},
		[]string{"Heavy", "Medium", "Light"}, false)
}

// Top reports which values are in the top share of customers, share in
// [0, 1]: those with #{j : values[j] > values[i]} / len(values) < share,
// so ties at the boundary are all in. Top(v, 0) marks none, Top(v, 1) all.
// Errors are as for ByCount, with a share outside [0, 1] (Row -1, Field
// "share").
func Top(values []float64, share float64) ([]bool, error) {
	names, err := tiers("segment.Top", values, []float64{share}, []string{"share"}, []string{"top", ""}, false)
	if err != nil {
		return nil, err
	}
	top := make([]bool, len(values))
	for i, n := range names {
		top[i] = n == "top"
	}
	return top, nil
}

// tiers walks a sorted copy of values from the top, one group of tied
// values at a time, finds the tier of each group from the share ranked
// above it (a count share, or a revenue share when byRevenue), and keeps
// the lowest value of each tier; a customer then gets the first tier whose
// lowest value it reaches. Tiers fall with the value, so this is exact.
// cutArgs names the argument of each cut in errors; nil means the slice
// "cuts", whose errors then give the cut's index as Row.
func tiers(fn string, values, cuts []float64, cutArgs, names []string, byRevenue bool) ([]string, error) {
	if len(names) != len(cuts)+1 {
		return nil, fault.New(fn, -1, "names", clv.ErrInvalid, "has %d tier names for %d cuts, want %d", len(names), len(cuts), len(cuts)+1)
	}
	for k, c := range cuts {
		if !(c >= 0 && c <= 1) || (k > 0 && c <= cuts[k-1]) {
			row, field := k, "cuts"
			if cutArgs != nil {
				row, field = -1, cutArgs[k]
			}
			return nil, fault.New(fn, row, field, clv.ErrInvalid, "is %v, want in [0, 1] and above the cut before it", c)
		}
	}
	if err := checkValues(fn, values, byRevenue); err != nil {
		return nil, err
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	total := float64(len(sorted))
	unit := 1.0 // revenues are summed in units of 2^64 when their total overflows
	if byRevenue {
		total = 0
		for i := len(sorted) - 1; i >= 0; i-- { // the order the shares are summed in below
			total += sorted[i]
		}
		if math.IsInf(total, 1) {
			unit, total = 0x1p-64, 0
			for i := len(sorted) - 1; i >= 0; i-- {
				total += sorted[i] * unit
			}
		}
		if total == 0 {
			return nil, fault.New(fn, -1, "values", clv.ErrInvalid, "sum to 0, so there are no revenue shares")
		}
	}
	lowest := make([]float64, len(names)) // lowest value of each tier; +Inf when empty
	for k := range lowest {
		lowest[k] = math.Inf(1)
	}
	above := 0.0 // count or revenue of the customers ranked strictly above
	for g := len(sorted) - 1; g >= 0; {
		v := sorted[g]
		tier := len(cuts)
		for k, c := range cuts {
			if above/total < c {
				tier = k
				break
			}
		}
		lowest[tier] = v
		for ; g >= 0 && sorted[g] == v; g-- {
			if byRevenue {
				above += v * unit
			} else {
				above++
			}
		}
	}
	out := make([]string, len(values))
	for i, v := range values {
		k := 0
		for v < lowest[k] {
			k++
		}
		out[i] = names[k]
	}
	return out, nil
}

// checkValues rejects no values, NaN and ±Inf, and negative values when
// nonNegative.
func checkValues(fn string, values []float64, nonNegative bool) error {
	if len(values) == 0 {
		return fault.New(fn, -1, "", clv.ErrEmpty, "no values")
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) || (nonNegative && v < 0) {
			want := "finite"
			if nonNegative {
				want = "finite and ≥ 0"
			}
			return fault.New(fn, i, "", clv.ErrInvalid, "value is %v, want %s", v, want)
		}
	}
	return nil
}
