package clv

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"time"

	"gonum.org/v1/gonum/mathext"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/parallel"
)

// fitGammaGamma is FitGammaGamma and FitGammaGammaCov: it returns
// (p, q, γ, δ), γ in the caller's spend unit, with the Fit report.
func fitGammaGamma(fn string, cs []Customer, cov SpendCovariates, opt *FitOptions) ([]float64, Fit, error) {
	var used []int // the customers with a repeat purchase
	for i, c := range cs {
		if err := checkSpend(fn, i, c); err != nil {
			return nil, Fit{}, err
		}
		if c.Frequency > 0 {
			used = append(used, i)
		}
	}
	design, err := cov.design(fn, len(cs), used)
	if err != nil {
		return nil, Fit{}, err
	}
	if len(used) == 0 {
		return nil, Fit{}, fault.New(fn, -1, "Frequency", ErrEmpty, "no customer has a repeat purchase")
	}
	// Distinct (x, m̄, covariate group), m̄ in tx, in a table sized for
	// len(used) of them, so that it never grows.
	t := rowTable{rows: make([]row, 0, len(used)), groups: make([]int32, 0, len(used))}
	t.slots = make([]int32, max(64, 1<<bits.Len(uint(2*len(used)))))
	for j, i := range used {
		c := cs[i]
		var g int32
		if design.k > 0 {
			g = design.customerGroup[j]
		}
		t.add(row{x: c.Frequency, tx: c.Monetary, w: c.weight()}, g)
	}
	rows, rowGroups := t.rows, t.groups
	// Spend is scale-equivariant: m̄ → m̄/u gives γ → γ/u and ℓ → ℓ + ln u
	// per customer. The fit runs with u the power of two nearest the
	// geometric mean spend (an exact rescaling), so amounts in cents,
	// dollars or 1e300 behave alike.
	var n, sumLnM float64
	for _, r := range rows {
		n += r.w
		sumLnM += r.w * math.Log(r.tx)
	}
	u := math.Exp2(math.Round(sumLnM / n / math.Ln2))
	for i := range rows {
		rows[i].tx /= u
	}
	constrained := opt != nil && opt.ConstrainQ
	problem := func(rows []row, rowGroups []int32, design *covDesign) (mlProblem, error) {
		return ggProblem(fn, rows, rowGroups, design, u, constrained), nil
	}
	p, _ := problem(rows, rowGroups, design)
	if opt != nil && opt.Start != nil && len(opt.Start) == len(p.params) {
		o := *opt
		o.Start = slices.Clone(opt.Start)
		o.Start[2] /= u
		opt = &o
	}
	if design.k > 0 {
		p = warmStarts(p, opt, rows, rowGroups, design, problem)
	}
	th, fit, err := maximize(p, opt)
	if th == nil {
		return nil, fit, err
	}
	fit.Fingerprint = Fingerprint(cs)
	th[2] *= u
	fit.LogLikelihood -= n * math.Log(u)
	if fit.StdErr != nil {
		fit.StdErr[2] *= u
		for j := range fit.Cov {
			fit.Cov[j][2] *= u
			fit.Cov[2][j] *= u
		}
	}
	return th, fit, err
}

// ggProblem returns the Gamma-Gamma likelihood of rows (x, tx = m̄ in the
// fit's unit, w), row j in covariate group rowGroups[j], with design's
// coefficients on the scale γ; u is the fit's spend unit in the caller's,
// for FitOptions.Penalty, and constrained fits q = 1 + e^φ.
func ggProblem(fn string, rows []row, rowGroups []int32, design *covDesign, u float64, constrained bool) mlProblem {
	d := newGGData(rows, rowGroups, design)
	var mean float64 // of m̄, for the starts
	for _, r := range rows {
		mean += r.w / d.n * r.tx
	}
	k := 3 + design.k
	p := mlProblem{
		fn: fn,
		params: append([]param{
			{name: "P", shape: true,
				high: "P → ∞: every transaction of a customer is worth the same",
				low:  "P → 0: transaction values pile up at 0"},
			gammaShape("Q", "Gamma", "customers' spend rates ν"), {name: "Gamma"},
		}, design.coefParams()...),
		starts:      withCoefficients([][]float64{{1, 2, mean}, {1, 1, 1}, {5, 3, mean}}, design.k),
		n:           d.n,
		rows:        len(rows),
		penaltyUnit: make([]float64, k),
		ridge:       design.l2,
		negLL:       func(theta, grad []float64) float64 { return d.eval(theta, grad, nil) },
		hessian:     d.eval,
	}
	for j := range p.penaltyUnit {
		p.penaltyUnit[j] = 1
	}
	p.penaltyUnit[2] = u
	if constrained {
		p.lower = make([]float64, k)
		p.lower[1] = 1
		p.params[1].low = "Q → 1: the constraint binds, and the mean spend P·Gamma/(Q−1) grows without bound"
		p.starts = withCoefficients([][]float64{{1, 2, mean}, {1, 1.5, 1}, {5, 3, mean}}, design.k)
	}
	return p
}

