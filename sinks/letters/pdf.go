package letters

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	pdffont "github.com/pdfcpu/pdfcpu/pkg/pdfcpu/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// ErrPDF is wrapped by the errors of Merge and PageCount for input that is not a PDF
// pdfcpu can read, and by RenderAck's if pdfcpu fails to write one.
var ErrPDF = errors.New("letters: PDF")

var pdfcpuConfig sync.Once

// config is how every PDF here is read and written: no configuration folder under the
// user's home (api.DisableConfigDir, process-wide, as package raster does), and a
// classic cross-reference table with every object in the open, so that the dates and
// file identifier pdfcpu takes from the clock can be fixed afterwards (fix).
func config() *model.Configuration {
	pdfcpuConfig.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.WriteObjectStream = false
	conf.WriteXRefStream = false
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// assemble makes a PDF of US Letter pages from their content streams, the fonts of
// faces shared, dated created.
func assemble(contents [][]byte, created time.Time) ([]byte, error) {
	ctx, err := pdfcpu.CreateContextWithXRefTable(config(), &types.Dim{Width: pageW, Height: pageH})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPDF, err)
	}
	xt := ctx.XRefTable
	fonts := types.Dict{}
	for _, f := range faces {
		ir, err := pdffont.CoreFontDict(xt, f.name)
		if err != nil {
			return nil, fmt.Errorf("%w: font %s: %v", ErrPDF, f.name, err)
		}
		fonts[f.key] = *ir
	}
	info := types.NewDict()
	info.InsertString("Title", "Help Center acknowledgement letter")
	info.InsertString("Creator", "intake/sinks/letters")
	if ctx.Info, err = xt.IndRefForNewObject(info); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPDF, err)
	}
	root, err := xt.Pages()
	if err != nil || root == nil {
		return nil, fmt.Errorf("%w: no page tree: %v", ErrPDF, err)
	}
	tree, err := xt.DereferenceDict(*root)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPDF, err)
	}
	for _, content := range contents {
		sd, err := xt.NewStreamDictForBuf(content)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPDF, err)
		}
		if err := sd.Encode(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPDF, err)
		}
		cref, err := xt.IndRefForNewObject(*sd)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPDF, err)
		}
		page := types.Dict{
			"Type":      types.Name("Page"),
			"Parent":    *root,
			"MediaBox":  types.RectForDim(pageW, pageH).Array(),
			"Resources": types.Dict{"Font": fonts},
			"Contents":  *cref,
		}
		pref, err := xt.IndRefForNewObject(page)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPDF, err)
		}
		if err := model.AppendPageTree(pref, 1, tree); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPDF, err)
		}
	}
	xt.PageCount = len(contents)
	var b bytes.Buffer
	if err := api.WriteContext(ctx, &b); err != nil {
		return nil, fmt.Errorf("%w: write: %v", ErrPDF, err)
	}
	return fix(b.Bytes(), created)
}

// reorder puts the objects of a PDF with a classic cross-reference table in the order of
// their numbers and rewrites the table to match. pdfcpu writes objects in the order it
// meets them walking the document, and walks a dictionary's entries in Go map order, so
// the same document comes out in a different order from run to run; the objects
// themselves are the same.
func reorder(pdf []byte) ([]byte, error) {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrPDF, what) }
	sx := bytes.LastIndex(pdf, []byte("startxref"))
	if sx < 0 {
		return nil, bad("no startxref")
	}
	tail := strings.Fields(string(pdf[sx+len("startxref"):]))
	if len(tail) == 0 {
		return nil, bad("bad startxref")
	}
	xrefAt, err := strconv.Atoi(tail[0])
	if err != nil || xrefAt <= 0 || xrefAt >= sx {
		return nil, bad("bad startxref")
	}
	tr := bytes.Index(pdf[xrefAt:], []byte("trailer"))
	if !bytes.HasPrefix(pdf[xrefAt:], []byte("xref")) || tr < 0 {
		return nil, bad("no classic cross-reference table")
	}
	trailer := pdf[xrefAt+tr : sx] // "trailer" up to startxref
	lines := strings.Fields(string(pdf[xrefAt+len("xref") : xrefAt+tr]))
	type entry struct {
		num, off, gen int
		used          bool
	}
	var entries []entry
	for i := 0; i+1 < len(lines); {
		first, err1 := strconv.Atoi(lines[i])
		count, err2 := strconv.Atoi(lines[i+1])
		if err1 != nil || err2 != nil || first < 0 || count < 0 || i+2+3*count > len(lines) {
			return nil, bad("bad cross-reference subsection")
		}
		i += 2
		for k := 0; k < count; k++ {
			var e entry
			var err1, err2 error
			e.off, err1 = strconv.Atoi(lines[i])
			e.gen, err2 = strconv.Atoi(lines[i+1])
			if err1 != nil || err2 != nil {
				return nil, bad("bad cross-reference entry")
			}
			e.num, e.used = first+k, lines[i+2] == "n"
			entries = append(entries, e)
			i += 3
		}
	}
	// Each object runs from its offset to the next object's, or to the table.
	var offs []int
	for _, e := range entries {
		if e.used {
			if e.off <= 0 || e.off >= xrefAt {
				return nil, bad("object offset out of range")
			}
			offs = append(offs, e.off)
		}
	}
	if len(offs) == 0 {
		return nil, bad("no objects")
	}
	sort.Ints(offs)
	end := map[int]int{}
	for i, o := range offs {
		if i+1 < len(offs) {
			end[o] = offs[i+1]
		} else {
			end[o] = xrefAt
		}
	}
	var out bytes.Buffer
	out.Write(pdf[:offs[0]])
	newOff := map[int]int{}
	for _, e := range entries { // entries are in object number order
		if e.used {
			newOff[e.num] = out.Len()
			out.Write(pdf[e.off:end[e.off]])
		}
	}
	if out.Len() != xrefAt {
		return nil, bad("objects overlap")
	}
	out.WriteString("xref\n")
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].num == entries[j-1].num+1 {
			j++
		}
		fmt.Fprintf(&out, "%d %d\n", entries[i].num, j-i)
		for _, e := range entries[i:j] {
			if e.used {
				fmt.Fprintf(&out, "%010d %05d n \n", newOff[e.num], e.gen)
			} else {
				fmt.Fprintf(&out, "%010d %05d f \n", e.off, e.gen)
			}
		}
		i = j
	}
	out.Write(trailer)
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", xrefAt)
	return out.Bytes(), nil
}

