package survival

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
	"github.com/ltvgo/ltv/internal/radix"
)

// ConcordanceConvention chooses between R's and scikit-survival's rules for
// ties and the censoring weights (see ConcordanceOptions).
type ConcordanceConvention int

const (
	// ConcordanceR is R survival's concordance(): times merged as aeqSurv
	// does, risk ties by exact equality, Uno's weight 1/G(t−)² (the
	// censoring curve just before t) and Tau inclusive.
	ConcordanceR ConcordanceConvention = iota
	// ConcordanceSksurv is scikit-survival's concordance_index_censored and
	// concordance_index_ipcw (with the same data as survival_train and
	// survival_test): exact time equality, risks within 1e-8 of each other
	// tied, Uno's weight 1/G(t)² with G including the censorings at t, and
	// only pairs whose earlier time is < Tau.
	ConcordanceSksurv
)

// sksurvTiedTol is scikit-survival's tied_tol: risks within it are tied.
const sksurvTiedTol = 1e-8

// ConcordanceOptions are the settings of Concordance. A nil
// *ConcordanceOptions is Harrell's C in R's convention.
type ConcordanceOptions struct {
	// Uno weighs every comparable pair by 1/G², G the Kaplan–Meier curve of
	// the censoring times (Uno, Cai, Pencina, D'Agostino & Wei 2011), R's
	// timewt = "n/G2". Not defined for (start, stop] rows.
	Uno bool
	// Tau, when > 0 and finite, counts only the pairs whose earlier time
	// (the event) is ≤ Tau (R's ymax; < Tau with ConcordanceSksurv).
	Tau float64
	// Strata, when not nil, labels each row: only pairs within a stratum
	// are compared, and C pools the counts of all strata (R's strata()).
	Strata []int
	// Cluster, when not nil, labels each row: the standard error treats
	// the rows of a label as one unit (R's cluster()).
	Cluster []int
	// Convention is R's (the zero value) or scikit-survival's.
	Convention ConcordanceConvention
}

// ConcordanceResult is a concordance index with its ingredients. The
// counts are weighted by the case weights of both rows (and by 1/G² for
// Uno), as R's concordance()$count with reverse = TRUE.
type ConcordanceResult struct {
	C      float64 // (Concordant + TiedRisk/2)/(Concordant + Discordant + TiedRisk)
	StdErr float64 // R's infinitesimal-jackknife standard error of C

	Concordant float64 // comparable pairs in which the earlier event has the higher risk
	Discordant float64 // comparable pairs in which it has the lower risk
	TiedRisk   float64 // comparable pairs with equal risks (R's tied.x)
	TiedTime   float64 // pairs of events at one time with different risks (tied.y; not comparable)
	TiedBoth   float64 // pairs of events at one time with equal risks (tied.xy; not comparable)
}