// ggData is a Gamma-Gamma sample laid out for fast likelihood passes. A
// customer's ℓ (Fader, Hardie & Lee 2005, JMR; note 025) is
//
//	lgamma(px+q) − lgamma(px) − lgamma(q) + q·ln γ_i + (px−1)·ln m̄ + px·ln x − (px+q)·ln(γ_i + x·m̄)
//
// with γ_i = γ·exp(δ·z_i). Everything but the last term depends on the
// customer through x, or through the covariate group, alone: per distinct
// x the sums Σw and Σw·ln m̄ are kept once, and a pass computes only
// ln(γ_i + x·m̄) and 1/(γ_i + x·m̄) per row. The rows are ordered by
// covariate group, then x, so that each run of one group and one x (a
// segment) shares γ_i and x.
type ggData struct {
	design *covDesign
	n      float64   // Σ w
	xs     []float64 // distinct x
	wx, sx []float64 // per distinct x: Σ w, Σ w·ln m̄
	wg     []float64 // per covariate group: Σ w
	lnM    float64   // Σ w·ln m̄
	xm, w  []float64 // per row: x·m̄, weight
	seg    []int32   // segment s is rows [seg[s], seg[s+1])
	segX   []int32   // per segment: its x
	segG   []int32   // per segment: its covariate group
	parts  [][]ggSums
	cache  ggCache
	// A pass's per-group and per-x tables, kept for the next pass.
	eta, gammas    []float64 // per group: δ·z_g, γ_g
	cg, dg, eg, fg []float64 // per group: C_g, D_g, E_g, F_g (see pass)
	lx             []float64 // per x: L_x
}

// ggSums are the row sums of one segment s (or of the part of it in one
// chunk of a pass): Σ w·ln(γ_g + x·m̄), Σ w/(γ_g + x·m̄) and
// Σ w/(γ_g + x·m̄)².
type ggSums struct {
	s       int32
	l, r, q float64
}

// ggCache keeps the last pass: Newton evaluates a point in its line
// search and then asks for the gradient and Hessian there, and the fit
// report asks for the value and Hessian at the optimum again.
type ggCache struct {
	at   []float64 // θ of the pass; nil before the first
	v    float64   // −LL(at)
	grad []float64
	hess []float64
}

// ggRowCost is the time a pass takes per row.
const ggRowCost = 12 * time.Nanosecond

// newGGData lays out rows (x, tx = m̄, w), row j in covariate group
// rowGroups[j] of design (every row in group 0 when rowGroups is nil).
func newGGData(rows []row, rowGroups []int32, design *covDesign) *ggData {
	d := &ggData{design: design}
	groupOf := func(j int) int32 {
		if rowGroups == nil {
			return 0
		}
		return rowGroups[j]
	}
	// Number the distinct x, then order the rows by (group, x) with two
	// stable counting sorts.
	var xs numbering[float64]
	var small []int32 // x → its number + 1, for x < len(small): no map lookup
	xi := make([]int32, len(rows))
	for j, r := range rows {
		if r.x < 1<<16 {
			if int(r.x) >= len(small) {
				small = append(small, make([]int32, int(r.x)+1-len(small))...)
			}
			if small[int(r.x)] == 0 {
				small[int(r.x)] = xs.number(r.x) + 1
			}
			xi[j] = small[int(r.x)] - 1
			continue
		}
		xi[j] = xs.number(r.x)
	}
	d.xs = xs.keys
	d.wx, d.sx = make([]float64, len(d.xs)), make([]float64, len(d.xs))
	d.wg = make([]float64, design.groups.size())
	byX := countingSort(len(rows), len(d.xs), func(j int) int32 { return xi[j] }, nil)
	order := countingSort(len(rows), len(d.wg), func(j int) int32 { return groupOf(j) }, byX)
	d.xm, d.w = make([]float64, len(rows)), make([]float64, len(rows))
	for i, j := range order {
		r := rows[j]
		x, g := xi[j], groupOf(int(j))
		if i == 0 || x != d.segX[len(d.segX)-1] || g != d.segG[len(d.segG)-1] {
			d.seg = append(d.seg, int32(i))
			d.segX = append(d.segX, x)
			d.segG = append(d.segG, g)
		}
		d.xm[i], d.w[i] = r.x*r.tx, r.w
		lnM := r.w * math.Log(r.tx)
		d.n += r.w
		d.lnM += lnM
		d.wx[x] += r.w
		d.sx[x] += lnM
		d.wg[g] += r.w
	}
	d.seg = append(d.seg, int32(len(rows)))
	d.parts = make([][]ggSums, parallel.Chunks(len(rows), ggRowCost))
	ng := len(d.wg)
	d.eta, d.gammas = make([]float64, ng), make([]float64, ng)
	d.cg, d.dg, d.eg, d.fg = make([]float64, ng), make([]float64, ng), make([]float64, ng), make([]float64, ng)
	d.lx = make([]float64, len(d.xs))
	return d
}

