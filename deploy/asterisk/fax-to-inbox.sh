#!/bin/sh
# fax-to-inbox.sh: hands a fax Asterisk received (ReceiveFAX) to intake's fax inbox. The
# dialplan in extensions.conf.sample runs it once the call has ended:
#
#   fax-to-inbox.sh FILE [status=SUCCESS|FAILED] [pages=N] [caller=NUMBER] [called=NUMBER]
#                        [csid=TEXT] [received=EPOCH] [id=UNIQUEID] [error=TEXT]
#
# FILE is the TIFF ReceiveFAX wrote into Asterisk's fax spool. The script writes, into the
# inbox:
#   YYYYMMDD-HHMMSS-CALLER[-CALLED].tif.json   the sidecar, first
#   YYYYMMDD-HHMMSS-CALLER[-CALLED].tif        the TIFF as received, converted to nothing
# each under a hidden temporary name first and then renamed, so intake never sees half a
# file, and never a fax without its sidecar; then it removes FILE. received is the call's
# start in seconds since 1970 (${EPOCH} when the call was answered); the file name is in
# local time, so run Asterisk in the Help Center's time zone (or set TZ for this script).
#
# Settings (environment):
#   INTAKE_FAX_INBOX    the fax inbox (default /srv/intake/fax); the asterisk user must be
#                       able to write there (docs/deployment.md: a shared group)
#   INTAKE_FAX_KEEP     "yes" to leave FILE in the spool after delivery
#   INTAKE_FAX_SYSLOG   "no" to report problems on standard error only
#
# Exit status: 0 delivered (or nothing to deliver), 1 not delivered (see the system log;
# FILE stays in the spool: run this again by hand with the same arguments).
#
# The values come from the telephone network and the far fax machine: the dialplan filters
# them, and this script trusts them no more. Every value is quoted, numbers keep only their
# digits (and a leading +), free text only printable ASCII, JSON-escaped.

set -u
umask 027
# The C locale: tr and sed work on bytes, whatever Asterisk's locale is.
LC_ALL=C
export LC_ALL

inbox=${INTAKE_FAX_INBOX:-/srv/intake/fax}

say() {
	printf 'intake fax-to-inbox: %s\n' "$*" >&2
	if [ "${INTAKE_FAX_SYSLOG:-yes}" != no ] && command -v logger >/dev/null 2>&1; then
		logger -t intake-fax-to-inbox -p daemon.notice -- "$*" 2>/dev/null || :
	fi
}

# number TEXT: the phone number's digits, with its leading "+" if it had one.
number() {
	_d=$(printf '%s' "$1" | tr -cd '0-9')
	case $1 in
	+*) [ -n "$_d" ] && _d="+$_d" ;;
	esac
	printf '%s' "$_d"
}

# name_number NUMBER: NUMBER if it fits the file-name convention (3 to 15 digits), else "".
name_number() {
	_d=${1#+}
	case ${#_d} in
	[3-9] | 1[0-5]) printf '%s' "$1" ;;
	esac
}

# text TEXT: printable ASCII only, at most 100 characters, escaped for a JSON string.
text() {
	printf '%s' "$1" | tr -cd ' -~' | cut -c 1-100 | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

# token TEXT: letters, digits, dot, dash and underscore only (ids).
token() {
	printf '%s' "$1" | tr -cd 'A-Za-z0-9._-' | cut -c 1-64
}

# place TMP FINAL: rename TMP to FINAL unless FINAL exists; 0 done, 1 the name is taken,
# 2 another failure. ln fails when FINAL exists, so two calls ending at once cannot take
# the same name; on a file system without hard links (some network shares) a rename after
# a check does.
place() {
	if ln -- "$1" "$2" 2>/dev/null; then
		rm -f -- "$1"
		return 0
	fi
	if [ -e "$2" ] || [ -L "$2" ]; then
		return 1
	fi
	mv -- "$1" "$2" || return 2
}

if [ $# -lt 1 ]; then
	say "usage: fax-to-inbox.sh FILE [status=...] [pages=...] [caller=...] [called=...] [csid=...] [received=EPOCH] [id=...] [error=...]"
	exit 1
fi
file=$1
shift
fstatus="" pages="" caller_raw="" called_raw="" csid="" epoch="" id="" errmsg=""
for arg in "$@"; do
	case $arg in
	status=*) fstatus=${arg#status=} ;;
	pages=*) pages=${arg#pages=} ;;
	caller=*) caller_raw=${arg#caller=} ;;
	called=*) called_raw=${arg#called=} ;;
	csid=*) csid=${arg#csid=} ;;
	received=*) epoch=${arg#received=} ;;
	id=*) id=${arg#id=} ;;
	error=*) errmsg=${arg#error=} ;;
	*) say "ignoring an argument that is not one of status, pages, caller, called, csid, received, id, error" ;;
	esac
done
id=$(token "$id")
pages=$(printf '%s' "$pages" | tr -cd '0-9')

if [ ! -f "$file" ] || [ ! -s "$file" ]; then
	# A call that brought no page leaves no file (or an empty one): nothing for intake.
	say "no document for call $id ($(text "$fstatus") $(text "$errmsg"))"
	[ -f "$file" ] && [ "${INTAKE_FAX_KEEP:-no}" != yes ] && rm -f -- "$file"
	exit 0
fi
if [ ! -d "$inbox" ]; then
	say "the fax inbox $inbox is not a folder; call $id not delivered"
	exit 1
fi

# The received time, for the sidecar (RFC 3339) and the file name (local time): the
# call's start when the dialplan gave it, else now.
fmt='+%Y%m%d %H%M%S %Y-%m-%dT%H:%M:%S %z'
now=""
case $epoch in
'' | *[!0-9]*) ;;
*)
	# GNU and busybox date read "@EPOCH"; BSD date takes -r EPOCH.
	now=$(date -d "@$epoch" "$fmt" 2>/dev/null) || now=$(date -r "$epoch" "$fmt" 2>/dev/null) || now=""
	;;
