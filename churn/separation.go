package churn

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// lpMaxRows is the largest number of rows for which the exact separation
// test runs: gonum's simplex works on a dense (n+m)×(n+2m) tableau. Larger
// fits rely on the Newton symptoms alone.
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
	return dataError(fn, -1, "", ErrSeparation,
		"%s by %s: %s; set LogisticOptions.L2 > 0 or drop the feature",
		kind, strings.Join(diverging, ", "), evidence)
}

// separationLP solves the linear program of Albert & Anderson (1984) and
// Konis (2007) on the standardised design, with s_i = 2y_i − 1:
//
//	max Σ_i s_i·z_iᵀβ  s.t.  s_i·z_iᵀβ ≥ 0,  −1 ≤ β_j ≤ 1.
//
// The data are (quasi-)separated iff the optimum is > 0. In standard form
// β = γ − 1 with γ, u ≥ 0, γ + u = 2, and margins e_i = s_i·z_iᵀβ ≥ 0.
// ok is false when the simplex fails numerically.
func separationLP(d *design) (value float64, ok bool) {
	m := d.m
	var rows []int
	for i, wi := range d.w {
		if wi > 0 {
			rows = append(rows, i)
		}
	}
	n := len(rows)
	A := mat.NewDense(n+m, n+2*m, nil)
	b := make([]float64, n+m)
	c := make([]float64, n+2*m)
	z := make([]float64, m)
	var shift float64 // Σ_i s_i·z_iᵀ1, so that value = −optF − shift
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
			A.Set(r, j, s*zj)
			b[r] += s * zj
			c[j] -= s * zj
		}
		A.Set(r, 2*m+r, -1)
		shift += b[r]
	}
	for j := range m {
		A.Set(n+j, j, 1)
		A.Set(n+j, m+j, 1)
		b[n+j] = 2
	}
	optF, _, err := lp.Simplex(c, A, b, 1e-10, nil)
	if err != nil {
		return 0, false
	}
	return -optF - shift, true
}
