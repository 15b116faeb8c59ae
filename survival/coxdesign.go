package survival

import (
	"math"
	"slices"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
	"github.com/ltvgo/ltv/internal/radix"
)

// coxDesign is the data of a Cox fit in the order the sweeps need: rows
// grouped by stratum and sorted by exit time within it, the covariates
// centred and scaled as R's coxph does, times replaced by the index of
// their (merged) distinct time. It is built from copies: the caller's
// slices are only read.
type coxDesign struct {
	n, p    int
	x       []float64 // n×p row-major: (X − center)·scale, sorted order
	w       []float64 // case weights divided by weightScale
	event   []bool
	exitT   []int32 // merged time index of Time
	entryT  []int32 // merged time index of Entry; −1: at risk from time 0
	orig    []int   // the caller's row of each sorted row
	cluster []int32 // dense cluster id of each sorted row (nil without clusters)
	strata  []coxStratum
	// byEntry lists the sorted rows with Entry > 0, stratum by stratum,
	// entry descending: the order in which a backward sweep removes them.
	byEntry []int32
	// Slots number the event times: stratum s owns slots slot0 … slot0+m
	// for its m event times, slot0 standing for "before the first". A row
	// is at risk at the event time of slot q iff entrySlot < q ≤ exitSlot.
	exitSlot, entrySlot []int32
	slotTime            []int32 // time index of each slot (−1 for a slot0)
	slots               int

	times       []float64 // the merged distinct times, ascending
	counting    bool      // some Entry > 0: (start, stop] rows
	stratified  bool      // the caller gave strata labels
	weighted    bool      // some weight is not 1
	fractional  bool      // some weight is not an integer
	weightScale float64   // a power of two near the largest weight
	deathX      []float64 // Σ w·x over the event rows (design coordinates)
	center      []float64 // R's fit$means: 0 for a column of −1, 0, 1 values
	scale       []float64 // R's coxfit6 scaling: Σw / Σw|x − center|
	events      int       // rows with Event
	clusters    int       // number of distinct cluster labels
}

// coxStratum is one stratum's rows and slots.
type coxStratum struct {
	label        int
	lo, hi       int // sorted rows [lo, hi)
	entLo, entHi int // its part of byEntry
	slot0        int
	nEvents      int     // distinct event times
	deathW       float64 // Σ w over the stratum's event rows
}

// newCoxDesign validates obs, X and the per-row options and builds the
// design.
func newCoxDesign(fn string, obs []Observation, X [][]float64, cfg *coxConfig) (*coxDesign, error) {
	n := len(obs)
	if n == 0 {
		return nil, fault.New(fn, -1, "", ErrEmpty, "no observations")
	}
	d := &coxDesign{n: n}
	for _, o := range obs {
		if o.Weight != 0 && o.Weight != 1 {
			d.weighted = true
			break
		}
	}
	var err error
	total, maxW := 0.0, 0.0
	zeroEntry := false
	for i, o := range obs {
		if err := checkRow(fn, -1, i, o, d.weighted, &total); err != nil {
			return nil, err
		}
		if o.Event {
			d.events++
		}
		if o.Entry > 0 {
			d.counting = true
		} else {
			zeroEntry = true
		}
		maxW = math.Max(maxW, o.weight())
		d.fractional = d.fractional || o.weight() != math.Floor(o.weight())
	}
	if d.events == 0 {
		return nil, fault.New(fn, -1, "Event", ErrEmpty, "no events")
	}
	if cfg.Ties == Exact && d.weighted {
		for i, o := range obs {
			if o.weight() != 1 {
				return nil, fault.New(fn, i, "Weight", ErrInvalid, "is %g: Exact ties take no case weights (as R's coxph)", o.Weight)
			}
		}
	}
	// Weights are divided by a power of two near the largest, exactly, so
	// that risk sums neither overflow (weights of 1e300) nor underflow
	// (1e-300); the fit undoes the scale.
	_, e := math.Frexp(maxW)
	d.weightScale = math.Ldexp(1, e-1)
	// One pass over X checks it and sums the columns, per chunk; the
	// chunks' sums are added in chunk order.
	var parts [parallel.MaxChunks]columnSums
	d.p, err = checkDesignMatrix(fn, X, n, func(chunk, i int, row []float64) {
		w := 1.0
		if !d.counting {
			w = obs[i].weight() / d.weightScale
		}
		parts[chunk].add(row, w)
	})
	if err != nil {
		return nil, err
	}
	var cols columnSums
	for c := range parts {
		cols.merge(&parts[c])
	}
	if err := cfg.checkRows(fn, n, d.p); err != nil {
		return nil, err
	}

	exitIdx, entryIdx, byExit, err := d.mergeTimes(fn, obs, zeroEntry, cfg.ExactTimes)
	if err != nil {
		return nil, err
	}
	order := d.sortRows(byExit, cfg.Strata)
	d.fill(obs, X, order, exitIdx, entryIdx, &cols)
	if cfg.Cluster != nil {
		ids, k := denseLabels(cfg.Cluster)
		d.cluster = make([]int32, n)
		for s, r := range d.orig {
			d.cluster[s] = int32(ids[r])
		}
		d.clusters = k
	}
	d.buildEntryOrder(obs, entryIdx)
	d.buildSlots()
	return d, nil
}

