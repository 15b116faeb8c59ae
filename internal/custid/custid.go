// Package custid numbers the customer IDs of a transaction log: it turns
// the ID strings of n rows into dense customer numbers 0, 1, 2, … in order
// of first appearance, the indexer behind the shared transaction-log step
// (internal/txlog) of clv, segment, cohort and churn.
//
// Index works in three steps, each split over goroutines for large logs
// (internal/parallel):
//
//  1. hash: the rows are hashed in chunks with hash/maphash (one seed per
//     call); a row whose ID equals the row before it (a log grouped by
//     customer) is marked and not hashed;
//  2. look up: table g owns the IDs whose hash has top bit g and numbers
//     them in its own open-addressing table keyed by the hash, comparing
//     strings only when 32 bits of the hash match; the two tables share
//     no ID, so they are filled concurrently and nothing needs merging;
//  3. renumber: the two tables' numbers are interleaved by row of first
//     appearance, and every row gets its global number.
//
// A log already sorted by ID skips all three: one pass of string
// comparisons numbers it.
package custid

import (
	"hash/maphash"
	"math"
	"time"

	"github.com/ltvgo/ltv/internal/parallel"
)

// MaxRows is the most rows Index numbers: row and customer numbers are
// int32.
const MaxRows = math.MaxInt32 - 1

// The time the steps of Index take: per row to hash and to renumber, and
// per table to read a row (scan) and to look one up.
const (
	hashCost     = 12 * time.Nanosecond
	scanCost     = 1 * time.Nanosecond
	lookupCost   = 40 * time.Nanosecond
	renumberCost = 2 * time.Nanosecond
)

// Index numbers the distinct non-empty IDs of rows 0..n−1 densely from 0
// in order of first appearance: of[i] is the number of row i's ID, or −1
// when id(i) is "" (a row the caller skips), and ids[k] is the ID numbered
// k, so ids[of[i]] == id(i). A log sorted by ID gets sorted ids.
//
// id(i) must return the same string every time it is called for row i and
// be safe for concurrent use: Index calls it from several goroutines, at
// most three times per row. It panics with "custid: …" if n is negative or
// above MaxRows: callers check their input against MaxRows first.
func Index(n int, id func(i int) string) (of []int32, ids []string) {
	if n < 0 || n > MaxRows {
		panic("custid: row count out of range [0, 2³¹−1)")
	}
	of = make([]int32, n)
	if ids, ok := indexSorted(of, id); ok {
		return of, ids
	}
	return of, indexHashed(of, id)
}

// indexSorted numbers the rows while their IDs are non-decreasing (skipped
// rows aside). It reports false at the first ID out of order, leaving of
// partly written.
func indexSorted(of []int32, id func(int) string) ([]string, bool) {
	var ids []string
	prev := ""
	for i := range of {
		s := id(i)
		switch {
		case s == "":
			of[i] = -1
			continue
		case s == prev:
		case s > prev:
			ids = append(ids, s)
			prev = s
		default:
			return nil, false
		}
		of[i] = int32(len(ids) - 1)
	}
	return ids, true
}

// Row marks of the hash step: a hashed row has bit 0 set; 0 marks a
// skipped row and a hash with bit 0 clear a row whose ID equals the row
// before it. Bit 63 picks the table.
const (
	skipRow   = 0
	lookupBit = 1
)