// Concordance returns the concordance index of risk scores with observed
// times: the share of comparable pairs ordered as the scores say, where
// higher risk means an earlier event (a Cox linear predictor, a churn
// score). A pair is comparable when the earlier of its times is an event
// and the other row is still at risk then: a later time, or a censoring
// at the same time. Pairs tied in risk count ½; events at the same time
// are not compared (Harrell, Califf, Pryor, Lee & Rosati 1982; R survival
// 3.5-3 concordance(…, reverse = TRUE)). Case weights multiply the pair
// counts. With (start, stop] rows, a row is compared with the events
// inside its interval (R's counting-process concordance).
//
// The standard error is R's: the infinitesimal jackknife of Somers' d over
// the rows (or clusters), var = Σ_g dfbeta_g²/4 with dfbeta_i = w_i·((c_i −
// d_i)/N − (c − d)/N²·(c_i + d_i + t_i)) from each row's concordant,
// discordant and tied counts (Therneau & Watson 2017; survival's
// concordance vignette).
//
// Concordance neither modifies nor keeps its arguments. Errors (all
// *DataError): ErrInvalid for an invalid observation (as KaplanMeier), a
// non-finite risk (Row, Field "risk"), slices of the wrong length, Uno
// with (start, stop] rows, or a censoring curve reaching 0 at an event
// time (ConcordanceSksurv's G(t)); ErrEmpty for no rows or no comparable
// pair.
func Concordance(obs []Observation, risk []float64, opt *ConcordanceOptions) (*ConcordanceResult, error) {
	const fn = "survival.Concordance"
	var o ConcordanceOptions
	if opt != nil {
		o = *opt
	}
	bad := func(field, reason string) error {
		return fault.New(fn, -1, field, ErrInvalid, "%s", reason)
	}
	switch {
	case len(risk) != len(obs):
		return nil, bad("risk", fmt.Sprintf("has %d values for %d observations", len(risk), len(obs)))
	case o.Convention < ConcordanceR || o.Convention > ConcordanceSksurv:
		return nil, bad("ConcordanceOptions.Convention", fmt.Sprintf("is unknown (%d)", int(o.Convention)))
	case math.IsNaN(o.Tau):
		return nil, bad("ConcordanceOptions.Tau", "is NaN")
	}
	for i, r := range risk {
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return nil, fault.New(fn, i, "risk", ErrInvalid, "is %g", r)
		}
	}
	cfg := &coxConfig{CoxOptions: CoxOptions{Strata: o.Strata, Cluster: o.Cluster, ExactTimes: o.Convention == ConcordanceSksurv}}
	d, err := newCoxDesign(fn, obs, nil, cfg)
	if err != nil {
		return nil, err
	}
	if o.Uno && d.counting {
		for i, ob := range obs {
			if ob.Entry > 0 {
				return nil, fault.New(fn, i, "Entry", ErrInvalid, "is > 0: Uno's censoring weights are not defined for (start, stop] rows (as R)")
			}
		}
	}
	sorted := make([]float64, d.n)
	for i, r := range d.orig {
		sorted[i] = risk[r]
	}
	res, err := d.concordance(sorted, concordanceRule{uno: o.Uno, tau: o.Tau, sksurv: o.Convention == ConcordanceSksurv})
	if err != nil {
		err.(*DataError).Func = fn
	}
	return res, err
}

// HarrellC is Harrell's concordance index of risk (higher risk = earlier
// event) in R's convention: Concordance(obs, risk, nil).C.
//
// Special cases are:
//
//	HarrellC = NaN when Concordance returns an error (invalid rows, a NaN
//	  risk, len(risk) ≠ len(obs), no comparable pair)
func HarrellC(obs []Observation, risk []float64) float64 {
	r, err := Concordance(obs, risk, nil)
	if err != nil {
		return math.NaN()
	}
	return r.C
}

// UnoC is Uno's inverse-probability-of-censoring weighted concordance of
// risk (higher risk = earlier event), R's concordance(…, timewt = "n/G2",
// ymax = tau): each comparable pair weighs 1/G(t−)², G the Kaplan–Meier
// curve of the censoring times and t the earlier (event) time, and only
// pairs with t ≤ tau count. tau ≤ 0 or +Inf: no limit.
//
// Special cases are:
//
//	UnoC = NaN when Concordance returns an error (as HarrellC, and for
//	  (start, stop] rows)
func UnoC(obs []Observation, risk []float64, tau float64) float64 {
	r, err := Concordance(obs, risk, &ConcordanceOptions{Uno: true, Tau: tau})
	if err != nil {
		return math.NaN()
	}
	return r.C
}

// concordanceRule is the resolved setting of a concordance computation.
type concordanceRule struct {
	uno    bool
	tau    float64 // ≤ 0 or +Inf: no limit
	sksurv bool
}

// pairCounts are the comparable-pair sums of one row: concordant,
// discordant and risk-tied, from the row's point of view.
type pairCounts [3]float64

// influence holds what the jackknife needs of each row, in the order the
// strata were swept (risk order within each): w·(c − d) and w·(c + d + t)
// from the row's pair counts, and its cluster.
type influence struct {
	diff, sum []float64
	cluster   []int32 // nil without clusters
}