// countingSort returns the indices 0..n−1 ordered by key (of keys
// distinct values), stably: in the order of prev when prev is not nil.
func countingSort(n, keys int, key func(j int) int32, prev []int32) []int32 {
	start := make([]int32, keys+1)
	for j := range n {
		start[key(j)+1]++
	}
	for k := range keys {
		start[k+1] += start[k]
	}
	out := make([]int32, n)
	for i := range n {
		j := int32(i)
		if prev != nil {
			j = prev[i]
		}
		k := key(int(j))
		out[start[k]] = j
		start[k]++
	}
	return out
}

// eval returns −LL(θ) for θ = (p, q, γ, δ) and, when grad (and hess) are
// not nil, its gradient (and row-major Hessian) in θ, from the pass at θ
// (see pass).
func (d *ggData) eval(theta, grad, hess []float64) float64 {
	if !slices.Equal(theta, d.cache.at) {
		if v, ok := d.pass(theta); !ok {
			return v
		}
	}
	if grad != nil {
		copy(grad, d.cache.grad)
	}
	if hess != nil {
		copy(hess, d.cache.hess)
	}
	return d.cache.v
}

// pass computes −LL(θ) with its gradient and Hessian into d.cache and
// returns the value; ok is false (and the value NaN) outside the
// parameter space. With γ_g = γ·exp(δ·z_g) the scale of covariate group
// g, u_g = ln γ_g, a_x = px + q, W and S the sums of w and w·ln m̄ (per x,
// per group, or in all: N), and the row sums of a segment of group g and
// one x (ggSums) gathered per x as L_x = Σ w·ln(γ_g + x·m̄) and per group
// as C_g = Σ x·w/(γ_g + x·m̄), D_g = Σ w/(γ_g + x·m̄), E_g = Σ x·w/(γ_g + x·m̄)²
// and F_g = Σ w/(γ_g + x·m̄)²,
//
//	ℓ          = Σ_x [W_x·(lgamma(a_x) − lgamma(px) + px·ln x) + px·S_x − a_x·L_x] − S − N·lgamma(q) + q·Σ_g W_g·u_g
//	∂ℓ/∂p      = Σ_x x·[W_x·(ψ(a_x) − ψ(px) + ln x) + S_x − L_x]
//	∂ℓ/∂q      = Σ_x (W_x·ψ(a_x) − L_x) − N·ψ(q) + Σ_g W_g·u_g
//	∂ℓ/∂u_g    = G_g = q·W_g − γ_g·(p·C_g + q·D_g)
//	∂²ℓ/∂u_g²  = K_g = −γ_g·(p·C_g + q·D_g) + γ_g²·(p·E_g + q·F_g)
//	∂²ℓ/∂p∂u_g = −γ_g·C_g,   ∂²ℓ/∂q∂u_g = W_g − γ_g·D_g
//
// and the second derivatives in p and q are those of the lgamma terms
// (trigamma). As u_g = ln γ + δ·z_g, the derivatives in ln γ are the sums
// over groups and those in δ the sums weighted by z_g.
func (d *ggData) pass(theta []float64) (v float64, ok bool) {
	des := d.design
	p, q, gam := theta[0], theta[1], theta[2]
	delta := theta[3:]
	if !(p > 0 && q > 0 && gam > 0) || math.IsInf(p+q+gam, 1) {
		return math.NaN(), false
	}
	ng := len(d.wg)
	lnG := math.Log(gam)
	eta, gammas := d.eta, d.gammas
	for g := range ng {
		if des.k > 0 {
			eta[g] = dot(delta, des.zP[des.groups.purchaseOf(int32(g))])
		}
		gammas[g] = gam * math.Exp(eta[g])
		if !(gammas[g] > 0) || math.IsInf(gammas[g], 1) {
			return math.NaN(), false
		}
	}
	parallel.For(len(d.w), ggRowCost, func(c, lo, hi int) { d.parts[c] = d.chunk(d.parts[c][:0], gammas, lo, hi) })
	lx, cg, dg, eg, fg := d.lx, d.cg, d.dg, d.eg, d.fg
	for _, s := range [...][]float64{lx, cg, dg, eg, fg} {
		clear(s)
	}
	for _, part := range d.parts { // in chunk order
		for _, s := range part {
			xi, g := d.segX[s.s], d.segG[s.s]
			x := d.xs[xi]
			lx[xi] += s.l
			cg[g] += x * s.r
			dg[g] += s.r
			eg[g] += x * s.q
			fg[g] += s.q
		}
	}
	var ll, dp, dq, hpp, hpq, hqq float64
	for xi, x := range d.xs {
		px := p * x
		a := px + q
		wx := d.wx[xi]
		ll += wx*(numeric.Lgamma(a)-numeric.Lgamma(px)+px*math.Log(x)) + px*d.sx[xi] - a*lx[xi]
		psiA, triA := mathext.Digamma(a), numeric.Trigamma(a)
		dp += x * (wx*(psiA-mathext.Digamma(px)+math.Log(x)) + d.sx[xi] - lx[xi])
		dq += wx*psiA - lx[xi]
		hpp += x * x * wx * (triA - numeric.Trigamma(px))
		hpq += x * wx * triA
		hqq += wx * triA
	}
	var sumWU float64 // Σ_g W_g·u_g
	for g, w := range d.wg {
		sumWU += w * (lnG + eta[g])
	}
	ll += q*sumWU - d.lnM - d.n*numeric.Lgamma(q)
	dq += sumWU - d.n*mathext.Digamma(q)
	hqq -= d.n * numeric.Trigamma(q)

	// Derivatives of ℓ in λ = ln γ and δ (index 0 = λ, 1+c = δ_c), with
	// the p and q rows.
	k := des.k
	m := 1 + k
	gl := make([]float64, m)   // ∂ℓ/∂(λ, δ)
	hl := make([]float64, m*m) // ∂²ℓ/∂(λ, δ)²
	hp, hq := make([]float64, m), make([]float64, m)
	for g, gamG := range gammas {
		apcq := p*cg[g] + q*dg[g]
		G := q*d.wg[g] - gamG*apcq
		K := -gamG*apcq + gamG*gamG*(p*eg[g]+q*fg[g])
		Hp := -gamG * cg[g]
		Hq := d.wg[g] - gamG*dg[g]
		var z []float64
		if k > 0 {
			z = des.zP[des.groups.purchaseOf(int32(g))]
		}
		for i := range m {
			zi := 1.0
			if i > 0 {
				zi = z[i-1]
			}
			gl[i] += zi * G
			hp[i] += zi * Hp
			hq[i] += zi * Hq
			for j := i; j < m; j++ {
				zj := 1.0
				if j > 0 {
					zj = z[j-1]
				}
				hl[i*m+j] += zi * zj * K
			}
		}
	}
	// To θ = (p, q, γ, δ): ∂/∂γ = ∂/∂λ / γ, ∂²/∂γ² = (∂²/∂λ² − ∂/∂λ)/γ².
	nt := 3 + k
	grad := resize(d.cache.grad, nt)
	hess := resize(d.cache.hess, nt*nt)
	set := func(i, j int, v float64) { hess[i*nt+j], hess[j*nt+i] = -v, -v }
	grad[0], grad[1] = -dp, -dq
	set(0, 0, hpp)
	set(0, 1, hpq)
	set(1, 1, hqq)
	for i := range m {
		ti := 2 + i
		si := 1.0 // dλ/dγ for λ, 1 for a coefficient
		if i == 0 {
			si = 1 / gam
		}
		grad[ti] = -gl[i] * si
		set(0, ti, hp[i]*si)
		set(1, ti, hq[i]*si)
		for j := i; j < m; j++ {
			sj := 1.0
			if j == 0 {
				sj = 1 / gam
			}
			h := hl[i*m+j]
			if i == 0 && j == 0 {
				h -= gl[0]
			}
			set(ti, 2+j, h*si*sj)
		}
	}
	d.cache = ggCache{at: slices.Clone(theta), v: -ll, grad: grad, hess: hess}
	return -ll, true
}

// chunk appends the sums of the segments of rows [lo, hi) (the first and
// last possibly in part) to sums, at the groups' scales gammas.
func (d *ggData) chunk(sums []ggSums, gammas []float64, lo, hi int) []ggSums {
	s := sort.Search(len(d.seg)-1, func(s int) bool { return int(d.seg[s+1]) > lo })
	for i := lo; i < hi; s++ {
		end := min(int(d.seg[s+1]), hi)
		gam := gammas[d.segG[s]]
		var l, r, q float64
		for ; i < end; i++ {
			v := gam + d.xm[i]
			w := d.w[i]
			inv := 1 / v
			l += w * math.Log(v)
			r += w * inv
			q += w * inv * inv
		}
		sums = append(sums, ggSums{s: int32(s), l: l, r: r, q: q})
	}
	return sums
}

// resize returns s with length n, reusing its storage when it can.
func resize(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}
