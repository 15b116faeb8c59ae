package survival

import (
	"math"

	"github.com/ltvgo/ltv/internal/fault"
)

// slotTerms are the per-event-time quantities of the residuals, from the
// risk-set sums of a sweep: the tie terms and, per slot, the vectors
// m = a·q0 − a2·q1 (Σ_k ω·mean_k/den_k), nv = a·q1 − a2·q2 and the mean of
// the Efron means mbar = a·t0 − a2·t1 (all p-vectors in the design's
// coordinates).
type slotTerms struct {
	t           []tieTerms
	m, nv, mbar []float64
	hc, mc      []float64 // running sums over the stratum of s1 and of m
}

// residualTies is the tie rule of the residuals, the baseline and the PH
// test: the fit's, except Breslow's for Exact (R's coxmart2 and cox.zph).
func residualTies(t CoxTies) bool { return t == Efron }

// newSlotTerms computes the residual terms of every slot after a sweep.
func (d *coxDesign) newSlotTerms(efron bool, ws *coxWork) *slotTerms {
	p, m := d.p, d.slots
	st := &slotTerms{
		t: make([]tieTerms, m), m: make([]float64, m*p), nv: make([]float64, m*p), mbar: make([]float64, m*p),
		mc: make([]float64, m*p),
	}
	s1 := make([]float64, m)
	for q := range m {
		if ws.deaths[q] == 0 {
			continue
		}
		t := ws.tie(efron, q)
		st.t[q] = t
		s1[q] = t.s1
		a, a2 := ws.a[q*p:(q+1)*p], ws.a2[q*p:(q+1)*p]
		for j := range p {
			st.m[q*p+j] = a[j]*t.q0 - a2[j]*t.q1
			st.nv[q*p+j] = a[j]*t.q1 - a2[j]*t.q2
			st.mbar[q*p+j] = a[j]*t.t0 - a2[j]*t.t1
		}
	}
	st.hc = cumulate(d, s1)
	for _, s := range d.strata {
		for q := s.slot0 + 1; q <= s.slot0+s.nEvents; q++ {
			for j := range p {
				st.mc[q*p+j] = st.mc[(q-1)*p+j] + st.m[q*p+j]
			}
		}
	}
	return st
}

// expected returns each sorted row's expected number of events at the
// point of the last sweep: exp(η)·(the hazard increments over the event
// times the row is at risk at), where a death at a tied time sees Efron's
// down-weighted share of its own time (R's coxmart and agmart3).
func (d *coxDesign) expected(ws *coxWork, st *slotTerms) []float64 {
	e := make([]float64, d.n)
	for i := range d.n {
		q := d.exitSlot[i]
		h := st.hc[q] - st.hc[d.entrySlot[i]]
		if d.event[i] {
			h -= st.t[q].s2
		}
		e[i] = math.Exp(ws.eta[i]-ws.shift[d.stratumOf(i)]) * h
	}
	return e
}

