package parallel

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
)

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
}
