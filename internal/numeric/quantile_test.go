package numeric

import (
	"math"
	"testing"
)

// Expected values are R's quantile(x, f) (type 7) for x = c(1, 2, 4, 8),
// worked by hand: h = 3f, so f = 0.1 gives 1 + 0.3·1, f = 0.5 gives
// 2 + 0.5·2, f = 0.9 gives 4 + 0.7·4.
func TestQuantile7(t *testing.T) {
	x := []float64{1, 2, 4, 8}
	for _, tc := range []struct{ f, want float64 }{{0, 1}, {0.1, 1.3}, {0.5, 3}, {0.9, 6.8}, {1, 8}} {
		if got := Quantile7(x, tc.f); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("Quantile7(%v, %g) = %g, want %g", x, tc.f, got, tc.want)
		}
	}
	for _, f := range []float64{-0.1, 1.1, math.NaN()} {
		if got := Quantile7(x, f); !math.IsNaN(got) {
			t.Errorf("Quantile7(%g) = %g, want NaN", f, got)
		}
	}
	if got := Quantile7(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Quantile7(nil) = %g, want NaN", got)
	}
}
