// Package csvrows reads the CSV files the bench commands write.
package csvrows

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
)

// Each calls row with every record of the CSV file at path after its
// header line, stopping at the first error row returns. The record is
// reused by the next call.
func Each(path string, row func(rec []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := row(rec); err != nil {
			return err
		}
	}
}