// concordance computes the counts and the standard error on the design's
// rows with the given risk per sorted row, stratum by stratum.
func (d *coxDesign) concordance(risk []float64, rule concordanceRule) (*ConcordanceResult, error) {
	res := &ConcordanceResult{}
	inf := influence{diff: make([]float64, d.n), sum: make([]float64, d.n)}
	if d.cluster != nil {
		inf.cluster = make([]int32, d.n)
	}
	tol := 0.0
	if rule.sksurv {
		tol = sksurvTiedTol
	}
	for s := range d.strata {
		st := &d.strata[s]
		grp := d.exitGroups(st)
		tw, err := d.timeWeights(st, grp, rule)
		if err != nil {
			return nil, err
		}
		d.concordanceStratum(st, grp, risk, tol, tw, res, &inf)
	}
	npair := res.Concordant + res.Discordant + res.TiedRisk
	if !(npair > 0) {
		return nil, fault.New("", -1, "", ErrEmpty, "no comparable pair")
	}
	res.C = (res.Concordant + res.TiedRisk/2) / npair
	// The weight scale of the design cancels in C and in dfbeta. With
	// dfbeta_i = w_i·a_i/N, a_i = (c_i − d_i) − S·(c_i + d_i + t_i) and S
	// Somers' d, the standard error is √(Σ_g (Σ_{i∈g} w_i·a_i)²)/(2N); the
	// sum of squares is held scaled, as N can be subnormal when the
	// weights span more than the float64 range.
	somer := (res.Concordant - res.Discordant) / npair
	var v scaledSum
	if inf.cluster == nil {
		for i, diff := range inf.diff {
			v.addSquare(diff - somer*inf.sum[i])
		}
	} else {
		b := make([]float64, d.clusters)
		for i, diff := range inf.diff {
			b[inf.cluster[i]] += diff - somer*inf.sum[i]
		}
		for _, x := range b {
			v.addSquare(x)
		}
	}
	nm, ne := math.Frexp(npair)
	v.e -= 2 * ne
	res.StdErr = v.sqrtTimes(1 / (2 * nm))
	scale := d.weightScale * d.weightScale
	res.Concordant *= scale
	res.Discordant *= scale
	res.TiedRisk *= scale
	res.TiedTime *= scale
	res.TiedBoth *= scale
	return res, nil
}

// exitGroups numbers the distinct exit times of the stratum 0, 1, … and
// returns the number of each row's (index i − st.lo).
func (d *coxDesign) exitGroups(st *coxStratum) []int32 {
	grp := make([]int32, st.hi-st.lo)
	g := int32(-1)
	for i := st.lo; i < st.hi; i++ {
		if i == st.lo || d.exitT[i] != d.exitT[i-1] {
			g++
		}
		grp[i-st.lo] = g
	}
	return grp
}

// timeWeights returns the pair weight of each exit time of the stratum
// (by group number): 1 for Harrell; 1/G² for Uno, with R's G(t−) or
// scikit-survival's G(t); 0 beyond tau.
func (d *coxDesign) timeWeights(st *coxStratum, grp []int32, rule concordanceRule) ([]float64, error) {
	ng := 0
	if n := len(grp); n > 0 {
		ng = int(grp[n-1]) + 1
	}
	tw := make([]float64, ng)
	for k := range tw {
		tw[k] = 1
	}
	nEvents := 0
	for i := st.lo; i < st.hi; i++ {
		if d.event[i] {
			nEvents++
		}
	}
	if rule.uno && nEvents >= 2 { // R falls back to "n" below two events
		// The censoring curve: at a tied time events come first, so the
		// censorings at t see n(t) − d(t) at risk.
		atRisk := 0.0
		for i := st.lo; i < st.hi; i++ {
			atRisk += d.w[i]
		}
		g := 1.0
		for i := st.lo; i < st.hi; {
			k := d.exitT[i]
			var dw, cw float64
			j := i
			for ; j < st.hi && d.exitT[j] == k; j++ {
				if d.event[j] {
					dw += d.w[j]
				} else {
					cw += d.w[j]
				}
			}
			gBefore := g
			if cw > 0 {
				g *= (atRisk - dw - cw) / (atRisk - dw)
			}
			if dw > 0 {
				gt := gBefore
				if rule.sksurv {
					gt = g
				}
				if !(gt > 0) {
					return nil, fault.New("", d.orig[i], "Time", ErrInvalid, "the censoring curve is 0 at the event time %g", d.times[k])
				}
				tw[grp[i-st.lo]] = 1 / (gt * gt)
			}
			atRisk -= dw + cw
			i = j
		}
	}
	if rule.tau > 0 && !math.IsInf(rule.tau, 1) {
		for i := st.lo; i < st.hi; i++ {
			if t := d.times[d.exitT[i]]; t > rule.tau || rule.sksurv && t >= rule.tau {
				tw[grp[i-st.lo]] = 0
			}
		}
	}
	return tw, nil
}

