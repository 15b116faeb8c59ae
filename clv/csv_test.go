package clv_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
)

// Hand-written logs and the transactions they hold.
func TestReadTransactions(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	tests := []struct {
		name, in string
		opt      *clv.CSVOptions
		want     []clv.Transaction
	}{
		{"header, three layouts, spaces, blank line", "customer_id,date,amount\nA,2024-01-02,10.5\n\n B , 2024-01-03T10:00:00+02:00 ,3\nA,2024-01-04 12:30:00,0\n", nil,
			[]clv.Transaction{{"A", utc(2024, 1, 2, 0, 0), 10.5}, {"B", utc(2024, 1, 3, 8, 0), 3}, {"A", utc(2024, 1, 4, 12, 30), 0}}},
		{"no header detected", "A,2024-01-02,1\nA,2024-01-05,2\n", nil,
			[]clv.Transaction{{"A", utc(2024, 1, 2, 0, 0), 1}, {"A", utc(2024, 1, 5, 0, 0), 2}}},
		{"columns by name in another order, extra columns, case", "Amount,Store,When,Client\n5,x,2024-03-01,c1\n", &clv.CSVOptions{CustomerIDColumn: "client", AtColumn: "when"},
			[]clv.Transaction{{"c1", utc(2024, 3, 1, 0, 0), 5}}},
		{"indexes, header skipped", "amount;id;ts\n\"1,5\";k;1700000000\n", &clv.CSVOptions{Header: clv.HeaderPresent, ColumnIndexes: []int{1, 2, 0}, Delimiter: ';', DecimalComma: true, TimeLayouts: []string{clv.LayoutUnixSeconds}},
			[]clv.Transaction{{"k", time.Unix(1700000000, 0).UTC(), 1.5}}},
		{"milliseconds, no header", "q,1700000000123,2\n", &clv.CSVOptions{Header: clv.HeaderAbsent, TimeLayouts: []string{clv.LayoutUnixMillis}},
			[]clv.Transaction{{"q", time.UnixMilli(1700000000123).UTC(), 2}}},
		{"location for times without a zone", "a\t2024-07-01 00:30:00\t1\n", &clv.CSVOptions{Delimiter: '\t', Location: berlin},
			[]clv.Transaction{{"a", utc(2024, 6, 30, 22, 30), 1}}},
		{"quoted ID with a comma and a line break", "customer_id,date,amount\n\"Doe, J.\nLtd\",2024-01-02,1\n", nil,
			[]clv.Transaction{{"Doe, J.\nLtd", utc(2024, 1, 2, 0, 0), 1}}},
	}
	for _, tt := range tests {
		got, err := clv.ReadTransactions(strings.NewReader(tt.in), tt.opt)
		require.NoError(t, err, tt.name)
		require.Len(t, got, len(tt.want), tt.name)
		for i := range got {
			require.Equal(t, tt.want[i].CustomerID, got[i].CustomerID, tt.name)
			require.True(t, tt.want[i].At.Equal(got[i].At), "%s: %v, want %v", tt.name, got[i].At, tt.want[i].At)
			require.Equal(t, tt.want[i].Amount, got[i].Amount, tt.name)
		}
	}
}

