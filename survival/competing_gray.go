package survival

import (
	"math"

	"github.com/ltvgo/ltv/internal/fault"
)

// GrayOptions are the settings of GrayTest. A nil *GrayOptions, and every
// zero field, means cmprsk's cuminc default.
type GrayOptions struct {
	// Rho is the exponent ρ of the weight (1 − F̂(t−))^ρ, cuminc's rho;
	// finite. 0 (the default) gives equal weights.
	Rho float64
	// ExactTimes groups times by exact equality (as cmprsk does) instead of
	// R's near-equality merge (see the package documentation).
	ExactTimes bool
}

// GrayTest is Gray's (1988) K-sample test that the cumulative incidence of
// cause is the same in every group, in the presence of the other causes:
// cmprsk's cuminc(time, status, group)$Tests, without strata. At each
// event time it compares each group's cause events with what its
// subdistribution risk set R_g = n_g·(1 − F_g(t−))/S_g(t−) expects,
//
//	s_g = Σ_j w_j·(d_cgj − d_cj·R_gj/Σ_h R_hj),   w_j = (1 − F̂(t_j−))^ρ
//
// with S_g, F_g the group's Kaplan–Meier curve of any event and cumulative
// incidence of cause, and F̂ the pooled estimate of Gray's paper. χ² =
// sᵀV⁻¹s over the first K − 1 groups, with V Gray's variance estimate
// (the formulas of cmprsk's crstm), on K − 1 degrees of freedom; P is the
// chi-square upper tail, so it stays accurate where cmprsk's 1 − pchisq
// rounds to 0.
//
// Case weights are frequency weights. GrayTest neither modifies nor keeps
// groups. Errors: a *DataError wrapping ErrInvalid for cause < 1, an
// invalid row (Group and Row name it; Entry must be 0) or option (Row −1);
// ErrEmpty for fewer than two groups or an empty group (Group names it);
// ErrSingular when V is singular (cmprsk reports a statistic of −1), as
// when no group has events of the cause.
func GrayTest(groups [][]CompetingObservation, cause int, opt *GrayOptions) (Test, error) {
	const fn = "survival.GrayTest"
	nan := Test{ChiSquare: math.NaN(), DF: max(len(groups)-1, 0), P: math.NaN()}
	var o GrayOptions
	if opt != nil {
		o = *opt
	}
	if math.IsNaN(o.Rho) || math.IsInf(o.Rho, 0) {
		return nan, fault.New(fn, -1, "GrayOptions.Rho", ErrInvalid, "is %v, want finite", o.Rho)
	}
	if err := checkCause(fn, cause); err != nil {
		return nan, err
	}
	if len(groups) < 2 {
		return nan, fault.New(fn, -1, "", ErrEmpty, "%d groups, want at least 2", len(groups))
	}
	var pooled []CompetingObservation
	total := 0.0
	for g, obs := range groups {
		if len(obs) == 0 {
			return nan, fault.NewInGroup(fn, g, -1, "", ErrEmpty, "no observations")
		}
		if _, err := checkCauses(fn, g, obs, false); err != nil {
			return nan, err
		}
		for i, ob := range obs {
			if err := checkRow(fn, g, i, ob.observation(), true, &total); err != nil {
				return nan, err
			}
		}
		pooled = append(pooled, obs...)
	}
	t, rows, err := competingTable(fn, pooled, o.ExactTimes)
	if err != nil {
		return nan, err
	}
	s, v := grayScore(groups, t, rows, cause, o.Rho)
	k := len(groups) - 1
	e, sc := equilibrate(v, k, 1)
	f := factorLDL(e, k, cholTolerance)
	if len(f.singular) > 0 {
		return nan, fault.New(fn, -1, "", ErrSingular, "the variance of the scores is singular (a group without events of cause %d?)", cause)
	}
	for i := range s {
		s[i] *= sc[i]
	}
	return chiSquareTest(math.Max(0, f.quadForm(s)), k), nil
}

// grayGroup is one group's state in grayScore: its at-risk weight and the
// event weights at the current time, and its left- and right-continuous
// Kaplan–Meier (any event) and cumulative incidence (of the cause).
type grayGroup struct {
	n, dc, do          float64
	sPrev, s, fPrev, f float64
}

