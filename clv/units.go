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
	rows := make([]fingerprintRow, len(cs))
	for i, c := range cs {
		rows[i] = fingerprintRow{[4]uint64{fingerprintOrder(c.Frequency), fingerprintOrder(c.Recency), fingerprintOrder(c.T), fingerprintOrder(c.Monetary)}, c.weight()}
	}
	return fingerprintRows(rows, 4)
}

// FingerprintSubscribers is Fingerprint for the subscribers an individual
// sBG or BdW fit takes (FitShiftedBetaGeometricSubscribers,
// FitBetaDiscreteWeibullSubscribers), which record it in Fit.Fingerprint:
// the SHA-256 of the distinct (Periods, Churned) rows, sorted, each with
// its total weight (Weight 0 counting 1), hashed as Fingerprint hashes
// its rows (Churned as 0 or 1). The order of subs does not change it, and
// neither does splitting a row's weight; for a fit with covariates it
// covers the subscribers only. subs is not modified.
func FingerprintSubscribers(subs []Subscriber) string {
	rows := make([]fingerprintRow, len(subs))
	for i, s := range subs {
		w := s.Weight
		if w == 0 {
			w = 1
		}
		rows[i] = fingerprintRow{[4]uint64{fingerprintOrder(float64(s.Periods)), fingerprintOrder(float64(btoi(s.Churned)))}, w}
	}
	return fingerprintRows(rows, 2)
}

// fingerprintRow is one row of a fingerprint: its key, up to four fields'
// bits in numeric order (fingerprintOrder), and its weight.
type fingerprintRow struct {
	key [4]uint64
	w   float64
}

// fingerprintRows returns "sha256:" and the hex SHA-256 of the distinct
// keys of rows (their first n fields), sorted, each with its total
// weight. rows is sorted in place.
func fingerprintRows(rows []fingerprintRow, n int) string {
	// Sorting the rows (key, then weight) puts equal keys together in one
	// canonical order, so their weights add up to the same bits whatever
	// the order of the caller's rows; no map is needed.
	compare := func(a, b fingerprintRow) int {
		for j := range a.key {
			if c := cmp.Compare(a.key[j], b.key[j]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.w, b.w)
	}
	// The halves are sorted in parallel and merged as they are read: rows
	// that compare equal are equal, so this is the order of one sort.
	halves := [2][]fingerprintRow{rows[:len(rows)/2], rows[len(rows)/2:]}
	parallel.For(2, time.Duration(len(rows)/2)*fingerprintSortCost, func(_, lo, hi int) {
		for _, half := range halves[lo:hi] {
			slices.SortFunc(half, compare)
		}
	})
	next := func() *fingerprintRow {
		a, b := halves[0], halves[1]
		if len(a) > 0 && (len(b) == 0 || compare(a[0], b[0]) <= 0) {
			halves[0] = a[1:]
			return &a[0]
		}
		if len(b) > 0 {
			halves[1] = b[1:]
			return &b[0]
		}
		return nil
	}
	h := sha256.New()
	buf := make([]byte, 8*(n+1))
	for r := next(); r != nil; {
		k, w := r.key, 0.0
		for ; r != nil && r.key == k; r = next() {
			w += r.w
		}
		for j, v := range k[:n] {
			binary.LittleEndian.PutUint64(buf[8*j:], fingerprintBits(v))
		}
		binary.LittleEndian.PutUint64(buf[8*n:], math.Float64bits(w))
		h.Write(buf)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// fingerprintSortCost is the time sorting takes per row of Fingerprint.
const fingerprintSortCost = 100 * time.Nanosecond

// fingerprintOrder maps v to a uint64 whose order is v's numeric order
// (the usual flip of the sign bit, or of every bit for negatives), −0
// folded into 0; fingerprintBits maps it back to v's bits.
func fingerprintOrder(v float64) uint64 {
	b := math.Float64bits(v + 0)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

func fingerprintBits(u uint64) uint64 {
	if u>>63 == 1 {
		return u &^ (1 << 63)
	}
	return ^u
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
