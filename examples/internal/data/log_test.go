package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// ReadLogFile names the file and the line of a bad row (the parsing
// itself is clv.ReadTransactions', tested there).
func TestReadLogFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(good, []byte("A,2024-01-02,1\nB,2024-01-03T10:00:00+02:00,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("customer_id,date,amount\nA,2024-01-02,1\nA,2024-02-30,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	txns, err := ReadLogFile(good)
	if err != nil || len(txns) != 2 || txns[1].CustomerID != "B" || txns[1].Amount != 2 {
		t.Errorf("ReadLogFile(good) = %v, %v", txns, err)
	}
	_, err = ReadLogFile(bad)
	if err == nil || !strings.Contains(err.Error(), "bad.csv: line 3: ") || !errors.Is(err, clv.ErrInvalid) {
		t.Errorf("ReadLogFile(bad) = %v, want an error naming bad.csv and line 3", err)
	}
	if _, err := ReadLogFile(filepath.Join(dir, "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadLogFile(missing) = %v, want os.ErrNotExist", err)
	}
}

func TestNewStore(t *testing.T) {
	txns := []clv.Transaction{
		{CustomerID: "A", At: time.Date(2024, 1, 1, 15, 0, 0, 0, time.UTC), Amount: 1},
		{CustomerID: "A", At: time.Date(2024, 4, 10, 9, 0, 0, 0, time.UTC), Amount: 1},
	}
	// 2024-01-01 .. 2024-04-10 is 100 days; a third is 33 days, so the
	// calibration ends on 2024-03-08 (hand count: 10 April − 33 days).
	s, err := NewStore(txns, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 3, 8, 0, 0, 0, 0, time.UTC); !s.CalibrationEnd.Equal(want) {
		t.Errorf("CalibrationEnd = %v, want %v", s.CalibrationEnd, want)
	}
	if _, err := NewStore(txns, 90); err == nil {
		t.Error("a 90-day holdout of a 100-day log leaves 10 days of calibration, want an error")
	}
}

// TestTrack checks the tracking counts on a hand-made log: customer A buys
// on days 0, 3 and 3 (same day) and 10; B first buys on day 5 and again on
// day 6. Repeat purchase days: A on 3 and 10, B on 6.
func TestTrack(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	on := func(id string, d int) clv.Transaction {
		return clv.Transaction{CustomerID: id, At: start.AddDate(0, 0, d).Add(time.Hour), Amount: 1}
	}
	s := Store{Txns: []clv.Transaction{on("A", 0), on("A", 3), on("A", 3), on("A", 10), on("B", 5), on("B", 6)},
		Start: start, CalibrationEnd: start.AddDate(0, 0, 7), End: start.AddDate(0, 0, 14)}
	tr := Track(s, Week)
	// Weeks 1 and 2 end on days 7 and 14: 2 repeat days by day 7, 3 by day 14.
	if len(tr.At) != 2 || tr.At[0] != 1 || tr.At[1] != 2 || tr.Actual[0] != 2 || tr.Actual[1] != 3 {
		t.Errorf("Track = %v, %v; want at 1, 2 with 2, 3", tr.At, tr.Actual)
	}
	// First purchases on days 0 and 5: 0 and 5/7 weeks, in either order.
	if len(tr.Firsts) != 2 || tr.Firsts[0]+tr.Firsts[1] != 5.0/7 {
		t.Errorf("Firsts = %v, want 0 and 5/7", tr.Firsts)
	}
}
