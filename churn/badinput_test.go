package churn

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// deepCopy copies v and every slice reachable from it (the inputs here are
// slices, slices of slices and structs of those).
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(deepCopy(v.Index(i)))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Elem().Type())
		out.Elem().Set(deepCopy(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return out
	}
	return v
}

// badArgs are the inputs of one catalogue entry. They are passed by
// pointer so that the entry's call sees the very slices that are checked
// for modification afterwards.
type badArgs struct {
	X        [][]float64
	Y        []bool
	Opt      LogisticOptions
	Scores   []float64
	IDs      []string
	N        int
	Weights  []float64
	Txns     []clv.Transaction
	AsOf     []time.Time
	Features FeatureOptions
}

// badCase is one catalogue entry: an input that must be rejected, the
// function, row and field the error must name, and the sentinel it must
// wrap.
type badCase struct {
	name     string
	args     badArgs
	call     func(*badArgs) (any, error)
	fn       string
	row      int
	field    string
	sentinel error
}

func TestBadInputCatalogue(t *testing.T) {
	X, y := spectorXY()
	names := []string{"GPA", "TUCE", "PSI"}
	with := func(f func(X [][]float64)) [][]float64 {
		c := cloneRows(X)
		f(c)
		return c
	}
	ones := func(n int) []float64 {
		w := make([]float64, n)
		for i := range w {
			w[i] = 1
		}
		return w
	}
	setW := func(i int, v float64) []float64 {
		w := ones(len(X))
		w[i] = v
		return w
	}
	opt := func(w []float64) LogisticOptions { return LogisticOptions{Names: names, Weights: w} }
	fitCall := func(a *badArgs) (any, error) { return FitLogistic(a.X, a.Y, &a.Opt) }
	lopsided := ones(len(X))
	for i := range lopsided {
		if y[i] {
			lopsided[i] = 1e-280
		}
	}
	huge := ones(len(X))
	for i := range huge {
		huge[i] = 1e308
	}
	calibrate := func(binning BinStrategy) func(a *badArgs) (any, error) {
		return func(a *badArgs) (any, error) { return Calibration(a.Scores, a.Y, a.N, binning) }
	}
	gains := func(a *badArgs) (any, error) { return Gains(a.Scores, a.Y, a.N) }
	folds := func(a *badArgs) (any, error) { return StratifiedGroupKFold(a.IDs, a.Y, a.N, 1) }
	build := func(a *badArgs) (any, error) { return Build(a.Txns, a.AsOf, &a.Features) }
	asOf := []time.Time{date(2024, 2, 15)}
	buildWith := func(o FeatureOptions) badArgs { return badArgs{Txns: handLog, AsOf: asOf, Features: o} }
	bad := func(fn, field string, args badArgs, call func(*badArgs) (any, error)) badCase {
		return badCase{fn + ": bad " + field, args, call, fn, -1, field, clv.ErrInvalid}
	}

	// Each row: an input that must be rejected, the function, row and field
	// the error must name, and the sentinel it must wrap. Expected rows and
	// fields come from the inputs themselves (the row that was spoiled).
	for _, tc := range []badCase{
		{"FitLogistic: no rows", badArgs{X: [][]float64{}, Y: []bool{}}, fitCall, "churn.FitLogistic", -1, "X", clv.ErrEmpty},
		{"FitLogistic: NaN feature", badArgs{X: with(func(X [][]float64) { X[5][1] = math.NaN() }), Y: y, Opt: opt(nil)}, fitCall, "churn.FitLogistic", 5, "TUCE", clv.ErrInvalid},
		{"FitLogistic: -Inf feature", badArgs{X: with(func(X [][]float64) { X[7][0] = math.Inf(-1) }), Y: y, Opt: opt(nil)}, fitCall, "churn.FitLogistic", 7, "GPA", clv.ErrInvalid},
		{"FitLogistic: ragged row", badArgs{X: with(func(X [][]float64) { X[3] = X[3][:2] }), Y: y}, fitCall, "churn.FitLogistic", 3, "", clv.ErrInvalid},
		{"FitLogistic: one class", badArgs{X: X, Y: make([]bool, len(X))}, fitCall, "churn.FitLogistic", -1, "y", clv.ErrInvalid},
		{"FitLogistic: negative weight", badArgs{X: X, Y: y, Opt: opt(setW(4, -1))}, fitCall, "churn.FitLogistic", 4, "LogisticOptions.Weights", clv.ErrInvalid},
		{"FitLogistic: NaN weight", badArgs{X: X, Y: y, Opt: opt(setW(2, math.NaN()))}, fitCall, "churn.FitLogistic", 2, "LogisticOptions.Weights", clv.ErrInvalid},
		{"FitLogistic: +Inf weight", badArgs{X: X, Y: y, Opt: opt(setW(9, math.Inf(1)))}, fitCall, "churn.FitLogistic", 9, "LogisticOptions.Weights", clv.ErrInvalid},
		{"FitLogistic: all weights 0", badArgs{X: X, Y: y, Opt: opt(make([]float64, len(X)))}, fitCall, "churn.FitLogistic", -1, "LogisticOptions.Weights", clv.ErrEmpty},
		{"FitLogistic: weights sum overflows", badArgs{X: X, Y: y, Opt: opt(huge)}, fitCall, "churn.FitLogistic", -1, "LogisticOptions.Weights", clv.ErrInvalid},
		{"FitLogistic: class weight share 1e-280", badArgs{X: X, Y: y, Opt: opt(lopsided)}, fitCall, "churn.FitLogistic", -1, "LogisticOptions.Weights", clv.ErrInvalid},
		{"FitLogistic: feature ≥ 2^1023", badArgs{X: with(func(X [][]float64) { X[0][1] = math.MaxFloat64 }), Y: y, Opt: opt(nil)}, fitCall, "churn.FitLogistic", -1, "TUCE", clv.ErrInvalid},
		{"FitLogistic: subnormal column", badArgs{X: with(func(X [][]float64) {
			for i := range X {
				X[i][2] = 1e-310 * float64(i%3)
			}
		}), Y: y, Opt: opt(nil)}, fitCall, "churn.FitLogistic", -1, "PSI", clv.ErrInvalid},
		{"FitLogistic: constant column", badArgs{X: with(func(X [][]float64) {
			for i := range X {
				X[i][0] = 3
			}
		}), Y: y, Opt: opt(nil)}, fitCall, "churn.FitLogistic", -1, "X", clv.ErrSingular},
		{"FitLogistic: separated", badArgs{X: oneFeature(1, 2, 3, 4, 5, 6), Y: labels(0, 0, 0, 1, 1, 1)}, fitCall, "churn.FitLogistic", -1, "", ErrSeparation},
		{"Calibration: probability 1.5", badArgs{Scores: []float64{0.2, 1.5, 0.3}, Y: labels(0, 1, 1), N: 5},
			func(a *badArgs) (any, error) { return Calibration(a.Scores, a.Y, a.N, UniformBins) }, "churn.Calibration", 1, "probs", clv.ErrInvalid},
		{"Calibration: NaN probability", badArgs{Scores: []float64{0.2, 0.4, math.NaN()}, Y: labels(0, 1, 1), N: 2},
			func(a *badArgs) (any, error) { return Calibration(a.Scores, a.Y, a.N, QuantileBins) }, "churn.Calibration", 2, "probs", clv.ErrInvalid},
		{"Calibration: no rows", badArgs{Scores: []float64{}, Y: []bool{}, N: 3},
			func(a *badArgs) (any, error) { return Calibration(a.Scores, a.Y, a.N, UniformBins) }, "churn.Calibration", -1, "probs", clv.ErrEmpty},
		{"Gains: NaN score", badArgs{Scores: []float64{0.2, 0.4, math.NaN(), 0.1}, Y: labels(0, 1, 1, 0), N: 2},
			func(a *badArgs) (any, error) { return Gains(a.Scores, a.Y, a.N) }, "churn.Gains", 2, "scores", clv.ErrInvalid},
		{"Gains: one class", badArgs{Scores: []float64{0.2, 0.4, 0.1}, Y: labels(1, 1, 1), N: 2},
			func(a *badArgs) (any, error) { return Gains(a.Scores, a.Y, a.N) }, "churn.Gains", -1, "positive", clv.ErrInvalid},
		{"Gains: fewer rows than groups", badArgs{Scores: []float64{0.2, 0.4}, Y: labels(0, 1), N: 10},
			func(a *badArgs) (any, error) { return Gains(a.Scores, a.Y, a.N) }, "churn.Gains", -1, "scores", clv.ErrEmpty},
		{"StratifiedGroupKFold: no rows", badArgs{IDs: []string{}, Y: []bool{}, N: 5},
			func(a *badArgs) (any, error) { return StratifiedGroupKFold(a.IDs, a.Y, a.N, 1) }, "churn.StratifiedGroupKFold", -1, "ids", clv.ErrEmpty},
		{"StratifiedGroupKFold: fewer customers than folds", badArgs{IDs: []string{"a", "a", "b"}, Y: labels(0, 1, 1), N: 3},
			func(a *badArgs) (any, error) { return StratifiedGroupKFold(a.IDs, a.Y, a.N, 1) }, "churn.StratifiedGroupKFold", -1, "ids", clv.ErrInvalid},

		// Settings outside their domain and slices of different lengths
		// (once panics): Row -1 and Field naming the option or argument.
		bad("churn.FitLogistic", "y", badArgs{X: X, Y: y[:3]}, fitCall),
		bad("churn.FitLogistic", "y", badArgs{X: [][]float64{}, Y: y[:1]}, fitCall),
		bad("churn.FitLogistic", "LogisticOptions.Weights", badArgs{X: X, Y: y, Opt: opt(ones(3))}, fitCall),
		bad("churn.FitLogistic", "LogisticOptions.L2", badArgs{X: X, Y: y, Opt: LogisticOptions{L2: -1}}, fitCall),
		bad("churn.FitLogistic", "LogisticOptions.L2", badArgs{X: X, Y: y, Opt: LogisticOptions{L2: math.NaN()}}, fitCall),
		bad("churn.FitLogistic", "LogisticOptions.L2", badArgs{X: X, Y: y, Opt: LogisticOptions{L2: math.Inf(1)}}, fitCall),
		bad("churn.FitLogistic", "LogisticOptions.MaxIterations", badArgs{X: X, Y: y, Opt: LogisticOptions{MaxIterations: -1}}, fitCall),
		bad("churn.FitLogistic", "LogisticOptions.Names", badArgs{X: X, Y: y, Opt: LogisticOptions{Names: names[:2]}}, fitCall),
		bad("churn.Calibration", "positive", badArgs{Scores: []float64{0.2, 0.4}, Y: labels(0, 1, 1), N: 2}, calibrate(UniformBins)),
		bad("churn.Calibration", "bins", badArgs{Scores: []float64{0.2, 0.4}, Y: labels(0, 1), N: 0}, calibrate(UniformBins)),
		bad("churn.Calibration", "strategy", badArgs{Scores: []float64{0.2, 0.4}, Y: labels(0, 1), N: 2}, calibrate(BinStrategy(7))),
		bad("churn.Gains", "positive", badArgs{Scores: []float64{0.2, 0.4}, Y: labels(0), N: 1}, gains),
		bad("churn.Gains", "groups", badArgs{Scores: []float64{0.2, 0.4}, Y: labels(0, 1), N: 0}, gains),
		bad("churn.StratifiedGroupKFold", "positive", badArgs{IDs: []string{"a", "b", "c"}, Y: labels(0, 1), N: 2}, folds),
		bad("churn.StratifiedGroupKFold", "k", badArgs{IDs: []string{"a", "b", "c"}, Y: labels(0, 1, 1), N: 1}, folds),
		bad("churn.Build", "FeatureOptions.Horizon", buildWith(FeatureOptions{Horizon: -3}), build),
		bad("churn.Build", "FeatureOptions.Windows", buildWith(FeatureOptions{Windows: []int{30, 0}}), build),
		bad("churn.Build", "FeatureOptions.ModelPeriod", buildWith(FeatureOptions{Model: &fakeModel{}}), build),
		bad("churn.Build", "FeatureOptions.ModelHorizon", buildWith(FeatureOptions{ModelHorizon: -1}), build),
		bad("churn.Build", "FeatureOptions.ModelHorizon", buildWith(FeatureOptions{ModelHorizon: math.NaN()}), build),
		bad("churn.Build", "FeatureOptions.Censored", buildWith(FeatureOptions{Censored: 2}), build),
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := deepCopy(reflect.ValueOf(tc.args)).Interface().(badArgs)
			var err error
			require.NotPanics(t, func() { _, err = tc.call(&tc.args) })
			require.Error(t, err)
			var de *clv.DataError
			require.True(t, errors.As(err, &de), "%T: %v", err, err)
			assert.Equal(t, tc.fn, de.Func)
			assert.Equal(t, tc.row, de.Row, "row: %v", err)
			assert.Equal(t, tc.field, de.Field, "field: %v", err)
			assert.True(t, errors.Is(err, tc.sentinel), "sentinel: %v", err)
			// %#v prints NaN as NaN, so NaN inputs compare equal.
			assert.Equal(t, fmt.Sprintf("%#v", before), fmt.Sprintf("%#v", tc.args), "inputs modified")
		})
	}

	// Inputs with a documented answer instead of an error.
	t.Run("documented answers", func(t *testing.T) {
		fit, err := FitLogistic(X, y, &LogisticOptions{Names: names})
		require.NoError(t, err)
		for _, x := range [][]float64{nil, {3, 20}, {3, 20, 0, 1}} {
			assert.True(t, math.IsNaN(fit.Prob(x)), "Prob of %d features: NaN", len(x))
			assert.True(t, math.IsNaN(fit.LogOdds(x)), "LogOdds of %d features: NaN", len(x))
			assert.Nil(t, fit.Reasons(x), "Reasons of %d features: nil", len(x))
		}
		noMean := *fit
		noMean.Mean = nil
		assert.Nil(t, noMean.Reasons([]float64{3, 20, 0}), "Reasons without Mean: nil")
		for _, level := range []float64{0, 1, -0.5, math.NaN()} {
			for _, term := range fit.Summary(level) {
				assert.False(t, math.IsNaN(term.Estimate) || math.IsNaN(term.Z), "level %v keeps the estimate and z", level)
				for _, v := range []float64{term.Lower, term.Upper, term.OddsLower, term.OddsUpper} {
					assert.True(t, math.IsNaN(v), "level %v: NaN interval", level)
				}
			}
		}
		short := labels(0, 1)
		assert.True(t, math.IsNaN(AUC([]float64{.1, .2, .3}, short)), "3 scores, 2 labels: NaN")
		assert.True(t, math.IsNaN(WeightedAUC([]float64{.1, .2}, short, []float64{1})), "2 scores, 1 weight: NaN")
		assert.True(t, math.IsNaN(AveragePrecision([]float64{.1}, short, nil)), "lengths differ: NaN")
		assert.True(t, math.IsNaN(KS([]float64{.1}, short, nil)), "lengths differ: NaN")
		assert.Nil(t, ROC([]float64{.1}, short, nil), "lengths differ: nil")
		assert.True(t, math.IsNaN(LogLoss([]float64{.1}, short, nil)), "lengths differ: NaN")
		assert.True(t, math.IsNaN(Brier([]float64{.1, .2}, short, []float64{1, 1, 1})), "lengths differ: NaN")
		cm := ConfusionAt([]float64{.1, .2, .3}, short, nil, 0.15)
		assert.True(t, math.IsNaN(cm.TP) && math.IsNaN(cm.FP) && math.IsNaN(cm.TN) && math.IsNaN(cm.FN), "lengths differ: NaN confusion")
		for _, frac := range []float64{-0.1, 1.5, math.NaN()} {
			th, n := BudgetThreshold([]float64{.1, .2}, frac)
			assert.True(t, math.IsNaN(th) && n == 0, "fraction %v: NaN, 0", frac)
		}

		s := []float64{0.1, math.NaN(), 0.8, 0.4}
		yy := labels(0, 1, 1, 0)
		w := []float64{1, 2, -1, 1}
		before := deepCopy(reflect.ValueOf([]any{s, yy, w})).Interface()
		require.NotPanics(t, func() {
			assert.True(t, math.IsNaN(AUC(s, yy)), "NaN score: NaN AUC")
			assert.True(t, math.IsNaN(WeightedAUC([]float64{.1, .2, .3, .4}, yy, w)), "negative weight: NaN")
			assert.Nil(t, ROC(s, yy, nil), "NaN score: nil ROC")
			assert.True(t, math.IsNaN(LogLoss([]float64{.5, 1.5}, labels(0, 1), nil)), "probability 1.5: NaN")
			assert.InDelta(t, 52*math.Ln2, LogLoss([]float64{0}, labels(1), nil), 1e-12, "p = 0 for a churner is clipped at 2^-52")
			assert.True(t, math.IsNaN(Brier(nil, nil, nil)), "no rows: NaN")
			c := ConfusionAt([]float64{.1, .2, .3, .4}, yy, w, 0.25)
			assert.True(t, math.IsNaN(c.TP) && math.IsNaN(c.TN), "negative weight: NaN confusion")
			assert.True(t, math.IsNaN(Confusion{}.Accuracy()), "no rows: NaN accuracy")
			th, n := BudgetThreshold(s, 0.5)
			assert.Equal(t, 0.4, th, "NaN is never flagged; budget 2 of 4: 0.8, 0.4")
			assert.Equal(t, 2, n)
			// Zero feature columns: the null model (see TestFitLogisticInterceptOnly).
			fit, err := FitLogistic(make([][]float64, 4), yy, nil)
			require.NoError(t, err)
			assert.InDelta(t, 0, fit.Intercept, 1e-15, "logit(1/2)")
		})
		assert.Equal(t, fmt.Sprintf("%#v", before), fmt.Sprintf("%#v", []any{s, yy, w}))
	})
}