// indexHashed is the three-step path of Index for a log not sorted by ID.
func indexHashed(of []int32, id func(int) string) []string {
	n := len(of)
	seed := maphash.MakeSeed()
	hashes := make([]uint64, n)
	lookups := make([][2]int, parallel.Chunks(n, hashCost)) // per chunk: rows it sends to each table
	parallel.For(n, hashCost, func(c, lo, hi int) {
		lookups[c] = hashRows(hashes, lo, hi, id, seed)
	})
	var perTable [2]int
	for _, l := range lookups {
		perTable[0] += l[0]
		perTable[1] += l[1]
	}

	var tables [2]table
	tableCost := time.Duration(n)*scanCost + time.Duration(perTable[0]+perTable[1])/2*lookupCost
	parallel.For(len(tables), tableCost, func(_, lo, hi int) {
		for part := lo; part < hi; part++ {
			tables[part].number(uint64(part), hashes, of, id, perTable[part])
		}
	})

	// Interleave the tables by row of first appearance.
	a, b := &tables[0], &tables[1]
	ids := make([]string, 0, len(a.ids)+len(b.ids))
	var remap [2][]int32
	remap[0] = make([]int32, len(a.ids))
	remap[1] = make([]int32, len(b.ids))
	for j, k := 0, 0; j < len(a.ids) || k < len(b.ids); {
		if k == len(b.ids) || (j < len(a.ids) && a.first[j] < b.first[k]) {
			remap[0][j] = int32(len(ids))
			ids = append(ids, a.ids[j])
			j++
		} else {
			remap[1][k] = int32(len(ids))
			ids = append(ids, b.ids[k])
			k++
		}
	}
	parallel.For(n, renumberCost, func(_, lo, hi int) {
		renumber(of[lo:hi], hashes[lo:hi], &remap)
	})
	return ids
}

// hashRows writes the marks of rows lo..hi−1 (see skipRow) and returns how
// many of them each table must look up.
func hashRows(hashes []uint64, lo, hi int, id func(int) string, seed maphash.Seed) (lookups [2]int) {
	prev, prevHash := "", uint64(skipRow)
	if lo > 0 {
		prev = id(lo - 1)
		if prev != "" {
			prevHash = maphash.String(seed, prev) | lookupBit
		}
	}
	for i := lo; i < hi; i++ {
		s := id(i)
		var h uint64
		switch {
		case s == "":
			h = skipRow
		case s == prev:
			h = prevHash &^ lookupBit
		default:
			h = maphash.String(seed, s) | lookupBit
			lookups[h>>63]++
		}
		hashes[i] = h
		prev, prevHash = s, h|lookupBit
	}
	return lookups
}

// table numbers the IDs whose hash has one top bit, in order of first
// appearance.
type table struct {
	slots []uint64 // open addressing, linear probing: hash>>32<<32 | number+1; 0 is empty
	mask  uint64
	ids   []string // by number
	hash  []uint64 // by number, for growing
	first []int32  // by number: row of first appearance
}

// number numbers the rows of hashes whose top bit is part, writing each
// row's number in the table into of; part 0 also writes −1 for skipped
// rows. lookups is the number of rows to look up, an upper bound on the
// IDs to hold.
func (t *table) number(part uint64, hashes []uint64, of []int32, id func(int) string, lookups int) {
	t.resize(lookups / 8)
	for i, h := range hashes {
		switch {
		case h>>63 != part:
		case h == skipRow:
			of[i] = -1
		case h&lookupBit == 0:
			of[i] = of[i-1]
		default:
			of[i] = t.find(h, i, id)
		}
	}
}

// find returns the number of row i's ID, with hash h, adding it if new.
func (t *table) find(h uint64, i int, id func(int) string) int32 {
	tag := h >> 32
	for s := (h >> 1) & t.mask; ; s = (s + 1) & t.mask {
		e := t.slots[s]
		if e == 0 {
			k := int32(len(t.ids))
			t.slots[s] = tag<<32 | uint64(k+1)
			t.ids = append(t.ids, id(i))
			t.hash = append(t.hash, h)
			t.first = append(t.first, int32(i))
			if 2*len(t.ids) > len(t.slots) {
				t.resize(len(t.slots))
			}
			return k
		}
		if e>>32 == tag {
			if k := int32(uint32(e)) - 1; t.ids[k] == id(i) {
				return k
			}
		}
	}
}

// resize makes the table hold at least 2·want slots (a power of two) and
// reinserts its IDs.
func (t *table) resize(want int) {
	size := 64
	for size < 2*want {
		size *= 2
	}
	t.slots = make([]uint64, size)
	t.mask = uint64(size - 1)
	for k, h := range t.hash {
		s := (h >> 1) & t.mask
		for t.slots[s] != 0 {
			s = (s + 1) & t.mask
		}
		t.slots[s] = h>>32<<32 | uint64(k+1)
	}
}

// renumber turns the table numbers in of into global numbers.
func renumber(of []int32, hashes []uint64, remap *[2][]int32) {
	for i, h := range hashes {
		if h != skipRow {
			of[i] = remap[h>>63][of[i]]
		}
	}
}
