// Package parallel is the one parallel loop of the ltv packages: For runs
// a loop body over the chunks of an index range [0, n) on up to GOMAXPROCS
// goroutines, or on the calling goroutine alone when the work is small.
//
// The caller states the approximate cost of one item, measured on one
// core, and that is the whole threshold rule: a chunk gets at least
// ChunkWork of work, so small loops stay one chunk on the calling
// goroutine, and at most MaxChunks chunks are made. An item need not be
// one row: a caller whose chunks carry a fixed cost (a buffer to fill,
// tables to merge) makes an item a block of rows and states the block's
// cost.
//
// The chunk boundaries depend on n and the cost only, never on GOMAXPROCS
// or the scheduling. A reduction that keeps one partial result per chunk
// (Chunks of them) and combines them in chunk order therefore gets the
// same floating-point result on any machine.
//
// A panic in the loop body is recovered on the goroutine that ran it; the
// chunks not yet started are skipped, For waits for the running ones and
// then panics on the calling goroutine with the same value (the stack
// trace shows For's panic, not the original one).
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// ChunkWork is the least work a chunk is given. A chunk is worth handing
// to another goroutine when it outlasts the time that goroutine takes to
// start. On the 2-vCPU virtual machine this was measured on
// (BenchmarkOverhead), waking an idle core takes ~110 µs (handoff; less on
// bare metal) and costs the caller ~15 µs; with chunks of 250 µs, loops of
// 2, 4 and 8 chunks take 0.73, 0.65 and 0.56 of their serial time, and a
// split that finds no core free costs at most ~3%: the calling goroutine
// then runs the chunks itself, without waiting for the others.
const ChunkWork = 250 * time.Microsecond

// MaxChunks is the largest number of chunks. It bounds the partial
// results a reduction keeps and combines (a chunk of clv's compress holds
// its own hash tables, one of churn's fit its own Hessian), and still
// keeps up to 16 cores at least 80% busy when the chunks cost the same.
const MaxChunks = 32

// Chunks returns the number of chunks For splits n items of the given
// cost per item into: n / ⌈ChunkWork/cost⌉ rounded down (about
// n·cost/ChunkWork), at least 1 and at most MaxChunks, and never more than
// n (for n ≥ 1). A cost ≤ 0 counts as negligible (one chunk). It panics if
// n is negative.
func Chunks(n int, cost time.Duration) int {
	if n < 0 {
		panic("parallel: negative item count")
	}
	if cost <= 0 {
		return 1
	}
	grain := 1 // items per chunk
	if cost < ChunkWork {
		grain = int((ChunkWork + cost - 1) / cost)
	}
	return max(1, min(n/grain, MaxChunks))
}

// For calls body(chunk, lo, hi) once for each chunk = 0, 1, …,
// Chunks(n, cost)−1, where the chunks [lo, hi) are consecutive, cover
// [0, n) and differ in length by at most one item; n = 0 gives the single
// chunk [0, 0). The chunks run concurrently, on min(GOMAXPROCS, Chunks)
// goroutines including the calling one, so body must be safe for
// concurrent use on distinct chunks; with one goroutine the chunks run in
// order. For returns when every chunk is done (a goroutine that found no
// chunk left may still be exiting). It panics if n is negative, and with
// the value of a panic in body (see the package doc).
func For(n int, cost time.Duration, body func(chunk, lo, hi int)) {
	chunks := Chunks(n, cost)
	bounds := func(c int) (lo, hi int) {
		size, extra := n/chunks, n%chunks // the first extra chunks get one more item
		lo = c*size + min(c, extra)
		hi = lo + size
		if c < extra {
			hi++
		}
		return lo, hi
	}
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers == 1 {
		for c := range chunks {
			lo, hi := bounds(c)
			body(c, lo, hi)
		}
		return
	}

	var (
		next     atomic.Int64 // the next chunk to take
		done     sync.WaitGroup
		failed   atomic.Bool // a body panicked: run no more chunks
		first    sync.Once
		panicked any // the first recovered panic value
	)
	run := func(c int) {
		defer done.Done()
		defer func() {
			if p := recover(); p != nil {
				first.Do(func() { panicked = p })
				failed.Store(true)
			}
		}()
		if !failed.Load() {
			lo, hi := bounds(c)
			body(c, lo, hi)
		}
	}
	work := func() {
		for c := int(next.Add(1) - 1); c < chunks; c = int(next.Add(1) - 1) {
			run(c)
		}
	}
	done.Add(chunks)
	for range workers - 1 {
		go work()
	}
	// The calling goroutine takes chunks until none is left, so For waits
	// for chunks, not for goroutines: one that the OS schedules late finds
	// no chunk and exits, without delaying For.
	work()
	done.Wait()
	if failed.Load() {
		panic(panicked)
	}
}
