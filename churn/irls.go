package churn

import (
	"math"
	"sync"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/parallel"
)

// chunkRows is how many rows a worker loads into its buffer at a time; the
// chunk's cross-product enters the Hessian with one Dsyrk call. Timings
// at 256, 512 and 1024 rows differ by less than the noise.
const chunkRows = 512

// bufStride is the distance between two rows of a worker's buffer (one per
// design column). The padding keeps the columns written for one data row
// off a single L1 cache set, which a stride of exactly 4 KiB would not.
const bufStride = chunkRows + 8

// prepareCost is the time the validation pass takes per row of k
// features, about.
func prepareCost(k int) time.Duration { return time.Duration(15+4*k) * time.Nanosecond }

// passCost is the time a pass of the fit takes per row with m parameters,
// about: the rank-one update of the Hessian dominates.
func passCost(m int) time.Duration { return time.Duration(60+m*m/4) * time.Nanosecond }

// tinyProb is R's glm threshold for a fitted probability "numerically 0
// or 1": rows with min(p, 1 − p) ≤ 10·eps count as extreme.
const tinyProb = 10 * 0x1p-52

// design is the standardised logistic problem: rows z_i = [1, (x_i − μ)/σ]
// are formed on the fly from the caller's X, which is only read.
type design struct {
	x     [][]float64
	y     []bool
	w     []float64 // case weights (user × class), owned by the fit
	mu    []float64 // weighted column means
	invSD []float64 // 1/σ_j, population (ddof 0) weighted SD, from the moments
	// colScale[j] is a power of two that brings max |x_j| into [0.5, 1):
	// moments works on (x − μ)·colScale so that its squares neither
	// overflow nor underflow.
	colScale []float64
	m        int // parameters: 1 + columns
	// A pass runs over blocks of rows in parallel (internal/parallel),
	// each made of whole chunks of chunkRows rows so that every Dsyrk call
	// but the last gets a full buffer.
	chunks    int           // ⌈rows/chunkRows⌉: the items of the parallel loop
	chunkCost time.Duration // time of one chunk's pass
	parts     []*worker     // per block
	buffers   sync.Pool     // *buffers, one per goroutine at work
}

// worker accumulates one block of rows of a pass. It works in chunks of up
// to chunkRows rows: load standardises them into the columns of buf, a
// loop over the chunk computes the per-row probabilities (independent
// iterations, so exp and log1p overlap), and accumulate adds the chunk's
// gradient and Hessian terms. Its buffers are borrowed for the block.
type worker struct {
	*buffers
	ll      float64
	grad    []float64 // m
	hess    []float64 // m × m, upper triangle used
	extreme int       // rows fitted at p ≤ tinyProb or p ≥ 1 − tinyProb
}

// buffers hold one chunk of rows.
type buffers struct {
	buf   []float64 // m × bufStride: row r of the chunk is column r
	rows  []int     // chunkRows: the data row of each column
	eta   []float64 // chunkRows: linear predictor of each column
	res   []float64 // chunkRows: weight of each column in the gradient
	scale []float64 // chunkRows: factor of each column in the Hessian
}

func newDesign(x [][]float64, y []bool, w, mu []float64) *design {
	d := &design{x: x, y: y, w: w, mu: mu, m: len(mu) + 1}
	d.chunks = (len(x) + chunkRows - 1) / chunkRows
	d.chunkCost = chunkRows * passCost(d.m)
	for range parallel.Chunks(d.chunks, d.chunkCost) {
		d.parts = append(d.parts, &worker{grad: make([]float64, d.m), hess: make([]float64, d.m*d.m)})
	}
	d.buffers.New = func() any {
		return &buffers{
			buf:   make([]float64, d.m*bufStride),
			rows:  make([]int, chunkRows),
			eta:   make([]float64, chunkRows),
			res:   make([]float64, chunkRows),
			scale: make([]float64, chunkRows),
		}
	}
	return d
}

// each runs f on every worker and its block of rows [lo, hi), the blocks
// in parallel.
func (d *design) each(f func(p *worker, lo, hi int)) {
	parallel.For(d.chunks, d.chunkCost, func(part, lo, hi int) {
		p := d.parts[part]
		p.buffers = d.buffers.Get().(*buffers)
		f(p, lo*chunkRows, min(hi*chunkRows, len(d.x)))
		d.buffers.Put(p.buffers)
		p.buffers = nil
	})
}

// collect sums the workers' results of a pass; grad and hess (nil when the
// pass computed only ℓ) receive the summed gradient and Hessian.
func (d *design) collect(grad, hess []float64) (ll float64, extreme int) {
	clear(grad)
	clear(hess)
	for _, p := range d.parts {
		ll += p.ll
		extreme += p.extreme
		if grad != nil {
			for j, v := range p.grad {
				grad[j] += v
			}
			for j, v := range p.hess {
				hess[j] += v
			}
		}
	}
	return ll, extreme
}