var (
	dateRE = regexp.MustCompile(`/(CreationDate|ModDate) ?\((D:[^)]*)\)`)
	idRE   = regexp.MustCompile(`/ID ?\[ ?<([0-9A-Fa-f]+)> ?<([0-9A-Fa-f]+)> ?\]`)
)

// fix makes pdfcpu's output the same for the same document: it puts the objects in
// order (reorder), then replaces what pdfcpu took from the clock, byte for byte so that
// the cross-reference offsets stay right: the document's creation and modification dates
// become created, and both file identifiers an MD5 of the file with them blanked out.
// It refuses a file where these are not found exactly where expected.
func fix(pdf []byte, created time.Time) ([]byte, error) {
	pdf, err := reorder(pdf)
	if err != nil {
		return nil, err
	}
	date := types.DateString(created)
	ms := dateRE.FindAllSubmatchIndex(pdf, -1)
	if len(ms) != 2 {
		return nil, fmt.Errorf("%w: found %d document dates, want 2", ErrPDF, len(ms))
	}
	for _, m := range ms {
		if m[5]-m[4] != len(date) {
			return nil, fmt.Errorf("%w: a document date has an unexpected length", ErrPDF)
		}
		copy(pdf[m[4]:m[5]], date)
	}
	ids := idRE.FindAllSubmatchIndex(pdf, -1)
	if len(ids) != 1 {
		return nil, fmt.Errorf("%w: found %d file identifiers, want 1", ErrPDF, len(ids))
	}
	m := ids[0]
	for _, k := range []int{2, 4} {
		copy(pdf[m[k]:m[k+1]], strings.Repeat("0", m[k+1]-m[k]))
	}
	sum := md5.Sum(pdf)
	id := strings.ToUpper(hex.EncodeToString(sum[:]))
	for _, k := range []int{2, 4} {
		if m[k+1]-m[k] != len(id) {
			return nil, fmt.Errorf("%w: the file identifier has an unexpected length", ErrPDF)
		}
		copy(pdf[m[k]:m[k+1]], id)
	}
	return pdf, nil
}

// Merge joins PDFs into one print batch for the mailroom: every page of the first, then
// every page of the second, and so on, with pdfcpu's merge. Unlike RenderAck's, the
// batch's bytes differ from run to run (pdfcpu numbers the objects it appends in Go map
// order and dates the batch when it is made); its pages are always the same.
func Merge(pdfs [][]byte) ([]byte, error) {
	if len(pdfs) == 0 {
		return nil, fmt.Errorf("%w: nothing to merge", ErrPDF)
	}
	rs := make([]io.ReadSeeker, len(pdfs))
	for i, p := range pdfs {
		rs[i] = bytes.NewReader(p)
	}
	var b bytes.Buffer
	if err := api.MergeRaw(rs, &b, false, config()); err != nil {
		return nil, fmt.Errorf("%w: merge: %v", ErrPDF, err)
	}
	return b.Bytes(), nil
}

// PageCount reads how many pages a PDF has.
func PageCount(pdf []byte) (int, error) {
	n, err := api.PageCount(bytes.NewReader(pdf), config())
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrPDF, err)
	}
	return n, nil
}
