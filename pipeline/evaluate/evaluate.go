// Package evaluate scores the pipeline against a corpus with ground truth (the contract's
// NAME.truth.json beside each input): document separation and kinds, every field, and
// how far the confidence flags can be trusted. `intake eval` prints its report; tests use
// it on the committed sample to lock the figures in.
package evaluate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"intake/classify"
	"intake/fixtures/corpus"
	"intake/ocr"
	"intake/ocr/raster"
	"intake/pipeline"
)

// Options configure a run.
type Options struct {
	Workers   int      // OCR engines; default the number of CPUs
	Languages []string // default eng and spa
	// CacheDir, when set, keeps what OCR and inspection found on each input (by its
	// SHA-256), so that a second run scores changes to classification without reading
	// the pages again. Delete it after changing OCR or inspection.
	CacheDir string
	Progress io.Writer // a line per file; nil for none
	// Pool, when set, is used instead of starting engines (tests share one).
	Pool *ocr.Pool
}

// cacheVersion changes when what is cached changes shape or meaning.
const cacheVersion = "intake-eval-pages-17"

// Input is one corpus file with its truth and what the pipeline made of it.
type Input struct {
	Name   string
	Truth  corpus.Truth
	Result classify.Result
	Pages  []classify.Page
}

// Run reads every input of the corpus folder dir (in sequence.txt order when there is
// one), analyses it and scores it.
func Run(ctx context.Context, dir string, o Options) (*Report, []Input, error) {
	names, err := inputs(dir)
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("no inputs with ground truth (NAME.truth.json) in %s", dir)
	}
	pool := o.Pool
	if pool == nil {
		pool, err = ocr.NewPool(ocr.PoolOptions{Workers: o.Workers, Languages: o.Languages, KeepImage: true})
		if err != nil {
			return nil, nil, err
		}
		defer pool.Close()
	}
	workers := o.Workers
	if workers <= 0 {
		workers = 2
	}
	var all []Input
	for i, name := range names {
		path := filepath.Join(dir, name)
		var t corpus.Truth
		b, err := os.ReadFile(filepath.Join(dir, corpus.TruthName(name)))
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(b, &t); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", corpus.TruthName(name), err)
		}
		pages, err := readInput(ctx, pool, path, workers+1, o.CacheDir)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			// Scored as a file whose documents were all missed.
			if o.Progress != nil {
				fmt.Fprintf(o.Progress, "%d/%d %s: %v\n", i+1, len(names), name, err)
			}
		}
		received, _ := time.Parse(time.RFC3339, t.Input.ReceivedAt)
		in := Input{Name: name, Truth: t, Pages: pages, Result: classify.Analyze(pages, received)}
		all = append(all, in)
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "%d/%d %s: %d pages, %d documents\n", i+1, len(names), name, len(pages), len(in.Result.Documents))
		}
	}
	return Score(all), all, nil
}

// inputs lists the corpus's input files in feeding order.
func inputs(dir string) ([]string, error) {
	if b, err := os.ReadFile(filepath.Join(dir, "sequence.txt")); err == nil {
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, l)
			}
		}
		return out, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		ext := strings.ToLower(filepath.Ext(n))
		if e.Type().IsRegular() && (ext == ".pdf" || ext == ".tif" || ext == ".tiff") {
			if _, err := os.Stat(filepath.Join(dir, corpus.TruthName(n))); err == nil {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// readInput reads a file's pages (or takes them from the cache).
func readInput(ctx context.Context, pool *ocr.Pool, path string, inflight int, cacheDir string) ([]classify.Page, error) {
	var cachePath string
	if cacheDir != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(append([]byte(cacheVersion), b...))
		cachePath = filepath.Join(cacheDir, hex.EncodeToString(h[:])+".json")
		if c, err := os.ReadFile(cachePath); err == nil {
			var pages []classify.Page
			if json.Unmarshal(c, &pages) == nil {
				return pages, nil
			}
		}
	}
	doc, err := raster.OpenFile(path, raster.Limits{})
	if err != nil {
		return nil, err
	}
	defer doc.Close()
	pages := make([]classify.Page, doc.NumPages())
	var firstErr error
	err = pipeline.ReadPages(ctx, pool, doc, inflight, func(r pipeline.PageRead) {
		if r.Err != nil {
			if firstErr == nil {
				firstErr = r.Err
			}
			return
		}
		pages[r.Index] = r.Page
	})
	if err != nil {
		return nil, err
	}
	if cachePath != "" && firstErr == nil {
		if b, err := json.Marshal(pages); err == nil {
			if os.MkdirAll(cacheDir, 0o755) == nil {
				_ = os.WriteFile(cachePath, b, 0o644)
			}
		}
	}
	return pages, firstErr
}
