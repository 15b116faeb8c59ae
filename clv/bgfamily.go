package clv

import (
	"math"
	"slices"
	"sync"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mathext"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/parallel"
)

// bgFamily is what BG/NBD and MBG/NBD share. They differ only in when the
// dropout coin is first tossed: after the first repeat purchase (BG/NBD,
// shift 0) or already after the first purchase (MBG/NBD, shift 1). After
// x repeat purchases the dropout probability p has the posterior
// Beta(a, b+x+shift), and the customer may have dropped out before T
// whenever x+shift > 0 (FHL 2005; Batislam et al. 2007).
type bgFamily struct {
	r, alpha, a, b float64
	shift          float64
}

// valid reports whether every parameter is finite and > 0.
func (m bgFamily) valid() bool {
	for _, v := range [...]float64{m.r, m.alpha, m.a, m.b} {
		if !(v > 0) || math.IsInf(v, 1) {
			return false
		}
	}
	return true
}

// logOddsDropped returns ln(ω/(1−ω)) for a customer with x+shift > 0,
// where ω = P(dropped out by T | x, t_x, T):
//
//	ln a − ln(b+x+shift−1) + (r+x)·log1p((T − t_x)/(α + t_x)).
func (m bgFamily) logOddsDropped(x, tx, t float64) float64 {
	return math.Log(m.a) - math.Log(m.b+x+m.shift-1) + (m.r+x)*math.Log1p((t-tx)/(m.alpha+tx))
}

func (m bgFamily) logLikelihood(c Customer) float64 {
	if !m.valid() || checkCustomer("", 0, c, false) != nil {
		return math.NaN()
	}
	x := c.Frequency
	ll := numeric.Lgamma(m.r+x) - numeric.Lgamma(m.r) + m.r*math.Log(m.alpha) +
		numeric.LnBeta(m.a, m.b+x+m.shift) - numeric.LnBeta(m.a, m.b)
	u := -(m.r + x) * math.Log(m.alpha+c.T)
	if x+m.shift == 0 {
		return ll + u
	}
	v := math.Log(m.a) - math.Log(m.b+x+m.shift-1) - (m.r+x)*math.Log(m.alpha+c.Recency)
	return ll + numeric.LogSumExp(u, v)
}

// alive returns P(alive at T) = 1/(1 + ω/(1−ω)) from the log-odds of
// logOddsDropped, and its complement ω, each to full relative precision.
func (m bgFamily) alive(c Customer) (p, q float64) {
	if !m.valid() || checkCustomer("", 0, c, false) != nil {
		return math.NaN(), math.NaN()
	}
	if c.Frequency+m.shift == 0 {
		return 1, 0
	}
	p, q = numeric.Sigmoid(-m.logOddsDropped(c.Frequency, c.Recency, c.T))
	return p, q
}

// pAlive returns P(alive at T) (see alive).
func (m bgFamily) pAlive(c Customer) float64 {
	p, _ := m.alive(c)
	return p
}

// conditional returns E[Y(t) | x, t_x, T] = M(a, b+x+shift, r+x, t/(α+T))·P(alive)
// (FHL 2005 eq. 10; Batislam et al. 2007), with M from purchasesIfAlive.
func (m bgFamily) conditional(c Customer, t float64) float64 {
	p := m.pAlive(c)
	if math.IsNaN(p) || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	if p == 0 {
		return 0
	}
	return m.purchasesIfAlive(c.Frequency, c.T, t) * p
}

// purchasesIfAlive returns E[Y(t) | alive at T, x, T] = M(a, b+x+shift,
// r+x, t/(α+T)): given alive, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x+shift)
// (FHL 2005 eq. 10), with M from numeric.BGCore.
func (m bgFamily) purchasesIfAlive(x, T, t float64) float64 {
	return numeric.BGCore(m.a, m.b+x+m.shift, m.r+x, t/(m.alpha+T))
}

