package raster

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/form"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pdfPage is one leaf of the page tree with its inherited attributes resolved.
type pdfPage struct {
	dict      types.Dict
	box       box // the crop box within the media box: what a viewer shows
	rotate    int // 0, 90, 180 or 270, clockwise
	resources types.Dict
}

type pdfFile struct {
	xref    *model.XRefTable
	r       io.ReaderAt
	size    int64
	lim     Limits
	pages   []pdfPage
	hasForm bool
}

// minCoverage is the share of the page box the images must cover for the page to be
// taken from its images rather than rendered.
const minCoverage = 0.9

// letter is the page size viewers assume when a page has no media box.
var letter = box{0, 0, 612, 792}

var pdfcpuConfig sync.Once

// pdfcpuConf returns a configuration for reading: relaxed (as viewers are) and without
// pdfcpu's configuration folder, which it would otherwise create under the user's home.
func pdfcpuConf() *model.Configuration {
	pdfcpuConfig.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// openPDF reads the cross-reference table and all objects (pdfcpu loads them into
// memory), refuses encrypted files, walks the page tree and then lets go of the image
// data, which is read again from r when a page needs it.
func openPDF(r io.ReaderAt, size int64, lim Limits) (*pdfFile, error) {
	conf := pdfcpuConf()
	// With a command that cannot work on encrypted files, pdfcpu stops at the /Encrypt
	// entry, before any key is tried: every encrypted file is refused alike, whether or
	// not it has a user password and whatever its security handler.
	conf.Cmd = model.BOOKLET
	conf.Limits.MaxStreamBytes = lim.MaxFileBytes
	// Object and cross-reference streams hold the file's structure: a few kilobytes a page.
	// pdfcpu's own limits (512 MiB decoded, ten million objects) would let a file of a few
	// kilobytes claim hundreds of megabytes while it opens.
	conf.Limits.MaxDecodeBytes = lim.MaxDecodedBytes
	conf.Limits.MaxObjectCount = maxObjects(size)
	conf.Limits.MaxXRefEntries = maxObjects(size)
	ctx, err := readContext(io.NewSectionReader(r, 0, size), conf)
	if err != nil {
		if errors.Is(err, pdfcpu.ErrEncrypted) || errors.Is(err, pdfcpu.ErrWrongPassword) {
			return nil, ErrEncrypted
		}
		return nil, fail(ErrDamaged, "its cross-reference table or objects cannot be read")
	}
	if ctx.XRefTable.Encrypt != nil || ctx.E != nil {
		return nil, ErrEncrypted
	}
	f := &pdfFile{xref: ctx.XRefTable, r: r, size: size, lim: lim}
	if err := f.walkPages(lim); err != nil {
		return nil, err
	}
	f.hasForm = f.formPresent()
	f.dropImageData()
	// pdfcpu read every stream of the file into memory; give that memory back now rather
	// than at the collector's leisure, so a long scan costs its size only while it opens.
	runtime.GC()
	debug.FreeOSMemory()
	return f, nil
}

// maxObjects bounds the objects a file of size bytes may declare: every object takes some
// bytes of the file (twenty in a classic cross-reference table, a few in a compressed
// one), so more than one per two bytes, beyond a margin, is a file lying about itself.
func maxObjects(size int64) int {
	return int(min(size/2+100_000, 10_000_000))
}

// readContext runs pdfcpu's reader, which panics on some damaged files (seen in its xref
// repair); such a file is damaged like any other.
func readContext(rs io.ReadSeeker, conf *model.Configuration) (ctx *model.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			ctx, err = nil, errors.New("pdfcpu panicked")
		}
	}()
	return api.ReadContext(rs, conf)
}

// Helpers that resolve indirect references and read typed values, nil or false when the
// object is missing or of another type.

func (f *pdfFile) deref(o types.Object) types.Object {
	if o == nil {
		return nil
	}
	v, err := f.xref.Dereference(o)
	if err != nil {
		return nil
	}
	return v
}

func (f *pdfFile) dict(o types.Object) types.Dict {
	switch v := f.deref(o).(type) {
	case types.Dict:
		return v
	case types.StreamDict:
		return v.Dict
	}
	return nil
}

func (f *pdfFile) array(o types.Object) types.Array {
	a, _ := f.deref(o).(types.Array)
	return a
}

func (f *pdfFile) name(o types.Object) string {
	n, _ := f.deref(o).(types.Name)
	return string(n)
}

