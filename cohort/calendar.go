package cohort

import (
	"fmt"
	"sort"
	"time"
)

// Period is the calendar unit of cohorts and of the period index.
type Period int

// The calendar periods. Weeks are ISO 8601 weeks (Monday to Sunday, labelled
// with the ISO week-numbering year); quarters start in January, April, July
// and October.
const (
	Month Period = iota // the default (the zero value)
	Day
	Week
	Quarter
)

// String returns "month", "day", "week" or "quarter".
func (p Period) String() string {
	switch p {
	case Month:
		return "month"
	case Day:
		return "day"
	case Week:
		return "week"
	case Quarter:
		return "quarter"
	}
	return fmt.Sprintf("Period(%d)", int(p))
}

func (p Period) valid() bool { return p >= Month && p <= Quarter }

// Civil dates are handled as day numbers: days since 1970-01-01 in the
// proleptic Gregorian calendar. A period number is the day number for Day,
// the number of Mondays-started weeks since the week of 1969-12-29 for Week,
// 12·year + month − 1 for Month and 4·year + quarter − 1 for Quarter, so the
// period index of a purchase is a subtraction of two period numbers.

// Supported instants: years 1..9999, as in time.Time's text formats.
const (
	minUnix = -62135596800 // 0001-01-01T00:00:00Z
	maxUnix = 253402300799 // 9999-12-31T23:59:59Z
)

const secondsPerDay = 86400

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// civil returns the calendar date of day number z (H. Hinnant's
// civil_from_days algorithm, in eras of 400 years).
func civil(z int64) (year int64, month, day int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// dayNumber is the inverse of civil.
func dayNumber(year int64, month, day int) int64 {
	if month <= 2 {
		year--
	}
	era := floorDiv(year, 400)
	yoe := year - era*400
	mp := int64((month + 9) % 12)
	doy := (153*mp+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// periodOf returns the period number of day number d.
func (p Period) periodOf(d int64) int64 {
	switch p {
	case Day:
		return d
	case Week:
		return floorDiv(d+3, 7) // day −3 (1969-12-29) is a Monday
	}
	y, m, _ := civil(d)
	if p == Quarter {
		return 4*y + int64(m-1)/3
	}
	return 12*y + int64(m-1)
}

// firstDay returns the day number of the first day of period number n.
func (p Period) firstDay(n int64) int64 {
	switch p {
	case Day:
		return n
	case Week:
		return 7*n - 3
	case Quarter:
		return dayNumber(floorDiv(n, 4), int(n-4*floorDiv(n, 4))*3+1, 1)
	}
	return dayNumber(floorDiv(n, 12), int(n-12*floorDiv(n, 12))+1, 1)
}

// start returns midnight of the first day of period number n in loc.
func (p Period) start(n int64, loc *time.Location) time.Time {
	return midnight(p.firstDay(n), loc)
}

// midnight returns the start of day number d in loc.
func midnight(d int64, loc *time.Location) time.Time {
	y, m, day := civil(d)
	return time.Date(int(y), time.Month(m), day, 0, 0, 0, 0, loc)
}

// label names period number n: "2024-03-15", "2024-W09", "2024-03" or
// "2024-Q1".
func (p Period) label(n int64) string {
	y, m, d := civil(p.firstDay(n))
	switch p {
	case Day:
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case Week:
		iy, iw := time.Date(int(y), time.Month(m), d, 0, 0, 0, 0, time.UTC).ISOWeek()
		return fmt.Sprintf("%04d-W%02d", iy, iw)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", y, (m-1)/3+1)
	}
	return fmt.Sprintf("%04d-%02d", y, m)
}

// clock turns instants into civil day numbers in one location without a
// time.Time conversion per call: it remembers the spans of the zone
// offsets (standard time, summer time, ...) it has met, sorted by start.
type clock struct {
	utc   bool
	loc   *time.Location
	spans []zoneSpan
	last  int // index of the span that answered last
}

type zoneSpan struct{ from, to, offset int64 } // [from, to) in Unix seconds

func newClock(loc *time.Location) *clock {
	return &clock{utc: loc == time.UTC, loc: loc}
}

// day returns the day number of t in the clock's location. t must lie in
// years 1..9999 (checked by the callers).
func (c *clock) day(t time.Time) int64 {
	u := t.Unix()
	if c.utc {
		return floorDiv(u, secondsPerDay)
	}
	if len(c.spans) > 0 {
		if s := c.spans[c.last]; u >= s.from && u < s.to {
			return floorDiv(u+s.offset, secondsPerDay)
		}
		i := sort.Search(len(c.spans), func(i int) bool { return c.spans[i].to > u })
		if i < len(c.spans) && u >= c.spans[i].from {
			c.last = i
			return floorDiv(u+c.spans[i].offset, secondsPerDay)
		}
	}
	local := t.In(c.loc)
	_, off := local.Zone()
	from, to := local.ZoneBounds()
	s := zoneSpan{from: minUnix - secondsPerDay, to: maxUnix + secondsPerDay, offset: int64(off)}
	if !from.IsZero() {
		s.from = from.Unix()
	}
	if !to.IsZero() {
		s.to = to.Unix()
	}
	i := sort.Search(len(c.spans), func(i int) bool { return c.spans[i].from > s.from })
	c.spans = append(c.spans, zoneSpan{})
	copy(c.spans[i+1:], c.spans[i:])
	c.spans[i] = s
	c.last = i
	return floorDiv(u+s.offset, secondsPerDay)
}

// inRange reports whether t lies in the supported years 1..9999 and is not
// the zero Time (which marks a missing value).
func inRange(t time.Time) bool {
	u := t.Unix()
	return !t.IsZero() && u >= minUnix && u <= maxUnix
}
