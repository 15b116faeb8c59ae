package clv

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"gonum.org/v1/gonum/mathext"

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
	fn             string // the public fit function, for errors
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

// pAlive returns P(alive at T) = 1/(1 + ω/(1−ω)) from the log-odds of
// logOddsDropped, except that b+x+shift−1 is formed as b + (x+shift−1),
// exact in its integer part, so that b down to 1e-8 keeps its digits when
// x+shift = 1.
func (m bgFamily) pAlive(c Customer) float64 {
	if !m.valid() || checkCustomer("", 0, c, false) != nil {
		return math.NaN()
	}
	x := c.Frequency
	if x+m.shift == 0 {
		return 1
	}
	lo := math.Log(m.a) - math.Log(m.b+(x+m.shift-1)) + (m.r+x)*math.Log1p((c.T-c.Recency)/(m.alpha+c.Recency))
	return numeric.InvLogit1p(lo)
}

// conditional returns E[Y(t) | x, t_x, T] = M(a, b+x+shift, r+x, t/(α+T))·P(alive)
// (FHL 2005 eq. 10; Batislam et al. 2007), with M from numeric.BGCore.
func (m bgFamily) conditional(c Customer, t float64) float64 {
	p := m.pAlive(c)
	if math.IsNaN(p) || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	if p == 0 {
		return 0
	}
	core, err := numeric.BGCore(m.a, m.b+c.Frequency+m.shift, m.r+c.Frequency, t/(m.alpha+c.T))
	if err != nil {
		return math.NaN()
	}
	return core * p
}

// unconditional returns E[X(t)] for a customer who made a first purchase
// at 0: M(a, b, r, t/α) for BG/NBD (FHL 2005 eq. 9), b/(a+b)·M(a, b+1, r, t/α)
// for MBG/NBD (Batislam et al. 2007).
func (m bgFamily) unconditional(t float64) float64 {
	if !m.valid() || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	core, err := numeric.BGCore(m.a, m.b+m.shift, m.r, t/m.alpha)
	if err != nil {
		return math.NaN()
	}
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

// fit maximises the likelihood of cs for the family member with this
// shift and returns (r, α, a, b).
func fitBGFamily(fn string, shift float64, cs []Customer, opt *FitOptions) ([]float64, Fit, error) {
	rows, n, err := compress(fn, cs, false)
	if err != nil {
		return nil, Fit{}, err
	}
	d := newBGData(rows, shift)
	if d.sumX == 0 {
		return nil, Fit{}, &DataError{Func: fn, Row: -1, Field: "Frequency",
			Reason: "no customer has a repeat purchase, so the purchase rate is not identified", Err: ErrInvalid}
	}
	// Starts: BTYD/CLVTools' (1, 3, 1, 3) with α scaled to the data's
	// purchase rate (so the time unit does not matter), then fixed ones.
	alpha0 := d.sumT / d.sumX
	starts := [][]float64{{1, alpha0, 1, 3}, {1, 3, 1, 3}, {0.5, alpha0, 0.5, 0.5}, {2, 2 * alpha0, 2, 2}}
	if opt == nil || opt.Start == nil {
		if warm := warmStart(fn, rows, shift, starts); warm != nil {
			starts = append([][]float64{warm}, starts...)
		}
	}
	p := mlProblem{
		fn:      fn,
		params:  bgParams,
		starts:  starts,
		n:       n,
		rows:    len(rows),
		negLL:   d.negLL,
		hessian: d.eval,
	}
	return maximize(p, opt)
}

// warmStart returns the estimate from a seeded 1/16 random subsample of
// the distinct rows (weights ×16, so the likelihood stays unbiased), or nil
// for small samples or a failed subsample fit. Starting the full fit there
// halves its Newton iterations, each a pass over every distinct row.
func warmStart(fn string, rows []row, shift float64, starts [][]float64) []float64 {
	const minRows, rate = 20_000, 16
	if len(rows) < minRows {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(len(rows)), 0x9e3779b97f4a7c15))
	var sub []row
	var n float64
	for _, r := range rows {
		if rng.IntN(rate) == 0 {
			r.w *= rate
			sub = append(sub, r)
			n += r.w
		}
	}
	d := newBGData(sub, shift)
	if d.sumX == 0 {
		return nil
	}
	est, _, _ := search(mlProblem{fn: fn, params: bgParams, starts: starts, n: n, negLL: d.negLL, hessian: d.eval}, nil)
	return est // nil when the subsample fit failed outright
}

