package survival

import (
	"math"
	"sync"

	"github.com/ltvgo/ltv/internal/fault"
)

// PHTransform is the time transform g(t) of the proportional-hazards test
// (R cox.zph's transform).
type PHTransform int

const (
	// PHKaplanMeier is 1 − Ŝ(t−), Ŝ the Kaplan–Meier curve of all rows
	// pooled over strata, without case weights (R's default "km").
	PHKaplanMeier PHTransform = iota
	// PHIdentity is t.
	PHIdentity
	// PHRank is the rank of t among the exit times of all rows (ties get
	// their mean rank).
	PHRank
	// PHLog is log t (it needs event times > 0).
	PHLog
)

// PHTestOptions are the settings of Cox.PHTestWith. A nil *PHTestOptions
// is R's cox.zph default.
type PHTestOptions struct {
	Transform PHTransform // g(t); the zero value is PHKaplanMeier
}

// PHTestResult is Grambsch and Therneau's test of proportional hazards with
// the scaled Schoenfeld residuals behind it (R's cox.zph object).
type PHTestResult struct {
	Terms  []Test // per column: the score test of adding g(t)·x_j, 1 df
	Global Test   // all columns at once, len(Coef) df
	// Time and X are the event times and their transform g(t), one per
	// event row, ordered by stratum then time (R's $time and $x).
	Time, X []float64
	// Residuals are the scaled Schoenfeld residuals plus β (R's $y), one
	// row per event: a smooth of Residuals[·][j] against X estimates
	// β_j(t), flat under proportional hazards. NaN for a column constant
	// within the event's stratum.
	Residuals [][]float64
	Strata    []int // the stratum label of each event (nil without strata)
}

// phTest is the cox.zph "km" result of a fit. FitCox sets compute, which
// holds the fit's design; the first use runs it once and drops it, so that
// the design is released. A loaded Cox has the result without compute.
type phTest struct {
	once    sync.Once
	compute func() *PHTestResult // nil once run, or for a loaded Cox
	terms   []Test               // nil when compute failed
	global  Test
}

// result returns the test, computing it on first use.
func (t *phTest) result() (terms []Test, global Test, ok bool) {
	t.once.Do(func() {
		if t.compute != nil {
			if r := t.compute(); r != nil {
				t.terms, t.global = r.Terms, r.Global
			}
			t.compute = nil
		}
	})
	return t.terms, t.global, t.terms != nil
}

// PHTest returns R's cox.zph(fit) for c: per column and globally, the
// score test of adding g(t)·x_j to the model at β̂, with g the "km"
// transform (Grambsch & Therneau 1994; Therneau & Grambsch 2000, §6.2).
// It is computed on the first call (or when c is saved) from the data
// FitCox keeps for it until then; see PHTestWith for other transforms and
// the residuals. For Exact fits the test uses Breslow's risk-set averages, as
// R does.
//
// Errors: ErrEmpty for a model without coefficients; ErrInvalid for a Cox
// not built by FitCox.
func (c *Cox) PHTest() (terms []Test, global Test, err error) {
	const fn = "survival.Cox.PHTest"
	nan := Test{ChiSquare: math.NaN(), P: math.NaN()}
	switch {
	case len(c.Coef) == 0:
		return nil, nan, fault.New(fn, -1, "", ErrEmpty, "the model has no coefficients")
	case c.ph == nil:
		return nil, nan, fault.New(fn, -1, "", ErrInvalid, "no stored test: the Cox was not built by FitCox")
	}
	terms, global, ok := c.ph.result()
	if !ok {
		return nil, nan, fault.New(fn, -1, "", ErrInvalid, "no stored test: the Cox was not built by FitCox")
	}
	return append([]Test(nil), terms...), global, nil
}

// PHTestWith is R's cox.zph(fit, transform) on the data c was fitted to
// (obs, X and opt as given to FitCox; of opt only Strata and ExactTimes
// matter), with the scaled Schoenfeld residuals: for an event of row i at
// t in stratum s,
//
//	r_i = x_i − x̄(t)   (Efron's average over the tied deaths for Efron fits)
//	scaled r_i = V_s⁻¹·r_i + β̂,   V_s = I(β̂)/(events per column),
//
// R's rescaling of the information by the number of events in the strata
// where the column varies. The tests are the score tests of the model
// with the extra columns (g(t) − ḡ)·x_j at (β̂, 0), with the full 2p×2p
// information (ḡ: the mean of g over the events). It neither modifies nor
// keeps its arguments; errors are those of FitCox for the data, ErrInvalid
// for an unknown transform or PHLog with an event at time 0, ErrEmpty for
// a model without coefficients.
func (c *Cox) PHTestWith(obs []Observation, X [][]float64, opt *CoxOptions, popt *PHTestOptions) (*PHTestResult, error) {
	const fn = "survival.Cox.PHTestWith"
	var o PHTestOptions
	if popt != nil {
		o = *popt
	}
	if o.Transform < PHKaplanMeier || o.Transform > PHLog {
		return nil, fault.New(fn, -1, "PHTestOptions.Transform", ErrInvalid, "is unknown (%d)", int(o.Transform))
	}
	if len(c.Coef) == 0 {
		return nil, fault.New(fn, -1, "", ErrEmpty, "the model has no coefficients")
	}
	d, ws, err := c.refit(fn, obs, X, opt)
	if err != nil {
		return nil, err
	}
	r, err := d.zph(ws, c.Ties, c.Coef, c.penaltyTrue(X), nil, o.Transform, true)
	if err != nil {
		err.(*DataError).Func = fn
	}
	return r, err
}