// stratumOf returns the stratum of sorted row i.
func (d *coxDesign) stratumOf(i int) int {
	lo, hi := 0, len(d.strata)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if d.strata[mid].lo <= i {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// scoreResiduals returns the n×p score residuals of the sorted rows in the
// design's coordinates, unweighted (R's residuals(fit, "score"), coxscore2
// and agscore3): with ρ = exp(η),
//
//	U_i = δ_i·(x_i − mbar(t_i)) − ρ_i·Σ_{j at risk} (x_i·s1_j − m_j) + δ_i·ρ_i·(x_i·s2(t_i) − nv(t_i))
//
// the last term being Efron's down-weighting of a death's own time.
func (d *coxDesign) scoreResiduals(ws *coxWork, st *slotTerms) []float64 {
	p := d.p
	res := make([]float64, d.n*p)
	for i := range d.n {
		q, qe := int(d.exitSlot[i]), int(d.entrySlot[i])
		rho := math.Exp(ws.eta[i] - ws.shift[d.stratumOf(i)])
		x := d.x[i*p : (i+1)*p]
		r := res[i*p : (i+1)*p]
		h := st.hc[q] - st.hc[qe]
		for j := range p {
			r[j] = -rho * (x[j]*h - (st.mc[q*p+j] - st.mc[qe*p+j]))
		}
		if d.event[i] {
			s2 := st.t[q].s2
			for j := range p {
				r[j] += x[j] - st.mbar[q*p+j] + rho*(x[j]*s2-st.nv[q*p+j])
			}
		}
	}
	return res
}

// clusterCrossProduct returns Bᵀ·B (p×p) where the rows of B are the sums
// of w_i·res_i over each cluster (every row its own cluster without
// clusters): the "meat" of the robust sandwich (Lin & Wei 1989).
func (d *coxDesign) clusterCrossProduct(res []float64) []float64 {
	p := d.p
	out := make([]float64, p*p)
	if d.cluster == nil {
		for i := range d.n {
			addOuter(out, p, d.w[i]*d.w[i], res[i*p:(i+1)*p])
		}
	} else {
		sums := make([]float64, d.clusters*p)
		for i := range d.n {
			axpy(d.w[i], res[i*p:(i+1)*p], sums[int(d.cluster[i])*p:int(d.cluster[i]+1)*p])
		}
		for g := range d.clusters {
			addOuter(out, p, 1, sums[g*p:(g+1)*p])
		}
	}
	for r := range p {
		for c := range r {
			out[c*p+r] = out[r*p+c]
		}
	}
	return out
}

// CoxResiduals are the residuals of a Cox fit, one per row in the caller's
// order (R's residuals.coxph, unweighted except DFBeta, as R's defaults).
type CoxResiduals struct {
	// Martingale is δ_i − E_i, E_i the row's expected number of events
	// (Efron's version for Efron fits; Breslow's for Breslow and Exact
	// fits, as R).
	Martingale []float64
	// Deviance is sign(M)·√(−2(M + δ·log(δ − M))).
	Deviance []float64
	// Score holds the score residuals, one row of len(Coef) per row; nil
	// for Exact fits, for which R has none either.
	Score [][]float64
	// DFBeta is the approximate change in the coefficients when the row is
	// left out: w_i·Score_i·NaiveCov; nil with Score.
	DFBeta [][]float64
}

// Residuals returns the martingale, deviance, score and dfbeta residuals of
// c on the data it was fitted to: obs, X and opt as given to FitCox (of
// opt only Strata and ExactTimes matter; the tie rule is c.Ties), each row
// evaluated at c.Coef. It neither modifies nor keeps its arguments.
// Errors are those of FitCox for invalid data, and ErrInvalid when X does
// not have len(c.Coef) columns.
func (c *Cox) Residuals(obs []Observation, X [][]float64, opt *CoxOptions) (*CoxResiduals, error) {
	const fn = "survival.Cox.Residuals"
	d, ws, err := c.refit(fn, obs, X, opt)
	if err != nil {
		return nil, err
	}
	st := d.newSlotTerms(residualTies(c.Ties), ws)
	e := d.expected(ws, st)
	r := &CoxResiduals{Martingale: make([]float64, d.n), Deviance: make([]float64, d.n)}
	for i := range d.n {
		delta := 0.0
		if d.event[i] {
			delta = 1
		}
		m := delta - e[i]
		dev := m
		if delta > 0 {
			dev += math.Log(delta - m)
		}
		r.Martingale[d.orig[i]] = m
		r.Deviance[d.orig[i]] = math.Copysign(math.Sqrt(math.Max(0, -2*dev)), m)
	}
	if c.Ties == Exact {
		return r, nil
	}
	p := d.p
	res := d.scoreResiduals(ws, st)
	r.Score = make([][]float64, d.n)
	r.DFBeta = make([][]float64, d.n)
	for i := range d.n {
		s := make([]float64, p)
		for j := range p {
			s[j] = res[i*p+j] / d.scale[j]
		}
		b := make([]float64, p)
		w := d.w[i] * d.weightScale
		for j := range p {
			for k := range p {
				b[j] += w * s[k] * c.NaiveCov[k][j]
			}
		}
		r.Score[d.orig[i]], r.DFBeta[d.orig[i]] = s, b
	}
	return r, nil
}

// refit builds the design of obs and X with opt's settings and sweeps it
// at c's coefficients, with c's tie rule.
func (c *Cox) refit(fn string, obs []Observation, X [][]float64, opt *CoxOptions) (*coxDesign, *coxWork, error) {
	cfg, err := opt.resolve(fn)
	if err != nil {
		return nil, nil, err
	}
	cfg.Ties, cfg.Robust, cfg.Cluster = c.Ties, false, nil
	d, err := newCoxDesign(fn, obs, X, cfg)
	if err != nil {
		return nil, nil, err
	}
	if d.p != len(c.Coef) {
		return nil, nil, fault.New(fn, -1, "X", ErrInvalid, "has %d columns, the fit %d", d.p, len(c.Coef))
	}
	beta := make([]float64, d.p)
	for j := range beta {
		beta[j] = c.Coef[j] / d.scale[j]
	}
	ws := newCoxWork(d)
	d.sweep(beta, c.Ties, ws)
	return d, ws, nil
}
