package churn

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// chunkRows is how many rows one worker standardises into its buffer before
// it adds the buffer's cross-product to the Hessian with one Dsyrk call.
const chunkRows = 512

// parallelRows is the row count from which a pass is split over two
// goroutines.
const parallelRows = 20000

// design is the standardised logistic problem: rows z_i = [1, (x_i − μ)/σ]
// are formed on the fly from the caller's X, which is only read.
type design struct {
	x     [][]float64
	y     []bool
	w     []float64 // case weights (user × class), owned by the fit
	mu    []float64 // weighted column means
	invSD []float64 // 1/σ_j, population (ddof 0) weighted SD
	m     int       // parameters: 1 + columns
	parts []*worker
}

// worker accumulates one contiguous block of rows of a pass.
type worker struct {
	lo, hi  int
	buf     []float64 // m × chunkRows, row r of the chunk is column r of buf
	ll      float64
	grad    []float64 // m
	hess    []float64 // m × m, upper triangle used
	extreme int       // rows fitted at p ≤ 10·eps or p ≥ 1 − 10·eps
}

func newDesign(x [][]float64, y []bool, w, mu, invSD []float64) *design {
	d := &design{x: x, y: y, w: w, mu: mu, invSD: invSD, m: len(mu) + 1}
	n := len(x)
	parts := 1
	if n >= parallelRows {
		parts = 2
	}
	for p := range parts {
		d.parts = append(d.parts, &worker{
			lo:   p * n / parts,
			hi:   (p + 1) * n / parts,
			buf:  make([]float64, d.m*chunkRows),
			grad: make([]float64, d.m),
			hess: make([]float64, d.m*d.m),
		})
	}
	return d
}

// pass evaluates at standardised coefficients b the unpenalised
// log-likelihood ℓ, and, when full, its gradient and the Fisher information
// ZᵀWZ (upper triangle) into grad and hess. It returns ℓ and the number of
// rows fitted at probability 0 or 1 to within 10·eps (a symptom of
// separation; R's glm warns on the same condition).
func (d *design) pass(b []float64, full bool, grad, hess []float64) (ll float64, extreme int) {
	if len(d.parts) == 1 {
		d.parts[0].run(d, b, full)
	} else {
		var wg sync.WaitGroup
		for _, p := range d.parts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.run(d, b, full)
			}()
		}
		wg.Wait()
	}
	if full {
		clear(grad)
		clear(hess)
	}
	for _, p := range d.parts {
		ll += p.ll
		extreme += p.extreme
		if full {
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

// run accumulates the worker's rows. The Hessian is built from chunks of
// sqrt(w·p·q)-scaled rows with Dsyrk, so the inner loop allocates nothing.
func (p *worker) run(d *design, b []float64, full bool) {
	m := d.m
	p.ll, p.extreme = 0, 0
	if full {
		clear(p.grad)
		clear(p.hess)
	}
	row := make([]float64, m) // one allocation per pass, not per row
	row[0] = 1
	filled := 0
	flush := func() {
		if filled == 0 {
			return
		}
		a := blas64.General{Rows: m, Cols: filled, Stride: chunkRows, Data: p.buf}
		c := blas64.Symmetric{N: m, Stride: m, Uplo: blas.Upper, Data: p.hess}
		blas64.Syrk(blas.NoTrans, 1, a, 1, c)
		filled = 0
	}
	const tiny = 10 * 0x1p-52
	for i := p.lo; i < p.hi; i++ {
		wi := d.w[i]
		if wi == 0 {
			continue
		}
		eta := b[0]
		for j, v := range d.x[i] {
			z := (v - d.mu[j]) * d.invSD[j]
			row[j+1] = z
			eta += b[j+1] * z
		}
		// ℓ_i = y·η − softplus(η) = −softplus(−η) for y = 1, −softplus(η) for y = 0.
		// One exp serves p, q = 1 − p and both softplus values.
		e := math.Exp(-math.Abs(eta))
		l1p := math.Log1p(e)
		prob, q := 1/(1+e), e/(1+e)
		spPos, spNeg := eta+l1p, l1p // softplus(η), softplus(−η) for η ≥ 0
		if eta < 0 {
			prob, q = q, prob
			spPos, spNeg = l1p, l1p-eta
		}
		var r float64 // w·(y − p)
		if d.y[i] {
			p.ll -= wi * spNeg
			r = wi * q
		} else {
			p.ll -= wi * spPos
			r = -wi * prob
		}
		if min(prob, q) <= tiny {
			p.extreme++
		}
		if !full {
			continue
		}
		s := math.Sqrt(wi * prob * q)
		for j, z := range row {
			p.grad[j] += r * z
			p.buf[j*chunkRows+filled] = s * z
		}
		filled++
		if filled == chunkRows {
			flush()
		}
	}
	if full {
		flush()
	}
}

// expit returns 1/(1+e^(−η)) without overflow.
func expit(eta float64) float64 {
	if eta >= 0 {
		return 1 / (1 + math.Exp(-eta))
	}
	e := math.Exp(eta)
	return e / (1 + e)
}
