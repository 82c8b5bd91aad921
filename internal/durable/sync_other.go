//go:build !linux

package durable

func syncAll(_ string, files []string, dirs map[string]bool) error { return syncEach(files, dirs) }
