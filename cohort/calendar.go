package cohort

import (
	"fmt"
	"time"
)

// Period is the calendar unit of cohorts and of the period index.
type Period int

// The calendar periods. Weeks are ISO 8601 weeks (Monday to Sunday, labelled
// with the ISO week-numbering year); quarters start in January, April, July
// and October.
const (
	Monthly Period = iota // the default (the zero value)
	Daily
	Weekly
	Quarterly
)

// String returns "month", "day", "week" or "quarter".
func (p Period) String() string {
	switch p {
	case Monthly:
		return "month"
	case Daily:
		return "day"
	case Weekly:
		return "week"
	case Quarterly:
		return "quarter"
	}
	return fmt.Sprintf("Period(%d)", int(p))
}

func (p Period) valid() bool { return p >= Monthly && p <= Quarterly }

// Civil dates are handled as day numbers: days since 1970-01-01 in the
// proleptic Gregorian calendar. A period number is the day number for Daily,
// the number of Mondays-started weeks since the week of 1969-12-29 for Weekly,
// 12·year + month − 1 for Monthly and 4·year + quarter − 1 for Quarterly, so the
// period index of a purchase is a subtraction of two period numbers.

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
	case Daily:
		return d
	case Weekly:
		return floorDiv(d+3, 7) // day −3 (1969-12-29) is a Monday
	}
	y, m, _ := civil(d)
	if p == Quarterly {
		return 4*y + int64(m-1)/3
	}
	return 12*y + int64(m-1)
}

// firstDay returns the day number of the first day of period number n.
func (p Period) firstDay(n int64) int64 {
	switch p {
	case Daily:
		return n
	case Weekly:
		return 7*n - 3
	case Quarterly:
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
	case Daily:
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case Weekly:
		iy, iw := time.Date(int(y), time.Month(m), d, 0, 0, 0, 0, time.UTC).ISOWeek()
		return fmt.Sprintf("%04d-W%02d", iy, iw)
	case Quarterly:
		return fmt.Sprintf("%04d-Q%d", y, (m-1)/3+1)
	}
	return fmt.Sprintf("%04d-%02d", y, m)
}
