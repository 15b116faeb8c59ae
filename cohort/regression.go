package cohort

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
)

// Form is the functional form of a Trend.
type Form int

// The curve-fitting baselines of Fader & Hardie (2007, §2), each an
// ordinary least-squares regression on time t:
//
//	Linear       y = b₀ + b₁·t
//	Quadratic    y = b₀ + b₁·t + b₂·t²
//	Exponential  ln y = b₀ + b₁·t        (y = e^b₀·e^(b₁·t))
//	Power        ln y = b₀ + b₁·ln t     (y = e^b₀·t^b₁)
const (
	Linear Form = iota
	Quadratic
	Exponential
	Power
)

// String returns "linear", "quadratic", "exponential" or "power".
func (f Form) String() string {
	switch f {
	case Linear:
		return "linear"
	case Quadratic:
		return "quadratic"
	case Exponential:
		return "exponential"
	case Power:
		return "power"
	}
	return fmt.Sprintf("Form(%d)", int(f))
}

// Trend is a fitted regression curve y(t). It is a plain value, safe for
// concurrent use.
type Trend struct {
	Form Form
	// Coef holds b₀, b₁ (and b₂ for Quadratic), on the scale of the
	// regression: ln y for Exponential and Power.
	Coef []float64
	// R2 is 1 − SSE/SST of the regression on its own response scale (ln y
	// for Exponential and Power); NaN when every response is equal.
	R2 float64
}

// At returns y(t). Special cases are: a Power trend is NaN for t < 0 and
// follows math.Pow at t = 0.
func (tr Trend) At(t float64) float64 {
	b := tr.Coef
	switch tr.Form {
	case Quadratic:
		return b[0] + b[1]*t + b[2]*t*t
	case Exponential:
		return math.Exp(b[0] + b[1]*t)
	case Power:
		if t > 0 { // in logs: e^b0 and t^b1 may overflow and underflow apart
			return math.Exp(b[0] + b[1]*math.Log(t))
		}
		return math.Exp(b[0]) * math.Pow(t, b[1])
	}
	return b[0] + b[1]*t
}

// Survival returns At(t) for whole periods, so a Trend fitted to a
// survival curve is used like clv.ShiftedBetaGeometric.
func (tr Trend) Survival(t int) float64 { return tr.At(float64(t)) }

// maxTrendValue bounds |t| and |y| in FitTrend so that t², the sums of
// squares and the decomposition of the design stay finite (a retention
// curve has t a period count and y a share).
const maxTrendValue = 1e100

// FitTrend fits the regression of form f to the points (t[i], y[i]) by
// ordinary least squares. t and y are neither modified nor kept.
//
// Errors: a *clv.DataError wrapping clv.ErrInvalid for a NaN or infinite
// value or one beyond ±1e100, y ≤ 0 (Exponential, Power), t ≤ 0 (Power),
// fewer points than coefficients + 1, len(y) != len(t) (Field "y") or an
// f that is not a Form constant (Field "f"); one wrapping clv.ErrSingular
// when the design is rank deficient (e.g. all t equal).
func FitTrend(f Form, t, y []float64) (Trend, error) {
	const fn = "cohort.FitTrend"
	if len(t) != len(y) {
		return Trend{}, fault.New(fn, -1, "y", clv.ErrInvalid, "has %d values for %d times", len(y), len(t))
	}
	var nCoef int
	switch f {
	case Linear, Exponential, Power:
		nCoef = 2
	case Quadratic:
		nCoef = 3
	default:
		return Trend{}, fault.New(fn, -1, "f", clv.ErrInvalid, "is %v, not a Form", f)
	}
	if len(t) < nCoef+1 {
		return Trend{}, fault.New(fn, -1, "t", clv.ErrInvalid, "has %d points, a %v trend needs ≥ %d", len(t), f, nCoef+1)
	}
	x := make([][]float64, len(t))
	resp := make([]float64, len(y))
	for i := range t {
		switch {
		case math.IsNaN(t[i]) || math.IsInf(t[i], 0):
			return Trend{}, fault.New(fn, i, "t", clv.ErrInvalid, "is %v", t[i])
		case math.IsNaN(y[i]) || math.IsInf(y[i], 0):
			return Trend{}, fault.New(fn, i, "y", clv.ErrInvalid, "is %v", y[i])
		case math.Abs(t[i]) > maxTrendValue:
			return Trend{}, fault.New(fn, i, "t", clv.ErrInvalid, "is %v, beyond ±%g", t[i], maxTrendValue)
		case math.Abs(y[i]) > maxTrendValue:
			return Trend{}, fault.New(fn, i, "y", clv.ErrInvalid, "is %v, beyond ±%g", y[i], maxTrendValue)
		case (f == Exponential || f == Power) && y[i] <= 0:
			return Trend{}, fault.New(fn, i, "y", clv.ErrInvalid, "is %v, a %v trend needs y > 0", y[i], f)
		case f == Power && t[i] <= 0:
			return Trend{}, fault.New(fn, i, "t", clv.ErrInvalid, "is %v, a power trend needs t > 0", t[i])
		}
		resp[i] = y[i]
		switch f {
		case Linear:
			x[i] = []float64{t[i]}
		case Quadratic:
			x[i] = []float64{t[i], t[i] * t[i]}
		case Exponential:
			x[i] = []float64{t[i]}
			resp[i] = math.Log(y[i])
		case Power:
			x[i] = []float64{math.Log(t[i])}
			resp[i] = math.Log(y[i])
		}
	}
	coef, r2, err := leastSquares(fn, x, resp)
	if err != nil {
		return Trend{}, err
	}
	return Trend{Form: f, Coef: coef, R2: r2}, nil
}

// leastSquares regresses y on the columns of x plus an intercept by
// ordinary least squares, through one singular value decomposition of the
// design D = [1 x] (gonum mat.SVD): its rank is the number of singular
// values above LAPACK's tolerance max(n, p)·σ_max·ε, a rank-deficient
// design is an error wrapping clv.ErrSingular, and otherwise the coefficients
// are V·Σ⁻¹·Uᵀ·y, as accurate as the design's conditioning allows (they
// match R's lm in the tests).
// R² = 1 − SSE/SST from the residuals. x and y are not modified or kept.
func leastSquares(fn string, x [][]float64, y []float64) (coef []float64, r2 float64, err error) {
	n, p := len(y), len(x[0])+1
	design := mat.NewDense(n, p, nil)
	for i, row := range x {
		design.Set(i, 0, 1)
		for j, v := range row {
			design.Set(i, j+1, v)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(design, mat.SVDThin) {
		return nil, 0, fault.New(fn, -1, "", clv.ErrSingular, "the SVD of the design failed")
	}
	if rank := svd.Rank(float64(max(n, p)) * 0x1p-52); rank < p {
		return nil, 0, fault.New(fn, -1, "", clv.ErrSingular, "the design has rank %d < %d coefficients", rank, p)
	}
	var b mat.VecDense
	svd.SolveVecTo(&b, mat.NewVecDense(n, y), p) // reads y only
	coef = b.RawVector().Data

	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	var sse, sst float64
	for i, row := range x {
		pred := coef[0]
		for j, v := range row {
			pred += coef[j+1] * v
		}
		sse += (y[i] - pred) * (y[i] - pred)
		sst += (y[i] - mean) * (y[i] - mean)
	}
	r2 = math.NaN()
	if sst > 0 {
		r2 = 1 - sse/sst
	}
	return coef, r2, nil
}
