package clv

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/mathext"

	"github.com/ltvgo/ltv/internal/numeric"
)

// bgFamily is what BG/NBD and MBG/NBD share. They differ only in when the
// dropout coin is first tossed: after the first repeat purchase (BG/NBD,
// shift 0) or already after the first purchase (MBG/NBD, shift 1). After
// x repeat purchases the dropout probability p has the posterior
// Beta(a, b+x+shift), and the customer may have dropped out before T
// whenever x+shift > 0 (MODELS.md §2, §3).
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

func (m bgFamily) pAlive(c Customer) float64 {
	if !m.valid() || checkCustomer("", 0, c, false) != nil {
		return math.NaN()
	}
	if c.Frequency+m.shift == 0 {
		return 1
	}
	return numeric.InvLogit1p(m.logOddsDropped(c.Frequency, c.Recency, c.T))
}

// conditional returns E[Y(t) | x, t_x, T] = M(a, b+x+shift, r+x, t/(α+T))·P(alive).
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
// at 0: M(a, b, r, t/α) for BG/NBD, b/(a+b)·M(a, b+1, r, t/α) for MBG/NBD.
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
// beta (I := 1 at n = 0), which avoids FHL's cancelling finite sum.
func (m bgFamily) probPurchases(n int, t float64) float64 {
	if !m.valid() || n < 0 || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	nf, s := float64(n), m.shift
	lnBab := numeric.LnBeta(m.a, m.b)
	lnNB := numeric.Lgamma(m.r+nf) - numeric.Lgamma(m.r) - numeric.Lgamma(nf+1) +
		m.r*math.Log(m.alpha/(m.alpha+t))
	if n > 0 {
		lnNB += nf * math.Log(t/(m.alpha+t))
	}
	p := math.Exp(numeric.LnBeta(m.a, m.b+nf+s) - lnBab + lnNB)
	if nf+s > 0 {
		tail := 1.0
		if n > 0 {
			tail = mathext.RegIncBeta(nf, m.r, t/(m.alpha+t))
		}
		p += math.Exp(numeric.LnBeta(m.a+1, m.b+nf+s-1)-lnBab) * tail
	}
	return p
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
	p := mlProblem{
		fn:       fn,
		starts:   [][]float64{{1, alpha0, 1, 3}, {1, 3, 1, 3}, {0.5, alpha0, 0.5, 0.5}, {2, 2 * alpha0, 2, 2}},
		n:        n,
		negLL:    d.negLL,
		gradient: true,
	}
	return maximize(p, opt)
}

// bgData is a compressed sample laid out for fast likelihood passes: rows
// index tables of the distinct x, t_x and T values, so each pass takes
// only one log per distinct value and one exp and log1p per row.
type bgData struct {
	shift     float64
	xs        []float64 // distinct x
	wx        []float64 // Σ w per distinct x
	txs, ts   []float64 // distinct t_x and T
	xi        []int32   // per row: index into xs
	txi, ti   []int32   // per row: index into txs and ts
	w         []float64 // per row weight
	sumX      float64   // Σ w·x
	sumT      float64   // Σ w·T
	pool      sync.Pool // *bgScratch
	chunkRows int
}

func newBGData(rows []row, shift float64) *bgData {
	d := &bgData{shift: shift, chunkRows: 50_000}
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
	lnT, invT, lnTx, invTx []float64 // ln(α+T), 1/(α+T), likewise for t_x
	cx, rx                 []float64 // per distinct x: ln a − ln(b+x+s−1) (or −Inf), r+x
	part                   [2]bgPartial
}

// bgPartial is one chunk's share of −LL and its gradient pieces.
type bgPartial struct {
	ll, gr, galpha float64
	omega          []float64 // Σ w·ω per distinct x
}

