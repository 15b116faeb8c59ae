// Package data gives the examples their transaction logs: a CSV reader for
// a user's own log, a reader for the CDNOW sample, the built-in simulated
// store, and the location of the project's reference data.
package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// ReadLog reads a purchase log in CSV with the columns customer_id, date and
// amount, in that order. A first line whose date does not parse and whose
// amount is not a number is taken as a header. Dates are YYYY-MM-DD (a UTC
// day) or RFC 3339 (an instant). Blank lines are skipped; any other malformed
// line is an error that names its line number.
func ReadLog(r io.Reader) ([]clv.Transaction, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.TrimLeadingSpace = true
	var txns []clv.Transaction
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err // a *csv.ParseError, which names the line
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 3 {
			return nil, fmt.Errorf("line %d: %d columns, want 3 (customer_id,date,amount)", line, len(rec))
		}
		t, err := parseTransaction(rec)
		if err != nil {
			if first && looksLikeHeader(rec) {
				continue
			}
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		txns = append(txns, t)
	}
	if len(txns) == 0 {
		return nil, errors.New("the log holds no transactions")
	}
	return txns, nil
}

// ReadLogFile is ReadLog on the file at path; errors name the file.
func ReadLogFile(path string) ([]clv.Transaction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	txns, err := ReadLog(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return txns, nil
}

func parseTransaction(rec []string) (clv.Transaction, error) {
	id := strings.TrimSpace(rec[0])
	if id == "" {
		return clv.Transaction{}, errors.New("empty customer_id")
	}
	at, err := parseDate(strings.TrimSpace(rec[1]))
	if err != nil {
		return clv.Transaction{}, err
	}
	amount, err := strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
	if err != nil {
		return clv.Transaction{}, fmt.Errorf("amount %q is not a number", rec[2])
	}
	return clv.Transaction{CustomerID: id, At: at, Amount: amount}, nil
}

func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("date %q is neither YYYY-MM-DD nor RFC 3339", s)
}

func looksLikeHeader(rec []string) bool {
	_, dateErr := parseDate(strings.TrimSpace(rec[1]))
	_, amountErr := strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
	return dateErr != nil && amountErr != nil
}

// Span returns the earliest and the latest purchase time of a non-empty log.
func Span(txns []clv.Transaction) (first, last time.Time) {
	first, last = txns[0].At, txns[0].At
	for _, t := range txns[1:] {
		if t.At.Before(first) {
			first = t.At
		}
		if t.At.After(last) {
			last = t.At
		}
	}
	return first, last
}

// Day returns midnight UTC of t's UTC calendar day.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
