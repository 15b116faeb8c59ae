package refdata

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Purchase is one line of the CDNOW log. It has the layout of
// clv.Transaction, so clv.Transaction(p) converts it; this package sits
// below clv and does not import it.
type Purchase struct {
	CustomerID string
	At         time.Time
	Amount     float64
}

// ParseCDNOW reads the CDNOW purchase log of Fader, Hardie & Lee (2005), as
// shipped in the reference data (cdnow/CDNOW_sample.txt): whitespace-separated
// master id, sample id, date (yyyymmdd), number of CDs and dollars. The customer ID is the sample id
// without leading zeros, as in the published summaries. Blank lines are
// skipped; a malformed line is an error naming it.
func ParseCDNOW(r io.Reader) ([]Purchase, error) {
	var txns []Purchase
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 5 {
			return nil, fmt.Errorf("line %d: %d fields, want 5", line, len(fields))
		}
		id, err := strconv.Atoi(fields[1])
		if err != nil {
			return nil, fmt.Errorf("line %d: sample id %q is not a number", line, fields[1])
		}
		at, err := time.Parse("20060102", fields[2])
		if err != nil {
			return nil, fmt.Errorf("line %d: date %q is not yyyymmdd", line, fields[2])
		}
		dollars, err := strconv.ParseFloat(fields[4], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: dollars %q is not a number", line, fields[4])
		}
		txns = append(txns, Purchase{CustomerID: strconv.Itoa(id), At: at, Amount: dollars})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(txns) == 0 {
		return nil, fmt.Errorf("no transactions")
	}
	return txns, nil
}
