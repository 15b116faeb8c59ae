package clv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/txlog"
)

// CSVHeader says whether a CSV log starts with a header line.
type CSVHeader int

const (
	// HeaderAuto, the default, takes the first record as a header when
	// neither its time nor its amount field parses; then the columns are
	// found by name, else by position.
	HeaderAuto CSVHeader = iota
	// HeaderPresent: the first record names the columns.
	HeaderPresent
	// HeaderAbsent: every record is a transaction; columns by position.
	HeaderAbsent
)

// Time layouts for CSVOptions.TimeLayouts beyond those of package time:
// a whole number of seconds or milliseconds since 1970-01-01 UTC.
const (
	LayoutUnixSeconds = "unix"
	LayoutUnixMillis  = "unixms"
)

// defaultTimeLayouts are the time layouts ReadTransactions tries, in
// order, when CSVOptions.TimeLayouts is nil.
var defaultTimeLayouts = []string{time.RFC3339Nano, time.DateTime, time.DateOnly}

// CSVOptions say how ReadTransactions reads a CSV transaction log. A nil
// *CSVOptions, or a zero field, means its default.
type CSVOptions struct {
	// Header says whether the first record is a header (default
	// HeaderAuto).
	Header CSVHeader
	// CustomerIDColumn, AtColumn and AmountColumn name the header's
	// columns (matched after trimming spaces, ignoring case); the defaults
	// are "customer_id", "date" and "amount".
	CustomerIDColumn, AtColumn, AmountColumn string
	// ColumnIndexes, when set, are the 0-based positions of the customer
	// ID, time and amount columns, used instead of the names (a header is
	// then skipped). Without a header the default is 0, 1, 2.
	ColumnIndexes []int
	// TimeLayouts are tried in order on each time field (time.Parse
	// layouts, LayoutUnixSeconds or LayoutUnixMillis); nil means RFC 3339
	// (time.RFC3339Nano: with or without fractional seconds), then
	// "2006-01-02 15:04:05" (time.DateTime), then the date alone,
	// "2006-01-02" (time.DateOnly).
	TimeLayouts []string
	// Location is the time zone of times written without one (a date alone
	// is its midnight there); nil means UTC.
	Location *time.Location
	// Delimiter separates the fields; 0 means ','.
	Delimiter rune
	// DecimalComma reads amounts written with a decimal comma ("12,50");
	// the Delimiter must then not be ','.
	DecimalComma bool
}

// ReadTransactions reads a transaction log in CSV (RFC 4180, as
// encoding/csv reads it: quoted fields, blank lines skipped) from r, one
// Transaction per record, and returns them in file order. Like
// encoding/csv, it reads only what the caller's io.Reader supplies and
// opens no file. Fields are trimmed of spaces. Columns other than the
// three named are ignored.
//
// Every transaction is checked as Summarize checks it (a non-empty ID, a
// time in years 1..9999, an amount in [0, 1e290]), so a log that reads
// without error summarises without error. A bad record is a *DataError
// wrapping ErrInvalid whose Row is the 1-based line number of the field
// at fault and whose Field is its column's header name (or "column k",
// 1-based, without a header); malformed CSV (a stray quote) is reported
// the same way. Bad options are a *DataError with Row −1 and the option
// as Field; a log with no transaction is ErrEmpty.
//
// ScanTransactions reads the same log one transaction at a time.
func ReadTransactions(r io.Reader, opt *CSVOptions) ([]Transaction, error) {
	const fn = "clv.ReadTransactions"
	var txns []Transaction
	for t, err := range scanTransactions(fn, r, opt) {
		if err != nil {
			return nil, err
		}
		txns = append(txns, t)
	}
	if len(txns) == 0 {
		return nil, fault.New(fn, -1, "", ErrEmpty, "the log holds no transaction")
	}
	return txns, nil
}

// ScanTransactions returns the transactions of a CSV log read from r, as
// ReadTransactions reads them, one at a time: for a log too large to hold
// in memory, or a pipeline stage. At the first error it yields the error
// (with a zero Transaction) and stops; an empty log yields nothing. The
// sequence reads r as it goes, so it can be ranged over once.
func ScanTransactions(r io.Reader, opt *CSVOptions) iter.Seq2[Transaction, error] {
	return scanTransactions("clv.ScanTransactions", r, opt)
}

