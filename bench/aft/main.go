// Command aft times survival.FitAFT against R's survreg on the same data
// (see run.sh). With -gen it writes a seeded simulated Weibull data set as
// CSV (time, event, x1…xk); with -fit it reads such a file and prints the
// seconds one FitAFT Weibull fit takes, excluding the read.
//
// The data follow the model of survival's BenchmarkFitAFT:
// log T = 2 + Σ_j 0.1·(−1)^j·x_j + 0.7·ε, ε extreme value, x_j standard
// normal, censored at an independent uniform time on (0, 40).
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/ltvgo/ltv/survival"
)

func main() {
	gen := flag.String("gen", "", "write a simulated data set to this CSV file")
	fit := flag.String("fit", "", "time one Weibull FitAFT on this CSV file")
	n := flag.Int("n", 1_000_000, "rows to simulate")
	k := flag.Int("k", 10, "covariates to simulate")
	seed := flag.Uint64("seed", 14, "PCG seed")
	flag.Parse()
	switch {
	case *gen != "":
		if err := write(*gen, *n, *k, *seed); err != nil {
			log.Fatal(err)
		}
	case *fit != "":
		obs, X, err := read(*fit)
		if err != nil {
			log.Fatal(err)
		}
		start := time.Now()
		m, err := survival.FitAFT(obs, X, survival.Weibull, nil)
		elapsed := time.Since(start)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%.3f\t# seconds; log-likelihood %.6f, scale %.6f, %d iterations\n",
			elapsed.Seconds(), m.LogLikelihood, m.Scale, m.Iterations)
	default:
		flag.Usage()
		os.Exit(2)
	}
}

// write simulates n rows with k covariates and writes them to path.
func write(path string, n, k int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "time,event")
	for j := range k {
		fmt.Fprintf(w, ",x%d", j+1)
	}
	fmt.Fprintln(w)
	rng := rand.New(rand.NewPCG(seed, 0))
	x := make([]float64, k)
	for range n {
		eta := 2.0
		for j := range x {
			x[j] = rng.NormFloat64()
			eta += 0.1 * float64(1-2*(j%2)) * x[j]
		}
		t := math.Exp(eta + 0.7*math.Log(-math.Log(1-rng.Float64())))
		c := 40 * (1 - rng.Float64())
		event := 0
		if t <= c {
			event = 1
		}
		fmt.Fprintf(w, "%.9g,%d", math.Min(t, c), event)
		for _, v := range x {
			fmt.Fprintf(w, ",%.9g", v)
		}
		fmt.Fprintln(w)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// read loads a file written by write.
func read(path string) ([]survival.Observation, [][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return nil, nil, err
	}
	var obs []survival.Observation
	var X [][]float64
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		v := make([]float64, len(rec))
		for j, s := range rec {
			if v[j], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, nil, err
			}
		}
		obs = append(obs, survival.Observation{Time: v[0], Event: v[1] == 1})
		X = append(X, v[2:])
	}
	return obs, X, nil
}
