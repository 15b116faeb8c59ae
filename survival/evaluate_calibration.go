package survival

import (
	"fmt"
	"math"
	"slices"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
)

// CalibrationOptions are the settings of CalibrationAt. A nil
// *CalibrationOptions, and every zero field, means the default.
type CalibrationOptions struct {
	// Knots is the number of knots of the restricted cubic spline, 3, 4
	// or 5; 0 means 3, Austin, Harrell & van Klaveren's choice.
	Knots int
	// MaxIterations caps the Newton–Raphson iterations of the calibration
	// model (CoxOptions.MaxIterations; 0 means 20).
	MaxIterations int
}

// Calibration describes how well predicted event probabilities by a time
// t0 agree with the observed ones.
type Calibration struct {
	Time      float64   // t0
	Knots     []float64 // the spline's knots on the cloglog scale
	Predicted []float64 // 1 − Ŝ_i(t0), per test row
	// Observed is the smoothed observed probability of an event by t0 at
	// each row's prediction (the calibration curve, for plotting against
	// Predicted).
	Observed []float64
	// ICI is the integrated calibration index, the mean of
	// |Predicted − Observed|; E50 and E90 are its median and 90th
	// percentile (type-7 quantiles, R's default) and EMax its maximum.
	ICI, E50, E90, EMax float64
}

// calibrationKnotQuantiles are the quantiles at which Harrell's
// rcspline.eval places 3, 4 and 5 knots.
var calibrationKnotQuantiles = map[int][]float64{
	3: {0.1, 0.5, 0.9},
	4: {0.05, 0.35, 0.65, 0.95},
	5: {0.05, 0.275, 0.5, 0.725, 0.95},
}

