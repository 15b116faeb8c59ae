package segment

import (
	"cmp"
	"math"
	"slices"
	"sort"
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
	default:
		if o.Scoring == ByQuantile {
			sorted := make([]float64, len(rows))
			for i := range rows {
				sorted[i] = m.value(&rows[i])
			}
			slices.Sort(sorted)
			sc.Edges = QuantileEdges(sorted, n)
		} else {
			sc.Edges = slices.Clone(m.edges)
		}
		for i := range rows {
			*m.score(&rows[i]) = ScoreOf(m.value(&rows[i]), sc.Edges, m.reversed)
		}
	}
	sc.Bins = make([]Bin, n)
	for k := range sc.Bins {
		sc.Bins[k] = Bin{Score: k + 1, Min: math.NaN(), Max: math.NaN()}
	}
	for i := range rows {
		v := m.value(&rows[i])
		b := &sc.Bins[*m.score(&rows[i])-1]
		if b.Customers == 0 || v < b.Min {
			b.Min = v
		}
		if b.Customers == 0 || v > b.Max {
			b.Max = v
		}
		b.Customers++
	}
	return sc
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
	edges := make([]float64, n-1)
	last := len(sorted) - 1
	for k := range edges {
		h := float64(last) * float64(k+1) / float64(n)
		j := int(h)
		e := sorted[j]
		if f := h - float64(j); f > 0 && j < last && sorted[j+1] != e {
			e += f * (sorted[j+1] - e)
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
	below := sort.SearchFloat64s(edges, v) // first k with e_k ≥ v
	if reversed {
		return len(edges) + 1 - below
	}
	return below + 1
}