// moments makes one pass over the rows with a_i = [1, (x_i − μ)·colScale]
// (centred, scaled by powers of two only) and returns G = Σ w·a·aᵀ (upper triangle, m×m) and
// gy = Σ_{y_i} w·a. They give the column variances and, because every row
// has the same η at the starting point, ℓ, gradient and Hessian there.
func (d *design) moments() (G, gy []float64) {
	zeros := make([]float64, d.m)
	d.each(func(p *worker, lo, hi int) {
		clear(p.grad)
		clear(p.hess)
		for i := lo; i < hi; {
			var n int
			i, n = p.load(d, i, hi, d.colScale, zeros)
			for r, row := range p.rows[:n] {
				wi := d.w[row]
				p.scale[r] = math.Sqrt(wi)
				p.res[r] = 0
				if d.y[row] {
					p.res[r] = wi
				}
			}
			p.accumulate(n)
		}
	})
	G, gy = make([]float64, d.m*d.m), make([]float64, d.m)
	d.collect(gy, G)
	return G, gy
}

// pass evaluates at standardised coefficients b the unpenalised
// log-likelihood ℓ and, when grad is not nil, its gradient and the Fisher
// information ZᵀWZ (upper triangle) into grad and hess. It returns ℓ and
// the number of rows fitted at probability 0 or 1 to within tinyProb (a
// symptom of separation; R's glm warns on the same condition).
func (d *design) pass(b, grad, hess []float64) (ll float64, extreme int) {
	full := grad != nil
	d.each(func(p *worker, lo, hi int) { p.run(d, b, lo, hi, full) })
	return d.collect(grad, hess)
}

// run accumulates rows [lo, hi) at b.
func (p *worker) run(d *design, b []float64, lo, hi int, full bool) {
	var ll float64
	extreme := 0
	clear(p.grad)
	clear(p.hess)
	for i := lo; i < hi; {
		var n int
		i, n = p.load(d, i, hi, d.invSD, b)
		for r, row := range p.rows[:n] {
			wi := d.w[row]
			prob, q, lnP, lnQ := numeric.Logistic(p.eta[r])
			if d.y[row] {
				ll += wi * lnP
				p.res[r] = wi * q // w·(y − p)
			} else {
				ll += wi * lnQ
				p.res[r] = -wi * prob
			}
			if min(prob, q) <= tinyProb {
				extreme++
			}
			p.scale[r] = math.Sqrt(wi * prob * q)
		}
		if full {
			p.accumulate(n)
		}
	}
	p.ll, p.extreme = ll, extreme
}

// load fills the buffer with up to chunkRows rows of weight > 0 from row i
// on (stopping at hi): column r becomes z = [1, (x − μ)·invSD] and eta[r]
// = b·z. It returns the next row to load and the number of columns filled.
func (p *worker) load(d *design, i, hi int, invSD, b []float64) (next, n int) {
	k := d.m - 1
	mu, invSD, slope := d.mu[:k], invSD[:k], b[1:k+1]
	for ; i < hi && n < chunkRows; i++ {
		if d.w[i] == 0 {
			continue
		}
		x := d.x[i][:k]
		// col[(j+1)·bufStride] is feature j's row of the buffer. (Slicing
		// from n rather than bufStride+n keeps the slice valid for an
		// intercept-only design, whose buffer has one row.)
		col := p.buf[n:]
		col[0] = 1
		// Four partial sums shorten the dependency chain of b·z.
		var s0, s1, s2, s3 float64
		j := 0
		for ; j+4 <= k; j += 4 {
			z0 := (x[j] - mu[j]) * invSD[j]
			z1 := (x[j+1] - mu[j+1]) * invSD[j+1]
			z2 := (x[j+2] - mu[j+2]) * invSD[j+2]
			z3 := (x[j+3] - mu[j+3]) * invSD[j+3]
			col[(j+1)*bufStride] = z0
			col[(j+2)*bufStride] = z1
			col[(j+3)*bufStride] = z2
			col[(j+4)*bufStride] = z3
			s0 += slope[j] * z0
			s1 += slope[j+1] * z1
			s2 += slope[j+2] * z2
			s3 += slope[j+3] * z3
		}
		for ; j < k; j++ {
			z := (x[j] - mu[j]) * invSD[j]
			col[(j+1)*bufStride] = z
			s0 += slope[j] * z
		}
		p.rows[n] = i
		p.eta[n] = b[0] + ((s0 + s1) + (s2 + s3))
		n++
	}
	return i, n
}

// accumulate adds the n buffered columns z_r to the gradient, Σ res_r·z_r,
// and to the Hessian, Σ scale_r²·z_r·z_rᵀ (one Dsyrk call).
func (p *worker) accumulate(n int) {
	if n == 0 {
		return
	}
	m := len(p.grad)
	res, scale := p.res[:n], p.scale[:n]
	resVec := blas64.Vector{N: n, Inc: 1, Data: res}
	for j := range m {
		col := p.buf[j*bufStride : j*bufStride+n]
		p.grad[j] += blas64.Dot(resVec, blas64.Vector{N: n, Inc: 1, Data: col})
		for r, v := range col {
			col[r] = scale[r] * v
		}
	}
	a := blas64.General{Rows: m, Cols: n, Stride: bufStride, Data: p.buf}
	c := blas64.Symmetric{N: m, Stride: m, Uplo: blas.Upper, Data: p.hess}
	blas64.Syrk(blas.NoTrans, 1, a, 1, c)
}
