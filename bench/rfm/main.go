// Command rfm times segment.Score (quintile RFM scores) against pandas
// qcut on the same rows (see run.sh). With -gen it writes seeded rows as
// CSV (id, since_last, frequency, monetary); with -score it reads such a
// file and prints the seconds one Score takes, excluding the read.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/ltvgo/ltv/bench/internal/csvrows"
	"github.com/ltvgo/ltv/segment"
)

func main() {
	gen := flag.String("gen", "", "write simulated rows to this CSV file")
	score := flag.String("score", "", "time one Score of the rows in this CSV file")
	n := flag.Int("n", 10_000_000, "customers to simulate")
	seed := flag.Uint64("seed", 17, "PCG seed")
	flag.Parse()
	switch {
	case *gen != "":
		if err := write(*gen, *n, *seed); err != nil {
			log.Fatal(err)
		}
	case *score != "":
		rows, err := read(*score)
		if err != nil {
			log.Fatal(err)
		}
		start := time.Now()
		res, err := segment.Score(rows, nil)
		elapsed := time.Since(start)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%.3f\t# seconds; monetary edges %v\n", elapsed.Seconds(), res.Monetary.Edges)
	default:
		flag.Usage()
		os.Exit(2)
	}
}

// write simulates n customers as segment's BenchmarkScore does: whole-day
// recency and frequency with many ties, continuous spend.
func write(path string, n int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,since_last,frequency,monetary")
	rng := rand.New(rand.NewPCG(seed, 17))
	for i := range n {
		freq := 1 + int(rng.ExpFloat64()*3)
		fmt.Fprintf(w, "c%d,%d,%d,%s\n", i, rng.IntN(366), freq,
			strconv.FormatFloat(float64(freq)*rng.ExpFloat64()*40, 'g', -1, 64))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func read(path string) ([]segment.RFM, error) {
	var rows []segment.RFM
	err := csvrows.Each(path, func(rec []string) error {
		since, err1 := strconv.Atoi(rec[1])
		freq, err2 := strconv.Atoi(rec[2])
		m, err3 := strconv.ParseFloat(rec[3], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return fmt.Errorf("row %d: %q", len(rows)+1, rec)
		}
		rows = append(rows, segment.RFM{CustomerID: rec[0], SinceLast: since, Frequency: freq, Monetary: m, Revenue: m})
		return nil
	})
	return rows, err
}
