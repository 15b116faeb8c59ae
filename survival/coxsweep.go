package survival

import (
	"math"
	"slices"
	"time"

	"github.com/ltvgo/ltv/internal/parallel"
)

// coxWork is the state of one evaluation of the partial likelihood: the
// rows' linear predictors and risks, and the risk-set sums of every event
// time (slot). All sums are in the design's weight scale.
type coxWork struct {
	eta   []float64 // x·β per sorted row (centred, scaled covariates)
	risk  []float64 // w·exp(η − shift of the stratum)
	shift []float64 // per stratum: the largest η, so that no risk overflows

	// Per slot (a slot0 holds zeros).
	den       []float64  // Σ risk over the risk set, deaths included (R's denom)
	deathRisk []float64  // Σ risk over the deaths (R's denom2)
	deathW    []float64  // Σ w over the deaths (R's deadwt)
	deaths    []int32    // number of death rows (R's ndead)
	a, a2     []float64  // slots×p: Σ risk·x over the risk set, over the deaths
	terms     []tieTerms // of the sweep's rule (efron); zero at exact-recursion times
	efron     bool       // the sweep used Efron's rule (else Breslow's, or Exact's)
	dp        []bool     // the time's terms come from the exact recursion

	ll       float64   // log partial likelihood, weight scale, before undoing it
	u        []float64 // score
	dpInfo   []float64 // p×p information of the exact-recursion times
	sumDeadW float64   // Σ deathW, for undoing the weight scale
}

func newCoxWork(d *coxDesign) *coxWork {
	p, m := d.p, d.slots
	return &coxWork{
		eta: make([]float64, d.n), risk: make([]float64, d.n), shift: make([]float64, len(d.strata)),
		den: make([]float64, m), deathRisk: make([]float64, m), deathW: make([]float64, m),
		deaths: make([]int32, m), a: make([]float64, m*p), a2: make([]float64, m*p),
		terms: make([]tieTerms, m), dp: make([]bool, m),
		u: make([]float64, p), dpInfo: make([]float64, p*p),
	}
}

// tieTerms are the sums over the Efron steps k = 0, …, D−1 of one event
// time with D tied death rows, f_k = k/D, den_k = den − f_k·deathRisk and
// ω = deathW/D (Efron 1977; R's coxfit6 and agsurv5). Breslow's rule is
// the single step f = 0, ω = deathW.
type tieTerms struct {
	logDen     float64 // Σ ω·log den_k
	s1, s2     float64 // Σ ω/den_k (the hazard increment), Σ ω·f_k/den_k
	q0, q1, q2 float64 // Σ ω·f_k^m/den_k², m = 0, 1, 2
	t0, t1     float64 // Σ (1/D)/den_k, Σ (f_k/D)/den_k: the mean of the Efron means is a·t0 − a2·t1
}

func tieSums(efron bool, den, deathRisk, deathW float64, deaths int32) tieTerms {
	if !efron || deaths == 1 {
		inv := 1 / den
		return tieTerms{logDen: deathW * math.Log(den), s1: deathW * inv, q0: deathW * inv * inv, t0: inv}
	}
	// Σ_k log den_k is the log of the product, held as a mantissa and a
	// binary exponent: one logarithm for the D terms.
	var u0, u1, v0, v1, v2 float64 // Σ 1/den, Σ f/den, Σ 1/den², Σ f/den², Σ f²/den²
	prod, exp := 1.0, 0
	nd := float64(deaths)
	for k := range deaths {
		f := float64(k) / nd
		dk := den - f*deathRisk
		inv := 1 / dk
		u0 += inv
		u1 += f * inv
		v0 += inv * inv
		v1 += f * inv * inv
		v2 += f * f * inv * inv
		// prod stays in [2^-600, 2^600] and a factor within [2^-400,
		// 2^400] (or its mantissa), so the product cannot leave the
		// float64 range.
		if dk >= 0x1p-400 && dk <= 0x1p400 {
			prod *= dk
		} else {
			m, e := math.Frexp(dk)
			prod, exp = prod*m, exp+e
		}
		if prod < 0x1p-600 || prod > 0x1p600 {
			m, e := math.Frexp(prod)
			prod, exp = m, exp+e
		}
	}
	om := deathW / nd
	return tieTerms{
		logDen: om * (math.Log(prod) + float64(exp)*math.Ln2),
		s1:     om * u0, s2: om * u1,
		q0: om * v0, q1: om * v1, q2: om * v2,
		t0: u0 / nd, t1: u1 / nd,
	}
}

