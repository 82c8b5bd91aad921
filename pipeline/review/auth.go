package review

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"

	"golang.org/x/crypto/bcrypt"

	"intake/pipeline/record"
)

const (
	sessionCookie = "intake_review"       // the session's token
	loginCookie   = "intake_review_login" // the sign-in form's CSRF token
	maxForm       = 64 << 10              // a form is a few fields
)

// dummyHash is checked against when a name is unknown, so that a sign-in takes as long
// for a name that does not exist as for a wrong password (cost 12, as intake user add).
const dummyHash = "$2a$12$khPPEgLuTtXWAfnDHhUBeuWtgnKLrGftVPfHYTavSmI.Tnik/rAKe"

// newToken is 32 random bytes, as text for a cookie or a form.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails: see crypto/rand
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the store keeps of a session token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// session is the live session the request's cookie names, or nil.
func (h *handler) session(r *http.Request) (*record.Session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	return h.st.SessionByTokenHash(r.Context(), hashToken(c.Value))
}

// sessionHandler serves a request that has a session.
type sessionHandler func(w http.ResponseWriter, r *http.Request, s *record.Session)

// page guards a page or a form: without a session it redirects to the sign-in page; a
// POST must carry the session's CSRF token, else 403.
func (h *handler) page(next sessionHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := h.session(r)
		if err != nil {
			h.fail(w, r, nil, "read the session", err)
			return
		}
		if s == nil {
			http.Redirect(w, r, "/review/login", http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil || !sameToken(r.PostForm.Get("csrf"), s.CSRF) {
				h.message(w, r, s, http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
				return
			}
		}
		next(w, r, s)
	})
}

// image guards a page image: without a session, 401.
func (h *handler) image(next sessionHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := h.session(r)
		if err != nil {
			h.log.Error("review: read the session", "path", r.URL.Path, "error", err)
			http.Error(w, "error", http.StatusInternalServerError)
			return
		}
		if s == nil {
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		next(w, r, s)
	})
}

type loginPage struct {
	base
	Name  string
	Error string
}

// loginPage shows the sign-in form, with a CSRF token of its own in a cookie (there is
// no session yet to hold one).
func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	if s, err := h.session(r); err == nil && s != nil {
		http.Redirect(w, r, "/review/", http.StatusSeeOther)
		return
	}
	h.showLogin(w, r, http.StatusOK, "", "")
}

func (h *handler) showLogin(w http.ResponseWriter, r *http.Request, status int, name, problem string) {
	token := newToken()
	h.setCookie(w, r, loginCookie, "/review/login", token, 30*time.Minute)
	h.render(w, r, status, "login.html", loginPage{base: base{Title: "Sign in", CSRF: token}, Name: name, Error: problem})
}

// login checks a name and password and starts a session.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	c, cookieErr := r.Cookie(loginCookie)
	if err := r.ParseForm(); err != nil || cookieErr != nil || !sameToken(r.PostForm.Get("csrf"), c.Value) {
		h.message(w, r, nil, http.StatusForbidden, "The sign-in form has expired. Reload the page and try again.")
		return
	}
	name, password := r.PostForm.Get("name"), r.PostForm.Get("password")
	u, err := h.st.UserByName(r.Context(), name)
	if err != nil {
		h.fail(w, r, nil, "sign in: find the user", err)
		return
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || u == nil {
		// The name is not logged: a password typed in the wrong box would be.
		h.log.Warn("review: sign-in refused", "remote", r.RemoteAddr)
		h.showLogin(w, r, http.StatusUnauthorized, name, "The name or the password is wrong.")
		return
	}
	token := newToken()
	s := &record.Session{TokenHash: hashToken(token), UserID: u.ID, CSRF: newToken(),
		ExpiresAt: time.Now().Add(h.opts.SessionTTL)}
	if err := h.st.CreateSession(r.Context(), s); err != nil {
		h.fail(w, r, nil, "sign in: create the session", err)
		return
	}
	h.setCookie(w, r, loginCookie, "/review/login", "", -1)
	h.setCookie(w, r, sessionCookie, "/review/", token, h.opts.SessionTTL)
	h.log.Info("review: signed in", "user_id", u.ID)
	http.Redirect(w, r, "/review/", http.StatusSeeOther)
}

// logout ends the session.
func (h *handler) logout(w http.ResponseWriter, r *http.Request, s *record.Session) {
	if err := h.st.DeleteSession(r.Context(), s.TokenHash); err != nil {
		h.fail(w, r, s, "sign out", err)
		return
	}
	h.setCookie(w, r, sessionCookie, "/review/", "", -1)
	http.Redirect(w, r, "/review/login", http.StatusSeeOther)
}

// setCookie sets (or, with a negative ttl, removes) a cookie only the station's pages
// send back, that scripts cannot read and other sites cannot make the browser send.
func (h *handler) setCookie(w http.ResponseWriter, r *http.Request, name, path, value string, ttl time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || h.opts.SecureCookie}
	if ttl < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(ttl / time.Second)
	}
	http.SetCookie(w, c)
}
