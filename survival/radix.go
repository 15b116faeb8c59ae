package survival

import (
	"time"

	"github.com/ltvgo/ltv/internal/parallel"
)

// LSD radix sort of time keys. Sorting 1e7 keys this way costs a handful of
// linear passes instead of the ~n·log n comparisons of a comparison sort,
// and digits shared by every key (the low mantissa bits of whole-day times,
// say) are skipped.
const (
	radixBits   = 11
	radixSize   = 1 << radixBits
	radixMask   = radixSize - 1
	radixPasses = (64 + radixBits - 1) / radixBits
	// Below this length an insertion sort is cheaper than the histograms.
	radixMinLen = 128
	// radixKeyCost is the time radixSort takes per key, about (20 ns for
	// whole days, 50 ns for untied times).
	radixKeyCost = 30 * time.Nanosecond
)

// sortStreams sorts the three streams of g, in parallel when they are
// large.
func sortStreams(g *groupData) {
	keys := 0
	for _, s := range g.streams {
		keys += len(s.keys)
	}
	parallel.For(numStreams, time.Duration(keys/numStreams)*radixKeyCost, func(_, lo, hi int) {
		for _, s := range g.streams[lo:hi] {
			radixSort(s.keys, s.w)
		}
	})
}

// radixSort sorts keys ascending and applies the same permutation to w
// when w is non-nil (weights, or row indices). The sort is stable.
func radixSort[V any](keys []uint64, w []V) {
	n := len(keys)
	if n < radixMinLen {
		insertionSort(keys, w)
		return
	}
	var count [radixPasses][radixSize]int
	for _, k := range keys {
		for p := range radixPasses {
			count[p][(k>>(p*radixBits))&radixMask]++
		}
	}
	srcK, dstK := keys, make([]uint64, n)
	var srcW, dstW []V
	if w != nil {
		srcW, dstW = w, make([]V, n)
	}
	for p := range radixPasses {
		shift := p * radixBits
		c := &count[p]
		if c[(srcK[0]>>shift)&radixMask] == n {
			continue // every key has this digit
		}
		sum := 0
		for b, m := range c {
			c[b] = sum
			sum += m
		}
		if w == nil {
			for _, k := range srcK {
				b := (k >> shift) & radixMask
				dstK[c[b]] = k
				c[b]++
			}
		} else {
			for i, k := range srcK {
				b := (k >> shift) & radixMask
				dstK[c[b]] = k
				dstW[c[b]] = srcW[i]
				c[b]++
			}
		}
		srcK, dstK = dstK, srcK
		srcW, dstW = dstW, srcW
	}
	if &srcK[0] != &keys[0] {
		copy(keys, srcK)
		copy(w, srcW)
	}
}

// insertionSort is radixSort for short slices.
func insertionSort[V any](keys []uint64, w []V) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
			if w != nil {
				w[j], w[j-1] = w[j-1], w[j]
			}
		}
	}
}
