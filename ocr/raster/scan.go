package raster

import (
	"errors"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// placement is one image XObject drawn on the page.
type placement struct {
	sd *types.StreamDict
	m  matrix // the image's unit square to page space
}

// pageScan is what a page's content draws.
type pageScan struct {
	images []placement
	// other says something besides images shows: visible text, painted paths, shadings or
	// inline images (anything drawn before a full-page image is hidden by it and ignored).
	other bool
}

const (
	maxFormDepth   = 8
	maxGStateDepth = 1024
	maxPlacements  = 10000
)

type gstate struct {
	ctm      matrix
	textMode int
}

// scanner interprets content streams.
type scanner struct {
	pdf   *pdfFile
	out   pageScan
	bytes int64
	forms map[int]bool // form XObjects being drawn, against loops
	err   error        // errOverLimit once the content, forms included, decoded to more than the limit
}

// scanPage reads the page's content streams.
func (f *pdfFile) scanPage(pg *pdfPage) (*pageScan, error) {
	s := &scanner{pdf: f, forms: map[int]bool{}}
	content, err := f.pageContent(pg.dict)
	if err != nil {
		return nil, err
	}
	s.bytes = int64(len(content))
	s.run(content, pg.resources, gstate{ctm: identity}, 0)
	if s.err != nil {
		return nil, s.err
	}
	return &s.out, nil
}

// paint records that something other than an image was drawn.
func (s *scanner) paint() {
	if len(s.out.images) > 0 {
		s.out.other = true
	}
}

func (s *scanner) run(content []byte, res types.Dict, gs gstate, depth int) {
	l := &lexer{b: content}
	var stack []gstate
	ops := make([]token, 0, 16) // operands since the last operator (the last 16 only)
	push := func(t token) {
		if len(ops) == cap(ops) {
			copy(ops, ops[1:])
			ops = ops[:len(ops)-1]
		}
		ops = append(ops, t)
	}
	for s.err == nil {
		t := l.next()
		switch t.kind {
		case tEOF:
			return
		case tNum, tName, tOperand:
			push(t)
			continue
		}
		switch t.s {
		case "[", "<<":
			l.skipComposite()
			push(token{kind: tOperand})
			continue
		case "q":
			if len(stack) < maxGStateDepth {
				stack = append(stack, gs)
			}
		case "Q":
			if len(stack) > 0 {
				gs = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			if m, ok := lastMatrix(ops); ok {
				gs.ctm = m.mul(gs.ctm)
			}
		case "Tr":
			if len(ops) > 0 && ops[len(ops)-1].kind == tNum {
				gs.textMode = int(ops[len(ops)-1].num)
			}
		case "Tj", "TJ", "'", "\"":
			// Render modes 3 (invisible, the OCR layer of a searchable scan) and 7 (clip
			// only) show nothing.
			if gs.textMode != 3 && gs.textMode != 7 {
				s.paint()
			}
		case "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh":
			s.paint()
		case "BI":
			l.skipInlineImage()
			s.paint()
		case "Do":
			if len(ops) > 0 && ops[len(ops)-1].kind == tName {
				s.do(ops[len(ops)-1].s, res, gs, depth)
			}
		}
		ops = ops[:0]
	}
}

// lastMatrix reads the six numbers before cm.
func lastMatrix(ops []token) (matrix, bool) {
	if len(ops) < 6 {
		return matrix{}, false
	}
	var m matrix
	for i, t := range ops[len(ops)-6:] {
		if t.kind != tNum {
			return matrix{}, false
		}
		m[i] = t.num
	}
	return m, m.finite()
}

// do draws the XObject named name from the resources.
func (s *scanner) do(name string, res types.Dict, gs gstate, depth int) {
	x := s.pdf.xref
	xobjs := s.pdf.dict(res["XObject"])
	if xobjs == nil {
		return
	}
	ref := xobjs[name]
	objNr := -1
	if ir, ok := ref.(types.IndirectRef); ok {
		objNr = ir.ObjectNumber.Value()
	}
	sd, _, err := x.DereferenceStreamDict(ref)
	if err != nil || sd == nil {
		return
	}
	switch s.pdf.name(sd.Dict["Subtype"]) {
	case "Image":
		if len(s.out.images) < maxPlacements {
			s.out.images = append(s.out.images, placement{sd: sd, m: gs.ctm})
		} else {
			s.out.other = true
		}
	case "Form":
		if depth >= maxFormDepth || s.forms[objNr] {
			s.paint()
			return
		}
		m := identity
		if a := s.pdf.array(sd.Dict["Matrix"]); len(a) == 6 {
			for i, o := range a {
				m[i], _ = s.pdf.number(o)
			}
			if !m.finite() {
				m = identity
			}
		}
		fres := s.pdf.dict(sd.Dict["Resources"])
		if fres == nil {
			fres = res
		}
		content, err := s.pdf.streamData(sd, s.pdf.lim.MaxDecodedBytes-s.bytes)
		if errors.Is(err, errOverLimit) {
			s.err = err
			return
		}
		if err != nil {
			s.paint()
			return
		}
		s.bytes += int64(len(content))
		if objNr >= 0 {
			s.forms[objNr] = true
			defer delete(s.forms, objNr)
		}
		s.run(content, fres, gstate{ctm: m.mul(gs.ctm), textMode: gs.textMode}, depth+1)
	}
}