func (f *pdfFile) number(o types.Object) (float64, bool) {
	switch v := f.deref(o).(type) {
	case types.Integer:
		return float64(v), true
	case types.Float:
		return float64(v), !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
	}
	return 0, false
}

func (f *pdfFile) integer(o types.Object, def int) int {
	if v, ok := f.number(o); ok && math.Abs(v) < 1<<31 {
		return int(v)
	}
	return def
}

func (f *pdfFile) boolean(o types.Object) bool {
	b, _ := f.deref(o).(types.Boolean)
	return bool(b)
}

// rect reads a rectangle array, normalised.
func (f *pdfFile) rect(o types.Object) (box, bool) {
	a := f.array(o)
	if len(a) != 4 {
		return box{}, false
	}
	var v [4]float64
	for i := range v {
		var ok bool
		if v[i], ok = f.number(a[i]); !ok || math.Abs(v[i]) > 1e7 {
			return box{}, false
		}
	}
	b := box{min(v[0], v[2]), min(v[1], v[3]), max(v[0], v[2]), max(v[1], v[3])}
	return b, b.w() > 0 && b.h() > 0
}

// walkPages collects the leaves of the page tree with their inherited attributes,
// refusing loops, missing pages and more pages than the limit.
func (f *pdfFile) walkPages(lim Limits) error {
	cat, err := f.xref.Catalog()
	if err != nil || cat == nil {
		return fail(ErrDamaged, "its catalog is missing")
	}
	root := cat["Pages"]
	rd := f.dict(root)
	if rd == nil {
		return fail(ErrDamaged, "its page tree is missing")
	}
	if n := f.integer(rd["Count"], 0); n > lim.MaxPages {
		return fail(ErrTooLarge, "the file has %d pages, over the limit of %d", n, lim.MaxPages)
	}
	type inherited struct {
		media, crop types.Object
		rotate      types.Object
		resources   types.Object
	}
	seen := map[int]bool{}
	var visit func(o types.Object, in inherited, depth int) error
	visit = func(o types.Object, in inherited, depth int) error {
		if depth > 64 {
			return fail(ErrDamaged, "its page tree is too deep")
		}
		if ir, ok := o.(types.IndirectRef); ok {
			nr := ir.ObjectNumber.Value()
			if seen[nr] {
				return fail(ErrDamaged, "its page tree loops back on itself")
			}
			seen[nr] = true
		}
		d := f.dict(o)
		if d == nil {
			return fail(ErrDamaged, "page %d is missing", len(f.pages)+1)
		}
		for key, dst := range map[string]*types.Object{"MediaBox": &in.media, "CropBox": &in.crop, "Rotate": &in.rotate, "Resources": &in.resources} {
			if v, ok := d[key]; ok && v != nil {
				*dst = v
			}
		}
		kids, hasKids := d["Kids"]
		if f.name(d["Type"]) == "Page" || (!hasKids && f.name(d["Type"]) != "Pages") {
			if len(f.pages) >= lim.MaxPages {
				return fail(ErrTooLarge, "the file has more than %d pages", lim.MaxPages)
			}
			f.pages = append(f.pages, f.newPage(d, in.media, in.crop, in.rotate, in.resources))
			return nil
		}
		for _, k := range f.array(kids) {
			if k == nil {
				continue
			}
			if err := visit(k, in, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return visit(root, inherited{}, 0)
}

func (f *pdfFile) newPage(d types.Dict, media, crop, rot, res types.Object) pdfPage {
	p := pdfPage{dict: d, box: letter, resources: f.dict(res)}
	if m, ok := f.rect(media); ok {
		p.box = m
	}
	if c, ok := f.rect(crop); ok {
		if in := c.intersect(p.box); in.w() > 0 && in.h() > 0 {
			p.box = in
		}
	}
	r := f.integer(rot, 0) % 360
	if r < 0 {
		r += 360
	}
	if r%90 == 0 {
		p.rotate = r
	}
	if p.resources == nil {
		p.resources = types.Dict{}
	}
	return p
}

// formPresent says whether the catalog has an AcroForm with fields.
func (f *pdfFile) formPresent() bool {
	cat, err := f.xref.Catalog()
	if err != nil {
		return false
	}
	return len(f.array(f.dict(cat["AcroForm"])["Fields"])) > 0
}

// dropImageData releases the encoded data of image streams that can be read again from
// the file at the same offset, so that an open document holds only the file's structure.
func (f *pdfFile) dropImageData() {
	for _, e := range f.xref.Table {
		if e == nil || e.Free || e.Compressed {
			continue
		}
		sd, ok := e.Object.(types.StreamDict)
		if !ok || f.name(sd.Dict["Subtype"]) != "Image" || len(sd.Raw) < 64 || !f.rereadable(&sd) {
			continue
		}
		sd.Raw, sd.Content = nil, nil
		e.Object = sd
	}
}

// rereadable checks that a stream's encoded data sits in the file where the stream dict
// says (its first and last bytes match).
func (f *pdfFile) rereadable(sd *types.StreamDict) bool {
	if sd.StreamLength == nil || *sd.StreamLength != int64(len(sd.Raw)) || sd.StreamOffset <= 0 ||
		sd.StreamOffset > f.size-int64(len(sd.Raw)) {
		return false
	}
	n := min(16, len(sd.Raw))
	head, tail := make([]byte, n), make([]byte, n)
	if k, _ := f.r.ReadAt(head, sd.StreamOffset); k < n {
		return false
	}
	if k, _ := f.r.ReadAt(tail, sd.StreamOffset+int64(len(sd.Raw)-n)); k < n {
		return false
	}
	return bytes.Equal(head, sd.Raw[:n]) && bytes.Equal(tail, sd.Raw[len(sd.Raw)-n:])
}

// raw returns a stream's encoded data, reading it again from the file if it was dropped.
func (f *pdfFile) raw(sd *types.StreamDict) ([]byte, error) {
	if sd.Raw != nil || sd.StreamLength == nil || *sd.StreamLength == 0 {
		return sd.Raw, nil
	}
	n, off := *sd.StreamLength, sd.StreamOffset
	if n < 0 || off <= 0 || off > f.size || n > f.size-off {
		return nil, errUndecodable
	}
	b := make([]byte, n)
	if k, _ := f.r.ReadAt(b, off); int64(k) < n {
		return nil, errUndecodable
	}
	return b, nil
}

// filterSpec is one entry of a stream's filter pipeline.
type filterSpec struct {
	name  string
	parms types.Dict
}

// filterNames maps the abbreviations of inline images to the filters' names.
var filterNames = map[string]string{
	"AHx": filter.ASCIIHex, "A85": filter.ASCII85, "LZW": filter.LZW, "Fl": filter.Flate,
	"RL": filter.RunLength, "CCF": filter.CCITTFax, "DCT": filter.DCT,
}

func (f *pdfFile) filters(d types.Dict) []filterSpec {
	var names []string
	switch v := f.deref(d["Filter"]).(type) {
	case types.Name:
		names = []string{string(v)}
	case types.Array:
		for _, o := range v {
			names = append(names, f.name(o))
		}
	}
	var parms []types.Dict
	switch v := f.deref(d["DecodeParms"]).(type) {
	case types.Dict:
		parms = []types.Dict{v}
	case types.Array:
		for _, o := range v {
			parms = append(parms, f.dict(o))
		}
	}
	specs := make([]filterSpec, len(names))
	for i, n := range names {
		if full, ok := filterNames[n]; ok {
			n = full
		}
		specs[i].name = n
		if i < len(parms) {
			specs[i].parms = parms[i]
		}
	}
	return specs
}

// errUndecodable reports image or content data this package cannot decode; the page is
// then rendered.
var errUndecodable = errors.New("raster: data not decodable here")

// isGeneric says whether a filter yields bytes for another stage (not image samples
// coded in an image format).
func isGeneric(name string) bool {
	switch name {
	case filter.Flate, filter.LZW, filter.ASCII85, filter.ASCIIHex, filter.RunLength:
		return true
	}
	return false
}

// errOverLimit says a stream decodes to more bytes than its reader allows. A decoder that
// returns it also returns the bytes up to the limit, which image data may use (viewers
// ignore what follows an image's last row) and content streams must not.
var errOverLimit = errors.New("raster: decoded data over the limit")

// decodeGeneric applies one generic filter, producing at most limit bytes; Flate and LZW
// predictors are undone here. Data that would decode to more gives the first limit bytes
// (Flate) or none (the other filters) with errOverLimit: a decompression bomb costs no
// more than limit, whatever it would inflate to.
func (f *pdfFile) decodeGeneric(data []byte, fs filterSpec, limit int64) ([]byte, error) {
	if limit <= 0 {
		return nil, errOverLimit
	}
	// A little slack: predictor rows carry a tag byte each.
	readLimit := limit + limit/8 + 1024
	var out []byte
	over := false
	if fs.name == filter.Flate {
		var err error
		if out, over, err = inflate(data, readLimit); err != nil {
			return nil, err
		}
	} else {
		parms := map[string]int{}
		if fs.name == filter.LZW {
			parms["EarlyChange"] = f.integer(fs.parms["EarlyChange"], 1)
		}
		flt, err := filter.NewFilter(fs.name, parms, readLimit)
		if err != nil {
			return nil, errUndecodable
		}
		rd, err := flt.Decode(bytes.NewReader(data))
		if errors.Is(err, filter.ErrDecodeLimitExceeded) {
			return nil, errOverLimit
		}
		if err != nil {
			return nil, errUndecodable
		}
		if b, ok := rd.(*bytes.Buffer); ok {
			out = b.Bytes()
		} else if out, err = io.ReadAll(io.LimitReader(rd, readLimit+1)); err != nil {
			return nil, errUndecodable
		}
		if int64(len(out)) > readLimit {
			out, over = out[:readLimit], true
		}
	}
	if fs.name == filter.Flate || fs.name == filter.LZW {
		if pred := f.integer(fs.parms["Predictor"], 1); pred > 1 {
			var err error
			out, err = unpredict(out, pred, f.integer(fs.parms["Colors"], 1),
				f.integer(fs.parms["BitsPerComponent"], 8), f.integer(fs.parms["Columns"], 1))
			if err != nil {
				return nil, err
			}
		}
	}
	if int64(len(out)) > limit {
		out, over = out[:limit], true
	}
	if over {
		return out, errOverLimit
	}
	return out, nil
}

// inflate decodes zlib data, at most limit bytes of it; over says there was more. A
// stream cut short gives what it holds (pdfcpu's Flate filter does the same); data that
// does not decode, or whose checksum is wrong, is undecodable.
func inflate(data []byte, limit int64) (out []byte, over bool, err error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, false, errUndecodable
	}
	defer zr.Close()
	out, err = io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, false, errUndecodable
	}
	if int64(len(out)) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// streamData decodes a stream whose filters are all generic (content streams, forms),
// refusing with errOverLimit one that decodes to more than limit bytes.
func (f *pdfFile) streamData(sd *types.StreamDict, limit int64) ([]byte, error) {
	data, err := f.raw(sd)
	if err != nil {
		return nil, err
	}
	for _, fs := range f.filters(sd.Dict) {
		if !isGeneric(fs.name) {
			return nil, errUndecodable
		}
		if data, err = f.decodeGeneric(data, fs, limit); err != nil {
			return nil, err
		}
	}
	if int64(len(data)) > limit {
		return nil, errOverLimit
	}
	return data, nil
}

// pageContent returns the page's content streams, joined.
func (f *pdfFile) pageContent(d types.Dict) ([]byte, error) {
	var parts []types.Object
	switch v := f.deref(d["Contents"]).(type) {
	case nil:
		return nil, nil
	case types.StreamDict:
		parts = []types.Object{v}
	case types.Array:
		parts = v
	default:
		return nil, errUndecodable
	}
	var out []byte
	for _, o := range parts {
		sd, ok := f.deref(o).(types.StreamDict)
		if !ok {
			continue
		}
		b, err := f.streamData(&sd, f.lim.MaxDecodedBytes-int64(len(out)))
		if err != nil {
			return nil, err
		}
		out = append(append(out, b...), '\n')
	}
	return out, nil
}

// pdfPage decodes page i: from its images when they cover the page and nothing else shows,
// else by rendering it.
func (d *Document) pdfPage(i int) (*Page, error) {
	f := d.pdf
	pg := &f.pages[i]
	scan, err := f.scanPage(pg)
	if errors.Is(err, errOverLimit) {
		// A renderer would have to read it all; a content stream this large is not a
		// scan or a letter, and may be a decompression bomb.
		return nil, fail(ErrTooLarge, "the content of page %d decodes to more than %d bytes, the limit", i+1, d.lim.MaxDecodedBytes)
	}
	if err == nil && !scan.other && f.coverage(pg, scan) >= minCoverage {
		p, err := f.imagePage(pg, scan, d.lim, i)
		if err == nil {
			return p, nil
		}
		if errors.Is(err, ErrTooLarge) {
			return nil, err // rendering would not make it smaller
		}
		// Anything else (a filter this package does not decode, a layout libtiff does not
		// read, data that does not decode) is poppler's to try.
	}
	return d.renderPage(i, pg)
}

// coverage is the share of the page box the images cover (overlaps counted twice).
func (f *pdfFile) coverage(pg *pdfPage, scan *pageScan) float64 {
	var a float64
	for _, pl := range scan.images {
		b := pl.m.bounds().intersect(pg.box)
		a += b.w() * b.h()
	}
	return a / (pg.box.w() * pg.box.h())
}

// imagePage composes the page from its images at the resolution of the largest.
func (f *pdfFile) imagePage(pg *pdfPage, scan *pageScan, lim Limits, i int) (*Page, error) {
	what := fmt.Sprintf("page %d", i+1)
	best, bestArea := 0, -1.0
	for k, pl := range scan.images {
		b := pl.m.bounds().intersect(pg.box)
		if a := b.w() * b.h(); a > bestArea {
			best, bestArea = k, a
		}
	}
	prim := scan.images[best]
	w, h := f.integer(prim.sd.Dict["Width"], 0), f.integer(prim.sd.Dict["Height"], 0)
	if err := checkPixels("the image of "+what, int64(w), int64(h), lim); err != nil {
		return nil, err
	}
	xdpi, ydpi := prim.m.resolution(w, h)
	cwf, chf := pg.box.w()*xdpi/72, pg.box.h()*ydpi/72
	if !(cwf >= 1 && chf >= 1) || cwf > 1e9 || chf > 1e9 {
		return nil, errUndecodable
	}
	cw, ch := int(math.Round(cwf)), int(math.Round(chf))
	if err := checkPixels(what, int64(cw), int64(ch), lim); err != nil {
		return nil, err
	}

	var img *image.Gray
	var source string
	if len(scan.images) == 1 {
		src, s, err := f.decodeImage(prim.sd, lim, "the image of "+what)
		if err != nil {
			return nil, err
		}
		source = s
		if fitsExactly(prim.m, pg.box, src, cw, ch, xdpi, ydpi) {
			img = src
		} else {
			c := newCanvas(pg.box, xdpi, ydpi, cw, ch)
			c.draw(src, prim.m)
			img = c.img
		}
	} else {
		c := newCanvas(pg.box, xdpi, ydpi, cw, ch)
		for k, pl := range scan.images {
			src, s, err := f.decodeImage(pl.sd, lim, "an image of "+what)
			if err != nil {
				return nil, err
			}
			if k == best {
				source = s
			}
			c.draw(src, pl.m)
		}
		img = c.img
	}
	p := &Page{Image: rotate(img, pg.rotate), XDPI: roundDPI(xdpi), YDPI: roundDPI(ydpi), Rotate: pg.rotate, Source: source}
	if pg.rotate == 90 || pg.rotate == 270 {
		p.XDPI, p.YDPI = p.YDPI, p.XDPI
	}
	return p, nil
}

// fitsExactly says whether an image placed by m is the page box pixel for pixel, so
// that it can be the page image as it is.
func fitsExactly(m matrix, b box, img *image.Gray, cw, ch int, xdpi, ydpi float64) bool {
	if img.Rect.Dx() != cw || img.Rect.Dy() != ch || m[0] <= 0 || m[3] <= 0 {
		return false
	}
	tx, ty := 0.25*72/xdpi, 0.25*72/ydpi // a quarter pixel
	return math.Abs(m[1]) < 1e-9 && math.Abs(m[2]) < 1e-9 &&
		math.Abs(m[4]-b.llx) < tx && math.Abs(m[4]+m[0]-b.urx) < tx &&
		math.Abs(m[5]-b.lly) < ty && math.Abs(m[5]+m[3]-b.ury) < ty
}

// formFields reads the AcroForm through pdfcpu (which validates the file for it).
func (f *pdfFile) formFields(r io.ReaderAt, size int64) (map[string]string, error) {
	out := map[string]string{}
	if !f.hasForm {
		return out, nil
	}
	fields, err := func() (fields []form.Field, err error) {
		defer func() {
			// pdfcpu's validation, which reading a form needs, panics on some damaged files.
			if r := recover(); r != nil {
				fields, err = nil, errors.New("pdfcpu panicked")
			}
		}()
		return api.FormFields(io.NewSectionReader(r, 0, size), pdfcpuConf())
	}()
	if err != nil {
		if strings.Contains(err.Error(), "no form") {
			return out, nil
		}
		return nil, fail(ErrDamaged, "its form fields cannot be read")
	}
	for _, fl := range fields {
		key := fl.Name
		if key == "" {
			key = fl.ID
		}
		out[key] = fl.V
	}
	return out, nil
}
