package numeric

import "math"

// ExactSum accumulates a sum of float64 values exactly, as a list of
// non-overlapping partial sums (Shewchuk 1997, "Adaptive precision
// floating-point arithmetic", Discrete Comput. Geom. 18; the algorithm of
// Python's math.fsum), and rounds it once in Value. The result is the
// correctly rounded sum, so it does not depend on the order of the Adds:
// any permutation or grouping of the same values gives the same bits.
// Values must be finite and their partial sums must not overflow (the
// callers add amounts ≤ 1e290, fewer than 2³¹ of them). The zero value is
// an empty sum; Reset empties it and keeps its memory, so one ExactSum
// serves a loop without allocating.
type ExactSum struct {
	partials []float64 // non-overlapping, increasing magnitude
}

// Reset empties the sum.
func (s *ExactSum) Reset() { s.partials = s.partials[:0] }

// Add adds x to the sum.
func (s *ExactSum) Add(x float64) {
	i := 0
	for _, y := range s.partials {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		lo := y - (hi - x)
		if lo != 0 {
			s.partials[i] = lo
			i++
		}
		x = hi
	}
	s.partials = append(s.partials[:i], x)
}

// Value returns the sum rounded once to the nearest float64 (ties to
// even); +0 for an empty sum or a sum of zeros, whatever their signs.
func (s *ExactSum) Value() float64 {
	p := s.partials
	n := len(p)
	if n == 0 {
		return 0
	}
	// Sum from the largest partial down until the rounding error is not
	// zero; then the next partial's sign decides a half-way case.
	n--
	hi := p[n]
	var lo float64
	for n > 0 {
		x := hi
		n--
		y := p[n]
		hi = x + y
		lo = y - (hi - x)
		if lo != 0 {
			break
		}
	}
	if n > 0 && (lo < 0 && p[n-1] < 0 || lo > 0 && p[n-1] > 0) {
		y := lo * 2
		x := hi + y
		if y == x-hi {
			hi = x
		}
	}
	return hi + 0 // −0 → +0
}