// Bad records name their 1-based line and their column; bad options name
// the option (row −1).
func TestReadTransactionsErrors(t *testing.T) {
	tests := []struct {
		name, in string
		opt      *clv.CSVOptions
		row      int
		field    string
		sentinel error
		reason   string
	}{
		{"bad date", "customer_id,date,amount\nA,2024-01-02,1\nA,02/01/2024,1\n", nil, 3, "date", clv.ErrInvalid, `"02/01/2024"`},
		{"bad amount, no header", "A,2024-01-02,1\nA,2024-01-03,ten\n", nil, 2, "column 3", clv.ErrInvalid, `"ten"`},
		{"missing column", "customer_id,date,amount\nA,2024-01-02\n", nil, 2, "amount", clv.ErrInvalid, "missing"},
		{"empty ID", "A,2024-01-02,1\n ,2024-01-03,1\n", nil, 2, "column 1", clv.ErrInvalid, "empty"},
		{"negative amount", "id,date,amount\nA,2024-01-02,-3\n", &clv.CSVOptions{CustomerIDColumn: "id"}, 2, "amount", clv.ErrInvalid, "refunds"},
		{"NaN amount", "A,2024-01-02,NaN\n", nil, 1, "column 3", clv.ErrInvalid, "NaN"},
		{"hex amount", "A,2024-01-02,0x10\n", nil, 1, "column 3", clv.ErrInvalid, "not a number"},
		{"beyond year 9999", "A,999999999999999999,1\n", &clv.CSVOptions{TimeLayouts: []string{clv.LayoutUnixMillis}, Header: clv.HeaderAbsent}, 1, "column 2", clv.ErrInvalid, "none of the layouts"},
		{"header only", "customer_id,date,amount\n", nil, -1, "", clv.ErrEmpty, "no transaction"},
		{"empty", "", nil, -1, "", clv.ErrEmpty, "no transaction"},
		{"header lacks a column", "customer,date,amount\nA,2024-01-02,1\n", nil, 1, "customer_id", clv.ErrInvalid, "not a column"},
		{"stray quote", "A,2024-01-02,1\nB,20\"24-01-03,1\n", nil, 2, "", clv.ErrInvalid, "malformed CSV"},
		{"field on a later line of a record", "customer_id,date,amount\n\"x\ny\",2024-01-02,\"\n5x\"\n", nil, 3, "amount", clv.ErrInvalid, "not a number"},
		{"decimal comma with a dot", "A;2024-01-02;1.234,5\n", &clv.CSVOptions{Delimiter: ';', DecimalComma: true}, 1, "column 3", clv.ErrInvalid, "decimal comma"},
		{"option: indexes", "A,2024-01-02,1\n", &clv.CSVOptions{ColumnIndexes: []int{0, 0, 1}}, -1, "CSVOptions.ColumnIndexes", clv.ErrInvalid, "distinct"},
		{"option: two indexes", "A,2024-01-02,1\n", &clv.CSVOptions{ColumnIndexes: []int{0, 1}}, -1, "CSVOptions.ColumnIndexes", clv.ErrInvalid, "want 3"},
		{"option: header", "A,2024-01-02,1\n", &clv.CSVOptions{Header: 7}, -1, "CSVOptions.Header", clv.ErrInvalid, "HeaderAuto"},
		{"option: delimiter", "A,2024-01-02,1\n", &clv.CSVOptions{Delimiter: '"'}, -1, "CSVOptions.Delimiter", clv.ErrInvalid, "quote"},
		{"option: decimal comma", "A,2024-01-02,1\n", &clv.CSVOptions{DecimalComma: true}, -1, "CSVOptions.DecimalComma", clv.ErrInvalid, "Delimiter"},
		{"option: layouts", "A,2024-01-02,1\n", &clv.CSVOptions{TimeLayouts: []string{}}, -1, "CSVOptions.TimeLayouts", clv.ErrInvalid, "at least one"},
	}
	for _, tt := range tests {
		_, err := clv.ReadTransactions(strings.NewReader(tt.in), tt.opt)
		checkDataError(t, err, "clv.ReadTransactions", tt.row, tt.field, tt.sentinel)
		require.Contains(t, err.Error(), tt.reason, tt.name)
	}
	// A reader that fails: its error, for the whole input.
	_, err := clv.ReadTransactions(io.MultiReader(strings.NewReader("A,2024-01-02,1\n"), failingReader{}), nil)
	checkDataError(t, err, "clv.ReadTransactions", -1, "r", clv.ErrInvalid)
	require.Contains(t, err.Error(), "disk on fire")
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// ScanTransactions yields what ReadTransactions returns, one at a time,
// stops when the caller does, and yields an error once, last.
func TestScanTransactions(t *testing.T) {
	log := csvLog(1000, 3)
	want, err := clv.ReadTransactions(bytes.NewReader(log), nil)
	require.NoError(t, err)
	var got []clv.Transaction
	for tx, err := range clv.ScanTransactions(bytes.NewReader(log), nil) {
		require.NoError(t, err)
		got = append(got, tx)
	}
	require.Equal(t, want, got)
	n := 0
	for range clv.ScanTransactions(bytes.NewReader(log), nil) {
		if n++; n == 10 {
			break
		}
	}
	require.Equal(t, 10, n)
	var errs []error
	for _, err := range clv.ScanTransactions(strings.NewReader("A,2024-01-02,1\nA,x,1\nA,2024-01-02,1\n"), nil) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 2)
	require.NoError(t, errs[0])
	checkDataError(t, errs[1], "clv.ScanTransactions", 2, "column 2", clv.ErrInvalid)
	for _, err := range clv.ScanTransactions(strings.NewReader(""), nil) {
		t.Fatalf("an empty log yields %v", err)
	}
}

