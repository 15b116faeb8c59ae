package txlog

import "slices"

// Group returns val(i) of every row i kept in l (Cust[i] ≥ 0), grouped by
// customer with a counting sort: customer c's values are
// vals[start[c]:start[c+1]], in row order.
func Group[V any](l *Log, val func(i int) V) (start []int32, vals []V) {
	nc := len(l.IDs)
	start = make([]int32, nc+1)
	for _, c := range l.Cust {
		if c >= 0 {
			start[c+1]++
		}
	}
	for c := range nc {
		start[c+1] += start[c]
	}
	next := slices.Clone(start[:nc])
	vals = make([]V, start[nc])
	for i, c := range l.Cust {
		if c >= 0 {
			vals[next[c]] = val(i)
			next[c]++
		}
	}
	return start, vals
}

// Purchase is one row reduced to its day and amount.
type Purchase struct {
	Day    int64
	Amount float64
}

// Purchases groups the kept rows of txns, read into l, by customer as
// Group does, and sorts each customer's purchases by day; rows of one day
// stay in row order.
func Purchases[T Tx](l *Log, txns []T) (start []int32, ps []Purchase) {
	start, ps = Group(l, func(i int) Purchase { return Purchase{l.Day[i], row(txns[i]).Amount} })
	for c := range len(start) - 1 {
		g := ps[start[c]:start[c+1]]
		if !slices.IsSortedFunc(g, byDay) {
			slices.SortStableFunc(g, byDay)
		}
	}
	return start, ps
}

func byDay(a, b Purchase) int {
	switch {
	case a.Day < b.Day:
		return -1
	case a.Day > b.Day:
		return 1
	}
	return 0
}
