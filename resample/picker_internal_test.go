package resample

import "testing"

// The table and the binary search give every customer the same row:
// customers 0..2 are row 0, none row 1 (count 0), 3 row 2, 4..8 row 3.
func TestPickerTableMatchesSearch(t *testing.T) {
	cum := []uint64{3, 3, 4, 9}
	want := []int{0, 0, 0, 2, 3, 3, 3, 3, 3}
	table, search := picker(cum, maxUrn), picker(cum, 0)
	for u, w := range want {
		if got := table(uint64(u)); got != w {
			t.Errorf("table: customer %d is in row %d, want %d", u, got, w)
		}
		if got := search(uint64(u)); got != w {
			t.Errorf("search: customer %d is in row %d, want %d", u, got, w)
		}
	}
}
