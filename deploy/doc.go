// Package deploy holds no code: the folder holds the deployment files (the systemd unit,
// the fax servers' hooks) and its tests check them, with the Dockerfile, without a Docker
// engine, systemd or a fax server. See docs/deployment.md.
//
// The tests check that the Dockerfile installs exactly the packages of
// .ci/apt-packages.txt, which the Makefile's deps step reads too (the runtime stage may only
// drop headers, gcc and pkg-config); that the image runs as a non-root user with volumes
// for the data and the inboxes and a healthcheck that needs no curl; that the systemd unit
// has its sandbox; and they run the HylaFAX and Asterisk hooks against a temporary inbox
// with a hostile caller id, reading what they deliver with intake/pipeline/source as the
// watcher does.
package deploy