// sweep evaluates the log partial likelihood and the score at beta
// (coordinates of the scaled design) with a backward pass over each
// stratum: rows join the risk set at their exit and leave it at their
// entry (R's agfit4), so that the cost is O(n·p) plus the tie sums. It
// fills ws's per-row and per-slot fields; the information is then
// information's O(n·p²) pass.
func (d *coxDesign) sweep(beta []float64, ties CoxTies, ws *coxWork) {
	p := d.p
	// The deaths' own terms do not depend on the risk sets: Σ w·x·β and
	// the score's Σ w·x come from the design's sums.
	ws.ll, ws.sumDeadW = 0, 0
	copy(ws.u, d.deathX)
	for j, b := range beta {
		ws.ll += b * d.deathX[j]
	}
	clear(ws.dpInfo)
	a := make([]float64, p)  // Σ risk·x over the risk set
	a2 := make([]float64, p) // the same over the deaths of the current time
	efron := ties == Efron
	ws.efron = efron
	atZero := !slices.ContainsFunc(beta, func(b float64) bool { return b != 0 })
	for s := range d.strata {
		st := &d.strata[s]
		if atZero { // the first iteration: every η is 0
			clear(ws.eta[st.lo:st.hi])
			copy(ws.risk[st.lo:st.hi], d.w[st.lo:st.hi])
			ws.shift[s] = 0
		} else {
			sh := d.linearPredictors(beta, st.lo, st.hi, ws.eta)
			ws.shift[s] = sh
			ws.ll -= sh * st.deathW
			n := st.hi - st.lo
			parallel.For(n, expCost, func(_, lo, hi int) {
				for i := st.lo + lo; i < st.lo+hi; i++ {
					ws.risk[i] = d.w[i] * math.Exp(ws.eta[i]-sh)
				}
			})
		}
		den, nrisk := 0.0, 0
		clear(a)
		ent := st.entLo // byEntry[ent:st.entHi] have not been removed
		slot := st.slot0 + st.nEvents
		for i := st.hi - 1; i >= st.lo; {
			k := d.exitT[i]
			// Remove the rows whose entry is at or after this time.
			for ; ent < st.entHi; ent++ {
				r := d.byEntry[ent]
				if d.entryT[r] < k {
					break
				}
				if nrisk--; nrisk == 0 {
					den = 0
					clear(a)
					continue
				}
				rk := ws.risk[r]
				den -= rk
				axpy(-rk, d.x[int(r)*p:int(r+1)*p], a)
			}
			// Add the rows exiting at this time.
			deathRisk, deathW := 0.0, 0.0
			var deaths int32
			clear(a2)
			for ; i >= st.lo && d.exitT[i] == k; i-- {
				nrisk++
				rk := ws.risk[i]
				row := d.x[i*p : (i+1)*p]
				if d.event[i] {
					deaths++
					deathW += d.w[i]
					deathRisk += rk
					axpy(rk, row, a2)
				} else {
					den += rk
					axpy(rk, row, a)
				}
			}
			den += deathRisk
			for j, v := range a2 {
				a[j] += v
			}
			if deaths == 0 {
				continue
			}
			ws.den[slot], ws.deathRisk[slot], ws.deathW[slot], ws.deaths[slot] = den, deathRisk, deathW, deaths
			copy(ws.a[slot*p:(slot+1)*p], a)
			copy(ws.a2[slot*p:(slot+1)*p], a2)
			ws.sumDeadW += deathW
			ws.dp[slot] = ties == Exact && deaths > 1
			if ws.dp[slot] {
				ws.ll -= d.exactTime(ws, s, i+1, k, deaths)
				ws.terms[slot] = tieTerms{}
			} else {
				t := tieSums(efron, den, deathRisk, deathW, deaths)
				ws.ll -= t.logDen
				for j := range p {
					ws.u[j] -= a[j]*t.s1 - a2[j]*t.s2
				}
				ws.terms[slot] = t
			}
			slot--
		}
	}
}