// unconditional returns E[X(t)] for a customer who made a first purchase
// at 0: M(a, b, r, t/α) for BG/NBD (FHL 2005 eq. 9), b/(a+b)·M(a, b+1, r, t/α)
// for MBG/NBD (Batislam et al. 2007).
func (m bgFamily) unconditional(t float64) float64 {
	if !m.valid() || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	core := numeric.BGCore(m.a, m.b+m.shift, m.r, t/m.alpha)
	if m.shift == 1 {
		core *= m.b / (m.a + m.b)
	}
	return core
}

// probPurchases returns P(X(t) = n) (FHL 2005 eq. 8; Batislam et al. 2007):
//
//	B(a, b+n+s)/B(a,b)·NB_n + [n+s > 0]·B(a+1, b+n+s−1)/B(a,b)·I_{t/(α+t)}(n, r)
//
// with NB_n the negative-binomial pmf and I the regularised incomplete
// beta (I := 1 at n = 0), which avoids FHL's cancelling finite sum. The
// Beta ratios are differences of lnΓ(x+m) − lnΓ(x) taken without
// cancellation (numeric.LnGammaRatio), so a and b up to 1e8 keep their
// digits, and I is evaluated with both t/(α+t) and α/(α+t) exact to an ulp.
func (m bgFamily) probPurchases(n int, t float64) float64 {
	if !m.valid() || n < 0 || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	nf, s := float64(n), m.shift
	if t == 0 { // no purchases in an empty interval
		if n == 0 {
			return 1
		}
		return 0
	}
	ab := m.a + m.b
	// ln NB_n = lnΓ(r+n) − lnΓ(r) − ln n! + r·ln(α/(α+t)) + n·ln(t/(α+t)).
	lnNB := numeric.LnGammaRatio(m.r, nf) - numeric.Lgamma(nf+1) - m.r*math.Log1p(t/m.alpha)
	if n > 0 {
		lnNB -= nf * math.Log1p(m.alpha/t)
	}
	// B(a, b+n+s)/B(a, b) = Γ(b+n+s)/Γ(b) · Γ(a+b)/Γ(a+b+n+s).
	p := math.Exp(numeric.LnGammaRatio(m.b, nf+s) - numeric.LnGammaRatio(ab, nf+s) + lnNB)
	if nf+s > 0 {
		tail := 1.0
		if n > 0 {
			tail = numeric.RegIncBeta(nf, m.r, t/(m.alpha+t), m.alpha/(m.alpha+t))
		}
		// B(a+1, b+n+s−1)/B(a, b) = a·Γ(b+n+s−1)/Γ(b) · Γ(a+b)/Γ(a+b+n+s).
		p += math.Exp(math.Log(m.a)+numeric.LnGammaRatio(m.b, nf+s-1)-numeric.LnGammaRatio(ab, nf+s)) * tail
	}
	return min(p, 1) // the two rounded terms may pass 1 by an ulp when one of them is ~1
}

// bgParams are the parameters (r, α, a, b) of BG/NBD and MBG/NBD.
var bgParams = []param{
	gammaShape("R", "Alpha", "purchase rates"), {name: "Alpha"},
	betaShape("A", "B", "dropout probabilities", true), betaShape("B", "A", "dropout probabilities", false),
}

// fitBGFamily maximises the likelihood of cs with covariates cov for the
// family member with this shift and returns (r, α, a, b, coefficients)
// and the layout of the coefficients.
func fitBGFamily(fn string, shift float64, cs []Customer, cov Covariates, opt *FitOptions) ([]float64, *covDesign, Fit, error) {
	if len(cs) == 0 {
		return nil, nil, Fit{}, fault.New(fn, -1, "", ErrEmpty, "no customers")
	}
	design, err := cov.design(fn, len(cs), scaleNames{purchase: "the scale α", dropout: "the scales a and b"})
	if err != nil {
		return nil, nil, Fit{}, err
	}
	rows, rowGroups, _, err := compressGroups(fn, cs, design.customerGroup, false)
	if err != nil {
		return nil, nil, Fit{}, err
	}
	problem := func(rows []row, rowGroups []int32, design *covDesign) (mlProblem, error) {
		return bgProblem(fn, shift, rows, rowGroups, design)
	}
	p, err := problem(rows, rowGroups, design)
	if err != nil {
		return nil, nil, Fit{}, err
	}
	p = warmStarts(p, opt, rows, rowGroups, design, problem)
	th, fit, err := maximize(p, opt)
	if th != nil {
		fit.Fingerprint = Fingerprint(cs)
	}
	return th, design, fit, err
}

