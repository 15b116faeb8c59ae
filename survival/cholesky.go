package survival

import "math"

// The one symmetric solver of the package, with R's rank rule (cholesky2
// and chinv2, which R's coxph and survreg both use): the Cox fit and its PH
// test, and the AFT fit's Newton steps, starting values and variance.
// Matrices are n×n, row-major, symmetric.

// cholTolerance is R's coxph.control toler.chol, ε^0.75: a pivot below
// cholTolerance times the largest diagonal element counts as 0.
var cholTolerance = math.Pow(0x1p-52, 0.75)

// ldl is the L·D·Lᵀ factorisation of a symmetric positive semi-definite
// matrix in which a column whose pivot is not above tol times the largest
// diagonal element (or is not finite) is dropped: its pivot is set to 0 and
// its column is left out of the solves. This is the rule of R's cholesky2
// (Therneau, survival), which makes a rank-deficient information matrix
// give zero coefficients for the aliased columns.
type ldl struct {
	n        int
	a        []float64 // L below the diagonal, D on it; row-major n×n
	singular []int     // the dropped columns, ascending
}

// factorLDL factors the symmetric n×n matrix m (its lower triangle is read)
// without modifying it.
func factorLDL(m []float64, n int, tol float64) *ldl {
	f := &ldl{n: n, a: make([]float64, n*n)}
	a := f.a
	for i := range n {
		for j := 0; j <= i; j++ {
			a[i*n+j] = m[i*n+j]
		}
	}
	eps := 0.0
	for i := range n {
		eps = math.Max(eps, a[i*n+i])
	}
	if eps == 0 {
		eps = tol
	} else {
		eps *= tol
	}
	for i := range n {
		pivot := a[i*n+i]
		if !(pivot >= eps) || math.IsInf(pivot, 0) {
			// Drop the column: below a (numerically) zero pivot of a
			// semi-definite matrix the column is zero too.
			for j := i; j < n; j++ {
				a[j*n+i] = 0
			}
			f.singular = append(f.singular, i)
			continue
		}
		for j := i + 1; j < n; j++ {
			t := a[j*n+i] / pivot
			a[j*n+i] = t
			a[j*n+j] -= t * t * pivot
			for k := j + 1; k < n; k++ {
				a[k*n+j] -= t * a[k*n+i]
			}
		}
	}
	return f
}

// solve overwrites b with the solution of M·x = b, with x = 0 in the
// dropped columns.
func (f *ldl) solve(b []float64) {
	n, a := f.n, f.a
	for i := range n {
		for j := range i {
			b[i] -= a[i*n+j] * b[j]
		}
	}
	for i := n - 1; i >= 0; i-- {
		if a[i*n+i] == 0 {
			b[i] = 0
			continue
		}
		b[i] /= a[i*n+i]
		for j := i + 1; j < n; j++ {
			b[i] -= a[j*n+i] * b[j]
		}
	}
}

// inverse returns M⁻¹ (row-major), with zero rows and columns for the
// dropped columns (R's chinv2).
func (f *ldl) inverse() []float64 {
	n := f.n
	inv := make([]float64, n*n)
	col := make([]float64, n)
	for j := range n {
		clear(col)
		col[j] = 1
		f.solve(col)
		for i := range n {
			inv[i*n+j] = col[i]
		}
	}
	for _, j := range f.singular {
		for i := range n {
			inv[i*n+j], inv[j*n+i] = 0, 0
		}
	}
	// Symmetrise the rounding.
	for i := range n {
		for j := range i {
			v := (inv[i*n+j] + inv[j*n+i]) / 2
			inv[i*n+j], inv[j*n+i] = v, v
		}
	}
	return inv
}

// quadForm returns bᵀ·M⁻¹·b over the columns that are not dropped (R's
// coxph.wtest), without modifying b. It is Σ y_i²/D_i with L·y = b, a sum
// of non-negative terms, so rounding cannot make it negative.
func (f *ldl) quadForm(b []float64) float64 {
	n, a := f.n, f.a
	y := append([]float64(nil), b...)
	s := 0.0
	for i := range n {
		for j := range i {
			y[i] -= a[i*n+j] * y[j]
		}
		if d := a[i*n+i]; d != 0 {
			s += y[i] * y[i] / d
		}
	}
	return s
}

// equilibrate returns the full symmetric matrix s·(sign·A)·s, reading the
// upper triangle of A, and s_j = 1/√|A_jj| (1 where A_jj is 0 or not
// finite). Its diagonal is ±1, so that the rank rule of factorLDL and the
// conditioning of the solves do not depend on the parameters' units. The
// AFT fit passes sign = −1 to turn a Hessian H into the information −H.
func equilibrate(a []float64, n int, sign float64) (e, s []float64) {
	s = make([]float64, n)
	for j := range s {
		d := math.Abs(a[j*n+j])
		s[j] = 1
		if d > 0 && !math.IsInf(d, 0) {
			s[j] = 1 / math.Sqrt(d)
		}
	}
	e = make([]float64, n*n)
	for i := range n {
		for j := i; j < n; j++ {
			v := sign * a[i*n+j] * s[i] * s[j]
			e[i*n+j], e[j*n+i] = v, v
		}
	}
	return e, s
}

// informationInverse returns (−H)⁻¹ as rows for a Hessian H (upper
// triangle read), or nil when the equilibrated −H drops a column under
// R's cholesky2 rule with toler.chol = ε^0.75 (survreg.control's default),
// that is when −H is not numerically positive definite.
func informationInverse(hess []float64, n int) [][]float64 {
	e, s := equilibrate(hess, n, -1)
	f := factorLDL(e, n, cholTolerance)
	if len(f.singular) > 0 {
		return nil
	}
	inv := f.inverse()
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, n)
		for j := range out[i] {
			out[i][j] = inv[i*n+j] * s[i] * s[j]
		}
	}
	return out
}
