package segment

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/ltvgo/ltv/internal/parallel"
)

// measure is one of the three RFM dimensions as the binning code sees it.
type measure struct {
	value    func(*RFM) float64
	score    func(*RFM) *int // the score field: R, F or M
	reversed bool            // recency: a small value is good, so it scores high
	edges    []float64       // ByEdges only
}

// scoreAll fills the R, F and M scores of res.Customers and the three
// scales, with o already resolved.
func scoreAll(res *Result, o Options) {
	res.Recency = scoreMeasure(res.Customers, o, measure{
		value:    func(c *RFM) float64 { return float64(c.SinceLast) },
		score:    func(c *RFM) *int { return &c.R },
		reversed: true,
		edges:    o.RecencyEdges,
	})
	res.Frequency = scoreMeasure(res.Customers, o, measure{
		value: func(c *RFM) float64 { return float64(c.Frequency) },
		score: func(c *RFM) *int { return &c.F },
		edges: o.FrequencyEdges,
	})
	res.Monetary = scoreMeasure(res.Customers, o, measure{
		value: func(c *RFM) float64 { return c.Monetary },
		score: func(c *RFM) *int { return &c.M },
		edges: o.MonetaryEdges,
	})
}

// scoreMeasure scores one measure of rows in place and returns its scale.
func scoreMeasure(rows []RFM, o Options, m measure) Scale {
	n := o.Scores
	var sc Scale
	switch o.Scoring {
	case ByEqualCount:
		scoreEqualCount(rows, n, m)
	case ByQuantile:
		vals := make([]float64, len(rows))
		for i := range rows {
			vals[i] = m.value(&rows[i])
		}
		sc.Edges = selectQuantileEdges(vals, n)
	default:
		sc.Edges = slices.Clone(m.edges)
	}
	// Per chunk: the bins of its rows (scored here unless ByEqualCount),
	// combined in chunk order; counts, minima and maxima are exact in any
	// order.
	parts := make([][]Bin, parallel.Chunks(len(rows), binCost))
	parallel.For(len(rows), binCost, func(c, lo, hi int) {
		bins := make([]Bin, n)
		for i := lo; i < hi; i++ {
			r := &rows[i]
			v := m.value(r)
			s := m.score(r)
			if o.Scoring != ByEqualCount {
				*s = ScoreOf(v, sc.Edges, m.reversed)
			}
			b := &bins[*s-1]
			if b.Customers == 0 || v < b.Min {
				b.Min = v
			}
			if b.Customers == 0 || v > b.Max {
				b.Max = v
			}
			b.Customers++
		}
		parts[c] = bins
	})
	sc.Bins = make([]Bin, n)
	for k := range sc.Bins {
		b := &sc.Bins[k]
		*b = Bin{Score: k + 1, Min: math.NaN(), Max: math.NaN()}
		for _, part := range parts {
			p := part[k]
			if p.Customers == 0 {
				continue
			}
			if b.Customers == 0 || p.Min < b.Min {
				b.Min = p.Min
			}
			if b.Customers == 0 || p.Max > b.Max {
				b.Max = p.Max
			}
			b.Customers += p.Customers
		}
	}
	return sc
}

// binCost is the time scoreMeasure takes per row to score it and count it
// in its bin.
const binCost = 10 * time.Nanosecond

// selectQuantileEdges returns QuantileEdges of vals sorted, reordering
// vals: it selects only the order statistics the edges read instead of
// sorting.
func selectQuantileEdges(vals []float64, n int) []float64 {
	if n < 2 || len(vals) == 0 {
		return nil
	}
	last := len(vals) - 1
	var ranks []int
	for k := 1; k < n; k++ {
		h := float64(last) * float64(k) / float64(n)
		j := int(h)
		ranks = append(ranks, j)
		if h > float64(j) && j < last {
			ranks = append(ranks, j+1)
		}
	}
	slices.Sort(ranks)
	stat := map[int]float64{}
	selectRanks(vals, 0, slices.Compact(ranks), stat)
	// QuantileEdges reads only the selected ranks of this sparse "sorted".
	return quantileEdges(len(vals), n, func(j int) float64 { return stat[j] })
}