// checkDesignMatrix checks that X has n rows of one length p (X nil means
// p = 0) and finite values, and returns p; the error names the first bad
// row. The rows are checked in parallel chunks (internal/parallel.For);
// visit, when not nil, is called with the chunk and each row once it is
// checked, concurrently for different chunks.
func checkDesignMatrix(fn string, X [][]float64, n int, visit func(chunk, i int, row []float64)) (int, error) {
	if X == nil {
		return 0, nil
	}
	if len(X) != n {
		return 0, fault.New(fn, -1, "X", ErrInvalid, "has %d rows for %d observations", len(X), n)
	}
	p := len(X[0])
	cost := time.Duration(2*p+2) * time.Nanosecond
	bad := make([]error, parallel.Chunks(n, cost)) // each chunk's first bad row
	parallel.For(n, cost, func(c, lo, hi int) {
		for i, row := range X[lo:hi] {
			i += lo
			if len(row) != p {
				bad[c] = fault.New(fn, i, "X", ErrInvalid, "has %d columns, row 0 has %d", len(row), p)
				return
			}
			for j, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					bad[c] = fault.New(fn, i, "X", ErrInvalid, "column %d is %g", j, v)
					return
				}
			}
			if visit != nil {
				visit(c, i, row)
			}
		}
	})
	for _, err := range bad {
		if err != nil {
			return 0, err
		}
	}
	return p, nil
}

