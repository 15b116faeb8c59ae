package survival_test

import (
	"math"
	"testing"

	"github.com/ltvgo/ltv/survival"
)

// evalBenchData is 1e5 rows of the Cox benchmark's data with the true
// linear predictor as the risk score and the true Weibull survival
// (shape 1.3, scale 100) as the prediction at five times.
func evalBenchData() (obs []survival.Observation, risk, surv [][]float64, times []float64) {
	obs, x := coxBenchData(1e5)
	times = []float64{10, 25, 50, 75, 100}
	risk, surv = make([][]float64, len(obs)), make([][]float64, len(obs))
	for i, r := range x {
		eta := 0.0
		for j, v := range r {
			eta += coxBenchBeta[j] * v
		}
		risk[i] = []float64{eta}
		surv[i] = make([]float64, len(times))
		for k, t := range times {
			surv[i][k] = math.Exp(-math.Pow(t/100, 1.3) * math.Exp(eta))
		}
	}
	return obs, risk, surv, times
}

// benchEval times one evaluation call on evalBenchData.
func benchEval(b *testing.B, call func(obs []survival.Observation, risk, surv [][]float64, times []float64) error) {
	obs, risk, surv, times := evalBenchData()
	b.ReportAllocs()
	for b.Loop() {
		if err := call(obs, risk, surv, times); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCumulativeDynamicAUC(b *testing.B) {
	benchEval(b, func(obs []survival.Observation, risk, _ [][]float64, times []float64) error {
		_, err := survival.CumulativeDynamicAUC(nil, obs, risk, times)
		return err
	})
}

func BenchmarkBrierScore(b *testing.B) {
	benchEval(b, func(obs []survival.Observation, _, surv [][]float64, times []float64) error {
		_, err := survival.BrierScore(nil, obs, surv, times)
		return err
	})
}

// BenchmarkCalibrationAt: the predictions at t0 = 50 (the third time).
func BenchmarkCalibrationAt(b *testing.B) {
	benchEval(b, func(obs []survival.Observation, _, surv [][]float64, _ []float64) error {
		s50 := make([]float64, len(surv))
		for i, s := range surv {
			s50[i] = s[2]
		}
		_, err := survival.CalibrationAt(obs, s50, 50, nil)
		return err
	})
}
