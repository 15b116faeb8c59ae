package survival

import (
	"math"
	"slices"
	"sort"

	"github.com/ltvgo/ltv/internal/fault"
)

// tieTolerance is R's aeqSurv tolerance, sqrt(machine epsilon).
const tieTolerance = 1.4901161193847656e-08

// runCounts are one group's counts at one (merged) time.
type runCounts struct {
	atRisk    float64 // weight with entry < t ≤ exit, after this run: beyond + (events + censored)
	beyond    float64 // the part of atRisk that exits after this run, summed without cancellation
	events    float64 // weight of events exiting in the run
	eventRows float64 // number of event rows (unweighted) exiting in the run
	censored  float64 // weight of censorings exiting in the run
	entries   float64 // weight of late entries in the run
}

// sweep walks the distinct times of a set of groups from the last to the
// first, merging near-equal times (R's aeqSurv) unless gap < 0. Reverse
// cumulative sums make the at-risk weight at the last time exactly the
// weight exiting there, as in R, so S reaches exactly 0.
type sweep struct {
	groups   []groupData
	parts    []part // the non-empty streams of all groups
	gap      float64
	cumExit  []float64
	cumEntry []float64
	// risk[g] holds group g's at-risk weight exactly when the group has
	// both case weights and late entries (see next); runExit[g] collects
	// the exits of the current run until the run's entries are taken off.
	risk    []expansion
	runExit []expansion

	mayMerge bool   // some consecutive distinct times are within gap
	head     uint64 // the largest unconsumed key, when hasHead
	hasHead  bool

	// The current run, valid after next returns true.
	time    float64     // the run's time: its smallest member (R keeps the first of a tied run)
	hasExit bool        // some subject exits in the run
	row     []runCounts // per group
}

// part is one stream in a sweep: whose it is, and how much is left.
type part struct {
	s     *stream
	group int
	kind  int // eventStream, censorStream or entryStream
	end   int // elements not yet consumed
}

// newSweep starts a sweep over groups. With exact false, times merge as in
// R's aeqSurv: sort the distinct times (exits and entries), and merge a
// consecutive pair when its difference is ≤ tol or ≤ tol·mean(|times|);
// otherwise (gap < 0) only equal times are one.
func newSweep(groups []groupData, exact bool) *sweep {
	s := &sweep{
		groups:   groups,
		cumExit:  make([]float64, len(groups)),
		cumEntry: make([]float64, len(groups)),
		row:      make([]runCounts, len(groups)),
		gap:      -1,
	}
	for g := range groups {
		if groups[g].exactRisk() {
			s.risk = make([]expansion, len(groups))
			s.runExit = make([]expansion, len(groups))
			break
		}
	}
	for g := range groups {
		for k := range numStreams {
			if st := &groups[g].streams[k]; len(st.keys) > 0 {
				s.parts = append(s.parts, part{s: st, group: g, kind: k})
			}
		}
	}
	s.rewind()
	if !exact {
		mean, minDiff := s.distinctStats()
		s.gap = tieTolerance * math.Max(1, mean)
		s.mayMerge = minDiff <= s.gap
		s.rewind()
	}
	return s
}

// rewind positions s after the last time.
func (s *sweep) rewind() {
	for i := range s.parts {
		s.parts[i].end = len(s.parts[i].s.keys)
	}
	clear(s.cumExit)
	clear(s.cumEntry)
	for g := range s.risk {
		s.risk[g] = s.risk[g][:0]
		s.runExit[g] = s.runExit[g][:0]
	}
	s.head, s.hasHead = s.peek()
}

// distinctStats walks s once and returns the mean of the distinct times,
// with 0 included for counting-process data where some entry is 0 (R's
// aeqSurv sees the start column), and the smallest difference between
// consecutive distinct times (+Inf when there is one).
func (s *sweep) distinctStats() (mean, minDiff float64) {
	late, zero := false, false
	for _, g := range s.groups {
		late = late || g.lateEntry
		zero = zero || g.zeroEntry
	}
	sum, n, last := 0.0, 0, math.Inf(1)
	minDiff = math.Inf(1)
	for ; s.hasHead; s.head, s.hasHead = s.peek() {
		for i := range s.parts {
			p := &s.parts[i]
			for p.end > 0 && p.s.keys[p.end-1] == s.head {
				p.end--
			}
		}
		t := math.Float64frombits(s.head)
		sum += t * 0x1p-64 // in units of 2^64: a sum of times near 1e308 stays finite
		n++
		minDiff = math.Min(minDiff, last-t)
		last = t
	}
	if late && zero && last != 0 {
		n++
		minDiff = math.Min(minDiff, last)
	}
	if n == 0 {
		return 0, minDiff
	}
	return sum / float64(n) * 0x1p64, minDiff
}

