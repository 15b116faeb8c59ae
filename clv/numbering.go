package clv

import (
	"math"

	"github.com/ltvgo/ltv/internal/radix"
)

// numbering gives distinct keys dense numbers 0, 1, … in the order they
// are first seen: the one way this package groups rows by a key.
type numbering[K comparable] struct {
	index map[K]int32
	keys  []K // keys[n] is the key numbered n
}

// number returns k's number, giving k the next one when it is new.
func (n *numbering[K]) number(k K) int32 {
	if i, ok := n.index[k]; ok {
		return i
	}
	if n.index == nil {
		n.index = map[K]int32{}
	}
	i := int32(len(n.keys))
	n.index[k] = i
	n.keys = append(n.keys, k)
	return i
}

// numberFloats numbers the distinct values of vals densely from 0 in
// order of first appearance, as numbering does (−0 and 0 are one value): of[i]
// is the number of vals[i] and distinct[k] the value numbered k. vals
// must be ≥ 0 and not NaN, so that their bits sort like them. It groups
// equal values by a radix sort of their bits (internal/radix), a few
// linear passes where a hash table misses the cache on every new value:
// the cheaper way to number ~1e6 continuous times. First-appearance
// numbers keep the rows' lookups of per-value tables in memory order.
func numberFloats(vals []float64) (of []int32, distinct []float64) {
	keys := make([]uint64, len(vals))
	rows := make([]int32, len(vals))
	for i, v := range vals {
		keys[i], rows[i] = math.Float64bits(v+0), int32(i)
	}
	radix.Sort(keys, rows)            // stable: each run of equal keys starts at its first row
	group := make([]int32, len(vals)) // per row: its run
	first := make([]bool, len(vals))  // the row starts its run
	runs := int32(-1)
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			runs++
			first[rows[i]] = true
		}
		group[rows[i]] = runs
	}
	number := make([]int32, runs+1) // per run
	of = make([]int32, len(vals))
	for i, g := range group {
		if first[i] {
			number[g] = int32(len(distinct))
			distinct = append(distinct, vals[i])
		}
		of[i] = number[g]
	}
	return of, distinct
}

// directCounts bounds the purchase counts numberCount looks up directly.
const directCounts = 1024

// numberCount is xs.number(x) for a purchase count x (a whole number ≥ 0)
// that keeps the numbers of x < directCounts in direct (number + 1; 0 for
// not yet numbered), sparing most rows a hash lookup.
func numberCount(xs *numbering[float64], direct *[directCounts]int32, x float64) int32 {
	if x >= directCounts {
		return xs.number(x)
	}
	k := &direct[int(x)]
	if *k == 0 {
		*k = xs.number(x) + 1
	}
	return *k - 1
}