// scanTransactions is ScanTransactions for function fn.
func scanTransactions(fn string, r io.Reader, opt *CSVOptions) iter.Seq2[Transaction, error] {
	return func(yield func(Transaction, error) bool) {
		p, err := newCSVParser(fn, opt)
		if err != nil {
			yield(Transaction{}, err)
			return
		}
		cr := csv.NewReader(r)
		cr.Comma = p.delimiter
		cr.FieldsPerRecord = -1 // checked per column, with a clearer message
		cr.ReuseRecord = true
		for first := true; ; first = false {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(Transaction{}, p.csvError(err))
				return
			}
			if first {
				isHeader, err := p.readHeader(cr, rec)
				if err != nil {
					yield(Transaction{}, err)
					return
				}
				if isHeader {
					continue
				}
			}
			t, err := p.transaction(cr, rec)
			if !yield(t, err) || err != nil {
				return
			}
		}
	}
}

// csvParser turns CSV records into transactions by one set of options.
type csvParser struct {
	fn           string
	header       CSVHeader
	names        [3]string // the columns' names, for the header and errors
	cols         [3]int    // positions; −1 until the header is read
	named        bool      // the header gave the columns their names
	layouts      []string
	loc          *time.Location
	delimiter    rune
	decimalComma bool
	// times remembers the times of recent time fields that the first
	// layout did not take: a log repeats them (a date-only log has one per
	// day), and each layout that fails costs an error allocation. At most
	// maxRememberedTimes entries.
	times map[string]time.Time
}

// maxRememberedTimes bounds csvParser.times; it is emptied when full.
const maxRememberedTimes = 1 << 12

// The three columns, in the order of names and cols.
const (
	colID = iota
	colAt
	colAmount
)

// newCSVParser checks opt and fills in the defaults.
func newCSVParser(fn string, opt *CSVOptions) (*csvParser, error) {
	var o CSVOptions
	if opt != nil {
		o = *opt
	}
	bad := func(field, format string, args ...any) (*csvParser, error) {
		return nil, fault.New(fn, -1, "CSVOptions."+field, ErrInvalid, format, args...)
	}
	p := &csvParser{fn: fn, header: o.Header, names: [3]string{"customer_id", "date", "amount"}, cols: [3]int{-1, -1, -1},
		layouts: o.TimeLayouts, loc: o.Location, delimiter: o.Delimiter, decimalComma: o.DecimalComma}
	for i, name := range []string{o.CustomerIDColumn, o.AtColumn, o.AmountColumn} {
		if name != "" {
			p.names[i] = strings.TrimSpace(name)
		}
	}
	switch {
	case o.Header < HeaderAuto || o.Header > HeaderAbsent:
		return bad("Header", "is %d, want HeaderAuto, HeaderPresent or HeaderAbsent", o.Header)
	case o.ColumnIndexes != nil && len(o.ColumnIndexes) != 3:
		return bad("ColumnIndexes", "has %d values, want 3 (customer ID, time, amount)", len(o.ColumnIndexes))
	}
	if o.ColumnIndexes != nil {
		for i, c := range o.ColumnIndexes {
			if c < 0 || slices.Index(o.ColumnIndexes, c) != i {
				return bad("ColumnIndexes", "is %v, want 3 distinct indexes ≥ 0", o.ColumnIndexes)
			}
			p.cols[i] = c
		}
	} else if o.Header == HeaderAbsent {
		p.cols = [3]int{0, 1, 2}
	}
	if p.layouts == nil {
		p.layouts = defaultTimeLayouts
	}
	if len(p.layouts) == 0 || slices.Contains(p.layouts, "") {
		return bad("TimeLayouts", "is %q, want at least one layout and no empty one", p.layouts)
	}
	if p.loc == nil {
		p.loc = time.UTC
	}
	if p.delimiter == 0 {
		p.delimiter = ','
	}
	if d := p.delimiter; d == '"' || d == '\r' || d == '\n' || d == utf8.RuneError || !utf8.ValidRune(d) {
		return bad("Delimiter", "is %q, want a character other than a quote, a line break or U+FFFD", d)
	}
	if p.decimalComma && p.delimiter == ',' {
		return bad("DecimalComma", "needs a Delimiter other than ','")
	}
	return p, nil
}

// readHeader handles the first record rec: it reports whether rec is a
// header and, when the columns go by name, finds them in it.
func (p *csvParser) readHeader(cr *csv.Reader, rec []string) (bool, error) {
	isHeader := p.header == HeaderPresent
	if p.header == HeaderAuto {
		// A header's time and amount fields do not parse as data.
		at, amount := p.cols[colAt], p.cols[colAmount]
		if at < 0 {
			at, amount = 1, 2
		}
		atCell, okAt := cell(rec, at)
		amountCell, okAmount := cell(rec, amount)
		_, atErr := p.parseTime(atCell)
		_, amountErr := p.parseAmount(amountCell)
		isHeader = (!okAt || atErr != nil) && (!okAmount || amountErr != nil)
	}
	switch {
	case !isHeader && p.cols[0] < 0:
		p.cols = [3]int{0, 1, 2}
	case isHeader && p.cols[0] < 0:
		p.named = true
		for i, name := range p.names {
			p.cols[i] = slices.IndexFunc(rec, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), name) })
			if p.cols[i] < 0 {
				line, _ := cr.FieldPos(0)
				return false, fault.New(p.fn, line, name, ErrInvalid, "is not a column of the header %q", rec)
			}
		}
	}
	return isHeader, nil
}