// expCost is the time math.Exp and a multiplication take per row.
const expCost = 8 * time.Nanosecond

// linearPredictors writes x_i·β of the sorted rows [lo, hi) into eta, in
// parallel, and returns their largest value.
func (d *coxDesign) linearPredictors(beta []float64, lo, hi int, eta []float64) float64 {
	p := d.p
	cost := time.Duration(p/2+1) * time.Nanosecond
	top := make([]float64, parallel.Chunks(hi-lo, cost))
	parallel.For(hi-lo, cost, func(c, a, b int) {
		m := math.Inf(-1)
		for i := lo + a; i < lo+b; i++ {
			e := 0.0
			row := d.x[i*p : (i+1)*p]
			for j, b := range beta[:len(row)] {
				e += b * row[j]
			}
			eta[i] = e
			if e > m { // not math.Max: a NaN η makes the sweep's sums NaN anyway
				m = e
			}
		}
		top[c] = m
	})
	return slices.Max(top)
}

// axpy adds alpha·x to y.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for j, v := range x {
		y[j] += alpha * v
	}
}

// tie returns the tie terms of slot q under Efron's rule (efron) or
// Breslow's, from the sweep's when it used that rule.
func (ws *coxWork) tie(efron bool, q int) tieTerms {
	if efron == ws.efron && !ws.dp[q] {
		return ws.terms[q]
	}
	return tieSums(efron, ws.den[q], ws.deathRisk[q], ws.deathW[q], ws.deaths[q])
}

// information returns the observed information (p×p, row-major) at the
// point of the last sweep. For Efron's and Breslow's rules the sum over
// event times j of ω·(C_k/den_k − a_k·a_kᵀ/den_k²), with C the risk-set
// sum of risk·x·xᵀ, is rearranged as Σ_i E_i·x_i·x_iᵀ − Σ_j (outer
// products of a_j and a2_j), where E_i = risk_i·(Σ of s1 over the event
// times the row is at risk at, less s2 at its own death time) is the
// row's expected event count: one O(n·p²) pass without running matrix
// sums, for right-censored and (start, stop] rows alike.
func (d *coxDesign) information(ws *coxWork) []float64 {
	p := d.p
	info := make([]float64, p*p)
	s1 := make([]float64, d.slots)
	for q, t := range ws.terms {
		s1[q] = t.s1
	}
	hc := cumulate(d, s1)
	weightedGram(info, p, d.x, d.n, func(lo int, e []float64) {
		for k := range e {
			i := lo + k
			h := hc[d.exitSlot[i]] - hc[d.entrySlot[i]]
			if d.event[i] {
				h -= ws.terms[d.exitSlot[i]].s2
			}
			e[k] = ws.risk[i] * h
		}
	})
	for q := range d.slots {
		if ws.deaths[q] == 0 || ws.dp[q] {
			continue
		}
		subtractMeans(info, p, ws.terms[q], ws.a[q*p:(q+1)*p], ws.a2[q*p:(q+1)*p], 1)
	}
	for r := range p {
		for c := 0; c <= r; c++ {
			info[r*p+c] += ws.dpInfo[r*p+c]
			info[c*p+r] = info[r*p+c]
		}
	}
	return info
}

