package survival

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTimeKeyOrder(t *testing.T) {
	// Keys of non-negative floats order like the floats; −0 is +0.
	xs := []float64{0, math.SmallestNonzeroFloat64, 1e-300, 0.5, 1, 1 + 1e-15, 2, 1e300, math.MaxFloat64}
	for i := 1; i < len(xs); i++ {
		require.Less(t, timeKey(xs[i-1]), timeKey(xs[i]))
	}
	require.Equal(t, timeKey(0), timeKey(math.Copysign(0, -1)))
}
