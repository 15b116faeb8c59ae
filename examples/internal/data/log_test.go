package data

import (
	"strings"
	"testing"
	"time"

	"github.com/ltvgo/ltv/clv"
)

func TestReadLog(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name, in string
		want     []clv.Transaction
	}{
		{"header and both date forms", "customer_id,date,amount\nA,2024-01-02,10.5\nB,2024-01-03T10:00:00+02:00,3\n",
			[]clv.Transaction{{CustomerID: "A", At: day(2024, 1, 2), Amount: 10.5}, {CustomerID: "B", At: time.Date(2024, 1, 3, 8, 0, 0, 0, time.UTC), Amount: 3}}},
		{"no header, spaces, blank line", "A, 2024-01-02, 1\n\nA,2024-01-05,2\n",
			[]clv.Transaction{{CustomerID: "A", At: day(2024, 1, 2), Amount: 1}, {CustomerID: "A", At: day(2024, 1, 5), Amount: 2}}},
	}
	for _, tt := range tests {
		got, err := ReadLog(strings.NewReader(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(got) != len(tt.want) {
			t.Fatalf("%s: %d transactions, want %d", tt.name, len(got), len(tt.want))
		}
		for i := range got {
			if got[i].CustomerID != tt.want[i].CustomerID || !got[i].At.Equal(tt.want[i].At) || got[i].Amount != tt.want[i].Amount {
				t.Errorf("%s: row %d = %+v, want %+v", tt.name, i, got[i], tt.want[i])
			}
		}
	}
}

func TestReadLogErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A,2024-01-02,1\nA,02/01/2024,1\n", `line 2: date "02/01/2024"`},
		{"A,2024-01-02,1\nA,2024-01-03,ten\n", `line 2: amount "ten"`},
		{"id,date,amount\nA,2024-01-02\n", "line 2: 2 columns"},
		{"A,2024-01-02,1\n,2024-01-03,1\n", "line 2: empty customer_id"},
		{"customer_id,date,amount\n", "no transactions"},
		{"A,\"2024-01-02,1\n", "line 1"},
		{"A,2024-01-02,1\nB,20\"24-01-03,1\n", "line 2"},
	}
	for _, tt := range tests {
		_, err := ReadLog(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadLog(%q) = %v, want an error containing %q", tt.in, err, tt.want)
		}
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

// FuzzReadLog checks that no input makes ReadLog panic, and that what it
// accepts has a customer ID for every row.
func FuzzReadLog(f *testing.F) {
	for _, seed := range []string{
		"customer_id,date,amount\nA,2024-01-02,10\n",
		"A,2024-01-02T10:00:00Z,1\n\nB,2024-01-03,2.5\n",
		"A,\"2024\n",
		",,\n",
		"0\"0000", // a quote inside a field: found by fuzzing (FieldPos after a read error)
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		txns, err := ReadLog(strings.NewReader(in))
		if err != nil {
			return
		}
		for i, tx := range txns {
			if tx.CustomerID == "" {
				t.Errorf("row %d has an empty customer ID", i)
			}
		}
	})
}