// penaltyTrue returns the diagonal of the ridge penalty's Hessian on the
// caller's scale.
func (c *Cox) penaltyTrue(X [][]float64) []float64 {
	pen := make([]float64, len(c.Coef))
	for j := range pen {
		if c.L2 > 0 {
			pen[j] = c.L2
			if c.PenalizeStandardized {
				pen[j] *= sampleVariance(X, j)
			}
		}
	}
	return pen
}

// timeTransform returns g at every distinct time of the design.
func (d *coxDesign) timeTransform(tr PHTransform) ([]float64, error) {
	nt := len(d.times)
	g := make([]float64, nt)
	switch tr {
	case PHIdentity:
		copy(g, d.times)
	case PHLog:
		for i := range d.n {
			if d.event[i] && d.times[d.exitT[i]] <= 0 {
				return nil, fault.New("", d.orig[i], "Time", ErrInvalid, "is 0 at an event: the log transform needs event times > 0")
			}
		}
		for k, t := range d.times {
			g[k] = math.Log(t)
		}
	case PHRank:
		count := make([]float64, nt)
		for _, k := range d.exitT {
			count[k]++
		}
		below := 0.0
		for k := range nt {
			g[k] = below + (count[k]+1)/2
			below += count[k]
		}
	default: // PHKaplanMeier: 1 − S(t−) of the pooled, unweighted curve
		exits, deaths, entries := make([]float64, nt), make([]float64, nt), make([]float64, nt)
		for i, k := range d.exitT {
			exits[k]++
			if d.event[i] {
				deaths[k]++
			}
			if e := d.entryT[i]; e >= 0 {
				entries[e]++
			}
		}
		// n(k) = rows exiting at or after k − rows entering at or after k.
		atRisk := make([]float64, nt)
		ex, en := 0.0, 0.0
		for k := nt - 1; k >= 0; k-- {
			ex += exits[k]
			en += entries[k]
			atRisk[k] = ex - en
		}
		s := 1.0
		for k := range nt {
			g[k] = 1 - s
			if deaths[k] > 0 {
				s *= (atRisk[k] - deaths[k]) / atRisk[k]
			}
		}
	}
	return g, nil
}

