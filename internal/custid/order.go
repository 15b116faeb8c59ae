package custid

import (
	"encoding/binary"
	"slices"
	"strings"
)

// ByID returns the numbers 0..len(ids)−1 sorted by their ID (byte-wise
// string order; equal IDs keep their number order). IDs already in order
// skip the sort. Otherwise each ID gets a 64-bit key, its 8 bytes after
// the prefix common to all IDs; the keys are radix-sorted and only runs of
// equal keys are sorted by comparing strings. ids is only read.
func ByID(ids []string) []int32 {
	order := make([]int32, len(ids))
	sorted := true
	for k := range ids {
		order[k] = int32(k)
		if k > 0 && ids[k-1] > ids[k] {
			sorted = false
		}
	}
	if sorted {
		return order
	}
	common := len(ids[0])
	for _, s := range ids[1:] {
		common = min(common, commonPrefix(ids[0][:common], s))
	}
	keyed := make([]keyedID, len(ids))
	for k, s := range ids {
		var b [8]byte
		copy(b[:], s[common:])
		keyed[k] = keyedID{binary.BigEndian.Uint64(b[:]), int32(k)}
	}
	keyed = radixSort(keyed)
	for k := range keyed {
		order[k] = keyed[k].num
	}
	// Break ties of equal keys (IDs equal in their 8 key bytes).
	for lo := 0; lo < len(keyed); {
		hi := lo + 1
		for hi < len(keyed) && keyed[hi].key == keyed[lo].key {
			hi++
		}
		if hi-lo > 1 {
			slices.SortStableFunc(order[lo:hi], func(a, b int32) int { return strings.Compare(ids[a], ids[b]) })
		}
		lo = hi
	}
	return order
}

// keyedID is a customer number with the sort key of its ID.
type keyedID struct {
	key uint64
	num int32
}

// commonPrefix returns the length of the common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// radixSort sorts xs by key, stably (least significant byte first),
// skipping the bytes that all keys share. It may return xs or a new slice.
func radixSort(xs []keyedID) []keyedID {
	buf := make([]keyedID, len(xs))
	for shift := uint(0); shift < 64; shift += 8 {
		var count [256]int
		for _, x := range xs {
			count[byte(x.key>>shift)]++
		}
		if count[byte(xs[0].key>>shift)] == len(xs) {
			continue
		}
		pos := 0
		for b, c := range count {
			count[b] = pos
			pos += c
		}
		for _, x := range xs {
			b := byte(x.key >> shift)
			buf[count[b]] = x
			count[b]++
		}
		xs, buf = buf, xs
	}
	return xs
}
