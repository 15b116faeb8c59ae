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

// sortedNumbers numbers the distinct values of vals densely from 0 in
// ascending order, −0 counted as 0: of[i] is the number of vals[i] and
// distinct[k] the value numbered k. vals must be ≥ 0 and not NaN, so that
// their bits sort like them. Sorting the bits (internal/radix) takes a few
// linear passes where a hash table misses the cache on every new value: it
// is the cheaper way to number ~1e6 continuous times.
func sortedNumbers(vals []float64) (of []int32, distinct []float64) {
	keys := make([]uint64, len(vals))
	rows := make([]int32, len(vals))
	for i, v := range vals {
		keys[i], rows[i] = math.Float64bits(v+0), int32(i)
	}
	radix.Sort(keys, rows)
	of = make([]int32, len(vals))
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			distinct = append(distinct, math.Float64frombits(k))
		}
		of[rows[i]] = int32(len(distinct) - 1)
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