// subtractMeans subtracts g·Σ_k ω·a_k·a_kᵀ/den_k² (a_k = a − f_k·a2) from
// the lower triangle of the p×p matrix m: an event time's mean part of the
// information.
func subtractMeans(m []float64, p int, t tieTerms, a, a2 []float64, g float64) {
	q0, q1, q2 := g*t.q0, g*t.q1, g*t.q2
	for r := range p {
		for c := 0; c <= r; c++ {
			m[r*p+c] -= q0*a[r]*a[c] - q1*(a[r]*a2[c]+a2[r]*a[c]) + q2*a2[r]*a2[c]
		}
	}
}

// weightedGram adds Σ_i e_i·x_i·x_iᵀ over the n rows x_i of x (n×p) to the
// lower triangle of the p×p matrix m, weight(lo, e) filling e with the
// weights of rows lo, lo+1, … in blocks of gramBlock rows. Chunks of rows
// are summed in parallel, each into its own matrix, and the chunks'
// matrices are added to m in chunk order, so that the result does not
// depend on the machine.
func weightedGram(m []float64, p int, x []float64, n int, weight func(lo int, e []float64)) {
	// About half a nanosecond per multiply-add of the lower triangle.
	cost := time.Duration(p*(p+1)/4+1) * time.Nanosecond
	chunks := parallel.Chunks(n, cost)
	parts := m
	if chunks > 1 {
		parts = make([]float64, chunks*p*p)
	}
	parallel.For(n, cost, func(c, lo, hi int) {
		part := parts[c*p*p : (c+1)*p*p]
		var e [gramBlock]float64
		// Blocks are a multiple of gramRows' four rows: the rows are
		// grouped as in one call for the whole chunk.
		for b := lo; b < hi; b += gramBlock {
			eb := e[:min(gramBlock, hi-b)]
			weight(b, eb)
			gramRows(part, p, x[b*p:(b+len(eb))*p], eb)
		}
	})
	if chunks == 1 {
		return
	}
	for c := range chunks {
		part := parts[c*p*p : (c+1)*p*p]
		for r := range p {
			for k := 0; k <= r; k++ {
				m[r*p+k] += part[r*p+k]
			}
		}
	}
}

// gramBlock is the rows whose weights weightedGram holds at a time.
const gramBlock = 256

// gramRows is weightedGram on one goroutine. Four rows at a time share
// each load and store of m, and two rows of m at a time share the loads
// of the four rows.
func gramRows(m []float64, p int, x, e []float64) {
	n := len(e)
	i := 0
	for ; i+4 <= n; i += 4 {
		x0, x1, x2, x3 := x[i*p:(i+1)*p], x[(i+1)*p:(i+2)*p], x[(i+2)*p:(i+3)*p], x[(i+3)*p:(i+4)*p]
		e0, e1, e2, e3 := e[i], e[i+1], e[i+2], e[i+3]
		r := 0
		for ; r+2 <= p; r += 2 {
			v0, v1, v2, v3 := e0*x0[r], e1*x1[r], e2*x2[r], e3*x3[r]
			w0, w1, w2, w3 := e0*x0[r+1], e1*x1[r+1], e2*x2[r+1], e3*x3[r+1]
			ra, rb := m[r*p:r*p+r+1], m[(r+1)*p:(r+1)*p+r+2]
			y0, y1, y2, y3 := x0[:len(ra)], x1[:len(ra)], x2[:len(ra)], x3[:len(ra)]
			rb = rb[:len(ra)+1]
			for c := range ra {
				a0, a1, a2, a3 := y0[c], y1[c], y2[c], y3[c]
				ra[c] += v0*a0 + v1*a1 + v2*a2 + v3*a3
				rb[c] += w0*a0 + w1*a1 + w2*a2 + w3*a3
			}
			rb[r+1] += w0*x0[r+1] + w1*x1[r+1] + w2*x2[r+1] + w3*x3[r+1]
		}
		if r < p {
			v0, v1, v2, v3 := e0*x0[r], e1*x1[r], e2*x2[r], e3*x3[r]
			row := m[r*p : r*p+r+1]
			y0, y1, y2, y3 := x0[:len(row)], x1[:len(row)], x2[:len(row)], x3[:len(row)]
			for c := range row {
				row[c] += v0*y0[c] + v1*y1[c] + v2*y2[c] + v3*y3[c]
			}
		}
	}
	for ; i < n; i++ {
		addOuter(m, p, e[i], x[i*p:(i+1)*p])
	}
}

