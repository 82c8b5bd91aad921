package review_test

import (
	"bytes"
	"context"
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

func newStation(t *testing.T, options ...func(*review.Options)) *station {
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
	s.c = &record.Case{Kind: "imr", ReceivedAt: received, Language: "en", AckDue: "2026-11-07", MemberID: "XKB123456",
		Enrollee: record.Person{LastName: lastName}} // no mailing address
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
	opts := review.Options{Log: log}
	for _, o := range options {
		o(&opts)
	}
	s.srv = httptest.NewServer(review.New(st, arc, opts))
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
		{"POST", "/review/cases/" + s.c.Number + "/urgent"},
		{"POST", "/review/documents/" + strconv.FormatInt(s.doc.ID, 10) + "/kind"},
		{"GET", "/review/search?q=" + url.QueryEscape(s.c.Number)},
	}
	for _, forged := range []bool{false, true} {
		c := s.client()
		if forged {
			u, _ := url.Parse(s.srv.URL + "/review/")
			c.Jar.SetCookies(u, []*http.Cookie{{Name: "intake_review", Value: "made-up", Path: "/review/"}})
		}
		for _, p := range pages {
			resp, body := s.do(c, p.method, p.path, url.Values{"value": {"x"}, "case": {s.c.Number}, "urgent": {"true"}, "kind": {"supporting"}})
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
	s.unchanged("a POST without a session")
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
	urgent := "/review/cases/" + s.c.Number + "/urgent"
	kind := "/review/documents/" + strconv.FormatInt(s.doc.ID, 10) + "/kind"
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
		for _, path := range []string{field, attach, urgent, kind} {
			form := url.Values{"value": {corrected}, "case": {s.c.Number}, "urgent": {"true"}, "kind": {"supporting"}}
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
	s.unchanged("a refused POST")
}

// unchanged checks that the case is not urgent, its document still a form, and that no
// event was recorded.
func (s *station) unchanged(what string) {
	s.t.Helper()
	c, err := s.st.CaseByNumber(s.t.Context(), s.c.Number)
	if err != nil || c == nil || c.Urgent || c.UrgentBy != "" {
		s.t.Errorf("%s changed the case's urgency: %+v, %v", what, c, err)
	}
	if d := s.caseDoc(); d.Kind != "imr_form" {
		s.t.Errorf("%s changed the document's kind to %s", what, d.Kind)
	}
	if events, _ := s.st.Events(s.t.Context(), 0); len(events) != 0 {
		s.t.Errorf("%s recorded events: %+v", what, events)
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
	// Opened large, to read small print: as wide as the page itself, up to 2200 pixels.
	resp, body = s.do(c, "GET", "/review/pages/"+in+"/1.png?size=large", nil)
	wantStatus(t, "a large page image", resp, http.StatusOK)
	if large, err := png.Decode(strings.NewReader(body)); err != nil {
		t.Errorf("the large page image is not a PNG: %v", err)
	} else if w := large.Bounds().Dx(); w <= 1000 {
		t.Errorf("the large page image is %d wide, want wider than the page on the case page", w)
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

// withRecompute derives a case's facts again with the pipeline on the store *st (set once
// the station is made), as `intake run` does.
func withRecompute(st **store.Store) func(*review.Options) {
	return func(o *review.Options) {
		o.Recompute = func(ctx context.Context, caseID int64, actor string) error {
			_, err := pipeline.Recompute(ctx, *st, caseID, actor, pipeline.DueRule{})
			return err
		}
	}
}

// noValues fails when an event of the case holds a value of a field or the enrollee's name.
func (s *station) noValues() []record.Event {
	s.t.Helper()
	events, err := s.st.Events(s.t.Context(), 0)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, e := range events {
		if d := string(e.Detail); strings.Contains(d, lastName) || strings.Contains(d, corrected) || strings.Contains(d, "Blue Plan") {
			s.t.Errorf("event %s holds a value: %s", e.Kind, d)
		}
	}
	return events
}

// TestSetUrgent: a person marks the case urgent, then not urgent; their "not urgent"
// survives the recomputation after a later correction, although the case's fax cover is
// marked urgent (which made the case urgent on the first recomputation).
func TestSetUrgent(t *testing.T) {
	var st *store.Store
	s := newStation(t, withRecompute(&st))
	st = s.st
	ctx := t.Context()
	err := st.Update(ctx, func(tx pipeline.Tx) error {
		cover := &record.Document{InputID: s.input.ID, Kind: "fax_cover", Pages: []int{1}, Confidence: 0.9, Language: "en",
			Fields: []record.Field{{Key: "fax.urgent", Value: true, Confidence: 0.99, Page: 1}}}
		if err := tx.AddDocument(cover); err != nil {
			return err
		}
		return tx.Link(s.c.ID, cover.ID, record.LinkOpened)
	})
	if err != nil {
		t.Fatal(err)
	}
	c, token := s.signedIn()
	caseNow := func() *record.Case {
		t.Helper()
		got, err := st.CaseByNumber(ctx, s.c.Number)
		if err != nil || got == nil {
			t.Fatalf("CaseByNumber: %v, %v", got, err)
		}
		return got
	}
	last, signed := s.doc.Fields[0], s.doc.Fields[2]
	path := "/review/cases/" + s.c.Number + "/urgent"

	_, page := s.do(c, "GET", "/review/cases/"+s.c.Number, nil)
	if !strings.Contains(page, `action="`+path+`"`) || !strings.Contains(page, "Mark urgent") {
		t.Error("the case page has no button marking it urgent")
	}
	// The pipeline's own recomputation: the urgent fax cover makes the case urgent.
	s.do(c, "POST", "/review/fields/"+strconv.FormatInt(last.ID, 10), url.Values{"csrf": {token}, "value": {corrected}})
	if got := caseNow(); !got.Urgent || got.UrgentBy != "" {
		t.Fatalf("after the first recomputation: urgent %v by %q, want urgent by the pipeline", got.Urgent, got.UrgentBy)
	}

	resp, _ := s.do(c, "POST", path, url.Values{"csrf": {token}, "urgent": {"false"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/review/cases/"+s.c.Number {
		t.Fatalf("marking not urgent: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	if got := caseNow(); got.Urgent || got.UrgentBy != "ana" {
		t.Errorf("after not urgent: urgent %v by %q", got.Urgent, got.UrgentBy)
	}
	_, page = s.do(c, "GET", "/review/cases/"+s.c.Number, nil)
	if !strings.Contains(page, "Not urgent (decided by ana)") || !strings.Contains(page, "Mark urgent") {
		t.Error("the case page does not show the person's decision")
	}
	// A later correction is recomputed; the person's "not urgent" stands.
	s.do(c, "POST", "/review/fields/"+strconv.FormatInt(signed.ID, 10), url.Values{"csrf": {token}, "type": {"bool"}, "value": {"true"}})
	if got := caseNow(); got.Urgent {
		t.Error("a recomputation after a person's \"not urgent\" made the case urgent again")
	}

	resp, _ = s.do(c, "POST", path, url.Values{"csrf": {token}, "urgent": {"true"}})
	wantStatus(t, "marking urgent", resp, http.StatusSeeOther)
	if got := caseNow(); !got.Urgent || got.UrgentBy != "ana" {
		t.Errorf("after urgent: urgent %v by %q", got.Urgent, got.UrgentBy)
	}
	_, page = s.do(c, "GET", "/review/cases/"+s.c.Number, nil)
	if !strings.Contains(page, "Mark not urgent") {
		t.Error("an urgent case's page has no button marking it not urgent")
	}

	var kinds []string
	for _, e := range s.noValues() {
		if strings.HasPrefix(e.Kind, "case.") && e.Kind != "case.recomputed" {
			kinds = append(kinds, e.Kind+" by "+e.Actor)
			if e.CaseID != s.c.ID {
				t.Errorf("event %s names case %d", e.Kind, e.CaseID)
			}
		}
	}
	if strings.Join(kinds, ", ") != "case.not_urgent by ana, case.urgent by ana" {
		t.Errorf("urgency events: %v", kinds)
	}

	resp, _ = s.do(c, "POST", path, url.Values{"csrf": {token}, "urgent": {"perhaps"}})
	wantStatus(t, "neither urgent nor not", resp, http.StatusBadRequest)
	resp, _ = s.do(c, "POST", "/review/cases/HC26-999999-0/urgent", url.Values{"csrf": {token}, "urgent": {"true"}})
	wantStatus(t, "a case that does not exist", resp, http.StatusNotFound)
}

// TestSetKind: a form taken for something else is given its kind from the case page; the
// case's facts are derived again; the event names the kinds and ids only.
func TestSetKind(t *testing.T) {
	var recomputed []int64
	s := newStation(t, func(o *review.Options) {
		o.Recompute = func(_ context.Context, caseID int64, _ string) error {
			recomputed = append(recomputed, caseID)
			return nil
		}
	})
	c, token := s.signedIn()
	path := "/review/documents/" + strconv.FormatInt(s.doc.ID, 10) + "/kind"
	_, page := s.do(c, "GET", "/review/cases/"+s.c.Number, nil)
	if !strings.Contains(page, `action="`+path+`"`) || !strings.Contains(page, `<option value="imr_form" selected>`) ||
		!strings.Contains(page, `<option value="return_sheet">`) {
		t.Error("the case page has no kind select for its document, with its kind chosen")
	}

	resp, _ := s.do(c, "POST", path, url.Values{"csrf": {token}, "kind": {"supporting"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/review/cases/"+s.c.Number {
		t.Fatalf("changing the kind: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	if d := s.caseDoc(); d.Kind != "supporting" {
		t.Errorf("the document's kind is %s, want supporting", d.Kind)
	}
	if len(recomputed) != 1 || recomputed[0] != s.c.ID {
		t.Errorf("recomputed %v, want the case once", recomputed)
	}
	events := s.noValues()
	if len(events) != 1 || events[0].Kind != "document.kind_changed" || events[0].Actor != "ana" || events[0].DocumentID != s.doc.ID {
		t.Fatalf("events: %+v", events)
	}
	var detail map[string]any
	json.Unmarshal(events[0].Detail, &detail)
	if detail["from"] != "imr_form" || detail["to"] != "supporting" || detail["document_id"] != float64(s.doc.ID) || len(detail) != 3 {
		t.Errorf("event detail %v", detail)
	}

	// A document of the unmatched queue: changed, and back to the queues.
	resp, _ = s.do(c, "POST", "/review/documents/"+strconv.FormatInt(s.unmatched.ID, 10)+"/kind", url.Values{"csrf": {token}, "kind": {"imr_form"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/review/#unmatched" {
		t.Errorf("changing an unmatched document's kind: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	if un, _ := s.st.Unmatched(t.Context()); len(un) != 1 || un[0].Kind != "imr_form" {
		t.Errorf("the unmatched document after the change: %+v", un)
	}
	if len(recomputed) != 1 {
		t.Errorf("recomputed %v: an unmatched document has no case", recomputed)
	}

	for _, kind := range []string{"lab_report", ""} {
		resp, _ = s.do(c, "POST", path, url.Values{"csrf": {token}, "kind": {kind}})
		wantStatus(t, "kind "+kind, resp, http.StatusBadRequest)
	}
	resp, _ = s.do(c, "POST", "/review/documents/999999/kind", url.Values{"csrf": {token}, "kind": {"imr_form"}})
	wantStatus(t, "a document that does not exist", resp, http.StatusNotFound)
	if d := s.caseDoc(); d.Kind != "supporting" {
		t.Errorf("a refused change changed the kind to %s", d.Kind)
	}
}

// section is the part of page under <section id="id">.
func section(page, id string) string {
	_, rest, _ := strings.Cut(page, `<section id="`+id+`">`)
	body, _, _ := strings.Cut(rest, "</section>")
	return body
}

// TestDayQueues: today's intake (since midnight in Los Angeles, not in UTC) and the cases
// that cannot be acknowledged for want of an address, overdue ones marked.
func TestDayQueues(t *testing.T) {
	now := time.Date(2026, time.November, 2, 20, 0, 0, 0, pipeline.HelpCenterZone)
	s := newStation(t, func(o *review.Options) { o.Now = func() time.Time { return now } })
	ctx := t.Context()
	// 23:59 on 1 November in Los Angeles, already 2 November in UTC.
	yesterday := &record.Input{ClaimID: "c9", SHA256: "aa11", Name: "y.pdf", Channel: "mail", Pages: 1,
		ReceivedAt: time.Date(2026, time.November, 2, 7, 59, 0, 0, time.UTC), Status: record.Processed, Archive: s.input.Archive}
	addressed := &record.Case{Kind: "imr", ReceivedAt: s.c.ReceivedAt, Language: "en", AckDue: "2026-11-01",
		Enrollee: record.Person{LastName: "X", Street: "1 Main St", City: "Fresno", State: "CA", Zip: "93701"}}
	noZip := &record.Case{Kind: "imr", ReceivedAt: s.c.ReceivedAt.Add(time.Hour), Language: "en", AckDue: "2026-10-30",
		Enrollee: record.Person{Street: "1 Main St", City: "Fresno"}}
	closed := &record.Case{Kind: "imr", Status: record.Closed, ReceivedAt: s.c.ReceivedAt, Language: "en", AckDue: "2026-10-30"}
	err := s.st.Update(ctx, func(tx pipeline.Tx) error {
		if err := tx.AddInput(yesterday); err != nil {
			return err
		}
		for _, c := range []*record.Case{addressed, noZip, closed} {
			if err := tx.CreateCase(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := s.signedIn()
	resp, page := s.do(c, "GET", "/review/", nil)
	wantStatus(t, "the queues", resp, http.StatusOK)

	today := section(page, "today")
	cell := func(id int64) string { return "<td>" + strconv.FormatInt(id, 10) + "</td>" }
	other := s.unmatched.InputID
	if !strings.Contains(today, cell(s.input.ID)+"<td>2026-11-02 07:46</td><td>fax</td><td>processed</td><td>imr_form</td>") {
		t.Errorf("today's intake lacks the fax with its status and kinds:\n%s", today)
	}
	if !strings.Contains(today, "<td>processed</td><td>denial_letter</td>") || !strings.Contains(today, "<td>quarantined</td><td>none</td>") {
		t.Errorf("today's intake lacks the letter or the quarantined file:\n%s", today)
	}
	if strings.Contains(today, cell(yesterday.ID)) {
		t.Error("today's intake lists a file received before midnight in Los Angeles")
	}
	if i, j := strings.Index(today, cell(other)), strings.Index(today, cell(s.input.ID)); i < 0 || j < 0 || i > j {
		t.Error("today's intake is not the newest first")
	}

	ack := section(page, "cannot-ack")
	for _, c := range []*record.Case{s.c, noZip} {
		if !strings.Contains(ack, `href="/review/cases/`+c.Number+`"`) {
			t.Errorf("case %s (no address) is not in the cannot-be-acknowledged queue", c.Number)
		}
	}
	for _, c := range []*record.Case{addressed, closed} {
		if strings.Contains(ack, c.Number) {
			t.Errorf("case %s is in the cannot-be-acknowledged queue", c.Number)
		}
	}
	if n := strings.Count(ack, "overdue"); n != 1 || !strings.Contains(ack, "2026-10-30 <strong>overdue</strong>") {
		t.Errorf("want only the case due on 30 October overdue (%d):\n%s", n, ack)
	}
}

// TestSearch: a case found by number, member id or last name, from the search box of
// every page; from the unmatched queue, a document attached to the case found.
func TestSearch(t *testing.T) {
	s := newStation(t)
	c, _ := s.signedIn()
	_, page := s.do(c, "GET", "/review/", nil)
	if !strings.Contains(page, `action="/review/search"`) {
		t.Error("the queues page has no search box")
	}
	link := `href="/review/cases/` + s.c.Number + `"`
	for _, q := range []string{s.c.Number, strings.ToLower(s.c.Number), "xkb 123 456", strings.ToLower(lastName[:4]), lastName} {
		resp, page := s.do(c, "GET", "/review/search?q="+url.QueryEscape(q), nil)
		wantStatus(t, "search", resp, http.StatusOK)
		if !strings.Contains(page, link) {
			t.Errorf("searching %q does not find the case", q)
		}
	}
	for _, q := range []string{"Nobody", "XKB12345", lastName[1:]} {
		_, page := s.do(c, "GET", "/review/search?q="+url.QueryEscape(q), nil)
		if strings.Contains(page, link) || !strings.Contains(page, "No case has this") {
			t.Errorf("searching %q finds the case", q)
		}
	}

	// From the unmatched queue: search, then attach the document to the case found.
	_, page = s.do(c, "GET", "/review/", nil)
	find := "/review/search?doc=" + strconv.FormatInt(s.unmatched.ID, 10)
	if !strings.Contains(page, `href="`+find+`"`) {
		t.Fatal("the unmatched queue has no link to find a case")
	}
	_, page = s.do(c, "GET", find+"&q="+url.QueryEscape(lastName), nil)
	attach := "/review/documents/" + strconv.FormatInt(s.unmatched.ID, 10) + "/attach"
	if !strings.Contains(page, `action="`+attach+`"`) || !strings.Contains(page, `name="case" value="`+s.c.Number+`"`) {
		t.Fatal("the search from the unmatched queue has no button attaching the document")
	}
	resp, _ := s.do(c, "POST", attach, url.Values{"csrf": {csrfOf(t, page)}, "case": {s.c.Number}})
	wantStatus(t, "attaching from the search", resp, http.StatusSeeOther)
	if un, _ := s.st.Unmatched(t.Context()); len(un) != 0 {
		t.Error("the document was not attached")
	}
	s.noValues()
}