// bgProblem returns the likelihood of the family member with this shift
// and design's covariates on rows, row j in covariate group rowGroups[j]
// (ErrInvalid for rows without a repeat purchase).
func bgProblem(fn string, shift float64, rows []row, rowGroups []int32, design *covDesign) (mlProblem, error) {
	d := newBGDataGroups(rows, rowGroups, design.groups, shift)
	if d.sumX == 0 {
		return mlProblem{}, fault.New(fn, -1, "Frequency", ErrInvalid,
			"no customer has a repeat purchase, so the purchase rate is not identified")
	}
	// Starts: BTYD/CLVTools' (1, 3, 1, 3) with α scaled to the data's
	// purchase rate (so the time unit does not matter), then fixed ones.
	alpha0 := d.sumT / d.sumX
	p := mlProblem{
		fn:      fn,
		params:  append(slices.Clone(bgParams), design.coefParams()...),
		starts:  withCoefficients([][]float64{{1, alpha0, 1, 3}, {1, 3, 1, 3}, {0.5, alpha0, 0.5, 0.5}, {2, 2 * alpha0, 2, 2}}, design.k),
		n:       floats.Sum(d.w),
		rows:    len(rows),
		negLL:   d.negLL,
		hessian: d.eval,
		ridge:   design.l2,
	}
	d.stop = &interrupt{}
	p.interrupt = d.stop
	if design.k > 0 {
		c := newBGCov(design, d)
		p.negLL, p.hessian = c.negLL, c.eval
	}
	return p, nil
}

// bgCov is the likelihood of a BG/NBD or MBG/NBD with covariates: each
// covariate group's α (a, b) from θ, bgData.evalGroups, and the chain rule
// of covSums.
type bgCov struct {
	design         *covDesign
	data           *bgData
	alphas, as, bs []float64 // per purchase (dropout) group
}

func newBGCov(design *covDesign, data *bgData) *bgCov {
	nP, nD := design.groups.counts()
	return &bgCov{design: design, data: data, alphas: make([]float64, nP), as: make([]float64, nD), bs: make([]float64, nD)}
}

// negLL returns −LL(θ) and, when grad is not nil, its gradient, for θ = (r,
// α, a, b, coefficients).
func (c *bgCov) negLL(theta, grad []float64) float64 { return c.eval(theta, grad, nil) }

// eval is negLL with the row-major Hessian in θ when hess is not nil.
func (c *bgCov) eval(theta, grad, hess []float64) float64 {
	d := c.design
	purchase, dropout := d.coefficients(theta[4:])
	for pg, z := range d.zP {
		c.alphas[pg] = scale(theta[1], bgLink.signP, purchase, z)
	}
	for dg, z := range d.zD {
		c.as[dg] = scale(theta[2], bgLink.signD, dropout, z)
		c.bs[dg] = scale(theta[3], bgLink.signD, dropout, z)
	}
	var sums *covSums
	if grad != nil {
		sums = newCovSums(d, bgLink, theta, hess != nil)
	}
	v := c.data.evalGroups(theta[0], c.alphas, c.as, c.bs, sums)
	if sums != nil {
		sums.result(grad, hess)
	}
	return v
}