// concordanceStratum adds one stratum's counts to res and each row's
// influence terms (its counts as either member of a pair) to inf.
//
// It walks the rows in order of risk and keeps Fenwick trees indexed by
// time: an event at time group g is comparable with the rows at risk
// after it, those with position > 2g (a row exiting in group h has
// position 2h, or 2h+1 if censored, so a censoring at the event's own
// time counts and another event there does not) less those entering at
// or after it. Two insertion pointers split the rows into risk below
// r − tol and at most r + tol, so that each row's concordant, discordant
// and tied counts, as the earlier and as the later member of its pairs,
// are a few O(log T) queries (T: the stratum's distinct times). Over time,
// not risk, the trees stay small for the day-resolution times of churn
// data and in cache.
func (d *coxDesign) concordanceStratum(st *coxStratum, grp []int32, risk []float64, tol float64, tw []float64, res *ConcordanceResult, inf *influence) {
	n := st.hi - st.lo
	if n == 0 {
		return
	}
	ng := int(grp[n-1]) + 1
	// Each row's fields in time order, then permuted by risk: one random
	// read per row instead of one per field, and the passes below read
	// memory in order.
	byTime := make([]crow, n)
	parallel.For(n, 10*time.Nanosecond, func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			i := st.lo + k
			c := crow{r: risk[i], w: d.w[i], pos: 2 * grp[k], grp: grp[k], event: d.event[i]}
			if !c.event {
				c.pos++
			}
			if e := d.entryT[i]; e >= 0 {
				// The groups whose time is ≤ the entry: those of the rows
				// exiting by then.
				if m := searchInt32(d.exitT[st.lo:st.hi], e+1); m > 0 {
					c.from = grp[m-1] + 1
				}
			}
			byTime[k] = c
		}
	})
	order := sortByRisk(risk[st.lo:st.hi])
	rows := make([]crow, n)
	parallel.For(n, 5*time.Nanosecond, func(_, lo, hi int) {
		for j, k := range order[lo:hi] {
			rows[lo+j] = byTime[k]
		}
	})
	// The trees of a block start from the histograms of the rows before
	// the block (row trees by position and by first group, death trees by
	// group with the event's pair weight). A block of rows is one item of
	// the parallel loop; at least 4·ng rows, so that building its trees
	// (O(ng)) is a small part of its work and the histograms of all
	// blocks take at most n values.
	block := max(4*ng, 1024)
	items := (n + block - 1) / block
	cost := time.Duration(block) * concordanceRowCost
	chunks := parallel.Chunks(items, cost)
	hist := make([]concordanceHist, chunks+1) // hist[c]: rows before chunk c
	start := make([]int, chunks+1)
	start[chunks] = n
	parallel.For(items, cost, func(c, lo, hi int) {
		start[c] = lo * block
		h := newConcordanceHist(ng)
		for _, r := range rows[lo*block : min(hi*block, n)] {
			h.add(&r, tw)
		}
		hist[c+1] = h
	})
	hist[0] = newConcordanceHist(ng)
	for c := 1; c <= chunks; c++ {
		hist[c].addHist(&hist[c-1])
	}
	all := concordanceTotals{exit: runningSum(hist[chunks].exit), entry: runningSum(hist[chunks].entry), dead: runningSum(hist[chunks].dead)}
	parts := make([]pairCounts, chunks)
	parallel.For(items, cost, func(c, lo, hi int) {
		parts[c] = d.concordanceBlock(st, rows, order, start[c], start[c+1], tol, tw, hist, start, &all, inf)
	})
	for _, pc := range parts {
		res.Concordant += pc[0]
		res.Discordant += pc[1]
		res.TiedRisk += pc[2]
	}
	d.tiedTimes(st, grp, rows, tw, res)
}