// zph computes the PH test (and, with resid, the scaled Schoenfeld
// residuals) from a sweep at β̂ (coef on the caller's scale; pen the
// penalty diagonal, added to both diagonal blocks as R does). info, when
// not nil, is the information at β̂ of the sweep's own (not Exact) rule,
// which is the test's first block.
func (d *coxDesign) zph(ws *coxWork, ties CoxTies, coef, pen, info []float64, tr PHTransform, resid bool) (*PHTestResult, error) {
	p := d.p
	g, err := d.timeTransform(tr)
	if err != nil {
		return nil, err
	}
	gmean, nev := 0.0, 0.0
	for i := range d.n {
		if d.event[i] {
			gmean += g[d.exitT[i]]
			nev++
		}
	}
	gmean /= nev
	efron := residualTies(ties)
	gq := make([]float64, d.slots)
	terms := make([]tieTerms, d.slots)
	s1 := [3][]float64{make([]float64, d.slots), make([]float64, d.slots), make([]float64, d.slots)}
	u := make([]float64, p) // the score of the g·x columns
	blocks := [3][]float64{make([]float64, p*p), make([]float64, p*p), make([]float64, p*p)}
	for q := range d.slots {
		if ws.deaths[q] == 0 {
			continue
		}
		gq[q] = g[d.slotTime[q]] - gmean
		t := ws.tie(efron, q)
		terms[q] = t
		a, a2 := ws.a[q*p:(q+1)*p], ws.a2[q*p:(q+1)*p]
		for j := range p {
			u[j] -= gq[q] * (a[j]*t.s1 - a2[j]*t.s2)
		}
		gm := 1.0
		for m := range 3 {
			s1[m][q] = gm * t.s1
			if m > 0 || info == nil {
				subtractMeans(blocks[m], p, t, a, a2, gm)
			}
			gm *= gq[q]
		}
	}
	hc := [3][]float64{cumulate(d, s1[0]), cumulate(d, s1[1]), cumulate(d, s1[2])}
	for i := range d.n {
		if d.event[i] {
			axpy(gq[d.exitSlot[i]]*d.w[i], d.x[i*p:(i+1)*p], u)
		}
	}
	for m := range 3 {
		if m == 0 && info != nil {
			copy(blocks[0], info)
			continue
		}
		weightedGram(blocks[m], p, d.x, d.n, func(lo int, e []float64) {
			for k := range e {
				i := lo + k
				q := d.exitSlot[i]
				h := hc[m][q] - hc[m][d.entrySlot[i]]
				if d.event[i] {
					gm := 1.0 // g^m
					for range m {
						gm *= gq[q]
					}
					h -= gm * terms[q].s2
				}
				e[k] = ws.risk[i] * h
			}
		})
	}
	// The 2p×2p information and the score (0, u) on the caller's scale.
	n2 := 2 * p
	imat := make([]float64, n2*n2)
	for r := range p {
		for c := 0; c <= r; c++ {
			f := d.weightScale / (d.scale[r] * d.scale[c])
			v0, v1, v2 := blocks[0][r*p+c]*f, blocks[1][r*p+c]*f, blocks[2][r*p+c]*f
			set := func(i, j int, v float64) { imat[i*n2+j], imat[j*n2+i] = v, v }
			set(r, c, v0)
			set(p+r, p+c, v2)
			set(p+r, c, v1)
			set(p+c, r, v1)
		}
		imat[r*n2+r] += pen[r]
		imat[(p+r)*n2+p+r] += pen[r]
	}
	score := make([]float64, n2)
	for j := range p {
		score[p+j] = u[j] * d.weightScale / d.scale[j]
	}
	res := &PHTestResult{Terms: make([]Test, p)}
	sub := make([]float64, (p+1)*(p+1))
	subU := make([]float64, p+1)
	for j := range p {
		idx := func(k int) int {
			if k < p {
				return k
			}
			return p + j
		}
		for a := range p + 1 {
			for b := range p + 1 {
				sub[a*(p+1)+b] = imat[idx(a)*n2+idx(b)]
			}
		}
		subU[p] = score[p+j]
		res.Terms[j] = chiSquareTest(factorLDL(sub, p+1, cholTolerance).quadForm(subU), 1)
	}
	res.Global = chiSquareTest(factorLDL(imat, n2, cholTolerance).quadForm(score), p)
	if resid {
		d.scaledSchoenfeld(ws, res, terms, g, imat, coef)
	}
	return res, nil
}

// scaledSchoenfeld fills res's residual fields (see PHTestResult).
func (d *coxDesign) scaledSchoenfeld(ws *coxWork, res *PHTestResult, terms []tieTerms, g, imat, coef []float64) {
	p, n2 := d.p, 2*d.p
	// used[s][j]: the stratum's events if column j varies in it, else 0.
	used := make([][]float64, len(d.strata))
	for s, st := range d.strata {
		used[s] = make([]float64, p)
		nev := 0.0
		for i := st.lo; i < st.hi; i++ {
			if d.event[i] {
				nev++
			}
		}
		for j := range p {
			for i := st.lo + 1; i < st.hi; i++ {
				if d.x[i*p+j] != d.x[st.lo*p+j] {
					used[s][j] = nev
					break
				}
			}
		}
	}
	vmean := make([]float64, p*p)
	for a := range p {
		for b := range p {
			wt := 0.0
			for s := range used {
				wt += math.Min(used[s][a], used[s][b])
			}
			if wt == 0 {
				wt = 1
			}
			vmean[a*p+b] = imat[a*n2+b] / wt
		}
	}
	for s, st := range d.strata {
		var cols []int
		for j := range p {
			if used[s][j] > 0 {
				cols = append(cols, j)
			}
		}
		k := len(cols)
		vk := make([]float64, k*k)
		for a, ca := range cols {
			for b, cb := range cols {
				vk[a*k+b] = vmean[ca*p+cb]
			}
		}
		fac := factorLDL(vk, k, cholTolerance)
		for i := st.lo; i < st.hi; i++ {
			if !d.event[i] {
				continue
			}
			q := int(d.exitSlot[i])
			a, a2 := ws.a[q*p:(q+1)*p], ws.a2[q*p:(q+1)*p]
			r := make([]float64, k)
			for c, j := range cols {
				mean := a[j]*terms[q].t0 - a2[j]*terms[q].t1
				r[c] = (d.x[i*p+j] - mean) / d.scale[j]
			}
			fac.solve(r)
			row := make([]float64, p)
			for j := range row {
				row[j] = math.NaN()
			}
			for c, j := range cols {
				row[j] = r[c] + coef[j]
			}
			res.Residuals = append(res.Residuals, row)
			res.Time = append(res.Time, d.times[d.exitT[i]])
			res.X = append(res.X, g[d.exitT[i]])
			if d.stratified {
				res.Strata = append(res.Strata, st.label)
			}
		}
	}
}