// bgData is a compressed sample laid out for fast likelihood passes: rows
// index tables of the distinct values of x, t_x and T of each covariate
// group ("knots"), so each pass takes only one log per knot and one exp
// and log1p per row. With covariates (see Covariates) α varies by purchase
// group, so the t_x and T knots are per purchase group, and a and b vary by
// dropout group, so the x knots are per dropout group; without covariates
// there is one group of each and the knots are the distinct values.
type bgData struct {
	stop         *interrupt // the fit's cancellation, checked per chunk of a pass
	shift        float64
	groups       covGroups
	xs           []float64  // distinct x
	wx           []float64  // Σ w per distinct x
	xKnotX       []int32    // per x knot: index into xs
	xKnotD       []int32    // per x knot: its dropout group
	wk           []float64  // Σ w per x knot
	txs, ts      []float64  // t_x and T knots: the time
	txP, tP      []int32    // t_x and T knots: their purchase group
	xi, txi, ti  []int32    // per row: its x, t_x and T knot
	rowG         []int32    // per row: its joint covariate group
	w            []float64  // per row weight
	sumX         float64    // Σ w·x
	sumT         float64    // Σ w·T
	pool         sync.Pool  // *bgScratch
	noCovariates *covDesign // the design of a sample without covariates
}

// newBGData lays out rows without covariates: one group.
func newBGData(rows []row, shift float64) *bgData {
	return newBGDataGroups(rows, nil, covGroups{}, shift)
}

// newBGDataGroups lays out rows in covariate groups, row j in joint group
// rowGroups[j] (every row in group 0 when rowGroups is nil).
func newBGDataGroups(rows []row, rowGroups []int32, groups covGroups, shift float64) *bgData {
	d := &bgData{shift: shift, groups: groups, noCovariates: &covDesign{}}
	type knot struct {
		v float64
		g int32
	}
	var xs numbering[float64]
	var xKnots, txKnots, tKnots numbering[knot]
	single := groups.size() == 1 // every row in group 0: the knots are the distinct values
	d.xi = make([]int32, len(rows))
	if !single {
		d.txi = make([]int32, len(rows))
		d.ti = make([]int32, len(rows))
	}
	d.rowG = make([]int32, len(rows))
	d.w = make([]float64, len(rows))
	var direct [directCounts]int32
	for i, r := range rows {
		d.w[i] = r.w
		d.sumX += r.w * r.x
		d.sumT += r.w * r.t
		if single {
			d.xi[i] = numberCount(&xs, &direct, r.x)
			continue
		}
		d.rowG[i] = rowGroups[i]
		pg, dg := groups.purchaseOf(d.rowG[i]), groups.dropoutOf(d.rowG[i])
		xs.number(r.x)
		d.xi[i] = xKnots.number(knot{r.x, dg})
		d.txi[i] = txKnots.number(knot{r.tx, pg})
		d.ti[i] = tKnots.number(knot{r.t, pg})
	}
	d.xs = xs.keys
	for _, k := range xKnots.keys {
		d.xKnotX = append(d.xKnotX, xs.number(k.v))
		d.xKnotD = append(d.xKnotD, k.g)
	}
	if single {
		d.xKnotX, d.xKnotD = make([]int32, len(d.xs)), make([]int32, len(d.xs))
		for k := range d.xKnotX {
			d.xKnotX[k] = int32(k)
		}
		// One purchase group: the times are the knots.
		tx, t := make([]float64, len(rows)), make([]float64, len(rows))
		for i, r := range rows {
			tx[i], t[i] = r.tx, r.t
		}
		d.txi, d.txs = numberFloats(tx)
		d.ti, d.ts = numberFloats(t)
		d.txP, d.tP = make([]int32, len(d.txs)), make([]int32, len(d.ts))
	}
	for _, k := range txKnots.keys {
		d.txs = append(d.txs, k.v)
		d.txP = append(d.txP, k.g)
	}
	for _, k := range tKnots.keys {
		d.ts = append(d.ts, k.v)
		d.tP = append(d.tP, k.g)
	}
	d.wx = make([]float64, len(d.xs))
	d.wk = make([]float64, len(d.xKnotX))
	for i, k := range d.xi {
		d.wk[k] += d.w[i]
		d.wx[d.xKnotX[k]] += d.w[i]
	}
	return d
}