esac
[ -n "$now" ] || now=$(date "$fmt")
set -f # the date's words are split below; no pattern in them is a file name
# shellcheck disable=SC2086 # split on purpose
set -- $now
set +f
ymd=$1 hms=$2 local_time=$3 zone=$4
case $zone in
[+-][0-9][0-9][0-9][0-9]) received_at="$local_time${zone%??}:${zone#???}" ;;
*) received_at=$local_time ;; # intake reads a time without an offset in the Help Center's zone
esac

caller=$(number "$caller_raw")
called=$(number "$called_raw")
# FAXOPT(status) says SUCCESS when every page came through; anything else with a
# document means the call broke off and pages may be missing.
case $fstatus in
SUCCESS | success) status=ok ;;
*) status=partial ;;
esac

# The name intake reads the time and numbers from: YYYYMMDD-HHMMSS-CALLER[-CALLED].tif.
# Without a usable caller number the name says "unknown" and intake takes both from the
# sidecar.
stem="$ymd-$hms-$(name_number "$caller")"
[ "$stem" = "$ymd-$hms-" ] && stem="$ymd-$hms-unknown"
[ -n "$(name_number "$called")" ] && stem="$stem-$called"

tmp_json="$inbox/.intake-fax-to-inbox-$$.json.tmp"
tmp_tif="$inbox/.intake-fax-to-inbox-$$.tif.tmp"
trap 'rm -f -- "$tmp_json" "$tmp_tif"' EXIT
trap 'exit 1' HUP INT TERM

{
	printf '{"received_at": "%s", "status": "%s"' "$received_at" "$status"
	[ -n "$caller" ] && printf ', "caller_number": "%s"' "$caller"
	[ -n "$called" ] && printf ', "called_number": "%s"' "$called"
	[ -n "$csid" ] && printf ', "csid": "%s"' "$(text "$csid")"
	[ -n "$pages" ] && printf ', "pages": %s' "$pages"
	[ -n "$caller_raw" ] && [ -z "$caller" ] && printf ', "caller_id": "%s"' "$(text "$caller_raw")"
	printf ', "fax_server": "asterisk", "uniqueid": "%s"' "$id"
	[ -n "$errmsg" ] && printf ', "error": "%s"' "$(text "$errmsg")"
	printf '}\n'
} >"$tmp_json" || {
	say "cannot write into $inbox; call $id not delivered"
	exit 1
}
# A copy, not a move: the spool may be on another file system, and a rename across file
# systems is a copy that intake could see half done.
if ! cp -- "$file" "$tmp_tif"; then
	say "cannot copy the fax into $inbox; call $id not delivered"
	exit 1
fi
# On disk before the names appear: a power cut must not leave an empty fax under a final
# name. (sync with a file name is GNU coreutils 8.24 or later; elsewhere sync everything.)
sync -- "$tmp_json" "$tmp_tif" 2>/dev/null || sync

# The sidecar takes its final name first (and with it the name: a second fax in the same
# second from the same number gets -2, -3...), then the fax.
n=1
name=$stem
while :; do
	if [ ! -e "$inbox/$name.tif" ]; then
		place "$tmp_json" "$inbox/$name.tif.json"
		case $? in
		0) break ;;
		2)
			say "cannot rename the sidecar in $inbox; call $id not delivered"
			exit 1
			;;
		esac
	fi
	n=$((n + 1))
	if [ $n -gt 99 ]; then
		say "no free name for $stem in $inbox; call $id not delivered"
		exit 1
	fi
	name="$stem-$n"
done
if ! mv -- "$tmp_tif" "$inbox/$name.tif"; then
	rm -f -- "$inbox/$name.tif.json"
	say "cannot rename the fax in $inbox; call $id not delivered"
	exit 1
fi
[ "${INTAKE_FAX_KEEP:-no}" = yes ] || rm -f -- "$file"
exit 0
