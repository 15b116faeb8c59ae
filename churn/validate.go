package churn

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
)

// Fold is one train/test split of row indices (each in increasing order).
type Fold struct {
	Train, Test []int
}

// StratifiedGroupKFold splits rows into k folds such that all rows of one
// customer (equal ids) land in the same fold and each fold's share of
// churned and non-churned rows is close to the overall one. Customers are
// shuffled with a PCG generator seeded by seed, then taken largest first
// and each put in the fold where it least increases Σ_class (fold's class
// count / class total)², which keeps both classes spread evenly (a greedy
// scheme in the spirit of scikit-learn's StratifiedGroupKFold, not its
// exact assignment). Fold i is the test set of split i.
//
// It returns a *clv.DataError wrapping clv.ErrEmpty for no rows, and
// clv.ErrInvalid when there are fewer customers than folds, k < 2 or the
// labels do not match ids (Row -1, Field "k" or "positive"). The inputs
// are only read.
func StratifiedGroupKFold(ids []string, positive []bool, k int, seed uint64) ([]Fold, error) {
	const fn = "churn.StratifiedGroupKFold"
	if err := labelsError(fn, len(ids), positive); err != nil {
		return nil, err
	}
	if k < 2 {
		return nil, fault.New(fn, -1, "k", clv.ErrInvalid, "is %d, want ≥ 2 folds", k)
	}
	type group struct {
		rows  []int
		count [2]float64
	}
	index := make(map[string]int)
	var groups []group
	var total [2]float64
	for i, id := range ids {
		g, ok := index[id]
		if !ok {
			g = len(groups)
			index[id] = g
			groups = append(groups, group{})
		}
		groups[g].rows = append(groups[g].rows, i)
		groups[g].count[b2i(positive[i])]++
		total[b2i(positive[i])]++
	}
	if len(ids) == 0 {
		return nil, fault.New(fn, -1, "ids", clv.ErrEmpty, "has no rows")
	}
	if len(groups) < k {
		return nil, fault.New(fn, -1, "ids", clv.ErrInvalid,
			"has %d customers for %d folds", len(groups), k)
	}
	order := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).Perm(len(groups))
	// Largest groups first; the shuffle breaks ties between equal sizes.
	rank := make([]int, len(groups))
	for r, g := range order {
		rank[g] = r
	}
	sortGroups := func(a, b int) int {
		if d := len(groups[b].rows) - len(groups[a].rows); d != 0 {
			return d
		}
		return rank[a] - rank[b]
	}
	slices.SortFunc(order, sortGroups)
	foldOf := make([]int, len(ids))
	counts := make([][2]float64, k)
	for _, g := range order {
		best, bestCost := 0, 0.0
		for f := range k {
			var cost float64
			for c := range 2 {
				if total[c] > 0 {
					share := (counts[f][c] + groups[g].count[c]) / total[c]
					cost += share*share - (counts[f][c]/total[c])*(counts[f][c]/total[c])
				}
			}
			if f == 0 || cost < bestCost {
				best, bestCost = f, cost
			}
		}
		counts[best][0] += groups[g].count[0]
		counts[best][1] += groups[g].count[1]
		for _, i := range groups[g].rows {
			foldOf[i] = best
		}
	}
	folds := make([]Fold, k)
	for i, f := range foldOf {
		for j := range folds {
			if j == f {
				folds[j].Test = append(folds[j].Test, i)
			} else {
				folds[j].Train = append(folds[j].Train, i)
			}
		}
	}
	return folds, nil
}

// TimeSplit splits panel rows by as-of date for out-of-time validation:
// test rows have an as-of date on or after cutoff; training rows have an
// as-of date at least horizonDays calendar days before cutoff, so that
// their label windows close before the test period begins. Rows in
// between are in neither set. asOf is only read; the indices are in
// increasing order.
func TimeSplit(asOf []time.Time, cutoff time.Time, horizonDays int) (train, test []int) {
	trainEnd := cutoff.AddDate(0, 0, -min(horizonDays, maxDays)) // beyond the calendar AddDate wraps
	for i, a := range asOf {
		switch {
		case !a.Before(cutoff):
			test = append(test, i)
		case !a.After(trainEnd):
			train = append(train, i)
		}
	}
	return train, test
}