// bgScratch holds one pass's per-knot tables and partial sums.
type bgScratch struct {
	lnA, invA []float64   // per purchase group: ln α, 1/α
	atT, atTx bgTimes     // per T (t_x) knot, at its group's α
	x, cx, ib []float64   // per x knot: x, ln a − ln(b+x+s−1) (or −Inf), 1/(b+x+s−1)
	parts     []bgPartial // per chunk of rows
}

// bgRowCost is the time a pass takes per row.
const bgRowCost = 50 * time.Nanosecond

// bgTimes holds what the rows' terms need of each T (or t_x) knot y at
// its group's α. A row's ℓ has r·ln α − (r+x)·ln(α+y) = −r·(ln(α+y) − ln α)
// − x·ln(α+y), which is summed in that form, per row: summed apart, the
// two terms are each ~N·r·ln α for N customers, and their difference
// carries the rounding of those sums (1e-4 in ℓ at r = 3e5, N = 2e4),
// enough to derail Newton near the limit r → ∞. Differences of logarithms
// and of reciprocals are accurate to ~1e-16 absolute, which the sums keep.
type bgTimes struct {
	ln, lp  []float64 // ln(α+y), ln(α+y) − ln α
	inv     []float64 // 1/(α+y); with da and daa, for derivatives only
	da, daa []float64 // 1/α − 1/(α+y) (∂lp/∂α negated), 1/α² − 1/(α+y)²
}

func newBGTimes(n int) bgTimes {
	return bgTimes{ln: make([]float64, n), lp: make([]float64, n), inv: make([]float64, n), da: make([]float64, n), daa: make([]float64, n)}
}

// fill sets the knots ys, knot i at α = alphas[groups[i]] with ln α =
// lnA[groups[i]] and 1/α = invA[…], the derivatives' parts only for a
// pass that needs them.
func (t *bgTimes) fill(ys []float64, groups []int32, alphas, lnA, invA []float64, mode bgMode) {
	for i, y := range ys {
		g := groups[i]
		t.ln[i] = math.Log(alphas[g] + y)
		t.lp[i] = t.ln[i] - lnA[g]
		if mode == bgValue {
			continue
		}
		t.inv[i] = 1 / (alphas[g] + y)
		t.da[i] = invA[g] - t.inv[i]
		t.daa[i] = t.da[i] * (invA[g] + t.inv[i])
	}
}

// bgPartial is one chunk's share of ℓ and its derivatives, kept per
// purchase group for α, per x knot for a and b, and per joint group for
// the α–(a, b) cross terms, whose factor 1/(b+x+s−1) varies by x.
type bgPartial struct {
	ll, gr, hrr      float64
	galpha, hra, haa []float64 // per purchase group
	omega, q, qd0    []float64 // per x knot
	cross, crossB    []float64 // per joint group: Σ w·ω(1−ω)·D_α and Σ w·ω(1−ω)·D_α/(b+x+s−1)
}

// add adds o's sums to p's.
func (p *bgPartial) add(o *bgPartial) {
	p.ll += o.ll
	p.gr += o.gr
	p.hrr += o.hrr
	for _, f := range [...]struct{ dst, src []float64 }{
		{p.galpha, o.galpha}, {p.hra, o.hra}, {p.haa, o.haa},
		{p.omega, o.omega}, {p.q, o.q}, {p.qd0, o.qd0},
		{p.cross, o.cross}, {p.crossB, o.crossB},
	} {
		floats.Add(f.dst, f.src)
	}
}

// bgMode says how much of ℓ a pass computes.
type bgMode int

const (
	bgValue bgMode = iota
	bgGradient
	bgHessian
)

// negLL returns −LL(θ) and, when grad is not nil, ∂(−LL)/∂θ for
// θ = (r, α, a, b) of a sample without covariates.
func (d *bgData) negLL(theta, grad []float64) float64 { return d.eval(theta, grad, nil) }

