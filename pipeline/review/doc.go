// Package review is the review station: the web application where analysts confirm or
// correct the fields the pipeline was unsure of, attach the documents it could not match,
// and see what was quarantined.
//
// New returns an http.Handler for the paths under /review/, to be mounted on the service's
// mux. Inputs: a Store (users, sessions, the queues, the cases and the changes a person
// makes; *store.Store implements it) and an Archive (the data folder the originals are
// kept in; *archive.Archive implements it). Page images are read from the archived
// original named by the input's record in the store, never from a path in the request.
//
// Access: every page, form and image needs a session, made by signing in with a name and
// password (bcrypt hashes in the store, added with `intake user add`). The session cookie
// is HttpOnly, SameSite=Strict, limited to /review/, and Secure over TLS (or always, with
// Options.SecureCookie). Every POST carries the session's CSRF token (the sign-in form a
// token of its own, in a cookie), and cross-origin POSTs are refused whatever they carry.
// Without a session, pages redirect to the sign-in page and images answer 401. Only the
// stylesheet and the script under /review/static/ are served to anyone: they hold no data.
//
// Health information: pages show it to signed-in analysts; logs and error messages name
// ids only, never field values, names or OCR text. Responses are not to be cached.
package review
