package clv

import (
	"strconv"
	"testing"
)

func BenchmarkFitBetaDiscreteWeibull(b *testing.B) {
	highEnd := []float64{1000, 869, 743, 653, 593, 551, 517, 491} // FH 2007, years 0..7
	b.Run("FH2007", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := FitBetaDiscreteWeibull(highEnd, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	cohorts := make([][]float64, 60) // 60 monthly cohorts, 1..60 months old
	for i := range cohorts {
		cohorts[i] = must(SimulateBetaDiscreteWeibull(BetaDiscreteWeibull{Alpha: 0.7, Beta: 1.2, C: 1.3}, CohortSimulationOptions{Size: 1000, Periods: i + 1, Seed: uint64(i)}))
	}
	b.Run("60cohorts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := FitBetaDiscreteWeibullCohorts(cohorts, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The per-period quantities and the DERL series (about 37/d terms).
func BenchmarkBetaDiscreteWeibull(b *testing.B) {
	m := BetaDiscreteWeibull{Alpha: 0.214, Beta: 1.427, C: 1.72}
	b.Run("Survival", func(b *testing.B) {
		for b.Loop() {
			m.Survival(12)
		}
	})
	b.Run("ChurnProbability", func(b *testing.B) {
		for b.Loop() {
			m.ChurnProbability(12)
		}
	})
	for _, d := range []float64{0.1, 0.01} {
		b.Run("DERL/d="+map[float64]string{0.1: "0.1", 0.01: "0.01"}[d], func(b *testing.B) {
			for b.Loop() {
				m.DERL(d, 7)
			}
		})
	}
}

// Individual-level fits with covariates: 1e3 … 1e5 subscribers with one
// binary and one continuous covariate on α and β (so nearly every
// subscriber is a covariate group of their own).
func BenchmarkFitBetaDiscreteWeibullSubscribers(b *testing.B) {
	truth := BetaDiscreteWeibullCov{BetaDiscreteWeibull: BetaDiscreteWeibull{Alpha: 0.8, Beta: 2.5, C: 1.3}, AlphaCoef: []float64{0.5, -0.3}, BetaCoef: []float64{-0.4, 0.2}}
	for _, n := range []int{1_000, 10_000, 100_000} {
		subs, cov := simSubscribers(truth, n, 12, 1)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := FitBetaDiscreteWeibullSubscribers(subs, cov, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