// grayScore returns Gray's scores s (first K − 1 groups) and their
// variance V ((K−1)², row-major) for groups pooled in table t (rows: the
// table row of each pooled observation, group after group).
func grayScore(groups [][]CompetingObservation, t table, rows []int, cause int, rho float64) (s, v []float64) {
	ng, m := len(groups), len(t.time)
	k := ng - 1
	// exits[g][j], cs[g][j], os[g][j]: group g's exits, cause events and
	// other-cause events at row j.
	exits, cs, os := make([][]float64, ng), make([][]float64, ng), make([][]float64, ng)
	st := make([]grayGroup, ng)
	r := 0
	for g, obs := range groups {
		exits[g], cs[g], os[g] = make([]float64, m), make([]float64, m), make([]float64, m)
		for _, ob := range obs {
			w, j := ob.weightOf(), rows[r]
			r++
			exits[g][j] += w
			st[g].n += w
			switch ob.Cause {
			case 0:
			case cause:
				cs[g][j] += w
			default:
				os[g][j] += w
			}
		}
		st[g].sPrev, st[g].s = 1, 1
	}
	s, v = make([]float64, k), make([]float64, k*k)
	a, c := make([]float64, ng*ng), make([]float64, ng*ng) // per time, and accumulated
	v3, v2 := make([]float64, ng), make([]float64, k*ng)
	fPrev, f := 0.0, 0.0 // pooled F̂(t−), F̂(t)
	for j := range m {
		nd1, nd2 := 0.0, 0.0
		for g := range st {
			x := &st[g]
			x.dc, x.do = cs[g][j], os[g][j]
			nd1 += x.dc
			nd2 += x.do
		}
		if nd1+nd2 > 0 {
			tr, tq := 0.0, 0.0 // Σ_g n_g/S_g(t−) and Σ_g R_g
			for g := range st {
				x := &st[g]
				if x.n <= 0 {
					continue
				}
				x.s = x.sPrev * (x.n - x.dc - x.do) / x.n
				x.f = x.fPrev + x.sPrev*x.dc/x.n
				tr += x.n / x.sPrev
				tq += x.n * (1 - x.fPrev) / x.sPrev
			}
			f = fPrev + nd1/tr
			w := math.Pow(1-fPrev, rho)
			clear(a)
			for g := range st {
				if st[g].n <= 0 {
					continue
				}
				t1 := st[g].n / st[g].sPrev
				a[g*ng+g] = w * t1 * (1 - t1/tr)
				for h := g + 1; h < ng; h++ {
					if st[h].n > 0 {
						a[g*ng+h] = -w * t1 * st[h].n / (st[h].sPrev * tr)
						a[h*ng+g] = a[g*ng+h]
					}
				}
			}
			for i := range a {
				c[i] += a[i] * nd1 / (tr * (1 - fPrev))
			}
			for g := range k {
				if x := st[g]; x.n > 0 {
					s[g] += w * (x.dc - nd1*x.n*(1-x.fPrev)/(x.sPrev*tq))
				}
			}
			if nd1 > 0 {
				for h := range st {
					x := st[h]
					if x.n <= 0 {
						continue
					}
					t4 := 1.0
					if x.s > 0 {
						t4 = 1 - (1-f)/x.s
					}
					t5 := 1.0
					if nd1 > 1 {
						t5 = 1 - (nd1-1)/(tr*x.sPrev-1)
					}
					t3 := t5 * x.sPrev * nd1 / (tr * x.n)
					addGrayTerm(v, v2, v3, k, ng, h, t4, t3, func(i int) float64 { return a[i*ng+h] - t4*c[i*ng+h] })
				}
			}
			for h := range st {
				x := st[h]
				if nd2 == 0 || x.s <= 0 || x.do <= 0 {
					continue
				}
				t4 := (1 - f) / x.s
				t5 := 1.0
				if x.do > 1 {
					t5 = 1 - (x.do-1)/(x.n-1)
				}
				t3 := t5 * x.sPrev * x.sPrev * x.do / (x.n * x.n)
				addGrayTerm(v, v2, v3, k, ng, h, -t4, t3, func(i int) float64 { return t4 * c[i*ng+h] })
			}
		}
		for g := range st {
			x := &st[g]
			x.n -= exits[g][j]
			x.fPrev, x.sPrev = x.f, x.s
		}
		fPrev = f
	}
	for i := range k {
		for j := 0; j <= i; j++ {
			for h := range ng {
				v[i*k+j] += c[i*ng+h]*c[j*ng+h]*v3[h] + c[i*ng+h]*v2[j*ng+h] + c[j*ng+h]*v2[i*ng+h]
			}
			v[j*k+i] = v[i*k+j]
		}
	}
	return s, v
}

// addGrayTerm adds one group's (h) term of Gray's variance at one time:
// v3_h += t4²·t3, v2_ih += b_i·sign4·t3 and V_ij += b_i·b_j·t3, with
// b_i = term(i) and sign4 the factor t4 carries into v2 (−t4 for the other
// causes' term).
func addGrayTerm(v, v2, v3 []float64, k, ng, h int, sign4, t3 float64, term func(i int) float64) {
	v3[h] += sign4 * sign4 * t3
	for i := range k {
		bi := term(i)
		v2[i*ng+h] += bi * sign4 * t3
		for j := 0; j <= i; j++ {
			v[i*k+j] += bi * term(j) * t3
		}
	}
}
