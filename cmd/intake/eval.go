package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"intake/pipeline/evaluate"
)

func cmdEval(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("intake eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	workers := fs.Int("workers", 0, "OCR engines (default: one per CPU)")
	lang := fs.String("lang", "eng+spa", "Tesseract languages, joined with +")
	cache := fs.String("ocr-cache", "", "keep what OCR read on each input in this folder and reuse it on later runs")
	quiet := fs.Bool("quiet", false, "no progress lines on standard error")
	misses := fs.String("misses", "", "list the fields got wrong, with their values, for documents of this kind (or \"all\"); synthetic corpora only: it prints what the documents say")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: intake eval [--json] [--workers N] [--lang eng+spa] [--ocr-cache DIR] CORPUS")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	o := evaluate.Options{Workers: *workers, Languages: strings.Split(*lang, "+"), CacheDir: *cache}
	if !*quiet {
		o.Progress = stderr
	}
	rep, inputs, err := evaluate.Run(ctx, fs.Arg(0), o)
	if err != nil {
		fmt.Fprintf(stderr, "intake eval: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return 1
		}
		return 0
	}
	fmt.Fprint(stdout, rep.Table())
	if *misses != "" {
		fmt.Fprintf(stdout, "\n| input | kind | key | truth | found | confidence | review |\n|---|---|---|---|---|---|---|\n")
		for _, m := range append(evaluate.Misses(inputs), evaluate.CaseMisses(inputs)...) {
			if *misses == "all" || *misses == m.Kind || strings.HasPrefix(m.Key, *misses) {
				fmt.Fprintf(stdout, "| %s | %s | %s | %v | %v | %.2f | %v |\n", m.Input, m.Kind, m.Key, m.Want, m.Got, m.Confidence, m.NeedsReview)
			}
		}
	}
	return 0
}