// peek returns the largest unconsumed key.
func (s *sweep) peek() (key uint64, ok bool) {
	for i := range s.parts {
		if p := &s.parts[i]; p.end > 0 {
			if c := p.s.keys[p.end-1]; !ok || c > key {
				key, ok = c, true
			}
		}
	}
	return key, ok
}

// consume adds every unconsumed element with this key to the run.
func (s *sweep) consume(key uint64) {
	for i := range s.parts {
		p := &s.parts[i]
		e := p.end
		w := 0.0
		if p.s.w == nil {
			for e > 0 && p.s.keys[e-1] == key {
				e--
			}
			w = float64(p.end - e)
		} else {
			for e > 0 && p.s.keys[e-1] == key {
				e--
				w += p.s.w[e]
			}
		}
		if e == p.end {
			continue
		}
		if s.groups[p.group].exactRisk() {
			// Every weight on its own, so that an exit and the matching
			// entry cancel exactly however the run sums were rounded.
			x := &s.risk[p.group]
			if p.kind != entryStream {
				x = &s.runExit[p.group]
			}
			for i := e; i < p.end; i++ {
				if p.kind == entryStream {
					x.add(-p.s.w[i])
				} else {
					x.add(p.s.w[i])
				}
			}
		}
		r := &s.row[p.group]
		switch p.kind {
		case eventStream:
			r.events += w
			r.eventRows += float64(p.end - e)
			s.hasExit = true
		case censorStream:
			r.censored += w
			s.hasExit = true
		default:
			r.entries += w
		}
		p.end = e
	}
}

// next moves to the previous (merged) time and reports whether there was one.
func (s *sweep) next() bool {
	if !s.hasHead {
		return false
	}
	clear(s.row)
	s.hasExit = false
	t := math.Float64frombits(s.head)
	for {
		s.consume(s.head)
		if s.head, s.hasHead = s.peek(); !s.hasHead {
			break
		}
		u := math.Float64frombits(s.head)
		if t-u > s.gap {
			break
		}
		t = u
	}
	s.time = t
	for g := range s.row {
		r := &s.row[g]
		exits := r.events + r.censored
		switch {
		case s.groups[g].exactRisk():
			// Weighted late entry: running sums would leave residues
			// (an entry of 1 taken off a sum that absorbed 1e-17 leaves
			// −1e-17 or 0 where 1e-17 is at risk), so the risk set is an
			// exact sum of the individual weights, rounded once.
			r.beyond = s.risk[g].value()
			for _, x := range s.runExit[g] {
				s.risk[g].add(x)
			}
			s.runExit[g] = s.runExit[g][:0]
		default:
			// Without late entry cumEntry is 0 and beyond is a sum of
			// positive weights; with unit weights the sums are exact
			// integers.
			s.cumEntry[g] += r.entries
			r.beyond = s.cumExit[g] - s.cumEntry[g]
		}
		s.cumExit[g] += exits
		r.atRisk = r.beyond + exits
	}
	return true
}

// expansion is an exact sum of float64 values held as non-overlapping
// partials of increasing magnitude (Shewchuk 1997, "Adaptive precision
// floating-point arithmetic and fast robust geometric predicates"; the
// msum of Python's math.fsum). The partials stay finite while every partial
// sum is below the float64 range, which the total-weight check guarantees.
type expansion []float64

// add adds x exactly.
func (p *expansion) add(x float64) {
	ps := *p
	i := 0
	for _, y := range ps {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		lo := y - (hi - x)
		if lo != 0 {
			ps[i] = lo
			i++
		}
		x = hi
	}
	*p = append(ps[:i], x)
}