// concordanceRowCost is the time concordanceBlock takes per row.
const concordanceRowCost = 150 * time.Nanosecond

// concordanceHist holds the histograms of a set of rows that the
// concordance trees are built from: weight by exit position, by first
// group at risk, and event weight times the pair weight by group.
type concordanceHist struct{ exit, entry, dead []float64 }

func newConcordanceHist(ng int) concordanceHist {
	return concordanceHist{exit: make([]float64, 2*ng), entry: make([]float64, ng+1), dead: make([]float64, ng)}
}

func (h *concordanceHist) add(c *crow, tw []float64) {
	h.exit[c.pos] += c.w
	if c.from > 0 {
		h.entry[c.from] += c.w
	}
	if c.event {
		h.dead[c.grp] += c.w * tw[c.grp]
	}
}

func (h *concordanceHist) addHist(o *concordanceHist) {
	axpy(1, o.exit, h.exit)
	axpy(1, o.entry, h.entry)
	axpy(1, o.dead, h.dead)
}

// concordanceTotals are the running sums of the histograms of all rows:
// element k sums the bins below k.
type concordanceTotals struct{ exit, entry, dead []float64 }

// runningSum returns s with s[k] = Σ_{i<k} v[i], k = 0 … len(v).
func runningSum(v []float64) []float64 {
	s := make([]float64, len(v)+1)
	for i, x := range v {
		s[i+1] = s[i] + x
	}
	return s
}

// concordanceSide is the Fenwick trees of a set of rows (see
// concordanceHist).
type concordanceSide struct{ exit, entry, dead fenwickTree }

func (sd *concordanceSide) add(c *crow, tw []float64, sign float64) {
	w := sign * c.w
	sd.exit.add(int(c.pos), w)
	if c.from > 0 {
		sd.entry.add(int(c.from), w)
	}
	if c.event {
		sd.dead.add(int(c.grp), w*tw[c.grp])
	}
}

// atRisk returns the row weight at risk after an event in group g: rows
// after it by position, less those entering at or after g.
func (sd *concordanceSide) atRisk(g int) float64 {
	return sd.exit.suffix(2*g+1) - sd.entry.suffix(g+1)
}

// deaths returns the event weight in groups [from, ⌈pos/2⌉), which row c
// meets as the later member of a pair.
func (sd *concordanceSide) deaths(c *crow) float64 {
	return sd.dead.rangeSum(int(c.from), int(c.pos+1)/2)
}