// csvLog writes a seeded log of n rows by n/10 customers with a header,
// times as RFC 3339 or dates, amounts with cents.
func csvLog(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.WriteString("customer_id,date,amount\n")
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for range n {
		at := base.Add(time.Duration(rng.IntN(365*86400)) * time.Second)
		ts := at.Format(time.RFC3339)
		if rng.IntN(2) == 0 {
			ts = at.Format(time.DateOnly)
		}
		fmt.Fprintf(&b, "cust-%d,%s,%d.%02d\n", rng.IntN(n/10+1), ts, rng.IntN(500), rng.IntN(100))
	}
	return b.Bytes()
}

// FuzzReadTransactions: any input is an error naming a line (or the log
// as a whole) and wrapping ErrInvalid or ErrEmpty, or transactions that
// Summarize accepts; ScanTransactions agrees with it.
func FuzzReadTransactions(f *testing.F) {
	f.Add([]byte("customer_id,date,amount\nA,2024-01-02,10.5\nB,2024-01-03T10:00:00+02:00,3\n"), false)
	f.Add([]byte("A;2024-01-02;1,5\n"), true)
	f.Add([]byte("\"a\nb\",2024-01-02 10:00:00,\"1\"\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, semicolon bool) {
		opt := &clv.CSVOptions{}
		if semicolon {
			opt = &clv.CSVOptions{Delimiter: ';', DecimalComma: true}
		}
		txns, err := clv.ReadTransactions(bytes.NewReader(data), opt)
		var scanned []clv.Transaction
		var scanErr error
		for tx, err := range clv.ScanTransactions(bytes.NewReader(data), opt) {
			if err != nil {
				scanErr = err
				break
			}
			scanned = append(scanned, tx)
		}
		if err != nil {
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			require.True(t, errors.Is(err, clv.ErrInvalid) || errors.Is(err, clv.ErrEmpty), err)
			require.GreaterOrEqual(t, de.Row, -1)
			if errors.Is(err, clv.ErrInvalid) {
				require.Error(t, scanErr)
			}
			return
		}
		require.NoError(t, scanErr)
		require.Equal(t, txns, scanned)
		row, field := txlogtest.FirstBad(txns)
		require.Equal(t, -1, row, field)
	})
}

// BenchmarkReadTransactions: 1e6 rows (about 36 MB) by ReadTransactions
// and, for comparison, by encoding/csv alone (records only, no parsing).
func BenchmarkReadTransactions(b *testing.B) {
	log := csvLog(1e6, 1)
	b.Run("ReadTransactions", func(b *testing.B) {
		b.SetBytes(int64(len(log)))
		b.ReportAllocs()
		for b.Loop() {
			txns, err := clv.ReadTransactions(bytes.NewReader(log), nil)
			if err != nil {
				b.Fatal(err)
			}
			sinkTxns = txns
		}
	})
	b.Run("encoding/csv", func(b *testing.B) {
		b.SetBytes(int64(len(log)))
		b.ReportAllocs()
		for b.Loop() {
			cr := csv.NewReader(bytes.NewReader(log))
			cr.ReuseRecord = true
			for {
				if _, err := cr.Read(); err != nil {
					break
				}
			}
		}
	})
}
