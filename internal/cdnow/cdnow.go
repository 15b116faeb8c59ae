// Package cdnow parses the CDNOW purchase log of Fader, Hardie & Lee
// (2005), as shipped in the reference data (CDNOW_sample.txt), for the
// tests and examples that reproduce the paper.
package cdnow

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// Parse reads the whitespace-separated log: master id, sample id, date
// (yyyymmdd), number of CDs and dollars. The customer ID is the sample id
// without leading zeros, as in the published summaries. Blank lines are
// skipped; a malformed line is an error naming it.
func Parse(r io.Reader) ([]clv.Transaction, error) {
	var txns []clv.Transaction
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
		txns = append(txns, clv.Transaction{CustomerID: strconv.Itoa(id), At: at, Amount: dollars})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(txns) == 0 {
		return nil, fmt.Errorf("no transactions")
	}
	return txns, nil
}
