package clv

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ltvgo/ltv/internal/parallel"
)

// UnitError reports a ValueOptions.Period that is not the time unit a
// purchase model was fitted in: a weekly model scored with a daily period
// would read every week as a day. It wraps ErrInvalid; get at it with
// errors.As.
type UnitError struct {
	Func   string        // the function that refused, e.g. "clv.Score"
	Field  string        // the setting at fault, "ValueOptions.Period"
	Model  time.Duration // the model's Period
	Stated time.Duration // the caller's ValueOptions.Period
}

func (e *UnitError) Error() string {
	return fmt.Sprintf("%s: %s is %v, but the model was fitted in periods of %v: %v", e.Func, e.Field, e.Stated, e.Model, ErrInvalid)
}

// Unwrap returns ErrInvalid.
func (e *UnitError) Unwrap() error { return ErrInvalid }

// unitModel is a model that records its time unit.
type unitModel interface{ unit() time.Duration }

func (m BGNBD) unit() time.Duration                { return m.Period }
func (m MBGNBD) unit() time.Duration               { return m.Period }
func (m ParetoNBD) unit() time.Duration            { return m.Period }
func (m BGBB) unit() time.Duration                 { return m.Period }
func (m ShiftedBetaGeometric) unit() time.Duration { return m.Period }

// unitOf returns the time unit of the models: opt.Period, which every
// model that states a unit must have, or, when opt.Period is 0, the one
// unit the models state (0 when none does).
func unitOf(fn string, stated time.Duration, models []PurchaseModel) (time.Duration, error) {
	for _, m := range models {
		um, ok := m.(unitModel)
		if !ok || um.unit() == 0 {
			continue
		}
		switch u := um.unit(); {
		case stated == 0:
			stated = u
		case u != stated:
			return 0, &UnitError{Func: fn, Field: "ValueOptions.Period", Model: u, Stated: stated}
		}
	}
	return stated, nil
}