// negLL returns −LL(θ) and, when grad is not nil, ∂(−LL)/∂θ for
// θ = (r, α, a, b), using MODELS.md §2's gradient with ω = P(dropped out).
func (d *bgData) negLL(theta, grad []float64) float64 {
	r, alpha, a, b := theta[0], theta[1], theta[2], theta[3]
	sc, _ := d.pool.Get().(*bgScratch)
	if sc == nil {
		sc = &bgScratch{
			lnT: make([]float64, len(d.ts)), invT: make([]float64, len(d.ts)),
			lnTx: make([]float64, len(d.txs)), invTx: make([]float64, len(d.txs)),
			cx: make([]float64, len(d.xs)), rx: make([]float64, len(d.xs)),
		}
		for i := range sc.part {
			sc.part[i].omega = make([]float64, len(d.xs))
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

	nrows := len(d.w)
	if nrows > d.chunkRows {
		half := nrows / 2
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			d.pass(sc, &sc.part[1], half, nrows)
			wg.Done()
		}()
		d.pass(sc, &sc.part[0], 0, half)
		wg.Wait()
	} else {
		d.pass(sc, &sc.part[0], 0, nrows)
		sc.part[1].ll, sc.part[1].gr, sc.part[1].galpha = 0, 0, 0
		clear(sc.part[1].omega)
	}
	p0, p1 := &sc.part[0], &sc.part[1]

	// Terms that depend on x only, weighted by Σw per x.
	lnAlpha, lgR := math.Log(alpha), numeric.Lgamma(r)
	lnBab := numeric.LnBeta(a, b)
	ll := p0.ll + p1.ll
	var gr, galpha, ga, gb float64
	if grad != nil {
		gr, galpha = p0.gr+p1.gr, p0.galpha+p1.galpha
	}
	psiR, psiB, psiAB := 0.0, 0.0, 0.0
	if grad != nil {
		psiR, psiB, psiAB = mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	}
	for k, x := range d.xs {
		wx := d.wx[k]
		bx := b + x + d.shift
		ll += wx * (numeric.Lgamma(r+x) - lgR + r*lnAlpha + numeric.LnBeta(a, bx) - lnBab)
		if grad == nil {
			continue
		}
		psiABX := mathext.Digamma(a + bx)
		om := p0.omega[k] + p1.omega[k]
		gr += wx * (mathext.Digamma(r+x) - psiR + lnAlpha)
		galpha += wx * r / alpha
		ga += wx*(psiAB-psiABX) + om/a
		gb += wx * (mathext.Digamma(bx) - psiB + psiAB - psiABX)
		if om != 0 {
			gb -= om / (bx - 1)
		}
	}
	if grad != nil {
		grad[0], grad[1], grad[2], grad[3] = -gr, -galpha, -ga, -gb
	}
	return -ll
}

// pass accumulates rows [lo, hi) into part: the row-dependent part of ℓ,
// LSE(u, v) with u = −(r+x)·ln(α+T) and v − u = δ, and with the gradient
// weights ω = sigmoid(δ).
func (d *bgData) pass(sc *bgScratch, part *bgPartial, lo, hi int) {
	var ll, gr, galpha float64
	omega := part.omega
	clear(omega)
	for i := lo; i < hi; i++ {
		k, ti, txi, w := d.xi[i], d.ti[i], d.txi[i], d.w[i]
		rx, lnT := sc.rx[k], sc.lnT[ti]
		u := -rx * lnT
		cx := sc.cx[k]
		if math.IsInf(cx, -1) {
			ll += w * u
			gr -= w * lnT
			galpha -= w * rx * sc.invT[ti]
			continue
		}
		lnTx := sc.lnTx[txi]
		delta := cx + rx*(lnT-lnTx) // v − u
		e := math.Exp(-math.Abs(delta))
		om := 1 / (1 + e) // ω when δ > 0
		lse := u + math.Log1p(e)
		if delta > 0 {
			lse += delta
		} else {
			om = e * om
		}
		ll += w * lse
		gr -= w * ((1-om)*lnT + om*lnTx)
		galpha -= w * rx * ((1-om)*sc.invT[ti] + om*sc.invTx[txi])
		omega[k] += w * om
	}
	part.ll, part.gr, part.galpha = ll, gr, galpha
}