// eval returns −LL(θ) of a sample without covariates and, when grad (and
// hess) are not nil, its gradient (and row-major 4×4 Hessian) in
// θ = (r, α, a, b).
func (d *bgData) eval(theta, grad, hess []float64) float64 {
	var sums *covSums
	if grad != nil {
		sums = newCovSums(d.noCovariates, bgLink, theta, hess != nil)
	}
	v := d.evalGroups(theta[0], theta[1:2], theta[2:3], theta[3:4], sums)
	if sums != nil {
		sums.result(grad, hess)
	}
	return v
}

// evalGroups returns −LL for the shape r, α = alphas[pg] in purchase group
// pg and (a, b) = (as[dg], bs[dg]) in dropout group dg, and when sums is
// not nil adds the derivatives of −LL in each group's own (r, α, a, b) to
// it. With ω = P(dropped out | row), each row's
// LSE(u, v) has
//
//	∂LSE  = (1−ω)·∂u + ω·∂v
//	∂²LSE = (1−ω)·∂²u + ω·∂²v + ω(1−ω)·D·Dᵀ,   D = ∂v − ∂u
//	D     = (ln(α+T) − ln(α+t_x), (r+x)(1/(α+T) − 1/(α+t_x)), 1/a, −1/(b+x+s−1))
//
// (FHL 2005 eq. 6 differentiated in (r, α, a, b)); the last two entries of
// D depend on the x knot only, so their sums are kept per x knot.
func (d *bgData) evalGroups(r float64, alphas, as, bs []float64, sums *covSums) float64 {
	mode := bgValue
	switch {
	case sums != nil && sums.hess != nil:
		mode = bgHessian
	case sums != nil:
		mode = bgGradient
	}
	for _, v := range slices.Concat([]float64{r}, alphas, as, bs) {
		if !(v > 0) || math.IsInf(v, 1) {
			return math.NaN()
		}
	}
	sc, _ := d.pool.Get().(*bgScratch)
	if sc == nil {
		sc = d.newScratch()
	}
	defer d.pool.Put(sc)
	for pg, alpha := range alphas {
		sc.lnA[pg], sc.invA[pg] = math.Log(alpha), 1/alpha
	}
	sc.atT.fill(d.ts, d.tP, alphas, sc.lnA, sc.invA, mode)
	sc.atTx.fill(d.txs, d.txP, alphas, sc.lnA, sc.invA, mode)
	for k, xv := range d.xKnotX {
		x, dg := d.xs[xv], d.xKnotD[k]
		sc.x[k] = x
		sc.cx[k] = math.Inf(-1)
		if x+d.shift > 0 {
			bx1 := bs[dg] + x + d.shift - 1
			sc.cx[k] = math.Log(as[dg]) - math.Log(bx1)
			sc.ib[k] = 1 / bx1
		}
	}

	parallel.For(len(d.w), bgRowCost, func(c, lo, hi int) {
		if !d.stop.done() {
			d.pass(sc, &sc.parts[c], mode, r, lo, hi)
		}
	})
	p := &sc.parts[0] // becomes the sum of the chunks, in chunk order
	for c := range sc.parts[1:] {
		p.add(&sc.parts[1+c])
	}
	ll := p.ll

	// Terms that depend on x only (weighted by Σw per x) and on a, b and x
	// (Σw per x knot).
	lgR := numeric.Lgamma(r)
	for k, x := range d.xs {
		ll += d.wx[k] * (numeric.Lgamma(r+x) - lgR)
	}
	for k, xv := range d.xKnotX {
		a, b := as[d.xKnotD[k]], bs[d.xKnotD[k]]
		ll += d.wk[k] * (numeric.LnBeta(a, b+d.xs[xv]+d.shift) - numeric.LnBeta(a, b))
	}
	if mode == bgValue {
		return -ll
	}
	d.derivatives(sc, r, alphas, as, bs, mode == bgHessian, sums)
	return -ll
}

