package survival

import "math"

// scaledSum is a sum of non-negative terms held as m·2^e, so that it
// neither overflows nor underflows: Greenwood's Σ d/(n(n−d)) with weights
// of 1e-300 is about 1e300 per term, and its square root, the quantity
// reported, is far inside the float64 range. Terms that fit comfortably are
// added in plain floating point (e stays 0), so ordinary data give the same
// bits as a plain sum.
type scaledSum struct {
	m float64
	e int
}

// Bounds of the plain path: when b·c and a/(b·c) both lie in
// [2^-900, 2^900] they are normal and correctly rounded, and a plain sum
// below 2^1000 cannot overflow by adding one of them.
const (
	plainLo = 0x1p-900
	plainHi = 0x1p900
	sumHi   = 0x1p1000
)

// addRatio adds a/(b·c) for a ≥ 0 and b, c > 0. The plain path is small
// enough to be inlined.
func (s *scaledSum) addRatio(a, b, c float64) {
	p := b * c
	t := a / p
	if s.e == 0 && s.m <= sumHi && p >= plainLo && p <= plainHi && t >= plainLo && t <= plainHi {
		s.m += t
		return
	}
	s.addRatioScaled(a, b, c)
}

// addSquare adds x² for a finite x, with addRatio's plain path.
func (s *scaledSum) addSquare(x float64) {
	if t := x * x; s.e == 0 && s.m <= sumHi && t >= plainLo && t <= plainHi {
		s.m += t
		return
	}
	if x != 0 {
		m, e := math.Frexp(x)
		s.add(m*m, 2*e)
	}
}

// addRatioScaled is addRatio through exponents and mantissas.
func (s *scaledSum) addRatioScaled(a, b, c float64) {
	am, ae := math.Frexp(a)
	bm, be := math.Frexp(b)
	cm, ce := math.Frexp(c)
	s.add(am/(bm*cm), ae-be-ce)
}

// addSquareRatio adds x²·a/(b·c) for a ≥ 0 and b, c > 0, x finite.
func (s *scaledSum) addSquareRatio(x, a, b, c float64) {
	xm, xe := math.Frexp(x)
	am, ae := math.Frexp(a)
	bm, be := math.Frexp(b)
	cm, ce := math.Frexp(c)
	s.add(xm*xm*am/(bm*cm), 2*xe+ae-be-ce)
}

// add adds m·2^e for a finite m ≥ 0.
func (s *scaledSum) add(m float64, e int) {
	if m == 0 {
		return
	}
	s.normalize()
	if s.m == 0 {
		s.m, s.e = m, e
		s.normalize()
		return
	}
	// Align on the larger exponent; a term 2^-1100 below the other is
	// below its last bit and shifts to 0.
	if e > s.e {
		s.m, s.e, m, e = m, e, s.m, s.e
	}
	s.m += math.Ldexp(m, e-s.e)
	s.normalize()
}

// normalize brings m into [½, 1) when it is not 0.
func (s *scaledSum) normalize() {
	if s.m == 0 {
		s.e = 0
		return
	}
	fr, ex := math.Frexp(s.m)
	s.m, s.e = fr, s.e+ex
}

// sqrtTimes returns x·√sum for a finite x ≥ 0, rounded once to float64
// (+Inf only when the true value is beyond the float64 range).
func (s scaledSum) sqrtTimes(x float64) float64 {
	if s.e == 0 {
		return x * math.Sqrt(s.m)
	}
	if s.m == 0 || x == 0 {
		return 0
	}
	h := s.e >> 1 // floor(e/2); the odd bit stays under the root
	xm, xe := math.Frexp(x)
	return math.Ldexp(xm*math.Sqrt(math.Ldexp(s.m, s.e-2*h)), xe+h)
}