// concordanceBlock counts the pairs of the rows [lo, hi) in risk order
// (see concordanceStratum) and returns their sums as the earlier member;
// it writes each row's influence terms. hist[c] are the histograms of
// the rows before start[c].
func (d *coxDesign) concordanceBlock(st *coxStratum, rows []crow, order []int32, lo, hi int, tol float64, tw []float64,
	hist []concordanceHist, start []int, all *concordanceTotals, inf *influence) pairCounts {
	var out pairCounts
	if lo == hi {
		return out
	}
	n, ng := len(rows), len(all.dead)-1
	// low holds the rows with risk below r − tol: start from the
	// histograms of the last block boundary below them and add the rest.
	pl := sort.Search(lo, func(k int) bool { return rows[k].r >= rows[lo].r-tol })
	b := sort.SearchInts(start, pl+1) - 1
	h := hist[b]
	low := concordanceSide{exit: fenwickFrom(h.exit), entry: fenwickFrom(h.entry), dead: fenwickFrom(h.dead)}
	for k := start[b]; k < pl; k++ {
		low.add(&rows[k], tw, 1)
	}
	// win holds the rows of the tie window [r − tol, r + tol] (filled only
	// when the window holds another row than the current one: with
	// continuous risks it never does).
	win := concordanceSide{exit: newFenwickTree(2 * ng), entry: newFenwickTree(ng + 1), dead: newFenwickTree(ng)}
	ph := pl         // the window is rows [pl, ph) in risk order
	wlo, whi := 0, 0 // win holds rows [wlo, whi)
	totalAtRisk := func(g int) float64 {
		return all.exit[2*ng] - all.exit[2*g+1] - (all.entry[ng+1] - all.entry[g+1])
	}
	for j := lo; j < hi; j++ {
		c := &rows[j]
		for ; pl < n && rows[pl].r < c.r-tol; pl++ {
			low.add(&rows[pl], tw, 1)
			if pl >= wlo && pl < whi {
				win.add(&rows[pl], tw, -1)
				wlo = pl + 1
			}
		}
		for ph < n && rows[ph].r <= c.r+tol {
			ph++
		}
		tied := ph-pl > 1
		if tied {
			if whi < pl {
				wlo, whi = pl, pl
			}
			for ; whi < ph; whi++ {
				win.add(&rows[whi], tw, 1)
			}
		}
		// As the later member: events with higher risk are concordant.
		lw, tie := low.deaths(c), 0.0
		if tied {
			tie = win.deaths(c)
		}
		tot := 0.0
		if h := int(c.pos+1) / 2; h > int(c.from) {
			tot = all.dead[h] - all.dead[c.from]
		}
		in := nonNegative(tot-lw-tie, lw, tie)
		if c.event {
			// As the earlier member: rows at risk after it with lower
			// risk are concordant.
			g := int(c.grp)
			w := tw[g]
			lw, tie = low.atRisk(g), 0
			if tied {
				tie = win.atRisk(g)
			}
			pc := nonNegative(lw*w, (totalAtRisk(g)-lw-tie)*w, tie*w)
			for q := range pc {
				in[q] += pc[q]
				out[q] += c.w * pc[q]
			}
		}
		k := st.lo + j
		inf.diff[k] = c.w * (in[0] - in[1])
		inf.sum[k] = c.w * (in[0] + in[1] + in[2])
		if inf.cluster != nil {
			inf.cluster[k] = d.cluster[st.lo+int(order[j])]
		}
	}
	return out
}

// nonNegative returns the three counts, any negative one set to 0: the
// counts are differences of running sums, which rounding can take below 0
// when the weights span many orders of magnitude (R's trees subtract the
// same way).
func nonNegative(a, b, c float64) pairCounts {
	return pairCounts{math.Max(a, 0), math.Max(b, 0), math.Max(c, 0)}
}

// crow is one row of a stratum in the concordance sweep.
type crow struct {
	r, w      float64 // risk and (scaled) weight
	pos, from int32   // 2·exit group (+1 if censored); first group at risk at
	grp       int32   // exit group
	event     bool
}

