package survival

import (
	"fmt"
	"math"

	"github.com/ltvgo/ltv/internal/fault"
)

// Observation is one subject (or, with Weight, a bundle of identical
// subjects) followed from Entry to Time.
//
// Time is the exit time: the event time when Event is true, otherwise the
// censoring time. It must be finite and ≥ 0. Entry is the late-entry
// (left-truncation) time: the subject is at risk on (Entry, Time]. Entry 0
// means "from the start": the subject is at risk on [0, Time], which also
// allows Time = 0 (R's plain Surv(time, status)). An Entry > 0 must be
// finite and less than Time. Weight is a case weight (any value ≥ 0 that is
// finite, fractional allowed); 0 means 1, so a zero-value Weight counts once.
// The weights passed to one call must sum to at most 2^1020 (about 1.1e307):
// the row that takes the running sum (in the order the rows are read) above
// it is reported as an invalid Weight. All times are in one unit of the
// caller's choosing.
type Observation struct {
	Time   float64
	Event  bool
	Entry  float64
	Weight float64
}

// weight returns the case weight, reading 0 as 1.
func (o Observation) weight() float64 {
	if o.Weight == 0 {
		return 1
	}
	return o.Weight
}

// check returns the field and reason of the first invalid value of o, or
// "" when o is valid.
func (o Observation) check() (field, reason string) {
	switch {
	case math.IsNaN(o.Time):
		return "Time", "is NaN"
	case math.IsInf(o.Time, 0):
		return "Time", "is infinite"
	case o.Time < 0:
		return "Time", fmt.Sprintf("is negative (%g)", o.Time)
	case math.IsNaN(o.Entry):
		return "Entry", "is NaN"
	case math.IsInf(o.Entry, 0):
		return "Entry", "is infinite"
	case o.Entry < 0:
		return "Entry", fmt.Sprintf("is negative (%g)", o.Entry)
	case o.Entry > 0 && o.Entry >= o.Time:
		return "Entry", fmt.Sprintf("(%g) is not before Time (%g)", o.Entry, o.Time)
	case math.IsNaN(o.Weight):
		return "Weight", "is NaN"
	case math.IsInf(o.Weight, 0):
		return "Weight", "is infinite"
	case o.Weight < 0:
		return "Weight", fmt.Sprintf("is negative (%g)", o.Weight)
	}
	return "", ""
}

// checkRow validates row i of a call (of group, −1 for none) and, when
// the call is weighted, adds the row's weight to the call's running total
// *total, which may not exceed maxTotalWeight.
func checkRow(fn string, group, i int, o Observation, weighted bool, total *float64) error {
	if field, reason := o.check(); field != "" {
		return fault.NewInGroup(fn, group, i, field, ErrInvalid, "%s", reason)
	}
	if weighted {
		if *total += o.weight(); *total > maxTotalWeight {
			return fault.NewInGroup(fn, group, i, "Weight", ErrInvalid,
				"(%g) takes the total weight above %g", o.Weight, float64(maxTotalWeight))
		}
	}
	return nil
}

// Streams of one group: the exit times of events, the exit times of
// censorings and the late-entry times, each sorted ascending.
const (
	eventStream = iota
	censorStream
	entryStream
	numStreams
)

// stream is one sorted list of non-negative times, held as their IEEE bits
// (which order like the values for x ≥ +0), with optional case weights.
type stream struct {
	keys []uint64
	w    []float64 // weights in key order; nil when every weight is 1
}

// groupData is one group's observations, split into sorted streams.
type groupData struct {
	streams   [numStreams]stream
	lateEntry bool // some row has Entry > 0
	zeroEntry bool // some row has Entry == 0
	weighted  bool // some row has a weight other than 1
}

// exactRisk reports whether the sweep must sum g's risk set exactly: with
// late entries and case weights, taking entries off a running sum of exits
// would leave rounding residues.
func (g *groupData) exactRisk() bool { return g.weighted && g.lateEntry }

// maxTotalWeight bounds the sum of the weights passed to one call, 2^1020
// (about 1.1e307): every count, partial sum and exact risk-set sum then
// stays a finite float64 with room to spare.
const maxTotalWeight = 0x1p1020

// timeKey returns the sort key of a time t ≥ 0 (−0 is read as +0).
func timeKey(t float64) uint64 {
	if t == 0 {
		return 0
	}
	return math.Float64bits(t)
}

// prepare validates obs and splits it into sorted streams, without
// modifying obs. When labels is non-nil only the rows with labels[i] ==
// label are used. fn and group go into error messages (group −1: none).
// total is the running sum of the weights of the call, to which prepare adds
// those of obs; the row that takes it above maxTotalWeight is an error.
// It reads obs once: events fill one buffer from the front and censorings
// from the back.
func prepare(fn string, group int, obs []Observation, labels []int, label int, total *float64) (groupData, error) {
	var g groupData
	weighted := false
	for _, o := range obs {
		if o.Weight != 0 && o.Weight != 1 {
			weighted = true
			break
		}
	}
	n := len(obs)
	exits := make([]uint64, n)
	var exitW, entryW []float64
	if weighted {
		exitW = make([]float64, n)
	}
	var entries []uint64
	ev, cens := 0, n
	for i, o := range obs {
		if labels != nil && labels[i] != label {
			continue
		}
		if err := checkRow(fn, group, i, o, weighted, total); err != nil {
			return groupData{}, err
		}
		slot := ev
		if o.Event {
			ev++
		} else {
			cens--
			slot = cens
		}
		exits[slot] = timeKey(o.Time)
		if weighted {
			exitW[slot] = o.weight()
		}
		if o.Entry > 0 {
			g.lateEntry = true
			entries = append(entries, timeKey(o.Entry))
			if weighted {
				entryW = append(entryW, o.weight())
			}
		} else {
			g.zeroEntry = true
		}
	}
	g.streams[eventStream] = stream{keys: exits[:ev:ev]}
	g.streams[censorStream] = stream{keys: exits[cens:]}
	g.streams[entryStream] = stream{keys: entries, w: entryW}
	g.weighted = weighted
	if !weighted {
		*total += float64(n - cens + ev) // unit weights: the row count, far below the limit
	}
	if weighted {
		g.streams[eventStream].w = exitW[:ev:ev]
		g.streams[censorStream].w = exitW[cens:]
	}
	sortStreams(&g)
	return g, nil
}
