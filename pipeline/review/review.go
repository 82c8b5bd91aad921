package review

import (
	"context"
	"embed"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"intake/ocr/raster"
	"intake/pipeline"
	"intake/pipeline/record"
)

// Users is what signing in needs of the store.
type Users interface {
	UserByName(ctx context.Context, name string) (*record.User, error)
	CreateSession(ctx context.Context, s *record.Session) error
	SessionByTokenHash(ctx context.Context, hash string) (*record.Session, error)
	DeleteSession(ctx context.Context, hash string) error
}

// Cases is what the queues and the case page need of the store.
type Cases interface {
	ReviewQueue(ctx context.Context) ([]record.ReviewCase, error)
	Unmatched(ctx context.Context) ([]record.Document, error)
	Quarantined(ctx context.Context, limit int) ([]record.Input, error)
	CaseByNumber(ctx context.Context, number string) (*record.Case, error)
	CaseDocuments(ctx context.Context, caseID int64) ([]record.Document, error)
	InputByID(ctx context.Context, id int64) (*record.Input, error)
	ReviewField(ctx context.Context, fieldID int64, value any, actor string) (*record.Case, error)
	AttachDocument(ctx context.Context, docID int64, caseNumber, actor string) (*record.Case, error)
	SetCaseUrgent(ctx context.Context, caseID int64, urgent bool, actor string) (*record.Case, error)
	SetDocumentKind(ctx context.Context, docID int64, kind, actor string) (*record.Case, error)
	FindCasesForReview(ctx context.Context, q string) ([]record.Case, error)
	InputsSince(ctx context.Context, since time.Time, limit int) ([]record.Input, error)
	DocumentKindsOfInputs(ctx context.Context, inputIDs []int64) (map[int64][]string, error)
	CasesToAcknowledge(ctx context.Context) ([]record.Case, error)
}

// Store is the case store as the review station uses it.
type Store interface {
	Users
	Cases
}

// Archive is the data folder the originals are archived in: an input's Archive path is
// relative to Root.
type Archive interface {
	Root() string
}

// Options tune the review station; the zero value is a good default.
type Options struct {
	Log *slog.Logger // nil: no logs
	// SessionTTL is how long a sign-in lasts (default 8 hours, a working day).
	SessionTTL time.Duration
	// SecureCookie marks the session cookie Secure even on plain HTTP, for a service
	// behind a proxy that ends TLS. Over TLS it is always Secure.
	SecureCookie bool
	// Limits bound what decoding one page image may cost (raster's defaults when zero).
	Limits raster.Limits
	// ImageWorkers is how many page images are decoded at once (default 2): a case page
	// asks for all its pages together, and decoding is CPU work the OCR needs too.
	ImageWorkers int
	// QuarantineLimit is how many quarantined inputs the queues page lists (default 200).
	QuarantineLimit int
	// TodayLimit is how many of the day's inputs the queues page lists (default 500).
	TodayLimit int
	// Now is the clock the day's queues are read by (time.Now when nil).
	Now func() time.Time
	// Attached, when set, is told of a document a person attached to a case (to file its
	// original under the case's folder, as the pipeline does for what it attaches itself).
	Attached func(ctx context.Context, docID int64, c *record.Case) error
	// Recompute, when set, derives a case's facts again after a person changed one of its
	// fields, changed a document's kind or attached a document to it (pipeline.Recompute):
	// kind, urgency, flags, the enrollee the acknowledgement is addressed to.
	Recompute func(ctx context.Context, caseID int64, actor string) error
}

func (o Options) withDefaults() Options {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 8 * time.Hour
	}
	if o.ImageWorkers <= 0 {
		o.ImageWorkers = 2
	}
	if o.QuarantineLimit <= 0 {
		o.QuarantineLimit = 200
	}
	if o.TodayLimit <= 0 {
		o.TodayLimit = 500
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	// Times as the Help Center reads them.
	"date": func(t time.Time) string { return t.In(pipeline.HelpCenterZone).Format("2006-01-02 15:04") },
	// The document kinds a person may choose.
	"kinds": func() []string { return record.DocumentKinds },
	// What a document's kind form needs.
	"kindForm": func(id int64, kind, csrf string) kindForm { return kindForm{ID: id, Kind: kind, CSRF: csrf} },
}).ParseFS(templateFiles, "templates/*.html"))

// kindForm is what the form changing a document's kind needs.
type kindForm struct {
	ID   int64
	Kind string
	CSRF string
}

// handler holds what the routes share.
type handler struct {
	st     Store
	arc    Archive
	opts   Options
	log    *slog.Logger
	images chan struct{} // a slot per page image being decoded
}

// New returns the review station's handler for the paths under /review/.
func New(st Store, arc Archive, opts Options) http.Handler {
	opts = opts.withDefaults()
	h := &handler{st: st, arc: arc, opts: opts, log: opts.Log, images: make(chan struct{}, opts.ImageWorkers)}
	static, _ := fs.Sub(staticFiles, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /review/static/", http.StripPrefix("/review/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /review/login", h.loginPage)
	mux.HandleFunc("POST /review/login", h.login)
	mux.Handle("POST /review/logout", h.page(h.logout))
	mux.Handle("GET /review/{$}", h.page(h.queues))
	mux.Handle("GET /review/cases/{number}", h.page(h.casePage))
	mux.Handle("POST /review/fields/{id}", h.page(h.reviewField))
	mux.Handle("POST /review/documents/{id}/attach", h.page(h.attach))
	mux.Handle("POST /review/cases/{number}/urgent", h.page(h.setUrgent))
	mux.Handle("POST /review/documents/{id}/kind", h.page(h.setKind))
	mux.Handle("GET /review/search", h.page(h.search))
	mux.Handle("GET /review/pages/{input}/{file}", h.image(h.pageImage))
	mux.Handle("/review/", h.page(func(w http.ResponseWriter, r *http.Request, s *record.Session) {
		h.message(w, r, s, http.StatusNotFound, "There is no such page.")
	}))
	return headers(http.NewCrossOriginProtection().Handler(mux))
}

// headers sets what every response of the station carries: no caching (the pages hold
// health information), no framing, no sniffing, and a policy that allows only the
// station's own script, style and images.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}

// base is what every page's template needs.
type base struct {
	Title string
	User  string // "" on the sign-in page
	CSRF  string
	Query string // what the search box holds
}

func baseOf(title string, s *record.Session) base {
	if s == nil {
		return base{Title: title}
	}
	return base{Title: title, User: s.UserName, CSRF: s.CSRF}
}

// render writes template name with data. A template that fails is a bug: it is logged,
// and the person sees a plain error.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := templates.ExecuteTemplate(w, name, data); err != nil {
		h.log.Error("review: a page could not be written", "template", name, "path", r.URL.Path, "error", err)
	}
}

type messagePage struct {
	base
	Message string
}

// message answers with a short page saying what went wrong, in words for a person.
func (h *handler) message(w http.ResponseWriter, r *http.Request, s *record.Session, status int, msg string) {
	h.render(w, r, status, "message.html", messagePage{base: baseOf(http.StatusText(status), s), Message: msg})
}

// fail logs a failure of the store or the archive by the ids of the request (the error
// texts of both name ids only) and answers 500.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, s *record.Session, doing string, err error) {
	h.log.Error("review: "+doing, "path", r.URL.Path, "error", err)
	h.message(w, r, s, http.StatusInternalServerError, "Something went wrong; it is in the service's log. Try again.")
}