// value returns the sum rounded to float64 (faithfully: within one ulp, with
// the exact sign, and exactly 0 when the sum is 0).
func (p expansion) value() float64 {
	if len(p) == 0 {
		return 0
	}
	hi := p[len(p)-1]
	for i := len(p) - 2; i >= 0; i-- {
		x, y := hi, p[i]
		hi = x + y
		if y-(hi-x) != 0 {
			break
		}
	}
	return hi
}

// runTimes returns the (merged) times of all runs, ascending, and rewinds s.
func (s *sweep) runTimes() []float64 {
	var ts []float64
	for s.next() {
		ts = append(ts, s.time)
	}
	s.rewind()
	slices.Reverse(ts)
	return ts
}

// checkIntervals returns a *DataError for the first late-entry row whose
// Entry and Time merge into one time under the sweep's tie tolerance (R's
// aeqSurv stops there too: the interval has length 0). obs[g] is group g
// of s, restricted to the rows labelled label when strata is not nil;
// groupIDs says whether errors name the group.
func checkIntervals(fn string, s *sweep, obs [][]Observation, strata [][]int, label int, groupIDs bool) error {
	late := false
	for _, g := range s.groups {
		late = late || g.lateEntry
	}
	if !s.mayMerge || !late {
		return nil
	}
	cuts := s.runTimes()
	run := func(v float64) int { return sort.Search(len(cuts), func(i int) bool { return cuts[i] > v }) }
	for g, rows := range obs {
		for i, o := range rows {
			if strata != nil && strata[g][i] != label || o.Entry == 0 || run(o.Entry) != run(o.Time) {
				continue
			}
			group := -1
			if groupIDs {
				group = g
			}
			return fault.NewInGroup(fn, group, i, "Entry", ErrInvalid,
				"(%g) and Time (%g) merge into one time under the tie tolerance", o.Entry, o.Time)
		}
	}
	return nil
}

// table is the pooled life table: one row per distinct exit time, ascending.
// survivors[j] is n_j − d_j, the weight at risk at time[j] that does not
// have the event there, summed from non-negative parts (the censored weight
// and the weight exiting later) so that it is never negative, is 0 exactly
// when everyone at risk has the event, and never exceeds atRisk[j].
type table struct {
	time, atRisk, events, eventRows, censored, entered, survivors []float64
}

// tabulate pools the groups of s into a life table and rewinds s.
// entered[j] is the weight whose entry lies in [time[j−1], time[j])
// (everyone who entered before the first time for j = 0).
func tabulate(s *sweep) table {
	// Fill from the end, into columns as long as the number of distinct
	// exit keys per stream summed, a bound on the number of rows.
	m := 0
	for _, g := range s.groups {
		m += distinctKeys(g.streams[eventStream].keys) + distinctKeys(g.streams[censorStream].keys)
	}
	cols := make([]float64, 7*m)
	col := func(k int) []float64 { return cols[k*m : (k+1)*m : (k+1)*m] }
	t := table{time: col(0), atRisk: col(1), events: col(2), eventRows: col(3), censored: col(4), entered: col(5),
		survivors: col(6)}
	j := m
	pending := 0.0 // entries since the last row, which belong to the row above it
	for s.next() {
		var n, d, dr, c, e, surv float64
		for _, r := range s.row {
			n += r.atRisk
			d += r.events
			dr += r.eventRows
			c += r.censored
			e += r.entries
			// beyond + censored ≤ beyond + (events + censored) in
			// floating point too, so survivors ≤ atRisk.
			surv += r.beyond + r.censored
		}
		pending += e
		if !s.hasExit {
			continue
		}
		if j < m {
			t.entered[j] = pending
		}
		pending = 0
		j--
		t.time[j], t.atRisk[j], t.events[j], t.eventRows[j], t.censored[j] = s.time, n, d, dr, c
		t.survivors[j] = surv
	}
	s.rewind()
	t = table{time: t.time[j:], atRisk: t.atRisk[j:], events: t.events[j:], eventRows: t.eventRows[j:],
		censored: t.censored[j:], entered: t.entered[j:], survivors: t.survivors[j:]}
	if len(t.time) > 0 {
		t.entered[0] = t.atRisk[0]
	}
	return t
}

// distinctKeys counts the distinct values of sorted keys.
func distinctKeys(keys []uint64) int {
	n := 0
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			n++
		}
	}
	return n
}
