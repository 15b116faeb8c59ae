package txlog

import (
	"slices"
	"time"
)

// Supported instants: years 1..9999 in UTC, as in time.Time's text formats.
// Day numbers of such instants, in any zone, fit an int32 and a Unix time
// plus a zone offset never overflows.
const (
	MinUnix = -62135596800 // 0001-01-01T00:00:00Z
	MaxUnix = 253402300799 // 9999-12-31T23:59:59Z
)

const secondsPerDay = 86400

// CheckTime returns why t is not a supported instant (the zero Time, which
// marks a missing value, or outside years 1..9999 UTC), or "" when it is.
func CheckTime(t time.Time) string {
	switch {
	case t.IsZero():
		return "is the zero time"
	case !supported(t):
		return "is " + t.String() + ", want a time in years 1..9999 UTC"
	}
	return ""
}

// supported reports whether t is a supported instant.
func supported(t time.Time) bool {
	u := t.Unix()
	return u >= MinUnix && u <= MaxUnix && !t.IsZero()
}

// Clock numbers the civil days of one time zone: day 0 is 1970-01-01 there,
// earlier days are negative, and a day with a daylight-saving change (23 or
// 25 hours) is one day. t.In(loc).Date() per call is slow, so it adds the
// zone's UTC offset to the Unix time, remembering every span of constant
// offset (time.Location.ZoneBounds) it has met. A Clock is not safe for
// concurrent use; make one per goroutine.
type Clock struct {
	loc   *time.Location // nil for UTC
	spans []zoneSpan     // sorted by start, disjoint
	hit   int            // the span that answered last
}

// zoneSpan is a stretch [start, end) of Unix seconds with one UTC offset.
type zoneSpan struct{ start, end, offset int64 }

// NewClock returns a Clock for loc; nil means UTC.
func NewClock(loc *time.Location) *Clock {
	if loc == time.UTC {
		loc = nil
	}
	return &Clock{loc: loc}
}

// Day returns the number of t's civil day. t must be a supported instant
// (see CheckTime); the result then lies in about ±3·10⁶.
func (c *Clock) Day(t time.Time) int64 {
	s := t.Unix()
	if c.loc != nil {
		s += c.offset(t, s)
	}
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d--
	}
	return d
}

// offset returns the zone's UTC offset in seconds at t, whose Unix time is s.
func (c *Clock) offset(t time.Time, s int64) int64 {
	if c.hit < len(c.spans) {
		if sp := c.spans[c.hit]; sp.start <= s && s < sp.end {
			return sp.offset
		}
	}
	i, found := slices.BinarySearchFunc(c.spans, s, func(sp zoneSpan, s int64) int {
		switch {
		case sp.end <= s:
			return -1
		case sp.start > s:
			return 1
		}
		return 0
	})
	if !found {
		local := t.In(c.loc)
		_, off := local.Zone()
		from, to := local.ZoneBounds()
		// An unbounded side reaches past every supported instant.
		sp := zoneSpan{start: MinUnix - secondsPerDay, end: MaxUnix + secondsPerDay, offset: int64(off)}
		if !from.IsZero() {
			sp.start = from.Unix()
		}
		if !to.IsZero() {
			sp.end = to.Unix()
		}
		c.spans = slices.Insert(c.spans, i, sp)
	}
	c.hit = i
	return c.spans[i].offset
}
