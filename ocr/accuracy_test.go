package ocr_test

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"testing"

	"intake/fixtures"
	"intake/ocr"
	"intake/ocr/raster"
)

// TestSampleAccuracyByCondition reads every page of the committed sample corpus (files as
// scanners and the fax server write them) and scores the words against the printed text
// in the truth. The targets are the OCR issue's: 98% of words on 300 dpi mail scans, 95%
// on fax fine, 90% on fax normal (200 dpi mail, not in the targets, must reach 95%).
//
// The score counts the words of the languages intake reads (English and Spanish): plan
// letters also carry language-assistance notices in Vietnamese and other languages, whose
// words (those with letters beyond Latin-1) are left out of the reference, since reading
// them would need language data the Help Center has no use for.
func TestSampleAccuracyByCondition(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of the whole sample (about 80 pages)")
	}
	targets := map[string]float64{"mail_jpeg300": 0.98, "mail_g4_300": 0.98, "mail_g4_200": 0.95, "fax_fine": 0.95, "fax_normal": 0.90}
	fsys := fixtures.Sample()
	seq, err := fixtures.Sequence(fsys)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := ocr.NewPool(ocr.PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	type score struct {
		hit, words float64
		pages      int
		worst      float64
		worstPage  string
	}
	scores := map[string]*score{}
	var mu sync.Mutex
	for _, name := range seq {
		tr, err := fixtures.Truth(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Status == "duplicate" {
			continue // the same bytes as a file already read
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := raster.Open(strings.NewReader(string(data)), int64(len(data)), raster.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cond := tr.Input.Condition
		if scores[cond] == nil {
			scores[cond] = &score{worst: 1}
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, 2)
		for i := 0; i < doc.NumPages(); i++ {
			want := readable(tr.PageText[i])
			if strings.TrimSpace(want) == "" {
				continue // a blank back
			}
			rp, err := doc.Page(i)
			if err != nil {
				t.Fatalf("%s page %d: %v", name, i+1, err)
			}
			sem <- struct{}{}
			wg.Add(1)
			go func(i int, rp *raster.Page) {
				defer func() { <-sem; wg.Done() }()
				p, err := pool.Recognize(context.Background(), rp)
				if err != nil {
					t.Errorf("%s page %d: %v", name, i+1, err)
					return
				}
				n := float64(len(ocr.Tokens(want)))
				acc := ocr.WordAccuracy(want, p.Text)
				mu.Lock()
				defer mu.Unlock()
				s := scores[cond]
				s.hit += acc * n
				s.words += n
				s.pages++
				if acc < s.worst {
					s.worst, s.worstPage = acc, fmt.Sprintf("%s p%d (%s, turned %d, skew %.1f)", name, i+1, rp.Source, p.Rotation, p.Skew)
				}
			}(i, rp)
		}
		wg.Wait()
		doc.Close()
	}
	conds := make([]string, 0, len(scores))
	for c := range scores {
		conds = append(conds, c)
	}
	sort.Strings(conds)
	for _, c := range conds {
		s := scores[c]
		acc := s.hit / s.words
		t.Logf("%-13s %3d pages %5.0f words: word accuracy %.3f (worst page %.3f: %s)", c, s.pages, s.words, acc, s.worst, s.worstPage)
		if acc < targets[c] {
			t.Errorf("%s: word accuracy %.3f, target %.2f", c, acc, targets[c])
		}
	}
	if len(conds) != len(targets) {
		t.Errorf("the sample covers %d conditions, want %d", len(conds), len(targets))
	}
}

// readable keeps the words written only with Latin-1 letters (English and Spanish).
func readable(text string) string {
	var keep []string
	for _, w := range strings.Fields(text) {
		ok := true
		for _, r := range w {
			if r > 0xFF && r != '–' && r != '—' && r != '’' && r != '·' && r != '•' {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, " ")
}
