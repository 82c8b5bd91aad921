package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// timeLayout is how times are written: UTC, fixed width, to the microsecond (PostgreSQL's
// precision), so that on SQLite, where they are TEXT, text order is time order.
// PostgreSQL reads the same text into timestamptz.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// precision is the finest time the store keeps; finer parts are dropped when written.
const precision = time.Microsecond

// dbTime is t as the store writes it.
func dbTime(t time.Time) string { return t.UTC().Truncate(precision).Format(timeLayout) }

// dbTimeOrNull is dbTime(t), or NULL for the zero time.
func dbTimeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return dbTime(t)
}

// dbID is id, or NULL for 0 (no reference).
func dbID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// dbJSON is raw as JSON text, or NULL when raw is empty. It refuses text that is not JSON,
// which PostgreSQL would refuse too.
func dbJSON(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	if !json.Valid(raw) {
		return nil, errors.New("not valid JSON")
	}
	return string(raw), nil
}

// dbList is v as JSON text, or NULL when v is nil (so nil and empty both come back as
// they went in).
func dbList[T any](v []T) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// dbValue is a field value as JSON text, or NULL for nil. Values are strings or bools.
func dbValue(v any) (any, error) {
	switch v.(type) {
	case nil:
		return nil, nil
	case string, bool:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	default:
		return nil, fmt.Errorf("a value of type %T (want string or bool)", v)
	}
}

// timeCol scans a time column: text (SQLite) or a time.Time (PostgreSQL); NULL is the
// zero time. Times come back in UTC.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("store: a time column holds %T", src)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return errors.New("store: a time column holds text that is not a time")
	}
	*c.t = t.UTC()
	return nil
}

// jsonCol scans a JSON column into a json.RawMessage; NULL is nil.
type jsonCol struct{ raw *json.RawMessage }

func (c jsonCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.raw = nil
	case string:
		*c.raw = json.RawMessage(v)
	case []byte:
		*c.raw = append(json.RawMessage(nil), v...)
	default:
		return fmt.Errorf("store: a JSON column holds %T", src)
	}
	return nil
}

// listCol scans a JSON list column; NULL is nil.
type listCol[T any] struct{ v *[]T }

func (c listCol[T]) Scan(src any) error {
	var raw json.RawMessage
	if err := (jsonCol{&raw}).Scan(src); err != nil {
		return err
	}
	if raw == nil {
		*c.v = nil
		return nil
	}
	out := []T{}
	if err := json.Unmarshal(raw, &out); err != nil {
		return errors.New("store: a list column holds text that is not a JSON list")
	}
	*c.v = out
	return nil
}

// valueCol scans a field value column: a JSON string or bool; NULL is nil.
type valueCol struct{ v *any }

func (c valueCol) Scan(src any) error {
	var raw json.RawMessage
	if err := (jsonCol{&raw}).Scan(src); err != nil {
		return err
	}
	if raw == nil {
		*c.v = nil
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return errors.New("store: a field value is not JSON")
	}
	switch v.(type) {
	case string, bool:
		*c.v = v
		return nil
	}
	return fmt.Errorf("store: a field value holds %T (want string or bool)", v)
}

// idCol scans a nullable reference; NULL is 0.
type idCol struct{ id *int64 }

func (c idCol) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*c.id = n.Int64
	return nil
}