// addOuter adds e·x·xᵀ to the lower triangle of the p×p matrix m.
func addOuter(m []float64, p int, e float64, x []float64) {
	for r := range p {
		v := e * x[r]
		row := m[r*p : r*p+r+1]
		xs := x[:len(row)]
		for c, xc := range xs {
			row[c] += v * xc
		}
	}
}

// cumulate returns the running sums of v over each stratum's slots (0 at
// its slot0): the value at slot q sums the event times up to q's.
func cumulate(d *coxDesign, v []float64) []float64 {
	c := make([]float64, d.slots)
	for _, st := range d.strata {
		for q := st.slot0 + 1; q <= st.slot0+st.nEvents; q++ {
			c[q] = c[q-1] + v[q]
		}
	}
	return c
}

// exactTime adds to ws the score and information terms of one event time
// under the discrete conditional likelihood (Kalbfleisch & Prentice 1973;
// R's ties = "exact"), computed by the recursion of Gail, Lubin &
// Rubinstein (1981): with the risk set's scores r_1 … r_m, the sum over
// all d-subsets B(d, m) = Σ_{|S|=d} Π_{i∈S} r_i obeys B(d, m) = B(d, m−1)
// + r_m·B(d−1, m−1), and so do its first and second derivatives. The risk
// set is stratum s's rows from first on (exits at or after time k) whose
// entry is before k. It returns log B(d, m) on the sweep's scale, with
// O(m·d·p²) work.
func (d *coxDesign) exactTime(ws *coxWork, s, first int, k int32, deaths int32) float64 {
	p, nd, st := d.p, int(deaths), &d.strata[s]
	var members []int
	for i := first; i < st.hi; i++ {
		if d.entryT[i] < k {
			members = append(members, i)
		}
	}
	// Scores relative to the geometric mean c of the d largest, so that
	// the largest product is 1 and the recursion neither overflows nor
	// underflows for large d.
	top := make([]float64, len(members))
	for j, i := range members {
		top[j] = ws.eta[i]
	}
	slices.Sort(top)
	c := 0.0
	for _, e := range top[len(top)-nd:] {
		c += e / float64(nd)
	}
	tri := p * (p + 1) / 2
	b0 := make([]float64, nd+1)
	b1 := make([]float64, (nd+1)*p)
	b2 := make([]float64, (nd+1)*tri)
	b0[0] = 1
	for _, i := range members {
		r := math.Exp(ws.eta[i] - c)
		x := d.x[i*p : (i+1)*p]
		for kk := nd; kk >= 1; kk-- {
			prev1 := b1[(kk-1)*p : kk*p]
			prev0 := b0[kk-1]
			q := 0
			for u := range p {
				for v := 0; v <= u; v++ {
					b2[kk*tri+q] += r * (b2[(kk-1)*tri+q] + x[u]*prev1[v] + x[v]*prev1[u] + x[u]*x[v]*prev0)
					q++
				}
			}
			cur1 := b1[kk*p : (kk+1)*p]
			for u := range p {
				cur1[u] += r * (prev1[u] + x[u]*prev0)
			}
			b0[kk] += r * prev0
		}
	}
	bd := b0[nd]
	m1 := b1[nd*p : (nd+1)*p]
	q := 0
	for u := range p {
		ws.u[u] -= m1[u] / bd
		for v := 0; v <= u; v++ {
			ws.dpInfo[u*p+v] += b2[nd*tri+q]/bd - m1[u]/bd*m1[v]/bd
			q++
		}
	}
	// log B on the sweep's scale: the scores there are exp(η − shift).
	return math.Log(bd) + float64(nd)*(c-ws.shift[s])
}
