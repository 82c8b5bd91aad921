package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"intake/fixtures/corpus"
)

func cmdFixtures(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("intake fixtures", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder to write the corpus into (created if missing)")
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same files")
	count := fs.Int("count", 48, "number of submissions (24 cover every situation once)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 || *count < 1 {
		fmt.Fprintln(stderr, "usage: intake fixtures --out DIR [--seed N] [--count N]")
		return 2
	}
	start := time.Now()
	sum, err := corpus.WriteDir(*out, corpus.Options{Seed: *seed, Count: *count})
	if err != nil {
		fmt.Fprintf(stderr, "intake fixtures: %v\n", err)
		return 1
	}
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(stdout, "Wrote %d submissions (%d pages, %.1f MB) to %s in %s.\n\n", sum.Files, sum.Pages, float64(sum.Bytes)/1e6, abs, time.Since(start).Round(time.Second))
	fmt.Fprint(stdout, sum.Table())
	fmt.Fprintf(stdout, "\nFeed them in the order of %s; each NAME.truth.json holds what the pipeline must find.\n", filepath.Join(abs, "sequence.txt"))
	return 0
}
