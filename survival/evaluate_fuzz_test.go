package survival_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/survival"
)

// FuzzEvaluate: the rows of decodeObs as test data (the first half also
// as training data), scores and predictions from the same bytes, times
// from the data length. Every call returns a *DataError naming a row
// within range, or results in range: AUC(t) in [0, 1] or NaN, Brier
// scores ≥ 0, calibration indices in [0, 1]; and the inputs are not
// modified.
func FuzzEvaluate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		test := decodeObs(data)
		train := test[:len(test)/2]
		if len(train) == 0 {
			train = nil
		}
		risk, surv, cal := make([][]float64, len(test)), make([][]float64, len(test)), make([]float64, len(test))
		for i := range test {
			b := data[4*i : 4*i+4]
			risk[i] = []float64{float64(b[1] % 5)}
			surv[i] = []float64{float64(b[2]) / 255, float64(b[0]) / 255}
			cal[i] = (float64(b[2]) + 0.5) / 256
		}
		times := []float64{float64(len(data)%7) / 2, 4 + float64(len(data)%5)}
		before, riskBefore, survBefore := slices.Clone(test), cloneRows(risk), cloneRows(surv)
		auc, err := survival.CumulativeDynamicAUC(train, test, risk, times)
		if err != nil {
			checkDataError(t, err, len(test))
		} else {
			for _, a := range append(slices.Clone(auc.AUC), auc.Mean) {
				if !math.IsNaN(a) && (a < 0 || a > 1) {
					t.Fatalf("AUC %v out of [0, 1]", auc)
				}
			}
		}
		bs, err := survival.BrierScore(train, test, surv, times)
		if err != nil {
			checkDataError(t, err, len(test))
		} else if slices.ContainsFunc(bs.Score, func(s float64) bool { return !(s >= 0) }) {
			t.Fatalf("Brier %v", bs.Score)
		}
		c, err := survival.CalibrationAt(test, cal, times[1], nil)
		if err == nil {
			for _, v := range []float64{c.ICI, c.E50, c.E90, c.EMax} {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("calibration %+v", c)
				}
			}
		}
		if !slices.EqualFunc(before, test, sameObs) || !slices.EqualFunc(riskBefore, risk, sameFloats) || !slices.EqualFunc(survBefore, surv, sameFloats) {
			t.Fatal("an input was modified")
		}
	})
}
