package review_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"intake/pipeline"
	"intake/pipeline/record"
	"intake/pipeline/review"
	"intake/sinks/archive"
	"intake/sinks/store"
)

// Values a log or an event must never hold: they stand for health information.
const (
	lastName  = "Quixotena"
	corrected = "Quixoteña-Ruiz"
	password  = "a long test password"
)

// station is a review station over a real embedded store and archive, holding one case
// (two flagged fields, one not), an unmatched document and a quarantined input.
type station struct {
	t         *testing.T
	st        *store.Store
	srv       *httptest.Server
	logs      *bytes.Buffer
	c         *record.Case
	doc       *record.Document // the case's document: last name, signed (flagged), plan
	unmatched *record.Document
	input     *record.Input // the case's input, archived from a real fax
	badInput  *record.Input // an input whose archive path leaves the data folder
	data      string        // the data folder
}

func newStation(t *testing.T) *station {
	t.Helper()
	ctx := t.Context()
	data := t.TempDir()
	st, err := store.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	arc, err := archive.New(data, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	received := time.Date(2026, time.November, 2, 15, 46, 29, 0, time.UTC)
	rel, err := arc.Keep("../../fixtures/sample/fax001009.tif", "4f1c", ".tif", received)
	if err != nil {
		t.Fatal(err)
	}
	s := &station{t: t, st: st, logs: &bytes.Buffer{}, data: data}
	s.input = &record.Input{ClaimID: "c1", SHA256: "4f1c", Name: "fax001009.tif", Channel: "fax", ReceivedAt: received,
		Pages: 2, Status: record.Processed, Archive: rel}
	s.doc = &record.Document{Kind: "imr_form", Pages: []int{1, 2}, Confidence: 0.9, Language: "en", Fields: []record.Field{
		{Key: "patient.last_name", Value: lastName, Confidence: 0.5, Page: 1, NeedsReview: true, Box: [4]float64{0.1, 0.2, 0.4, 0.24}},
		{Key: "plan", Value: "Blue Plan", Confidence: 0.97, Page: 1},
		{Key: "signed", Value: false, Confidence: 0.4, Page: 2, NeedsReview: true, Box: [4]float64{0.6, 0.8, 0.7, 0.85}},
	}}
	other := &record.Input{ClaimID: "c2", SHA256: "77aa", Name: "letter.pdf", Channel: "mail", ReceivedAt: received.Add(time.Hour),
		Pages: 1, Status: record.Processed, Archive: rel}
	s.unmatched = &record.Document{Kind: "denial_letter", Pages: []int{1}, Confidence: 0.8, Language: "en"}
	quarantined := &record.Input{ClaimID: "c3", SHA256: "9e9e", Name: "broken.pdf", Channel: "mail", ReceivedAt: received,
		Status: record.Quarantined, Error: "The file is damaged and cannot be read.", Archive: "quarantine/x"}
	s.badInput = &record.Input{ClaimID: "c4", SHA256: "0bad", Name: "x.tif", Channel: "fax", ReceivedAt: received,
		Pages: 1, Status: record.Processed, Archive: "../../etc/passwd"}
	s.c = &record.Case{Kind: "imr", ReceivedAt: received, Language: "en", AckDue: "2026-11-07"}
	err = st.Update(ctx, func(tx pipeline.Tx) error {
		for _, in := range []*record.Input{s.input, other, quarantined, s.badInput} {
			if err := tx.AddInput(in); err != nil {
				return err
			}
		}
		s.doc.InputID, s.unmatched.InputID = s.input.ID, other.ID
		for _, d := range []*record.Document{s.doc, s.unmatched} {
			if err := tx.AddDocument(d); err != nil {
				return err
			}
		}
		if err := tx.CreateCase(s.c); err != nil {
			return err
		}
		return tx.Link(s.c.ID, s.doc.ID, record.LinkOpened)
	})
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if _, err := st.AddUser(ctx, "ana", string(hash)); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.srv = httptest.NewServer(review.New(st, arc, review.Options{Log: log}))
	t.Cleanup(s.srv.Close)
	t.Cleanup(func() {
		for _, v := range []string{lastName, corrected, password} {
			if strings.Contains(s.logs.String(), v) {
				t.Errorf("the log holds %q:\n%s", v, s.logs)
			}
		}
	})
	return s
}

// client is a browser: it keeps cookies and does not follow redirects, so that tests see
// them.
func (s *station) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends a request and returns the response with its body read.
func (s *station) do(c *http.Client, method, path string, form url.Values, header ...string) (*http.Response, string) {
	s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(s.t.Context(), method, s.srv.URL+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return m[1]
}

// login signs c in as name with pw and returns the response to the sign-in.
func (s *station) login(c *http.Client, name, pw string) *http.Response {
	s.t.Helper()
	_, page := s.do(c, "GET", "/review/login", nil)
	resp, _ := s.do(c, "POST", "/review/login", url.Values{"csrf": {csrfOf(s.t, page)}, "name": {name}, "password": {pw}})
	return resp
}

// signedIn is a client signed in as ana, and the session's CSRF token.
func (s *station) signedIn() (*http.Client, string) {
	s.t.Helper()
	c := s.client()
	if resp := s.login(c, "ana", password); resp.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("sign-in: %s", resp.Status)
	}
	_, page := s.do(c, "GET", "/review/", nil)
	return c, csrfOf(s.t, page)
}

func (s *station) caseDoc() record.Document {
	s.t.Helper()
	docs, err := s.st.CaseDocuments(s.t.Context(), s.c.ID)
	if err != nil || len(docs) == 0 {
		s.t.Fatalf("CaseDocuments: %d, %v", len(docs), err)
	}
	return docs[0]
}

func wantStatus(t *testing.T, what string, resp *http.Response, code int) {
	t.Helper()
	if resp.StatusCode != code {
		t.Errorf("%s: %s, want %d", what, resp.Status, code)
	}
}

func TestSignedOutIsDenied(t *testing.T) {
	s := newStation(t)
	fieldID := strconv.FormatInt(s.doc.Fields[0].ID, 10)
	pages := []struct{ method, path string }{
		{"GET", "/review/"},
		{"GET", "/review/cases/" + s.c.Number},
		{"GET", "/review/nothing-here"},
		{"POST", "/review/fields/" + fieldID},
		{"POST", "/review/documents/" + strconv.FormatInt(s.unmatched.ID, 10) + "/attach"},
		{"POST", "/review/logout"},
	}
	for _, forged := range []bool{false, true} {
		c := s.client()
		if forged {
			u, _ := url.Parse(s.srv.URL + "/review/")
			c.Jar.SetCookies(u, []*http.Cookie{{Name: "intake_review", Value: "made-up", Path: "/review/"}})
		}
		for _, p := range pages {
			resp, body := s.do(c, p.method, p.path, url.Values{"value": {"x"}, "case": {s.c.Number}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/review/login" {
				t.Errorf("%s %s (forged cookie %v): %s to %q, want a redirect to the sign-in page", p.method, p.path, forged,
					resp.Status, resp.Header.Get("Location"))
			}
			if strings.Contains(body, s.c.Number) {
				t.Errorf("%s %s shows the case without a session", p.method, p.path)
			}
		}
		resp, _ := s.do(c, "GET", "/review/pages/"+strconv.FormatInt(s.input.ID, 10)+"/1.png", nil)
		wantStatus(t, "a page image without a session", resp, http.StatusUnauthorized)
	}
	if f := s.caseDoc().Fields[0]; f.Value != lastName || !f.NeedsReview {
		t.Errorf("a POST without a session changed the field: value changed %v, needs_review %v", f.Value != lastName, f.NeedsReview)
	}
	// The stylesheet and the script hold no data: the sign-in page needs them.
	for _, p := range []string{"/review/static/review.css", "/review/static/review.js", "/review/login"} {
		resp, _ := s.do(s.client(), "GET", p, nil)
		wantStatus(t, "GET "+p+" without a session", resp, http.StatusOK)
	}
}

func TestLogin(t *testing.T) {
	s := newStation(t)
	for _, tt := range []struct{ name, pw string }{{"ana", "wrong password"}, {"nobody", password}, {"ana", ""}} {
		c := s.client()
		resp := s.login(c, tt.name, tt.pw)
		wantStatus(t, "sign-in as "+tt.name+" with a wrong password", resp, http.StatusUnauthorized)
		resp, _ = s.do(c, "GET", "/review/", nil)
		wantStatus(t, "the queues after a refused sign-in", resp, http.StatusSeeOther)
	}

	// The sign-in form's own CSRF token: missing, or another browser's.
	c := s.client()
	resp, _ := s.do(c, "POST", "/review/login", url.Values{"name": {"ana"}, "password": {password}})
	wantStatus(t, "sign-in without the form's token", resp, http.StatusForbidden)
	_, page := s.do(s.client(), "GET", "/review/login", nil)
	resp, _ = s.do(c, "POST", "/review/login", url.Values{"csrf": {csrfOf(t, page)}, "name": {"ana"}, "password": {password}})
	wantStatus(t, "sign-in with another browser's token", resp, http.StatusForbidden)

	resp = s.login(c, "ana", password)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/review/" {
		t.Fatalf("sign-in: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "intake_review" && ck.Value != "" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/review/" || cookie.Secure {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/review/, not Secure over plain HTTP", cookie)
	}
	resp, _ = s.do(c, "GET", "/review/login", nil)
	wantStatus(t, "the sign-in page when signed in", resp, http.StatusSeeOther)

	resp, _ = s.do(c, "POST", "/review/logout", url.Values{"csrf": {"wrong"}})
	wantStatus(t, "sign-out with a wrong token", resp, http.StatusForbidden)
	_, page = s.do(c, "GET", "/review/", nil)
	resp, _ = s.do(c, "POST", "/review/logout", url.Values{"csrf": {csrfOf(t, page)}})
	wantStatus(t, "sign-out", resp, http.StatusSeeOther)
	resp, _ = s.do(c, "GET", "/review/", nil)
	wantStatus(t, "the queues after signing out", resp, http.StatusSeeOther)
}

func TestQueues(t *testing.T) {
	s := newStation(t)
	c, _ := s.signedIn()
	resp, page := s.do(c, "GET", "/review/", nil)
	wantStatus(t, "the queues", resp, http.StatusOK)
	for _, want := range []string{
		`href="/review/cases/` + s.c.Number + `"`, "patient.last_name (0.50)", "signed (0.40)",
		`action="/review/documents/` + strconv.FormatInt(s.unmatched.ID, 10) + `/attach"`,
		"The file is damaged and cannot be read.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the queues page lacks %q", want)
		}
	}
	if strings.Contains(page, "plan (") {
		t.Error("the queues list a field that needs no review")
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
}

func TestCasePage(t *testing.T) {
	s := newStation(t)
	c, _ := s.signedIn()
	resp, page := s.do(c, "GET", "/review/cases/"+s.c.Number, nil)
	wantStatus(t, "the case page", resp, http.StatusOK)
	last, plan, signed := s.doc.Fields[0], s.doc.Fields[1], s.doc.Fields[2]
	// Flagged first (last name, signed), then the rest; the first flagged has the focus.
	order := []int{
		strings.Index(page, `id="v-`+strconv.FormatInt(last.ID, 10)+`"`),
		strings.Index(page, `id="v-`+strconv.FormatInt(signed.ID, 10)+`"`),
		strings.Index(page, `id="v-`+strconv.FormatInt(plan.ID, 10)+`"`),
	}
	if order[0] < 0 || order[0] > order[1] || order[1] > order[2] {
		t.Errorf("fields out of order (flagged first): positions %v", order)
	}
	if n := strings.Count(page, "autofocus"); n != 1 || !regexp.MustCompile(`id="v-`+strconv.FormatInt(last.ID, 10)+`"[^>]*autofocus`).MatchString(page) {
		t.Errorf("want one autofocus, on the first flagged field; %d on the page", n)
	}
	for _, want := range []string{
		`src="/review/pages/` + strconv.FormatInt(s.input.ID, 10) + `/1.png"`,
		`src="/review/pages/` + strconv.FormatInt(s.input.ID, 10) + `/2.png"`,
		`data-box="0.1000 0.2000 0.4000 0.2400"`,
		`value="` + lastName + `"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page lacks %q", want)
		}
	}
	resp, _ = s.do(c, "GET", "/review/cases/HC26-999999-0", nil)
	wantStatus(t, "a case that does not exist", resp, http.StatusNotFound)
}

func TestCSRF(t *testing.T) {
	s := newStation(t)
	c, token := s.signedIn()
	field := "/review/fields/" + strconv.FormatInt(s.doc.Fields[0].ID, 10)
	attach := "/review/documents/" + strconv.FormatInt(s.unmatched.ID, 10) + "/attach"
	for _, tt := range []struct {
		what   string
		form   url.Values
		header []string
	}{
		{"no token", url.Values{}, nil},
		{"a wrong token", url.Values{"csrf": {"not-the-token"}}, nil},
		{"another session's token", url.Values{"csrf": {s.otherToken()}}, nil},
		{"the right token from another site", url.Values{"csrf": {token}}, []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}},
	} {
		for _, path := range []string{field, attach} {
			form := url.Values{"value": {corrected}, "case": {s.c.Number}}
			for k, v := range tt.form {
				form[k] = v
			}
			resp, _ := s.do(c, "POST", path, form, tt.header...)
			wantStatus(t, "POST "+path+" with "+tt.what, resp, http.StatusForbidden)
		}
	}
	if f := s.caseDoc().Fields[0]; f.Value != lastName || !f.NeedsReview {
		t.Errorf("a refused POST changed the field: value changed %v, needs_review %v", f.Value != lastName, f.NeedsReview)
	}
	if un, _ := s.st.Unmatched(t.Context()); len(un) != 1 {
		t.Errorf("a refused POST attached the document")
	}
}

// otherToken is the CSRF token of another session of the same user.
func (s *station) otherToken() string {
	_, token := s.signedIn()
	return token
}

func TestReviewField(t *testing.T) {
	s := newStation(t)
	c, token := s.signedIn()
	last, signed := s.doc.Fields[0], s.doc.Fields[2]

	resp, _ := s.do(c, "POST", "/review/fields/"+strconv.FormatInt(last.ID, 10), url.Values{"csrf": {token}, "value": {" " + corrected + " "}})
	wantLoc := "/review/cases/" + s.c.Number + "?after=" + strconv.FormatInt(last.ID, 10)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != wantLoc {
		t.Fatalf("correcting a field: %s to %q, want 303 to %q", resp.Status, resp.Header.Get("Location"), wantLoc)
	}
	f := s.caseDoc().Fields[0]
	if f.Value != corrected || f.NeedsReview || f.Confidence != 1 || f.CorrectedBy != "ana" {
		t.Errorf("the field after correcting: value %q, needs_review %v, confidence %v, by %q", f.Value, f.NeedsReview, f.Confidence, f.CorrectedBy)
	}

	// Back on the case, the next flagged field has the focus; Enter sends its value as it is.
	_, page := s.do(c, "GET", wantLoc, nil)
	if !regexp.MustCompile(`id="v-` + strconv.FormatInt(signed.ID, 10) + `"[^>]*autofocus`).MatchString(page) {
		t.Error("after a correction, the next flagged field does not have the focus")
	}
	resp, _ = s.do(c, "POST", "/review/fields/"+strconv.FormatInt(signed.ID, 10), url.Values{"csrf": {token}, "type": {"bool"}, "value": {"false"}})
	wantStatus(t, "confirming a yes/no field", resp, http.StatusSeeOther)
	if f := s.caseDoc().Fields[2]; f.Value != false || f.NeedsReview {
		t.Errorf("the yes/no field after confirming: %v, needs_review %v", f.Value, f.NeedsReview)
	}

	events, err := s.st.Events(t.Context(), s.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
		if strings.Contains(string(e.Detail), corrected) || strings.Contains(string(e.Detail), lastName) {
			t.Errorf("event %s holds the field's value: %s", e.Kind, e.Detail)
		}
	}
	if strings.Join(kinds, " ") != "field.corrected field.confirmed" {
		t.Errorf("events %v, want field.corrected field.confirmed", kinds)
	}
	if len(events) > 0 {
		var detail map[string]any
		json.Unmarshal(events[0].Detail, &detail)
		if detail["key"] != "patient.last_name" || events[0].Actor != "ana" {
			t.Errorf("the correction's event: actor %q, detail %v", events[0].Actor, detail)
		}
	}

	resp, _ = s.do(c, "POST", "/review/fields/999999", url.Values{"csrf": {token}, "value": {"x"}})
	wantStatus(t, "a field that does not exist", resp, http.StatusNotFound)
	resp, _ = s.do(c, "POST", "/review/fields/"+strconv.FormatInt(signed.ID, 10), url.Values{"csrf": {token}, "type": {"bool"}, "value": {"perhaps"}})
	wantStatus(t, "a yes/no field given neither", resp, http.StatusBadRequest)
}

func TestAttachDocument(t *testing.T) {
	s := newStation(t)
	c, token := s.signedIn()
	path := "/review/documents/" + strconv.FormatInt(s.unmatched.ID, 10) + "/attach"

	resp, _ := s.do(c, "POST", path, url.Values{"csrf": {token}, "case": {"HC26-999999-0"}})
	wantStatus(t, "attaching to a case that does not exist", resp, http.StatusNotFound)
	resp, _ = s.do(c, "POST", "/review/documents/999999/attach", url.Values{"csrf": {token}, "case": {s.c.Number}})
	wantStatus(t, "attaching a document that does not exist", resp, http.StatusNotFound)

	resp, _ = s.do(c, "POST", path, url.Values{"csrf": {token}, "case": {" " + s.c.Number + " "}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/review/cases/"+s.c.Number {
		t.Fatalf("attaching: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	docs, err := s.st.CaseDocuments(t.Context(), s.c.ID)
	if err != nil || len(docs) != 2 || docs[1].ID != s.unmatched.ID {
		t.Errorf("the case's documents after attaching: %d, %v", len(docs), err)
	}
	if un, _ := s.st.Unmatched(t.Context()); len(un) != 0 {
		t.Errorf("%d documents still unmatched", len(un))
	}
	events, _ := s.st.Events(t.Context(), s.c.ID)
	if len(events) != 1 || events[0].Kind != "document.attached" || events[0].Actor != "ana" || events[0].DocumentID != s.unmatched.ID {
		t.Errorf("events after attaching: %+v", events)
	}
	resp, _ = s.do(c, "POST", path, url.Values{"csrf": {token}, "case": {s.c.Number}})
	wantStatus(t, "attaching a document already part of a case", resp, http.StatusConflict)
}

func TestPageImage(t *testing.T) {
	s := newStation(t)
	c, _ := s.signedIn()
	in := strconv.FormatInt(s.input.ID, 10)
	resp, body := s.do(c, "GET", "/review/pages/"+in+"/1.png", nil)
	wantStatus(t, "a page image", resp, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != "image/png" {
		t.Errorf("Content-Type %q", ct)
	}
	img, err := png.Decode(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the page image is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1000 || b.Dy() < 1000 {
		t.Errorf("the page image is %dx%d, want 1000 wide, a portrait page", b.Dx(), b.Dy())
	}
	for _, p := range []string{
		"/review/pages/" + in + "/99.png",                                   // no such page
		"/review/pages/" + in + "/0.png",                                    // pages count from 1
		"/review/pages/999999/1.png",                                        // no such input
		"/review/pages/" + in + "/1.jpg",                                    // not a page
		"/review/pages/" + strconv.FormatInt(s.badInput.ID, 10) + "/1.png",  // an archive path out of the data folder
		"/review/pages/" + in + "/" + url.PathEscape("../../../etc/passwd"), // a path in the request
	} {
		resp, _ := s.do(c, "GET", p, nil)
		wantStatus(t, "GET "+p, resp, http.StatusNotFound)
	}
}

// TestPageImageAsRead: a page the pipeline turned to read it is shown turned the same way,
// so that its word boxes fall where they belong (here a fax page said to have been read
// upside down: its header line goes from the top to the bottom).
func TestPageImageAsRead(t *testing.T) {
	s := newStation(t)
	c, _ := s.signedIn()
	get := func() image.Image {
		t.Helper()
		resp, body := s.do(c, "GET", "/review/pages/"+strconv.FormatInt(s.input.ID, 10)+"/1.png", nil)
		wantStatus(t, "a page image", resp, http.StatusOK)
		img, err := png.Decode(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	// ink is the share of dark pixels in rows y0..y1 (fractions of the height).
	ink := func(img image.Image, y0, y1 float64) float64 {
		b := img.Bounds()
		n, dark := 0, 0
		for y := b.Min.Y + int(y0*float64(b.Dy())); y < b.Min.Y+int(y1*float64(b.Dy())); y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); g.Y < 128 {
					dark++
				}
				n++
			}
		}
		return float64(dark) / float64(n)
	}
	asScanned := get()
	turns := `[{"page":1,"rotation":180,"read":true,"skew":0},{"page":2,"rotation":0,"read":true,"skew":0}]`
	base := strings.TrimSuffix(s.input.Archive, filepath.Ext(s.input.Archive))
	if err := os.WriteFile(filepath.Join(s.data, base+pipeline.PagesSuffix), []byte(turns), 0o640); err != nil {
		t.Fatal(err)
	}
	asRead := get()
	if top, bottom := ink(asScanned, 0, 0.03), ink(asScanned, 0.97, 1); top <= bottom {
		t.Fatalf("the fax page as scanned has no header at the top (ink %.4f, bottom %.4f)", top, bottom)
	}
	if top, bottom := ink(asRead, 0, 0.03), ink(asRead, 0.97, 1); bottom <= top {
		t.Errorf("the page read upside down is not shown turned: ink at the top %.4f, at the bottom %.4f", top, bottom)
	}
}