// tiedTimes adds the pairs of events at one time (R's tied.y, not
// comparable) to res: TiedBoth those of equal risk, TiedTime the others.
// rows are the stratum's rows in order of risk.
func (d *coxDesign) tiedTimes(st *coxStratum, grp []int32, rows []crow, tw []float64, res *ConcordanceResult) {
	ng := int(grp[len(grp)-1]) + 1
	sum, sq := make([]float64, ng), make([]float64, ng)
	for _, c := range rows {
		if c.event {
			sum[c.grp] += c.w
			sq[c.grp] += c.w * c.w
		}
	}
	for g := range ng {
		res.TiedTime += tw[g] * (sum[g]*sum[g] - sq[g]) / 2
	}
	// Equal risk and time: within each run of one risk (consecutive in
	// risk order), the events of one group.
	var run []crow
	for a := 0; a < len(rows); {
		b := a + 1
		for b < len(rows) && rows[b].r == rows[a].r {
			b++
		}
		if b-a > 1 {
			run = run[:0]
			for _, c := range rows[a:b] {
				if c.event {
					run = append(run, c)
				}
			}
			slices.SortFunc(run, func(x, y crow) int { return cmp.Compare(x.grp, y.grp) })
			for u := 0; u < len(run); {
				v := u
				var s, sq float64
				for ; v < len(run) && run[v].grp == run[u].grp; v++ {
					s += run[v].w
					sq += run[v].w * run[v].w
				}
				both := tw[run[u].grp] * (s*s - sq) / 2
				res.TiedBoth += both
				res.TiedTime -= both
				u = v
			}
		}
		a = b
	}
}

// searchInt32 returns the number of elements of sorted v below x.
func searchInt32(v []int32, x int32) int {
	lo, hi := 0, len(v)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// sortByRisk returns the indices of risk in ascending order of risk. It
// radix-sorts on the values rounded to float32, which order like the
// values but with 32-bit keys (three passes over 4-byte keys instead of
// six over 8-byte ones), then sorts each run of equal rounded keys on the full key. Both sorts are
// linear, so values that all round to one float32 cost no more than
// others.
func sortByRisk(risk []float64) []int32 {
	n := len(risk)
	keys := make([]uint32, n)
	order := make([]int32, n)
	for k, v := range risk {
		keys[k], order[k] = floatKey32(float32(v)), int32(k)
	}
	radix.Sort(keys, order)
	var full []uint64
	for a := 0; a < n; {
		b := a + 1
		for b < n && keys[b] == keys[a] {
			b++
		}
		if b-a > 1 {
			full = full[:0]
			for _, i := range order[a:b] {
				full = append(full, floatKey(risk[i]))
			}
			radix.Sort(full, order[a:b]) // an insertion sort when short
		}
		a = b
	}
	return order
}

// floatKey32 is floatKey for a float32 (−0 and +0 to one key).
func floatKey32(v float32) uint32 {
	if v == 0 {
		v = 0
	}
	b := math.Float32bits(v)
	if b>>31 == 1 {
		return ^b
	}
	return b | 1<<31
}

// floatKey maps a finite float64 to a key with the same order (−0 and +0
// to one key).
func floatKey(v float64) uint64 {
	if v == 0 {
		v = 0
	}
	b := math.Float64bits(v)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// fenwickTree is a binary indexed tree of weights over indices 0 … n−1.
type fenwickTree struct {
	t     []float64 // 1-based
	total float64
}

func newFenwickTree(n int) fenwickTree { return fenwickTree{t: make([]float64, n+1)} }

// fenwickFrom returns the tree holding weight v[i] at index i, built in
// O(len(v)).
func fenwickFrom(v []float64) fenwickTree {
	f := newFenwickTree(len(v))
	for i, x := range v {
		f.t[i+1] += x
		f.total += x
		if j := (i + 1) + (i+1)&-(i+1); j < len(f.t) {
			f.t[j] += f.t[i+1]
		}
	}
	return f
}

// add adds v at index i.
func (f *fenwickTree) add(i int, v float64) {
	f.total += v
	for i++; i < len(f.t); i += i & -i {
		f.t[i] += v
	}
}

// prefix returns the weight at indices < i.
func (f *fenwickTree) prefix(i int) float64 {
	s := 0.0
	for ; i > 0; i -= i & -i {
		s += f.t[i]
	}
	return s
}

// suffix returns the weight at indices ≥ i.
func (f *fenwickTree) suffix(i int) float64 { return f.total - f.prefix(i) }

// rangeSum returns the weight at indices in [lo, hi).
func (f *fenwickTree) rangeSum(lo, hi int) float64 {
	if hi <= lo {
		return 0
	}
	return f.prefix(hi) - f.prefix(lo)
}
