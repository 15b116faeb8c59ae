// Package data gives the examples their transaction logs: a CSV reader for
// a user's own log, a reader for the CDNOW sample, the built-in simulated
// store, and the location of the project's reference data.
package data

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// ReadLogFile reads the CSV purchase log at path with clv.ReadTransactions
// (columns customer_id, date and amount, in that order when there is no
// header; dates YYYY-MM-DD, "YYYY-MM-DD hh:mm:ss" or RFC 3339). Errors name
// the file and the line.
func ReadLogFile(path string) ([]clv.Transaction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	txns, err := clv.ReadTransactions(f, nil)
	var de *clv.DataError
	switch {
	case errors.As(err, &de) && de.Row > 0:
		return nil, fmt.Errorf("%s: line %d: %w", path, de.Row, err)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return txns, nil
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