// selectRanks sets stat[r] to the order statistic of rank r (0-based,
// counted from base) of a for every r in ranks (ascending), by quickselect
// with a three-way partition, which keeps many tied values (recency and
// frequency are whole numbers) linear. a is reordered.
func selectRanks(a []float64, base int, ranks []int, stat map[int]float64) {
	for len(ranks) > 0 {
		if len(a) <= 16 {
			slices.Sort(a)
			for _, r := range ranks {
				stat[r] = a[r-base]
			}
			return
		}
		x, y, z := a[0], a[len(a)/2], a[len(a)-1]
		p := max(min(x, y), min(max(x, y), z)) // median of three
		// a[:lt] < p, a[lt:gt] == p, a[gt:] > p.
		lt, i, gt := 0, 0, len(a)
		for i < gt {
			switch v := a[i]; {
			case v < p:
				a[lt], a[i] = v, a[lt]
				lt++
				i++
			case v > p:
				gt--
				a[gt], a[i] = v, a[gt]
			default:
				i++
			}
		}
		lo := sort.SearchInts(ranks, base+lt)
		mid := sort.SearchInts(ranks, base+gt)
		for _, r := range ranks[lo:mid] {
			stat[r] = p
		}
		selectRanks(a[:lt], base, ranks[:lo], stat)
		a, base, ranks = a[gt:], base+gt, ranks[mid:]
	}
}

// scoreEqualCount ranks rows by goodness (value ascending, or descending
// when reversed), ties by CustomerID, and gives rank p (0-based) of m rows
// its SQL NTILE(n) group: with q = ⌊m/n⌋ and r = m mod n, the first r
// groups hold q+1 rows and the rest q.
func scoreEqualCount(rows []RFM, n int, m measure) {
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		va, vb := m.value(&rows[a]), m.value(&rows[b])
		if m.reversed {
			va, vb = vb, va
		}
		if c := cmp.Compare(va, vb); c != 0 {
			return c
		}
		return cmp.Compare(rows[a].CustomerID, rows[b].CustomerID)
	})
	q, r := len(rows)/n, len(rows)%n
	big := r * (q + 1) // rows in the larger groups
	for p, i := range order {
		var s int
		if p < big {
			s = p/(q+1) + 1
		} else {
			s = r + (p-big)/q + 1
		}
		*m.score(&rows[i]) = s
	}
}

// QuantileEdges returns the n−1 type-7 quantiles of sorted at k/n,
// k = 1..n−1: with h = (len−1)·k/n and j = ⌊h⌋,
//
//	e_k = x_(j) + (h − j)·(x_(j+1) − x_(j))   (0-based order statistics)
//
// the definition of numpy.percentile's default "linear" method, pandas
// qcut and R's quantile(type = 7). sorted must be in ascending order and
// free of NaN; it is not modified.
//
// Special cases are:
//
//	QuantileEdges(sorted, n) = nil if n < 2 or sorted is empty
func QuantileEdges(sorted []float64, n int) []float64 {
	if n < 2 || len(sorted) == 0 {
		return nil
	}
	return quantileEdges(len(sorted), n, func(j int) float64 { return sorted[j] })
}

// quantileEdges is QuantileEdges of count values whose order statistic of
// rank j (0-based) is at(j).
func quantileEdges(count, n int, at func(j int) float64) []float64 {
	edges := make([]float64, n-1)
	last := count - 1
	for k := range edges {
		h := float64(last) * float64(k+1) / float64(n)
		j := int(h)
		e := at(j)
		if f := h - float64(j); f > 0 && j < last {
			if next := at(j + 1); next != e {
				e += f * (next - e)
			}
		}
		edges[k] = e
	}
	return edges
}

// ScoreOf returns the score of v against non-decreasing edges
// e_1..e_{n−1}: 1 + #{k : e_k < v}, or n − #{k : e_k < v} when reversed (as
// for recency). A value equal to an edge belongs to the bin below it, as in
// pandas cut and qcut (right-closed bins), so tied values always share a
// score. With no edges every value scores 1.
func ScoreOf(v float64, edges []float64, reversed bool) int {
	below, hi := 0, len(edges) // below becomes the first k with e_k ≥ v
	for below < hi {
		if mid := int(uint(below+hi) >> 1); !(edges[mid] >= v) { // as sort.SearchFloat64s, NaN too
			below = mid + 1
		} else {
			hi = mid
		}
	}
	if reversed {
		return len(edges) + 1 - below
	}
	return below + 1
}
