// Package watch watches inbox folders and tells which files in them are complete. It does
// no processing and claims nothing: it hands out a File on a channel and the consumer takes
// it from there (claims it by moving it into its spool, hashes it, and so on).
//
// A Watcher watches each Inbox recursively, sub-folders included as they appear. File
// system events (github.com/fsnotify/fsnotify) only trigger a look; with Options.Poll set
// no events are used at all and the folders are walked at that interval instead (for
// SMB/NFS shares, which send none). Either way a full rescan runs every Options.Rescan
// (±10%), when the event queue overflows, one Settle after a folder moves or vanishes,
// and at start, so files already in an inbox are handed out too. One goroutine owns the state of the folders; every goroutine Run starts
// has ended when it returns.
//
// A file is handed out once its size and modification time have stayed the same for
// Options.Settle and Options.Ready, if set, accepts it. A fax (an inbox of channel fax)
// with no sidecar beside it (source.SidecarPaths) waits one more Settle, since the fax
// server may still be writing the sidecar; after that it goes without one. A fax whose name
// follows the fax server's convention (source.NamedByFaxServer: its time and caller are in
// the name) does not wait. A file handed
// out is not handed out again while it stays unchanged where it is; when it changes, or
// leaves and comes back, it is handed out again. In poll mode a file that leaves and comes
// back unchanged between two walks is not seen to have left: give it a new modification
// time to have it handed out again.
//
// Never handed out: names starting with "." (hidden files and folders, including the
// pipeline's own .spool and .intake-* folders, and .DS_Store), *.tmp, *.part, ~$*,
// Thumbs.db, desktop.ini and *.json (sidecars; they go with their input). A symlink is
// followed only to a regular file inside the same inbox (and outside its hidden folders);
// it is handed out under its own name. FIFOs, sockets and devices are never opened.
//
// New fails on a configuration that cannot work (no inbox, a folder that is not there,
// inboxes inside one another, a channel other than mail or fax). Run fails only when it
// cannot start watching for events; an inbox that goes away while it runs is logged and
// looked for again at each rescan. File names are logged at debug level only; file
// contents never.
package watch