// Fingerprint returns the fingerprint that a fit to cs records in
// Fit.Fingerprint: "sha256:" and the hex SHA-256 of the distinct
// (Frequency, Recency, T, Monetary) rows, sorted, each with its total
// weight (Weight 0 counting 1). IDs and the order of cs do not change
// it, and neither does splitting a row's weight across several rows, so
// a loaded model's Fit says which summary trained it: compare the two
// strings. For a fit with covariates the fingerprint covers the
// customers' summary only. cs is not modified.
func Fingerprint(cs []Customer) string {
	// Rows with a repeat purchase are nearly all distinct (their Monetary
	// is): they are sorted as they come, and equal neighbours merged. The
	// others share a few keys (T alone, in effect) and are summed in a
	// small hash table first.
	var zero fingerprintTable
	repeat := 0
	for i := range cs {
		if cs[i].Frequency != 0 {
			repeat++
		}
	}
	rows := make([]fingerprintRow, 0, repeat+64)
	for i, c := range cs {
		r := fingerprintRow{w: c.weight(), i: int32(i)}
		for j, v := range [...]float64{c.Frequency, c.Recency, c.T, c.Monetary} {
			r.u[j] = sortable(v)
		}
		if c.Frequency == 0 {
			zero.add(r)
		} else {
			rows = append(rows, r)
		}
	}
	rows = append(rows, zero.rows...)
	compare := func(a, b fingerprintRow) int {
		for j := range a.u {
			if c := cmp.Compare(a.u[j], b.u[j]); c != 0 {
				return c
			}
		}
		if !a.hasNaN() { // equal rows: in input order, as their weights are summed
			return cmp.Compare(a.i, b.i)
		}
		// Distinct rows with NaN in the same fields: by their bits, so that
		// the fingerprint does not depend on the order of cs.
		ka, kb := fingerprintKey(cs[a.i]), fingerprintKey(cs[b.i])
		for j := range ka {
			if c := cmp.Compare(math.Float64bits(ka[j]), math.Float64bits(kb[j])); c != 0 {
				return c
			}
		}
		return cmp.Compare(math.Float64bits(a.w), math.Float64bits(b.w))
	}
	// The two halves are sorted in parallel and merged as they are read:
	// compare is a total order up to rows that write the same bytes.
	halves := [2][]fingerprintRow{rows[:len(rows)/2], rows[len(rows)/2:]}
	parallel.For(2, time.Duration(len(rows)/2)*fingerprintSortCost, func(_, lo, hi int) {
		for _, half := range halves[lo:hi] {
			slices.SortFunc(half, compare)
		}
	})
	next := func() (fingerprintRow, bool) {
		a, b := halves[0], halves[1]
		switch {
		case len(a) == 0 && len(b) == 0:
			return fingerprintRow{}, false
		case len(b) == 0 || len(a) > 0 && compare(a[0], b[0]) <= 0:
			halves[0] = a[1:]
			return a[0], true
		}
		halves[1] = b[1:]
		return b[0], true
	}
	h := sha256.New()
	buf := make([]byte, 0, 1<<16)
	r, ok := next()
	for ok {
		var o fingerprintRow
		for o, ok = next(); ok && r.same(&o); o, ok = next() {
			r.w += o.w
		}
		k := r.key(cs)
		for _, v := range [...]float64{k[0], k[1], k[2], k[3], r.w + 0} {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
		if len(buf)+5*8 > cap(buf) {
			h.Write(buf)
			buf = buf[:0]
		}
		r = o
	}
	h.Write(buf)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// fingerprintSortCost is the time sorting takes per row of Fingerprint.
const fingerprintSortCost = 100 * time.Nanosecond

// key returns r's fields, from its sortable keys unless one is NaN (whose
// bits they lose; those come from r's customer in cs).
func (r *fingerprintRow) key(cs []Customer) [4]float64 {
	if r.hasNaN() {
		return fingerprintKey(cs[r.i])
	}
	var k [4]float64
	for j, u := range r.u {
		if u>>63 == 1 {
			k[j] = math.Float64frombits(u &^ (1 << 63))
		} else {
			k[j] = math.Float64frombits(^u)
		}
	}
	return k
}

// fingerprintKey returns c's (Frequency, Recency, T, Monetary), −0 folded
// into 0.
func fingerprintKey(c Customer) [4]float64 {
	return [4]float64{c.Frequency + 0, c.Recency + 0, c.T + 0, c.Monetary + 0}
}

// fingerprintRow is a row of Fingerprint: its fields as sortable keys, its
// weight, and the customer it came from (the first, for summed rows).
type fingerprintRow struct {
	u [4]uint64
	w float64
	i int32
}

// hasNaN reports whether a field of r is NaN.
func (r *fingerprintRow) hasNaN() bool {
	return r.u[0] == 0 || r.u[1] == 0 || r.u[2] == 0 || r.u[3] == 0
}

// same reports whether r and o are the same row: every field ==, so never
// with NaN (as for a Go map key).
func (r *fingerprintRow) same(o *fingerprintRow) bool { return r.u == o.u && !r.hasNaN() }

// sortable maps v to a key whose unsigned order is cmp.Compare's order of
// floats (NaN, 0, first), with −0 and 0 one key.
func sortable(v float64) uint64 {
	b := math.Float64bits(v + 0)
	switch {
	case v != v:
		return 0
	case b>>63 == 1:
		return ^b
	}
	return b | 1<<63
}

// fingerprintTable sums weights by row in an open-addressing hash table,
// in input order.
type fingerprintTable struct {
	rows  []fingerprintRow
	slots []int32 // index into rows + 1; 0 marks an empty slot
}

func (t *fingerprintTable) add(r fingerprintRow) {
	if 2*(len(t.rows)+1) > len(t.slots) {
		t.slots = make([]int32, max(64, 2*len(t.slots)))
		for i := range t.rows {
			t.slots[t.free(&t.rows[i])] = int32(i + 1)
		}
	}
	mask := uint64(len(t.slots) - 1)
	for h := r.hash() & mask; ; h = (h + 1) & mask {
		i := t.slots[h]
		if i == 0 {
			t.rows = append(t.rows, r)
			t.slots[h] = int32(len(t.rows))
			return
		}
		if e := &t.rows[i-1]; e.same(&r) {
			e.w += r.w
			return
		}
	}
}

// free returns the first empty slot for r.
func (t *fingerprintTable) free(r *fingerprintRow) uint64 {
	mask := uint64(len(t.slots) - 1)
	h := r.hash() & mask
	for t.slots[h] != 0 {
		h = (h + 1) & mask
	}
	return h
}

// hash mixes the fields as hashRow does.
func (r *fingerprintRow) hash() uint64 {
	return fmix64(r.u[0] ^ fmix64(r.u[1]^fmix64(r.u[2]^fmix64(r.u[3]))))
}

// FingerprintCohorts is Fingerprint for the survivor counts an sBG fit
// takes (one cohort for FitShiftedBetaGeometric): the SHA-256 of the
// counts in order, cohort by cohort.
func FingerprintCohorts(cohorts [][]float64) string {
	h := sha256.New()
	var buf [8]byte
	for _, alive := range cohorts {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(alive)))
		h.Write(buf[:])
		for _, v := range alive {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v+0))
			h.Write(buf[:])
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
