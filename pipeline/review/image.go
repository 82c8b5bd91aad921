package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/image/draw"

	"intake/ocr"
	"intake/ocr/raster"
	"intake/pipeline"
	"intake/pipeline/record"
)

// imageWidth is the width page images are served at: enough to read a form's print on a
// screen, a fraction of a 300 dpi scan's bytes.
const imageWidth = 1000

// largeWidth is the width of a page opened on its own (?size=large), to read small print.
const largeWidth = 2200

// pageImage serves page N (1-based) of an input as a PNG about imageWidth pixels wide. The
// file is the archived original the store names for the input; the request gives only
// ids.
func (h *handler) pageImage(w http.ResponseWriter, r *http.Request, s *record.Session) {
	inputID, err1 := strconv.ParseInt(r.PathValue("input"), 10, 64)
	num, ok := strings.CutSuffix(r.PathValue("file"), ".png")
	page, err2 := strconv.Atoi(num)
	if err1 != nil || err2 != nil || !ok || inputID <= 0 || page < 1 {
		http.NotFound(w, r)
		return
	}
	in, err := h.st.InputByID(r.Context(), inputID)
	if err != nil {
		h.imageFailed(w, r, inputID, page, err)
		return
	}
	if in == nil || in.Archive == "" || !filepath.IsLocal(in.Archive) {
		http.NotFound(w, r)
		return
	}
	select {
	case h.images <- struct{}{}:
		defer func() { <-h.images }()
	case <-r.Context().Done():
		return
	}
	width := imageWidth
	if r.URL.Query().Get("size") == "large" {
		width = largeWidth
	}
	img, err := h.readPage(filepath.Join(h.arc.Root(), in.Archive), page, h.turnOf(in.Archive, page), width)
	if errors.Is(err, errNoPage) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.imageFailed(w, r, inputID, page, err)
		return
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		h.imageFailed(w, r, inputID, page, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

var errNoPage = errors.New("review: the input has no such page")

// readPage decodes page (1-based) of the file at path, scaled down to width.
// turnOf is how page was turned to be read, from the file the pipeline archived beside
// the original (nil for an original archived before there was one, or a page not read).
func (h *handler) turnOf(archived string, page int) *pipeline.PageTurn {
	b, err := os.ReadFile(filepath.Join(h.arc.Root(), strings.TrimSuffix(archived, filepath.Ext(archived))+pipeline.PagesSuffix))
	if err != nil {
		return nil
	}
	var turns []pipeline.PageTurn
	if json.Unmarshal(b, &turns) != nil {
		return nil
	}
	for _, t := range turns {
		if t.Page == page && t.Read {
			return &t
		}
	}
	return nil
}

func (h *handler) readPage(path string, page int, turn *pipeline.PageTurn, width int) (image.Image, error) {
	doc, err := raster.OpenFile(path, h.opts.Limits)
	if err != nil {
		return nil, err
	}
	defer doc.Close()
	if page > doc.NumPages() {
		return nil, errNoPage
	}
	p, err := doc.Page(page - 1)
	if err != nil {
		return nil, err
	}
	if turn != nil {
		// The page as it was read: square pixels, upright, straightened; the boxes of
		// its fields are fractions of that image.
		o := ocr.PrepareOptions{}
		o.Turn.Degrees, o.Turn.Known = turn.Rotation, true
		prep, err := ocr.Prepare(p, o)
		if err == nil {
			return scaleToWidth(prep.Image, width, 1), nil
		}
	}
	return scaleToWidth(p.Image, width, aspect(p)), nil
}

// aspect is how much taller than its pixels a page is: a fax in normal mode has half as
// many lines per inch as dots across (204 x 98 dpi) and would show squashed otherwise.
func aspect(p *raster.Page) float64 {
	if p.XDPI <= 0 || p.YDPI <= 0 {
		return 1
	}
	return p.XDPI / p.YDPI
}

// scaleToWidth is img scaled to at most width pixels wide, its height stretched by
// aspect so that the page keeps its proportions on paper.
func scaleToWidth(img *image.Gray, width int, aspect float64) image.Image {
	b := img.Bounds()
	if b.Dx() <= width && aspect == 1 {
		return img
	}
	width = min(width, b.Dx())
	height := max(1, int(float64(b.Dy())*float64(width)/float64(b.Dx())*aspect+0.5))
	dst := image.NewGray(image.Rect(0, 0, width, height))
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// imageFailed logs by ids (the errors of the store and of raster name no content) and
// answers 500.
func (h *handler) imageFailed(w http.ResponseWriter, r *http.Request, inputID int64, page int, err error) {
	h.log.Error("review: page image", "input_id", inputID, "page", page, "error", err)
	http.Error(w, "the page image could not be made", http.StatusInternalServerError)
}