// mergeTimes gives every exit and late entry the index of its distinct
// time, after merging near-equal times as R's aeqSurv does (see the
// package documentation; exact: no merging), and sets d.times. entryIdx is
// −1 for Entry 0; byExit lists the rows by exit time. An entry that merges
// with its own exit is an error.
func (d *coxDesign) mergeTimes(fn string, obs []Observation, zeroEntry, exact bool) (exitIdx, entryIdx, byExit []int32, err error) {
	n := len(obs)
	exitKeys := make([]uint64, n)
	exitRows := make([]int32, n)
	var entKeys []uint64
	var entRows []int32
	for i, o := range obs {
		exitKeys[i], exitRows[i] = timeKey(o.Time), int32(i)
		if o.Entry > 0 {
			entKeys = append(entKeys, timeKey(o.Entry))
			entRows = append(entRows, int32(i))
		}
	}
	radix.Sort(exitKeys, exitRows)
	radix.Sort(entKeys, entRows)

	// The distinct times of exits and entries (and 0 for counting-process
	// data with rows starting at 0: R's aeqSurv sees the start column).
	var vals []uint64
	add := func(k uint64) {
		if len(vals) == 0 || vals[len(vals)-1] != k {
			vals = append(vals, k)
		}
	}
	if d.counting && zeroEntry {
		add(0)
	}
	for i, j := 0, 0; i < len(exitKeys) || j < len(entKeys); {
		if j == len(entKeys) || i < len(exitKeys) && exitKeys[i] <= entKeys[j] {
			add(exitKeys[i])
			i++
		} else {
			add(entKeys[j])
			j++
		}
	}
	run := make([]int32, len(vals))
	if !exact && len(vals) > 1 {
		sum := 0.0
		for _, k := range vals {
			sum += math.Float64frombits(k) * 0x1p-64 // a sum of times near 1e308 stays finite
		}
		gap := tieTolerance * math.Max(1, sum/float64(len(vals))*0x1p64)
		for k := 1; k < len(vals); k++ {
			run[k] = run[k-1]
			if math.Float64frombits(vals[k])-math.Float64frombits(vals[k-1]) > gap {
				run[k]++
			}
		}
	} else {
		for k := range run {
			run[k] = int32(k)
		}
	}
	d.times = d.times[:0]
	for k, v := range vals {
		if k == 0 || run[k] != run[k-1] {
			d.times = append(d.times, math.Float64frombits(v)) // a run keeps its first time
		}
	}
	lookup := func(keys []uint64, rows []int32, out []int32) {
		v := 0
		for i, k := range keys {
			for vals[v] != k {
				v++
			}
			out[rows[i]] = run[v]
		}
	}
	exitIdx = make([]int32, n)
	entryIdx = make([]int32, n)
	for i := range entryIdx {
		entryIdx[i] = -1
	}
	lookup(exitKeys, exitRows, exitIdx)
	lookup(entKeys, entRows, entryIdx)
	for i, o := range obs {
		if entryIdx[i] >= exitIdx[i] {
			return nil, nil, nil, fault.New(fn, i, "Entry", ErrInvalid, "(%g) and Time (%g) merge into one time under the tie tolerance", o.Entry, o.Time)
		}
	}
	return exitIdx, entryIdx, exitRows, nil
}

// sortRows returns the caller's rows ordered by stratum label and exit
// time (a stable counting sort by stratum of the rows in exit order), and
// sets d.strata's labels and row ranges.
func (d *coxDesign) sortRows(byExit []int32, strata []int) []int32 {
	n := len(byExit)
	if strata == nil {
		d.strata = []coxStratum{{lo: 0, hi: n}}
		return byExit
	}
	d.stratified = true
	ids, k := denseLabels(strata)
	labels := make([]int, k)
	start := make([]int, k+1)
	for i, l := range strata {
		labels[ids[i]] = l
		start[ids[i]+1]++
	}
	for s := range k {
		start[s+1] += start[s]
	}
	d.strata = make([]coxStratum, k)
	for s := range k {
		d.strata[s] = coxStratum{label: labels[s], lo: start[s], hi: start[s+1]}
	}
	out := make([]int32, n)
	for _, r := range byExit {
		s := ids[r]
		out[start[s]] = r
		start[s]++
	}
	return out
}

// denseLabels numbers the distinct labels 0, 1, … in ascending order of
// label and returns each entry's number and the count.
func denseLabels(labels []int) (ids []int, k int) {
	distinct := slices.Clone(labels)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	id := make(map[int]int, len(distinct))
	for i, l := range distinct {
		id[l] = i
	}
	ids = make([]int, len(labels))
	for i, l := range labels {
		ids[i] = id[l]
	}
	return ids, len(distinct)
}

// columnSums accumulates the column sums that give R's centring point:
// the weighted mean for right-censored data, the plain mean for
// counting-process data (R's agreg.fit; its rows are added with weight
// 1), and 0 for a column whose values are all −1, 0 or 1, which coxph
// leaves uncentred.
type columnSums struct {
	w       float64   // Σ w (w ≤ 1: the design's weights, or 1)
	wx      []float64 // Σ w·x·2^-64
	zeroOne []bool
}

