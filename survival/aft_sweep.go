package survival

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// sweepRows is how many rows a pass standardises into its buffer at a
// time; each block's part of the Hessian is one Syrk call.
const sweepRows = 512

// sweepStride is the distance between two columns of the buffer. The
// padding keeps the values written for one row off a single L1 cache set,
// which a stride of exactly 4 KiB would not.
const sweepStride = sweepRows + 8

// sweep makes one pass over the rows and returns Σ w·l. θ holds
// (b_0, …, b_k) and, when scale is true, log σ last. When grad is not nil
// it also writes
//
//	grad = Σ w·(a·u, b)      hess = Σ w·[c·u·uᵀ, d·u; ·, e]   (upper triangle)
//
// with u = [1, (x − μ)·invSD] the standardised row and (l, a, b, c, d, e)
// = terms(i, η_i) at η_i = θ_0 + Σ θ_j·u_j. Blocks of rows are loaded into
// columns of a buffer so that the sums over rows are dot products and
// the Hessian block a symmetric rank-k update.
func (d *aftData) sweep(theta []float64, scale bool, grad, hess []float64, terms func(i int, eta float64) rowTerms) float64 {
	m := d.k + 1
	np := m
	if scale {
		np++
	}
	full := grad != nil
	var (
		buf    = make([]float64, m*sweepStride)
		pos    []float64 // rows whose c > 0 (possible with late entry)
		eta    = make([]float64, sweepRows)
		ga     = make([]float64, sweepRows) // w·a
		hc     = make([]float64, sweepRows) // w·c
		hd     = make([]float64, sweepRows) // w·d
		hLoc   = make([]float64, m*m)
		ll     float64
		gs, hs float64
	)
	if full {
		clear(grad)
		clear(hess)
	}
	n := len(d.logT)
	for lo := 0; lo < n; lo += sweepRows {
		nr := min(sweepRows, n-lo)
		d.load(buf, eta[:nr], lo, theta)
		anyPos := false
		for r := range nr {
			i := lo + r
			w := d.w[i]
			t := terms(i, eta[r])
			ll += w * t.l
			if !full {
				continue
			}
			ga[r], hc[r], hd[r] = w*t.a, w*t.c, w*t.d
			gs += w * t.b
			hs += w * t.e
			anyPos = anyPos || hc[r] > 0
		}
		if !full {
			continue
		}
		gaV := blas64.Vector{N: nr, Inc: 1, Data: ga}
		hdV := blas64.Vector{N: nr, Inc: 1, Data: hd}
		for j := range m {
			col := blas64.Vector{N: nr, Inc: 1, Data: buf[j*sweepStride:]}
			grad[j] += blas64.Dot(gaV, col)
			if scale {
				hess[j*np+m] += blas64.Dot(hdV, col)
			}
		}
		// Σ c·u·uᵀ = −Σ_{c<0} (√−c·u)(√−c·u)ᵀ + Σ_{c>0} (√c·u)(√c·u)ᵀ;
		// c > 0 happens only with late entry.
		if anyPos {
			if pos == nil {
				pos = make([]float64, m*sweepStride)
			}
			splitPositive(buf, pos, hc[:nr], m)
		}
		for r, v := range hc[:nr] {
			hc[r] = math.Sqrt(-v) // 0 for the rows moved to pos
		}
		for j := range m {
			col := buf[j*sweepStride : j*sweepStride+nr]
			for r, root := range hc[:nr] {
				col[r] *= root
			}
		}
		c := blas64.Symmetric{N: m, Stride: m, Uplo: blas.Upper, Data: hLoc}
		blas64.Syrk(blas.NoTrans, -1, blas64.General{Rows: m, Cols: nr, Stride: sweepStride, Data: buf}, 1, c)
		if anyPos {
			blas64.Syrk(blas.NoTrans, 1, blas64.General{Rows: m, Cols: nr, Stride: sweepStride, Data: pos}, 1, c)
		}
	}
	if full {
		for j := range m {
			copy(hess[j*np+j:j*np+m], hLoc[j*m+j:j*m+m])
		}
		if scale {
			grad[m] = gs
			hess[m*np+m] = hs
		}
	}
	return ll
}

// splitPositive moves the rows r with c[r] > 0 from buf to pos, scaled by
// √c, sets their c to 0 and clears the other rows of pos.
func splitPositive(buf, pos, c []float64, m int) {
	for j := range m {
		col := buf[j*sweepStride : j*sweepStride+len(c)]
		pcol := pos[j*sweepStride : j*sweepStride+len(c)]
		for r, v := range col {
			pcol[r] = 0
			if c[r] > 0 {
				pcol[r] = math.Sqrt(c[r]) * v
				col[r] = 0
			}
		}
	}
	for r, v := range c {
		c[r] = math.Min(v, 0)
	}
}

// load writes the standardised rows lo, lo+1, … of the block into the
// columns of buf (column j of the block at j·sweepStride, the intercept's
// ones first) and their linear predictors θ·u into eta.
func (d *aftData) load(buf, eta []float64, lo int, theta []float64) {
	k := d.k
	for r := range eta {
		buf[r] = 1
		e := theta[0]
		if k > 0 {
			x, mu, invSD, b := d.x[lo+r][:k], d.mu[:k], d.invSD[:k], theta[1:k+1]
			for j, v := range x {
				u := (v - mu[j]) * invSD[j]
				buf[(j+1)*sweepStride+r] = u
				e += b[j] * u
			}
		}
		eta[r] = e
	}
}