// newScratch allocates a pass's tables.
func (d *bgData) newScratch() *bgScratch {
	nP, _ := d.groups.counts()
	nx, ng := len(d.xKnotX), d.groups.size()
	sc := &bgScratch{
		lnA: make([]float64, nP), invA: make([]float64, nP),
		atT: newBGTimes(len(d.ts)), atTx: newBGTimes(len(d.txs)),
		x: make([]float64, nx), cx: make([]float64, nx), ib: make([]float64, nx),
	}
	sc.parts = make([]bgPartial, parallel.Chunks(len(d.w), bgRowCost))
	for i := range sc.parts {
		p := &sc.parts[i]
		p.galpha, p.hra, p.haa = make([]float64, nP), make([]float64, nP), make([]float64, nP)
		p.omega, p.q, p.qd0 = make([]float64, nx), make([]float64, nx), make([]float64, nx)
		p.cross, p.crossB = make([]float64, ng), make([]float64, ng)
	}
	return sc
}

// derivatives adds the derivatives of −LL in the groups' own (r, α, a, b)
// to sums, from the pass's partial sums in sc: the r terms, then per
// purchase group, per x knot (its dropout group) and per joint group.
func (d *bgData) derivatives(sc *bgScratch, r float64, alphas, as, bs []float64, hessian bool, sums *covSums) {
	p := &sc.parts[0] // the sum of the chunks
	// g and h are derivatives of +LL in the parameters at; add negates them.
	var g [4]float64
	var h [4][4]float64
	add := func(pg, dg int, at [4]float64) {
		for i := range 4 {
			g[i] = -g[i]
			for j := range 4 {
				h[i][j] = -h[i][j]
			}
		}
		sums.add(pg, dg, &at, &g, &h)
		g, h = [4]float64{}, [4][4]float64{}
	}
	base := [4]float64{r, alphas[0], as[0], bs[0]} // any group's: the terms below use only their own
	psiR, triR := mathext.Digamma(r), 0.0
	if hessian {
		triR = numeric.Trigamma(r)
	}
	g[0], h[0][0] = p.gr, p.hrr
	for k, x := range d.xs {
		g[0] += d.wx[k] * (mathext.Digamma(r+x) - psiR)
		if hessian {
			h[0][0] += d.wx[k] * (numeric.Trigamma(r+x) - triR)
		}
	}
	add(-1, -1, base)
	for pg, alpha := range alphas {
		g[1] = p.galpha[pg]
		if hessian {
			h[0][1] = p.hra[pg]
			h[1][0] = h[0][1]
			h[1][1] = p.haa[pg]
		}
		add(pg, -1, [4]float64{r, alpha, base[2], base[3]})
	}
	for k, xv := range d.xKnotX {
		dg := d.xKnotD[k]
		a, b := as[dg], bs[dg]
		wk, bx := d.wk[k], b+d.xs[xv]+d.shift
		psiAB, psiABX := mathext.Digamma(a+b), mathext.Digamma(a+bx)
		om := p.omega[k]
		ib := sc.ib[k]
		g[2] = wk*(psiAB-psiABX) + om/a
		g[3] = wk * (mathext.Digamma(bx) - mathext.Digamma(b) + psiAB - psiABX)
		if om != 0 {
			g[3] -= om * ib
		}
		if hessian {
			triAB, triABX := numeric.Trigamma(a+b), numeric.Trigamma(a+bx)
			h[2][2] = wk * (triAB - triABX)
			h[2][3] = wk * (triAB - triABX)
			h[3][3] = wk * (numeric.Trigamma(bx) - numeric.Trigamma(b) + triAB - triABX)
			if d.xs[xv]+d.shift > 0 {
				// ω·∂²v for a and b, and the per-x part of ω(1−ω)·D·Dᵀ.
				q, qd0 := p.q[k], p.qd0[k]
				h[2][2] += (q - om) / (a * a)
				h[3][3] += (om + q) * ib * ib
				h[2][3] -= q * ib / a
				h[0][2], h[0][3] = qd0/a, -qd0*ib
			}
			h[3][2], h[2][0], h[3][0] = h[2][3], h[0][2], h[0][3]
		}
		add(-1, int(dg), [4]float64{r, base[1], a, b})
	}
	if !hessian {
		return
	}
	for gr := range d.groups.size() {
		pg, dg := d.groups.purchaseOf(int32(gr)), d.groups.dropoutOf(int32(gr))
		// ∂²/∂α∂a = Σ ω(1−ω)·D_α·D_a with D_a = 1/a; likewise for b.
		h[1][2] = (p.cross[gr]) / as[dg]
		h[1][3] = -(p.crossB[gr])
		h[2][1], h[3][1] = h[1][2], h[1][3]
		add(int(pg), int(dg), [4]float64{r, alphas[pg], as[dg], bs[dg]})
	}
}

