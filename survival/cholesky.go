package survival

import "math"

// A small symmetric solver with R's rank rule, shared by the Cox fit, its
// tests and the PH test. Matrices are n×n, row-major, symmetric.

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
// coxph.wtest), without modifying b.
func (f *ldl) quadForm(b []float64) float64 {
	x := append([]float64(nil), b...)
	f.solve(x)
	s := 0.0
	for i, v := range b {
		s += v * x[i]
	}
	return s
}
