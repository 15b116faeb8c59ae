package parallel

import (
	"fmt"
	"math"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// grain is the least number of items in a chunk at cost.
func grain(cost time.Duration) int { return int((ChunkWork + cost - 1) / cost) }

func TestChunks(t *testing.T) {
	// Expected values follow the rule in Chunks' doc: n/⌈ChunkWork/cost⌉
	// rounded down, clamped to [1, MaxChunks] (and to n).
	const cost = time.Microsecond
	g := grain(cost)
	for _, tc := range []struct {
		n    int
		cost time.Duration
		want int
	}{
		{0, cost, 1},
		{1, cost, 1},
		{2*g - 1, cost, 1},
		{2 * g, cost, 2},
		{5*g + g/2, cost, 5},
		{MaxChunks * g, cost, MaxChunks},
		{1 << 40, cost, MaxChunks},
		{3, ChunkWork, 3},          // one item is a chunk's worth
		{3, 10 * ChunkWork, 3},     // never more chunks than items
		{3, math.MaxInt64, 3},      // no overflow
		{1 << 20, 0, 1},            // negligible cost
		{1 << 20, -time.Second, 1}, // likewise
		{1 << 20, time.Nanosecond, 1 << 20 / grain(time.Nanosecond)},
	} {
		assert.Equal(t, tc.want, Chunks(tc.n, tc.cost), "n=%d cost=%v", tc.n, tc.cost)
	}
	assert.PanicsWithValue(t, "parallel: negative item count", func() { Chunks(-1, cost) })
	assert.PanicsWithValue(t, "parallel: negative item count", func() { For(-1, cost, func(_, _, _ int) {}) })
}

func TestForVisitsEveryIndexOnce(t *testing.T) {
	// For each size and GOMAXPROCS: every index is visited exactly once,
	// every chunk once, and chunk c is the c-th run of the range, with
	// lengths that differ by at most one. The boundaries must not depend on
	// GOMAXPROCS.
	const cost = time.Microsecond
	g := grain(cost)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 7} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2*g - 1, 2 * g, 3*g + 1, MaxChunks*g + 5, 200 * g} {
			t.Run(fmt.Sprintf("procs=%d/n=%d", procs, n), func(t *testing.T) {
				chunks := Chunks(n, cost)
				seen := make([]atomic.Int32, n)
				bounds := make([][2]int, chunks)
				calls := make([]atomic.Int32, chunks)
				For(n, cost, func(c, lo, hi int) {
					calls[c].Add(1)
					bounds[c] = [2]int{lo, hi}
					for i := lo; i < hi; i++ {
						seen[i].Add(1)
					}
				})
				for i := range seen {
					require.EqualValues(t, 1, seen[i].Load(), "index %d", i)
				}
				size := n / chunks
				lo := 0
				for c := range chunks {
					require.EqualValues(t, 1, calls[c].Load(), "chunk %d", c)
					require.Equal(t, lo, bounds[c][0], "chunk %d", c)
					require.Contains(t, []int{size, size + 1}, bounds[c][1]-lo, "chunk %d", c)
					lo = bounds[c][1]
				}
				require.Equal(t, n, lo)
			})
		}
	}
}

func TestForRunsConcurrently(t *testing.T) {
	// With GOMAXPROCS ≥ 2 and two chunks, each chunk waits for the other
	// to start: For returns only if they ran at the same time.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	var started atomic.Int32
	For(2, ChunkWork, func(_, _, _ int) {
		started.Add(1)
		deadline := time.Now().Add(10 * time.Second)
		for started.Load() < 2 {
			require.True(t, time.Now().Before(deadline), "the other chunk never started")
			runtime.Gosched()
		}
	})
}

func TestForOneWorkerRunsInOrder(t *testing.T) {
	// With GOMAXPROCS 1 the chunks run one after the other, in order, on
	// the calling goroutine (the race detector checks the unlocked append).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var order []int
	For(10, ChunkWork, func(c, _, _ int) { order = append(order, c) })
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, order)
}

func TestForPanicPropagates(t *testing.T) {
	// A panic in any chunk, on a spawned goroutine or the calling one,
	// reaches the caller with its value, after the other chunks stopped.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	n := 4 * MaxChunks
	for _, bad := range []int{0, 1, MaxChunks - 1} {
		var running atomic.Int32
		assert.PanicsWithValue(t, "boom", func() {
			For(n, ChunkWork, func(c, _, _ int) {
				running.Add(1)
				defer running.Add(-1)
				if c == bad {
					panic("boom")
				}
				time.Sleep(time.Millisecond)
			})
		}, "chunk %d", bad)
		assert.Zero(t, running.Load(), "chunks still running after For returned")
	}
	// With one worker the panic is the body's own.
	runtime.GOMAXPROCS(1)
	assert.PanicsWithValue(t, "boom", func() {
		For(n, ChunkWork, func(c, _, _ int) { panic("boom") })
	})
}