// pass accumulates rows [lo, hi) into part: the row-dependent part of ℓ,
// LSE(u, v) + r·ln α with u = −(r+x)·ln(α+T) and δ = v − u (see bgTime),
// and, by mode, the gradient weights ω = sigmoid(δ) and the Hessian sums.
func (d *bgData) pass(sc *bgScratch, part *bgPartial, mode bgMode, r float64, lo, hi int) {
	var ll, gr, hrr float64
	galpha, hra, haa := part.galpha, part.hra, part.haa
	omega, qs, qd0s := part.omega, part.q, part.qd0
	cross, crossB := part.cross, part.crossB
	for _, s := range [][]float64{galpha, hra, haa, omega, qs, qd0s, cross, crossB} {
		clear(s)
	}
	for i := lo; i < hi; i++ {
		k, ti, w := d.xi[i], d.ti[i], d.w[i]
		pg := d.tP[ti]
		x, at := sc.x[k], &sc.atT
		u := -r*at.lp[ti] - x*at.ln[ti] // u + r·ln α
		cx := sc.cx[k]
		if math.IsInf(cx, -1) { // no dropout possible: LSE = u
			ll += w * u
			if mode != bgValue {
				inv, da := at.inv[ti], at.da[ti]
				gr -= w * at.lp[ti]
				galpha[pg] += w * (r*da - x*inv)
				hra[pg] += w * da
				haa[pg] += w * (x*inv*inv - r*at.daa[ti])
			}
			continue
		}
		atx, txi := &sc.atTx, d.txi[i]
		rx := r + x
		delta := cx + rx*(at.ln[ti]-atx.ln[txi]) // v − u
		// ω = σ(δ) and LSE(u, v) = u + ln(1 + e^δ) = u − ln(1 − ω).
		om, _, _, lnQ := numeric.Logistic(delta)
		ll += w * (u - lnQ)
		if mode == bgValue {
			continue
		}
		// The r and α derivatives of u + r·ln α and v + r·ln α.
		inv, invx, da, dax := at.inv[ti], atx.inv[txi], at.da[ti], atx.da[txi]
		gr -= w * ((1-om)*at.lp[ti] + om*atx.lp[txi])
		galpha[pg] += w * ((1-om)*(r*da-x*inv) + om*(r*dax-x*invx))
		omega[k] += w * om
		if mode != bgHessian {
			continue
		}
		hra[pg] += w * ((1-om)*da + om*dax)
		haa[pg] += w * ((1-om)*(x*inv*inv-r*at.daa[ti]) + om*(x*invx*invx-r*atx.daa[txi]))
		wq := w * om * (1 - om)
		d0, d1 := at.ln[ti]-atx.ln[txi], rx*(inv-invx)
		hrr += wq * d0 * d0
		hra[pg] += wq * d0 * d1
		haa[pg] += wq * d1 * d1
		qs[k] += wq
		qd0s[k] += wq * d0
		g := d.rowG[i]
		cross[g] += wq * d1
		crossB[g] += wq * d1 * sc.ib[k]
	}
	part.ll, part.gr, part.hrr = ll, gr, hrr
}
