package numeric

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Aliased finds the columns of a design that are linear combinations of
// others, from its positive semi-definite Gram (or information) matrix g
// (m×m, row-major; the upper triangle is read, g is not modified). It
// factorises g by Cholesky with diagonal pivoting (LAPACK dpstrf), the
// Gram-matrix equivalent of a column-pivoted QR of the design, and stops
// at the first pivot d_j ≤ (1e-7)²·d_1, i.e. R_jj ≤ 1e-7·R_11: the
// columns not yet pivoted are aliased. It returns them in increasing
// order, and for each the kept columns it depends on (those whose
// coefficient in the combination exceeds 1e-6 of the largest), found by
// one triangular solve on the factor's kept rows (with PᵀgP = UᵀU,
// g_kk·c = g_ka is U_kk·c = U_ka). A column that depends on no other
// (a zero column of a centred design: a constant) has no partners; a g
// whose largest diagonal entry is not positive (or is NaN) has every
// column aliased, without partners. aliased is nil for a full-rank g.
func Aliased(g []float64, m int) (aliased []int, partners [][]int) {
	d1 := 0.0
	for j := range m {
		d1 = math.Max(d1, g[j*m+j])
	}
	if !(d1 > 0) {
		all := make([]int, m)
		for j := range all {
			all[j] = j
		}
		return all, make([][]int, m)
	}
	piv := make([]int, m)
	sym := blas64.Symmetric{Uplo: blas.Upper, N: m, Stride: m, Data: slices.Clone(g)}
	u, rank, _ := lapack64.Pstrf(sym, piv, 1e-14*d1, make([]float64, 2*m))
	if rank == m {
		return nil, nil
	}
	kept := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: rank, Stride: m, Data: u.Data}
	aliased = slices.Clone(piv[rank:])
	slices.Sort(aliased)
	partners = make([][]int, len(aliased))
	for k, a := range aliased {
		q := slices.Index(piv, a)
		c := make([]float64, rank)
		for i := range rank {
			c[i] = u.Data[i*m+q]
		}
		blas64.Trsv(blas.NoTrans, kept, blas64.Vector{N: rank, Inc: 1, Data: c})
		var maxC float64
		for _, v := range c {
			maxC = math.Max(maxC, math.Abs(v))
		}
		for i, col := range piv[:rank] {
			if math.Abs(c[i]) > 1e-6*maxC {
				partners[k] = append(partners[k], col)
			}
		}
		slices.Sort(partners[k])
	}
	return aliased, partners
}