// bgData is a compressed sample laid out for fast likelihood passes: rows
// index tables of the distinct x, t_x and T values, so each pass takes
// only one log per distinct value and one exp and log1p per row.
type bgData struct {
	shift   float64
	xs      []float64 // distinct x
	wx      []float64 // Σ w per distinct x
	txs, ts []float64 // distinct t_x and T
	xi      []int32   // per row: index into xs
	txi, ti []int32   // per row: index into txs and ts
	w       []float64 // per row weight
	sumX    float64   // Σ w·x
	sumT    float64   // Σ w·T
	pool    sync.Pool // *bgScratch
}

func newBGData(rows []row, shift float64) *bgData {
	d := &bgData{shift: shift}
	xIdx, txIdx, tIdx := map[float64]int32{}, map[float64]int32{}, map[float64]int32{}
	index := func(m map[float64]int32, vals *[]float64, v float64) int32 {
		k, ok := m[v]
		if !ok {
			k = int32(len(*vals))
			m[v] = k
			*vals = append(*vals, v)
		}
		return k
	}
	d.xi = make([]int32, len(rows))
	d.txi = make([]int32, len(rows))
	d.ti = make([]int32, len(rows))
	d.w = make([]float64, len(rows))
	for i, r := range rows {
		d.xi[i] = index(xIdx, &d.xs, r.x)
		d.txi[i] = index(txIdx, &d.txs, r.tx)
		d.ti[i] = index(tIdx, &d.ts, r.t)
		d.w[i] = r.w
		d.sumX += r.w * r.x
		d.sumT += r.w * r.t
	}
	d.wx = make([]float64, len(d.xs))
	for i, k := range d.xi {
		d.wx[k] += d.w[i]
	}
	return d
}

// bgScratch holds one pass's per-value tables and partial sums.
type bgScratch struct {
	lnT, invT, lnTx, invTx []float64   // ln(α+T), 1/(α+T), likewise for t_x
	cx, rx                 []float64   // per distinct x: ln a − ln(b+x+s−1) (or −Inf), r+x
	parts                  []bgPartial // per chunk of rows
}

// bgRowCost is the time a pass takes per row.
const bgRowCost = 50 * time.Nanosecond

// bgPartial is one chunk's share of ℓ and its derivatives. Sums over rows
// that the a and b derivatives need are kept per distinct x.
type bgPartial struct {
	ll, gr, galpha     float64
	hrr, hra, haa      float64 // r and α second derivatives of LSE
	omega, q, qd0, qd1 []float64
}

