package raster

import (
	"bytes"
	"strconv"
)

// The content-stream reader: just enough of PDF's page description to find where images
// are drawn (q, Q, cm, Do, forms) and whether anything else shows on the page (visible
// text, painted paths, inline images, shadings).

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tName
	tOperand // string, array, dict, boolean or null: kept only as a placeholder
	tOp
)

type token struct {
	kind tokKind
	num  float64
	s    string // name (without the slash) or operator
}

type lexer struct {
	b []byte
	i int
}

func isSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) skipSpace() {
	for l.i < len(l.b) {
		c := l.b[l.i]
		if isSpace(c) {
			l.i++
		} else if c == '%' {
			for l.i < len(l.b) && l.b[l.i] != '\n' && l.b[l.i] != '\r' {
				l.i++
			}
		} else {
			return
		}
	}
}

// regular reads a run of regular characters.
func (l *lexer) regular() []byte {
	start := l.i
	for l.i < len(l.b) && !isSpace(l.b[l.i]) && !isDelim(l.b[l.i]) {
		l.i++
	}
	return l.b[start:l.i]
}

// skipString skips a literal string, the opening parenthesis already read.
func (l *lexer) skipString() {
	depth := 1
	for l.i < len(l.b) && depth > 0 {
		switch l.b[l.i] {
		case '\\':
			l.i++
		case '(':
			depth++
		case ')':
			depth--
		}
		l.i++
	}
}

// skipComposite skips an array or dictionary, its opening bracket already read.
func (l *lexer) skipComposite() {
	depth := 1
	for depth > 0 {
		t := l.next()
		switch {
		case t.kind == tEOF:
			return
		case t.kind == tOp && (t.s == "[" || t.s == "<<"):
			depth++
		case t.kind == tOp && (t.s == "]" || t.s == ">>"):
			depth--
		}
	}
}

// next returns the next token; brackets come as tOp tokens "[", "]", "<<", ">>".
func (l *lexer) next() token {
	l.skipSpace()
	if l.i >= len(l.b) {
		return token{kind: tEOF}
	}
	c := l.b[l.i]
	switch c {
	case '/':
		l.i++
		return token{kind: tName, s: decodeName(l.regular())}
	case '(':
		l.i++
		l.skipString()
		return token{kind: tOperand}
	case '<':
		if l.i+1 < len(l.b) && l.b[l.i+1] == '<' {
			l.i += 2
			return token{kind: tOp, s: "<<"}
		}
		if j := bytes.IndexByte(l.b[l.i:], '>'); j >= 0 {
			l.i += j + 1
		} else {
			l.i = len(l.b)
		}
		return token{kind: tOperand}
	case '>':
		if l.i+1 < len(l.b) && l.b[l.i+1] == '>' {
			l.i += 2
			return token{kind: tOp, s: ">>"}
		}
		l.i++
		return token{kind: tOperand}
	case '[', ']', '{', '}':
		l.i++
		return token{kind: tOp, s: string(c)}
	case ')':
		l.i++
		return token{kind: tOperand}
	}
	word := l.regular()
	if len(word) == 0 { // a stray delimiter
		l.i++
		return token{kind: tOperand}
	}
	if c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
		if v, ok := parseNumber(word); ok {
			return token{kind: tNum, num: v}
		}
	}
	switch string(word) {
	case "true", "false", "null":
		return token{kind: tOperand}
	}
	return token{kind: tOp, s: string(word)}
}

// parseNumber reads a PDF number leniently (as viewers do: "4.", ".5", "--2").
func parseNumber(w []byte) (float64, bool) {
	neg := false
	for len(w) > 0 && (w[0] == '-' || w[0] == '+') {
		neg = neg != (w[0] == '-')
		w = w[1:]
	}
	if len(w) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(w), 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func decodeName(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

// skipInlineImage skips from after BI to after EI.
func (l *lexer) skipInlineImage() {
	length := -1
	var key string
	for {
		t := l.next()
		if t.kind == tEOF {
			return
		}
		if t.kind == tOp && t.s == "ID" {
			break
		}
		if t.kind == tOp && (t.s == "[" || t.s == "<<") {
			l.skipComposite()
		}
		if t.kind == tName && key == "" {
			key = t.s
			continue
		}
		if (key == "L" || key == "Length") && t.kind == tNum {
			length = int(t.num)
		}
		key = ""
	}
	// One white-space character follows ID; then the data.
	if l.i < len(l.b) {
		l.i++
	}
	if length >= 0 && length <= len(l.b)-l.i {
		l.i += length
		l.skipSpace()
		if bytes.HasPrefix(l.b[l.i:], []byte("EI")) {
			l.i += 2
			return
		}
	}
	// Otherwise the data ends at the first EI standing alone.
	for {
		j := bytes.Index(l.b[l.i:], []byte("EI"))
		if j < 0 {
			l.i = len(l.b)
			return
		}
		at := l.i + j
		l.i = at + 2
		before := at == 0 || isSpace(l.b[at-1])
		after := at+2 >= len(l.b) || isSpace(l.b[at+2]) || isDelim(l.b[at+2])
		if before && after {
			return
		}
	}
}