func (c *columnSums) add(row []float64, w float64) {
	if c.wx == nil {
		p := len(row)
		c.wx, c.zeroOne = make([]float64, p), make([]bool, p)
		for j := range c.zeroOne {
			c.zeroOne[j] = true
		}
	}
	c.w += w
	for j, v := range row {
		// Scaled by 2^-64 so that sums of values near 1e308 stay finite.
		c.wx[j] += w * v * 0x1p-64
		if c.zeroOne[j] {
			// |v| ∈ {0, 1} without a branch per comparison, which random
			// 0/1 columns mispredict: for finite a ∉ {0, 1}, a·(a − 1)
			// cannot round to 0 (|a − 1| ≥ 2^-53 near 1, ≈ 1 near 0).
			a := math.Abs(v)
			c.zeroOne[j] = a*(a-1) == 0
		}
	}
}

// merge adds the sums of o.
func (c *columnSums) merge(o *columnSums) {
	if o.wx == nil {
		return
	}
	if c.wx == nil {
		c.w, c.wx, c.zeroOne = o.w, slices.Clone(o.wx), slices.Clone(o.zeroOne)
		return
	}
	c.w += o.w
	for j, v := range o.wx {
		c.wx[j] += v
		c.zeroOne[j] = c.zeroOne[j] && o.zeroOne[j]
	}
}

// center returns the centring point of each column.
func (c *columnSums) center(p int) []float64 {
	m := make([]float64, p)
	for j := range m {
		if !c.zeroOne[j] {
			m[j] = c.wx[j] / c.w * 0x1p64
		}
	}
	return m
}

// fill copies the rows into the design in the given order, centred, then
// scales every column by R's coxfit6 factor Σw/Σw|x − center| (1 for an
// uncentred or constant column), and sums the event rows' w·x. It reads
// the caller's rows in their order and scatters them, which is faster
// than gathering rows from all over memory.
func (d *coxDesign) fill(obs []Observation, X [][]float64, order, exitIdx, entryIdx []int32, cols *columnSums) {
	n, p := d.n, d.p
	d.x = make([]float64, n*p)
	d.w = make([]float64, n)
	d.event = make([]bool, n)
	d.exitT = make([]int32, n)
	d.entryT = make([]int32, n)
	d.orig = make([]int, n)
	d.scale = make([]float64, p)
	d.deathX = make([]float64, p)
	pos := make([]int32, n)
	for s, r := range order {
		pos[r] = int32(s)
		d.orig[s] = int(r)
	}
	if p > 0 {
		d.center = cols.center(p)
	}
	// Σ w·|x − center| per column (with the weights of the centre) and
	// Σ w, per block of caller rows, added in block order.
	cost := time.Duration(2*p+4) * time.Nanosecond
	chunks := parallel.Chunks(n, cost)
	dev := make([]float64, chunks*(p+1))
	parallel.For(n, cost, func(c, lo, hi int) {
		dv := dev[c*(p+1) : (c+1)*(p+1)]
		for r := lo; r < hi; r++ {
			o := obs[r]
			s := pos[r]
			w := o.weight() / d.weightScale
			d.w[s] = w
			d.event[s] = o.Event
			d.exitT[s], d.entryT[s] = exitIdx[r], entryIdx[r]
			if p == 0 {
				continue
			}
			if d.counting {
				w = 1
			}
			dv[p] += w
			row := d.x[int(s)*p : int(s+1)*p]
			for j, v := range X[r] {
				v -= d.center[j]
				row[j] = v
				dv[j] += w * math.Abs(v) * 0x1p-64
			}
		}
	})
	for c := 1; c < chunks; c++ {
		for j := range p + 1 {
			dev[j] += dev[c*(p+1)+j]
		}
	}
	wsum := dev[p]
	for j := range d.scale {
		d.scale[j] = 1
		if !cols.zeroOne[j] && dev[j] > 0 {
			d.scale[j] = wsum / dev[j] * 0x1p-64
		}
	}
	// Scale the rows and sum the event rows' w·x, per block of sorted rows.
	deathX := make([]float64, chunks*p)
	parallel.For(n, cost, func(c, lo, hi int) {
		dx := deathX[c*p : (c+1)*p]
		for i := lo; i < hi; i++ {
			row := d.x[i*p : (i+1)*p]
			for j, f := range d.scale {
				row[j] *= f
			}
			if d.event[i] {
				axpy(d.w[i], row, dx)
			}
		}
	})
	for c := range chunks {
		axpy(1, deathX[c*p:(c+1)*p], d.deathX)
	}
	for s := range d.strata {
		st := &d.strata[s]
		for i := st.lo; i < st.hi; i++ {
			if d.event[i] {
				st.deathW += d.w[i]
			}
		}
	}
}