// cell returns field c of rec, trimmed, and false when rec has no field c.
func cell(rec []string, c int) (string, bool) {
	if c >= len(rec) {
		return "", false
	}
	return strings.TrimSpace(rec[c]), true
}

// transaction returns the transaction of record rec, checked.
func (p *csvParser) transaction(cr *csv.Reader, rec []string) (Transaction, error) {
	var fields [3]string
	for col := range fields {
		f, ok := cell(rec, p.cols[col])
		if !ok {
			return Transaction{}, p.recordError(cr, rec, col, errors.New("is missing"))
		}
		fields[col] = f
	}
	at, err := p.parseTime(fields[colAt])
	if err != nil {
		return Transaction{}, p.recordError(cr, rec, colAt, err)
	}
	amount, err := p.parseAmount(fields[colAmount])
	if err != nil {
		return Transaction{}, p.recordError(cr, rec, colAmount, err)
	}
	// Clone: the field shares the memory of the whole record.
	t := Transaction{CustomerID: strings.Clone(fields[colID]), At: at, Amount: amount}
	if bad := txlog.Check(0, t); bad != nil {
		col := map[string]int{"CustomerID": colID, "At": colAt, "Amount": colAmount}[bad.Field]
		return Transaction{}, p.recordError(cr, rec, col, errors.New(bad.Reason))
	}
	return t, nil
}

// parseTime parses s by the first layout that takes it.
func (p *csvParser) parseTime(s string) (time.Time, error) {
	if t, ok := p.times[s]; ok {
		return t, nil
	}
	t, first, err := p.parseTimeLayouts(s)
	if err == nil && !first { // a string the first layout takes costs no failure
		if p.times == nil || len(p.times) >= maxRememberedTimes {
			p.times = make(map[string]time.Time, 64)
		}
		p.times[strings.Clone(s)] = t
	}
	return t, err
}

// parseTimeLayouts is parseTime without the memory; first reports that
// the first layout took s.
func (p *csvParser) parseTimeLayouts(s string) (t time.Time, first bool, err error) {
	for i, layout := range p.layouts {
		switch layout {
		case LayoutUnixSeconds, LayoutUnixMillis:
			n, err := strconv.ParseInt(s, 10, 64)
			sec := n
			if layout == LayoutUnixMillis {
				sec = n / 1000
			}
			if err != nil || sec < txlog.MinUnix || sec > txlog.MaxUnix {
				continue
			}
			if layout == LayoutUnixMillis {
				return time.UnixMilli(n).UTC(), i == 0, nil
			}
			return time.Unix(n, 0).UTC(), i == 0, nil
		default:
			if t, err := time.ParseInLocation(layout, s, p.loc); err == nil {
				return t, i == 0, nil
			}
		}
	}
	return time.Time{}, false, fmt.Errorf("%q matches none of the layouts %q", s, p.layouts)
}

// parseAmount parses s as a decimal number (with a decimal comma when
// set); Go's own number syntax (hexadecimal, underscores) is refused.
func (p *csvParser) parseAmount(s string) (float64, error) {
	in := s
	if p.decimalComma {
		if strings.Contains(s, ".") {
			return 0, fmt.Errorf("%q has a '.', want a decimal comma and no thousands separator", in)
		}
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "_xXpP") {
		return 0, fmt.Errorf("%q is not a number", in)
	}
	return v, nil
}

// recordError returns err about column col of record rec as a *DataError
// naming the field's line and column.
func (p *csvParser) recordError(cr *csv.Reader, rec []string, col int, err error) error {
	c := p.cols[col]
	line, _ := cr.FieldPos(0)
	if c < len(rec) {
		line, _ = cr.FieldPos(c)
	}
	name := p.names[col]
	if !p.named {
		name = fmt.Sprintf("column %d", c+1)
	}
	return fault.New(p.fn, line, name, ErrInvalid, "%v", err)
}

// csvError turns an error of encoding/csv (a *csv.ParseError, or the
// reader's own) into a *DataError.
func (p *csvParser) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fault.New(p.fn, pe.Line, "", ErrInvalid, "malformed CSV at byte %d of the line: %v", pe.Column, pe.Err)
	}
	return fault.New(p.fn, -1, "r", ErrInvalid, "cannot be read: %v", err)
}
