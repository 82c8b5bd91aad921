package record

import (
	"errors"
	"time"
)

// User is a person who may sign in to the review station.
type User struct {
	ID           int64
	Name         string
	PasswordHash string // bcrypt; the password itself is never kept
	CreatedAt    time.Time
}

// Session is a signed-in user's session. The store keeps the SHA-256 of its token, never
// the token, which only the browser holds.
type Session struct {
	TokenHash string // hex SHA-256 of the cookie's token
	UserID    int64
	UserName  string // filled in when the session is read
	CSRF      string // the token every form of the session must send back
	ExpiresAt time.Time
	CreatedAt time.Time
}

// ReviewCase is one case of the review queue with its fields that need a person.
type ReviewCase struct {
	CaseID     int64
	Number     string
	Urgent     bool
	ReceivedAt time.Time
	Fields     []ReviewItem
}

// ReviewItem is a field waiting for review: where it is, not what it says.
type ReviewItem struct {
	FieldID    int64
	DocumentID int64
	Key        string
	Confidence float64
	Page       int
}

// ErrNotFound is wrapped by a store's error when what a change names does not exist (a
// field, a document, a case), so that packages that cannot import the store can tell it.
var ErrNotFound = errors.New("not found")

// DocumentKinds are the document kinds of the contract (classify's kinds), the ones a
// person may give a document on the review station.
var DocumentKinds = []string{"imr_form", "authorized_assistant_form", "denial_letter", "fax_cover", "return_sheet", "supporting"}

// IsDocumentKind tells whether kind is one of DocumentKinds.
func IsDocumentKind(kind string) bool {
	for _, k := range DocumentKinds {
		if k == kind {
			return true
		}
	}
	return false
}