// buildEntryOrder lists the late-entry rows stratum by stratum, entry
// descending within each.
func (d *coxDesign) buildEntryOrder(obs []Observation, entryIdx []int32) {
	if !d.counting {
		for s := range d.strata {
			st := &d.strata[s]
			st.entLo, st.entHi = 0, 0
		}
		return
	}
	pos := make([]int32, d.n) // sorted position of each caller row
	for s, r := range d.orig {
		pos[r] = int32(s)
	}
	var keys []uint64
	var rows []int32
	for r, e := range entryIdx {
		if e >= 0 {
			keys = append(keys, uint64(e))
			rows = append(rows, pos[r])
		}
	}
	radix.Sort(keys, rows)
	// Stable by stratum: sorted positions of one stratum are contiguous.
	strat := make([]int32, d.n)
	for s := range d.strata {
		for i := d.strata[s].lo; i < d.strata[s].hi; i++ {
			strat[i] = int32(s)
		}
	}
	count := make([]int, len(d.strata)+1)
	for _, r := range rows {
		count[strat[r]+1]++
	}
	for s := range d.strata {
		count[s+1] += count[s]
		d.strata[s].entLo, d.strata[s].entHi = count[s], count[s+1]
	}
	d.byEntry = make([]int32, len(rows))
	next := slices.Clone(count[:len(d.strata)])
	for _, r := range rows {
		s := strat[r]
		d.byEntry[next[s]] = r
		next[s]++
	}
	for s := range d.strata {
		slices.Reverse(d.byEntry[d.strata[s].entLo:d.strata[s].entHi])
	}
}

// buildSlots numbers the event times of each stratum and gives every row
// the slots of its exit and entry.
func (d *coxDesign) buildSlots() {
	d.exitSlot = make([]int32, d.n)
	d.entrySlot = make([]int32, d.n)
	d.slotTime = d.slotTime[:0]
	for s := range d.strata {
		st := &d.strata[s]
		st.slot0 = len(d.slotTime)
		d.slotTime = append(d.slotTime, -1)
		for i := st.lo; i < st.hi; {
			k := d.exitT[i]
			j, ev := i, false
			for ; j < st.hi && d.exitT[j] == k; j++ {
				ev = ev || d.event[j]
			}
			if ev {
				d.slotTime = append(d.slotTime, k)
			}
			for ; i < j; i++ {
				d.exitSlot[i] = int32(len(d.slotTime) - 1)
			}
		}
		st.nEvents = len(d.slotTime) - 1 - st.slot0
		evTimes := d.slotTime[st.slot0+1:]
		for i := st.lo; i < st.hi; i++ {
			d.entrySlot[i] = int32(st.slot0)
			if e := d.entryT[i]; e >= 0 {
				// event times ≤ e
				k, _ := slices.BinarySearch(evTimes, e+1)
				d.entrySlot[i] = int32(st.slot0 + k)
			}
		}
	}
	d.slots = len(d.slotTime)
}