// add adds o's sums to p's.
func (p *bgPartial) add(o *bgPartial) {
	p.ll += o.ll
	p.gr += o.gr
	p.galpha += o.galpha
	p.hrr += o.hrr
	p.hra += o.hra
	p.haa += o.haa
	for k := range p.omega {
		p.omega[k] += o.omega[k]
		p.q[k] += o.q[k]
		p.qd0[k] += o.qd0[k]
		p.qd1[k] += o.qd1[k]
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
// θ = (r, α, a, b).
func (d *bgData) negLL(theta, grad []float64) float64 { return d.eval(theta, grad, nil) }

// eval returns −LL(θ) and, when grad (and hess) are not nil, its gradient
// (and row-major 4×4 Hessian). With ω = P(dropped out | row), each row's
// LSE(u, v) has
//
//	∂LSE  = (1−ω)·∂u + ω·∂v
//	∂²LSE = (1−ω)·∂²u + ω·∂²v + ω(1−ω)·D·Dᵀ,   D = ∂v − ∂u
//	D     = (ln(α+T) − ln(α+t_x), (r+x)(1/(α+T) − 1/(α+t_x)), 1/a, −1/(b+x+s−1))
//
// (FHL 2005 eq. 6 differentiated); the last two entries of D depend on
// x only, so their sums are kept per distinct x.
func (d *bgData) eval(theta, grad, hess []float64) float64 {
	r, alpha, a, b := theta[0], theta[1], theta[2], theta[3]
	mode := bgValue
	switch {
	case hess != nil:
		mode = bgHessian
	case grad != nil:
		mode = bgGradient
	}
	sc, _ := d.pool.Get().(*bgScratch)
	if sc == nil {
		sc = &bgScratch{
			lnT: make([]float64, len(d.ts)), invT: make([]float64, len(d.ts)),
			lnTx: make([]float64, len(d.txs)), invTx: make([]float64, len(d.txs)),
			cx: make([]float64, len(d.xs)), rx: make([]float64, len(d.xs)),
		}
		sc.parts = make([]bgPartial, parallel.Chunks(len(d.w), bgRowCost))
		for i := range sc.parts {
			nx := len(d.xs)
			sc.parts[i].omega, sc.parts[i].q = make([]float64, nx), make([]float64, nx)
			sc.parts[i].qd0, sc.parts[i].qd1 = make([]float64, nx), make([]float64, nx)
		}
	}
	defer d.pool.Put(sc)
	for i, t := range d.ts {
		sc.lnT[i], sc.invT[i] = math.Log(alpha+t), 1/(alpha+t)
	}
	for i, t := range d.txs {
		sc.lnTx[i], sc.invTx[i] = math.Log(alpha+t), 1/(alpha+t)
	}
	lnA := math.Log(a)
	for k, x := range d.xs {
		sc.rx[k] = r + x
		sc.cx[k] = math.Inf(-1)
		if x+d.shift > 0 {
			sc.cx[k] = lnA - math.Log(b+x+d.shift-1)
		}
	}

	parallel.For(len(d.w), bgRowCost, func(c, lo, hi int) { d.pass(sc, &sc.parts[c], mode, lo, hi) })
	p := &sc.parts[0] // becomes the sum of the chunks, in chunk order
	for c := range sc.parts[1:] {
		p.add(&sc.parts[1+c])
	}

	// Terms that depend on x only, weighted by Σw per x.
	lnAlpha, lgR := math.Log(alpha), numeric.Lgamma(r)
	lnBab := numeric.LnBeta(a, b)
	ll := p.ll
	for k, x := range d.xs {
		ll += d.wx[k] * (numeric.Lgamma(r+x) - lgR + r*lnAlpha + numeric.LnBeta(a, b+x+d.shift) - lnBab)
	}
	if mode == bgValue {
		return -ll
	}
	// g and h are the derivatives of +LL in θ = (r, α, a, b).
	var g [4]float64
	var h [4][4]float64
	g[0], g[1] = p.gr, p.galpha
	h[0][0], h[0][1], h[1][1] = p.hrr, p.hra, p.haa
	psiR, psiB, psiAB := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	var triR, triB, triAB float64
	if mode == bgHessian {
		triR, triB, triAB = numeric.Trigamma(r), numeric.Trigamma(b), numeric.Trigamma(a+b)
	}
	for k, x := range d.xs {
		wx := d.wx[k]
		bx := b + x + d.shift
		psiABX := mathext.Digamma(a + bx)
		om := p.omega[k]
		g[0] += wx * (mathext.Digamma(r+x) - psiR + lnAlpha)
		g[1] += wx * r / alpha
		g[2] += wx*(psiAB-psiABX) + om/a
		g[3] += wx * (mathext.Digamma(bx) - psiB + psiAB - psiABX)
		if om != 0 {
			g[3] -= om / (bx - 1)
		}
		if mode != bgHessian {
			continue
		}
		triABX := numeric.Trigamma(a + bx)
		h[0][0] += wx * (numeric.Trigamma(r+x) - triR)
		h[0][1] += wx / alpha
		h[1][1] -= wx * r / (alpha * alpha)
		h[2][2] += wx * (triAB - triABX)
		h[2][3] += wx * (triAB - triABX)
		h[3][3] += wx * (numeric.Trigamma(bx) - triB + triAB - triABX)
		if x+d.shift == 0 {
			continue
		}
		// ω·∂²v for a and b, and the per-x part of ω(1−ω)·D·Dᵀ.
		q, qd0, qd1 := p.q[k], p.qd0[k], p.qd1[k]
		ib := 1 / (bx - 1)
		h[2][2] += -om/(a*a) + q/(a*a)
		h[3][3] += om*ib*ib + q*ib*ib
		h[2][3] -= q * ib / a
		h[0][2] += qd0 / a
		h[0][3] -= qd0 * ib
		h[1][2] += qd1 / a
		h[1][3] -= qd1 * ib
	}
	for j := range 4 {
		grad[j] = -g[j]
	}
	if mode == bgHessian {
		for i := range 4 {
			for j := i; j < 4; j++ {
				hess[i*4+j], hess[j*4+i] = -h[i][j], -h[i][j]
			}
		}
	}
	return -ll
}

// pass accumulates rows [lo, hi) into part: the row-dependent part of ℓ,
// LSE(u, v) with u = −(r+x)·ln(α+T) and δ = v − u, and, by mode, the
// gradient weights ω = sigmoid(δ) and the Hessian sums.
func (d *bgData) pass(sc *bgScratch, part *bgPartial, mode bgMode, lo, hi int) {
	var ll, gr, galpha, hrr, hra, haa float64
	omega, qs, qd0s, qd1s := part.omega, part.q, part.qd0, part.qd1
	clear(omega)
	clear(qs)
	clear(qd0s)
	clear(qd1s)
	for i := lo; i < hi; i++ {
		k, ti, w := d.xi[i], d.ti[i], d.w[i]
		rx, lnT, invT := sc.rx[k], sc.lnT[ti], sc.invT[ti]
		u := -rx * lnT
		cx := sc.cx[k]
		if math.IsInf(cx, -1) { // no dropout possible: LSE = u
			ll += w * u
			if mode != bgValue {
				gr -= w * lnT
				galpha -= w * rx * invT
				hra -= w * invT
				haa += w * rx * invT * invT
			}
			continue
		}
		txi := d.txi[i]
		lnTx := sc.lnTx[txi]
		delta := cx + rx*(lnT-lnTx) // v − u
		e := math.Exp(-math.Abs(delta))
		om := 1 / (1 + e) // ω when δ > 0
		// log(1+e) rather than log1p(e): e ≤ 1, so the absolute error is
		// ~1e-16 on a term of order 1, and math.Log is several times faster.
		lse := u + math.Log(1+e)
		if delta > 0 {
			lse += delta
		} else {
			om = e * om
		}
		ll += w * lse
		if mode == bgValue {
			continue
		}
		invTx := sc.invTx[txi]
		gr -= w * ((1-om)*lnT + om*lnTx)
		galpha -= w * rx * ((1-om)*invT + om*invTx)
		omega[k] += w * om
		if mode != bgHessian {
			continue
		}
		hra -= w * ((1-om)*invT + om*invTx)
		haa += w * rx * ((1-om)*invT*invT + om*invTx*invTx)
		wq := w * om * (1 - om)
		d0, d1 := lnT-lnTx, rx*(invT-invTx)
		hrr += wq * d0 * d0
		hra += wq * d0 * d1
		haa += wq * d1 * d1
		qs[k] += wq
		qd0s[k] += wq * d0
		qd1s[k] += wq * d1
	}
	part.ll, part.gr, part.galpha = ll, gr, galpha
	part.hrr, part.hra, part.haa = hrr, hra, haa
}
