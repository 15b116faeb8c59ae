package survival

import (
	"time"

	"github.com/ltvgo/ltv/internal/parallel"
	"github.com/ltvgo/ltv/internal/radix"
)

// radixKeyCost is the time radix.Sort takes per time key, about (20 ns for
// whole days, 50 ns for untied times).
const radixKeyCost = 30 * time.Nanosecond

// sortStreams sorts the three streams of g, in parallel when they are
// large.
func sortStreams(g *groupData) {
	keys := 0
	for _, s := range g.streams {
		keys += len(s.keys)
	}
	parallel.For(numStreams, time.Duration(keys/numStreams)*radixKeyCost, func(_, lo, hi int) {
		for _, s := range g.streams[lo:hi] {
			radix.Sort(s.keys, s.w)
		}
	})
}
