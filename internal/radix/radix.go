// Package radix sorts uint64 or uint32 keys, with a payload that travels with them,
// by an LSD radix sort: a handful of linear passes instead of the ~n·log n
// comparisons of a comparison sort, skipping the digits every key shares
// (the low mantissa bits of whole-day times, say). survival sorts event
// times with it and clv groups distinct values.
package radix

import "unsafe"

const (
	bits   = 11
	size   = 1 << bits
	mask   = size - 1
	passes = (64 + bits - 1) / bits // for uint64 keys; fewer for uint32
	// Below this length an insertion sort is cheaper than the histograms.
	minLen = 128
)

// Sort sorts keys ascending and applies the same permutation to w
// when w is non-nil (weights, or row indices). The sort is stable.
// uint32 keys move half the bytes of uint64 ones in each pass.
func Sort[K uint32 | uint64, V any](keys []K, w []V) {
	n := len(keys)
	if n < minLen {
		insertionSort(keys, w)
		return
	}
	np := (int(unsafe.Sizeof(keys[0]))*8 + bits - 1) / bits
	var count [passes][size]int
	for _, k := range keys {
		for p := range np {
			count[p][(k>>(p*bits))&mask]++
		}
	}
	srcK, dstK := keys, make([]K, n)
	var srcW, dstW []V
	if w != nil {
		srcW, dstW = w, make([]V, n)
	}
	for p := range np {
		shift := p * bits
		c := &count[p]
		if c[(srcK[0]>>shift)&mask] == n {
			continue // every key has this digit
		}
		sum := 0
		for b, m := range c {
			c[b] = sum
			sum += m
		}
		if w == nil {
			for _, k := range srcK {
				b := (k >> shift) & mask
				dstK[c[b]] = k
				c[b]++
			}
		} else {
			for i, k := range srcK {
				b := (k >> shift) & mask
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

// insertionSort is Sort for short slices.
func insertionSort[K uint32 | uint64, V any](keys []K, w []V) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
			if w != nil {
				w[j], w[j-1] = w[j-1], w[j]
			}
		}
	}
}