// CalibrationAt measures the calibration of predicted survival
// probabilities at t0 as Austin, Harrell & van Klaveren (2020, "Graphical
// calibration curves and the integrated calibration index (ICI) for
// survival models", Statistics in Medicine 39:2714–2742): with
// surv[i] = Ŝ_i(t0) the prediction for test row i, P_i = 1 − surv[i] and
// c_i = log(−log surv[i]) (the complementary log-log of P_i), it fits the
// Cox model (FitCox, Efron ties)
//
//	h(t | c) = h₀(t)·exp(rcs(c)·γ),
//
// rcs a restricted cubic spline of c with Knots knots at the type-7
// quantiles of c that Harrell's rcspline.eval uses (0.1, 0.5, 0.9 for
// three; 0.05, 0.35, 0.65, 0.95 for four; 0.05, 0.275, 0.5, 0.725, 0.95
// for five), and reads the observed probability O_i = 1 − Ŝ(t0 | c_i) off
// its baseline (R's survfit(fit, newdata)). ICI = mean |P_i − O_i|; E50,
// E90 and EMax are the median, 90th percentile and maximum. The results
// equal R's coxph on ns(c, knots) (survival 3.5-3, splines), the same
// spline space. (Austin et al. place the outer knots at the 5th smallest
// and largest values for fewer than 100 rows; this function always uses
// the quantiles.)
//
// It neither modifies nor keeps its arguments. Errors (all *DataError
// unless from the fit): ErrEmpty for no rows; ErrInvalid for an invalid
// observation, Entry > 0 or a Weight other than 0 or 1 (the quantiles
// take no case weights), surv of the wrong length or a value not in (0, 1)
// (Row, Field "surv"), t0 not finite and > 0 (Field "t0"), an unknown
// Knots or a negative MaxIterations (Field "CalibrationOptions.Knots",
// "CalibrationOptions.MaxIterations"), or fewer distinct predictions
// than knots (Field "surv"); the errors of FitCox for the calibration
// model (ErrEmpty without events, ErrNotConverged).
func CalibrationAt(test []Observation, surv []float64, t0 float64, opt *CalibrationOptions) (*Calibration, error) {
	const fn = "survival.CalibrationAt"
	var o CalibrationOptions
	if opt != nil {
		o = *opt
	}
	if o.Knots == 0 {
		o.Knots = 3
	}
	probs, ok := calibrationKnotQuantiles[o.Knots]
	if !ok {
		return nil, fault.New(fn, -1, "CalibrationOptions.Knots", ErrInvalid, "is %d, want 3, 4 or 5", o.Knots)
	}
	if o.MaxIterations < 0 {
		return nil, fault.New(fn, -1, "CalibrationOptions.MaxIterations", ErrInvalid, "is negative (%d)", o.MaxIterations)
	}
	if err := checkEvalRows(fn, test, ""); err != nil {
		return nil, err
	}
	for i, r := range test {
		if r.Weight != 0 && r.Weight != 1 {
			return nil, fault.New(fn, i, "Weight", ErrInvalid, "is %g: the calibration takes no case weights", r.Weight)
		}
	}
	if !(t0 > 0) || math.IsInf(t0, 1) {
		return nil, fault.New(fn, -1, "t0", ErrInvalid, "is %g, want finite and > 0", t0)
	}
	if len(surv) != len(test) {
		return nil, fault.New(fn, -1, "surv", ErrInvalid, "has %d values for %d test observations", len(surv), len(test))
	}
	n := len(test)
	res := &Calibration{Time: t0, Predicted: make([]float64, n), Observed: make([]float64, n)}
	cll := make([]float64, n)
	for i, s := range surv {
		if !(s > 0 && s < 1) {
			return nil, fault.New(fn, i, "surv", ErrInvalid, "is %g, want a probability in (0, 1)", s)
		}
		res.Predicted[i] = 1 - s
		cll[i] = math.Log(-math.Log(s))
	}
	sorted := slices.Clone(cll)
	slices.Sort(sorted)
	res.Knots = make([]float64, o.Knots)
	for j, q := range probs {
		res.Knots[j] = numeric.Quantile7(sorted, q)
		if j > 0 && !(res.Knots[j] > res.Knots[j-1]) {
			return nil, fault.New(fn, -1, "surv", ErrInvalid, "has too few distinct values for %d spline knots", o.Knots)
		}
	}
	X := make([][]float64, n)
	for i, c := range cll {
		X[i] = restrictedCubicSpline(c, res.Knots)
	}
	fit, err := FitCox(test, X, &CoxOptions{MaxIterations: o.MaxIterations})
	if err != nil {
		return nil, fmt.Errorf("%s: the calibration model: %w", fn, err)
	}
	diff := make([]float64, n)
	for i := range X {
		res.Observed[i] = 1 - fit.SurvivalAt(X[i], 0, t0)
		diff[i] = math.Abs(res.Predicted[i] - res.Observed[i])
		res.ICI += diff[i] / float64(n)
	}
	slices.Sort(diff)
	res.E50, res.E90, res.EMax = numeric.Quantile7(diff, 0.5), numeric.Quantile7(diff, 0.9), diff[n-1]
	return res, nil
}

// restrictedCubicSpline returns Harrell's restricted cubic spline basis at
// x for knots k_1 < … < k_m (rcspline.eval with norm = 2): x and, for
// j = 1 … m − 2,
//
//	[(x − k_j)₊³ − (x − k_{m−1})₊³·(k_m − k_j)/(k_m − k_{m−1}) + (x − k_m)₊³·(k_{m−1} − k_j)/(k_m − k_{m−1})] / (k_m − k_1)²,
//
// a cubic spline that is linear beyond the outer knots.
func restrictedCubicSpline(x float64, k []float64) []float64 {
	m := len(k)
	cube := func(v float64) float64 {
		v = math.Max(v, 0)
		return v * v * v
	}
	out := make([]float64, m-1)
	out[0] = x
	last, prev := k[m-1], k[m-2]
	norm := (last - k[0]) * (last - k[0])
	for j := range m - 2 {
		out[j+1] = (cube(x-k[j]) - cube(x-prev)*(last-k[j])/(last-prev) + cube(x-last)*(prev-k[j])/(last-prev)) / norm
	}
	return out
}
