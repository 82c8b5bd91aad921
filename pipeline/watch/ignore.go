package watch

import "strings"

// Ignored reports whether a file or folder of this name (a base name) is left alone in an
// inbox: hidden names (a leading "."), and for files *.tmp, *.part, ~$* (office lock
// files), Thumbs.db, desktop.ini and *.json (sidecars, which go with their input).
func Ignored(name string, dir bool) bool {
	if name == "" || strings.HasPrefix(name, ".") {
		return true // includes .spool, .intake-*, .DS_Store
	}
	if dir {
		return false
	}
	if strings.HasPrefix(name, "~$") {
		return true
	}
	lower := strings.ToLower(name)
	switch lower {
	case "thumbs.db", "desktop.ini":
		return true
	}
	for _, ext := range []string{".tmp", ".part", ".json"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}
