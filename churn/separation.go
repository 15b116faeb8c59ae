package churn

import (
	"fmt"
	"math"
	"strings"

	"github.com/ltvgo/ltv/internal/fault"
)

// lpMaxRows is the largest number of rows for which the exact separation
// test runs: the simplex works on a dense (n+m)×2m dictionary. Larger fits
// rely on the Newton symptoms alone.
const lpMaxRows = 300

// separation decides, after a Newton run that did not converge cleanly or
// fitted some probabilities at 0 or 1, whether the classes are separated.
// It returns an ErrSeparation error naming the diverging features, or nil
// when the data are not separated (the caller then reports what it saw).
func separation(fn string, d *design, nt *newton, status stopReason, names []string) error {
	var evidence string
	if len(d.x) <= lpMaxRows {
		value, ok := separationLP(d)
		if ok && value <= 1e-7 {
			return nil
		}
		evidence = fmt.Sprintf("the linear program of Konis (2007) finds a separating direction (margin sum %.3g)", value)
		if !ok {
			if status == converged || nt.extreme == 0 {
				return nil
			}
			evidence = ""
		}
	} else if status == converged || nt.extreme == 0 {
		return nil
	}
	if evidence == "" {
		evidence = fmt.Sprintf("after %d Newton iterations (%s) %d rows are fitted at probability 0 or 1",
			nt.iter, status, nt.extreme)
	}
	kind := "quasi-complete separation"
	if nt.ll > -1e-6 {
		kind = "complete separation"
	}
	var maxB float64
	for _, v := range nt.b[1:] {
		maxB = math.Max(maxB, math.Abs(v))
	}
	var diverging []string
	for j, v := range nt.b[1:] {
		if math.Abs(v) >= 0.1*maxB {
			diverging = append(diverging, names[j])
		}
	}
	return fault.New(fn, -1, "", ErrSeparation,
		"%s by %s: %s; set LogisticOptions.L2 > 0 or drop the feature",
		kind, strings.Join(diverging, ", "), evidence)
}

// separationLP solves the linear program of Albert & Anderson (1984) and
// Konis (2007) on the standardised design, with s_i = 2y_i − 1:
//
//	max Σ_i s_i·z_iᵀβ  s.t.  s_i·z_iᵀβ ≥ 0,  −1 ≤ β_j ≤ 1.
//
// The data are (quasi-)separated iff the optimum is > 0. With β = β⁺ − β⁻,
// β⁺, β⁻ ≥ 0 and the box written as β⁺_j + β⁻_j ≤ 1 (the same feasible
// set of β), every constraint is "≤ a non-negative constant", so β = 0 with
// all slacks basic is a feasible starting vertex and no phase-one problem is
// needed. The simplex runs on a dictionary (Chvátal 1983, ch. 2) with
// Bland's smallest-index rule for both the entering and the leaving
// variable, which cannot cycle on the highly degenerate start (every margin
// is 0 there), so it ends after finitely many pivots; a pivot cap guards
// against rounding anyway. ok is false when the cap is reached or the
// problem looks unbounded (impossible in exact arithmetic: β is boxed).
//
// This replaces gonum's lp.Simplex, whose phase one panics on some
// degenerate designs and whose pivoting has no iteration limit.
func separationLP(d *design) (value float64, ok bool) {
	m := d.m
	var rows []int
	for i, wi := range d.w {
		if wi > 0 {
			rows = append(rows, i)
		}
	}
	n := len(rows)
	// Variables: β⁺_j = j, β⁻_j = m+j, slack of constraint r = 2m+r
	// (margins r < n, box rows n ≤ r < n+m). The dictionary expresses each
	// basic variable as rhs[r] + Σ_c tab[r][c]·(nonbasic variable c), and the
	// objective as obj0 + Σ_c obj[c]·(nonbasic c).
	nc := 2 * m
	nr := n + m
	tab := make([]float64, nr*nc)
	rhs := make([]float64, nr)
	obj := make([]float64, nc)
	basic := make([]int, nr)
	nonbasic := make([]int, nc)
	for c := range nonbasic {
		nonbasic[c] = c
	}
	z := make([]float64, m)
	for r, i := range rows {
		s := -1.0
		if d.y[i] {
			s = 1
		}
		z[0] = 1
		for j, v := range d.x[i] {
			z[j+1] = (v - d.mu[j]) * d.invSD[j]
		}
		for j, zj := range z {
			tab[r*nc+j] = s * zj // margin e_i = s_i·z_iᵀ(β⁺ − β⁻)
			tab[r*nc+m+j] = -s * zj
			obj[j] += s * zj
			obj[m+j] -= s * zj
		}
		basic[r] = 2*m + r
	}
	for j := range m {
		r := n + j
		tab[r*nc+j], tab[r*nc+m+j] = -1, -1 // t_j = 1 − β⁺_j − β⁻_j
		rhs[r] = 1
		basic[r] = 2*m + r
	}
	var scale float64
	for _, v := range obj {
		scale = max(scale, math.Abs(v))
	}
	tol := 1e-12 * max(scale, 1)
	var obj0 float64
	maxPivots := 50 * (nr + nc)
	for range maxPivots {
		// Entering: the nonbasic variable of smallest index that raises the objective.
		enter := -1
		for c, v := range nonbasic {
			if obj[c] > tol && (enter < 0 || v < nonbasic[enter]) {
				enter = c
			}
		}
		if enter < 0 {
			return obj0, true
		}
		// Leaving: the tightest ratio, ties to the basic variable of smallest index.
		leave := -1
		var best float64
		for r := range nr {
			a := tab[r*nc+enter]
			if a >= -1e-12 {
				continue
			}
			ratio := rhs[r] / -a
			if leave < 0 || ratio < best || (ratio == best && basic[r] < basic[leave]) {
				leave, best = r, ratio
			}
		}
		if leave < 0 {
			return obj0, false
		}
		pivot(tab, rhs, obj, &obj0, nc, leave, enter)
		basic[leave], nonbasic[enter] = nonbasic[enter], basic[leave]
	}
	return obj0, false
}

// pivot exchanges basic row r and nonbasic column e of a simplex
// dictionary: x_b = rhs_r + Σ_c tab_rc·x_c is solved for x_e and
// substituted into the other rows and the objective.
func pivot(tab, rhs, obj []float64, obj0 *float64, nc, r, e int) {
	row := tab[r*nc : (r+1)*nc]
	a := row[e]
	rhs[r] = -rhs[r] / a
	for c := range row {
		row[c] = -row[c] / a
	}
	row[e] = 1 / a
	if math.Abs(rhs[r]) < 1e-14 {
		rhs[r] = 0 // a degenerate pivot: keep exact zeros exact
	}
	substitute := func(dst []float64, dst0 *float64) {
		f := dst[e]
		if f == 0 {
			return
		}
		*dst0 += f * rhs[r]
		for c, v := range row {
			dst[c] += f * v
		}
		dst[e] = f * row[e]
	}
	for i := range len(rhs) {
		if i != r {
			substitute(tab[i*nc:(i+1)*nc], &rhs[i])
			// Feasibility (rhs ≥ 0) holds in exact arithmetic; a
			// negative value is rounding and would corrupt the ratio test.
			rhs[i] = max(rhs[i], 0)
		}
	}
	substitute(obj, obj0)
}
