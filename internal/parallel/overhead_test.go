package parallel

import (
	"fmt"
	"math"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// spin does k steps of a dependent floating-point chain, a stand-in for
// CPU-bound work.
func spin(k int) float64 {
	x := 1.0
	for range k {
		x = x*1.0000001 + 1e-9
	}
	return x
}

var sink float64

// spinsPer returns the number of spin steps that take d on one core: the
// fastest of several timings, so that time the OS gives to others does not
// count.
func spinsPer(d time.Duration) int {
	const k = 1 << 20
	best := time.Duration(math.MaxInt64)
	for range 20 {
		start := time.Now()
		sink += spin(k)
		best = min(best, time.Since(start))
	}
	return int(float64(k) * float64(d) / float64(best))
}

// BenchmarkOverhead measures what ChunkWork is chosen against: the cost of
// For with nothing to do (empty), the time until a second goroutine runs a
// chunk (handoff), and loops of 2, 4 and 8 chunks' work run serially and
// by For (items of 10 µs).
func BenchmarkOverhead(b *testing.B) {
	for _, chunks := range []int{2, 4, 16} {
		b.Run(fmt.Sprintf("empty/chunks=%d", chunks), func(b *testing.B) {
			for b.Loop() {
				For(chunks, ChunkWork, func(c, _, _ int) {})
			}
		})
	}
	b.Run("handoff", func(b *testing.B) {
		if runtime.GOMAXPROCS(0) < 2 {
			b.Skip("needs GOMAXPROCS ≥ 2")
		}
		for b.Loop() {
			var started atomic.Int32
			For(2, ChunkWork, func(c, _, _ int) {
				started.Add(1)
				for started.Load() < 2 {
				}
			})
		}
	})
	const item = 10 * time.Microsecond
	steps := spinsPer(item)
	for _, chunks := range []int{2, 4, 8} {
		n := chunks * int(ChunkWork/item)
		b.Run(fmt.Sprintf("serial/chunks=%d", chunks), func(b *testing.B) {
			for b.Loop() {
				sink += spin(n * steps)
			}
		})
		b.Run(fmt.Sprintf("For/chunks=%d", chunks), func(b *testing.B) {
			part := make([]float64, chunks)
			for b.Loop() {
				For(n, item, func(c, lo, hi int) { part[c] = spin((hi - lo) * steps) })
			}
		})
	}
}
