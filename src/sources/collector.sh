# conntune collector: a fixed POSIX sh script that reads (never writes) what an audit needs
# from one host and prints it framed, for src/sources/collector-output.ts to turn into a
# Snapshot. Run as `sh -s` over ssh, or by another engine (ansible -m script, a DaemonSet);
# it takes no input and needs only sh, head and the servers' own binaries (readlink, grep
# and timeout are used when present).
#
# Output: a line "conntune-collector 1 BOUNDARY", then sections "\nBOUNDARY KIND ARGS\nBODY"
# and finally "\nBOUNDARY END\n". The boundary is a fresh random UUID, so it cannot occur in
# file contents; bodies are raw bytes. Readers are bounded by reading LIMIT+1 bytes: a body
# longer than the LIMIT in its header was cut. Sections:
#   KERNEL STATUS NAME            /proc/sys/kernel/NAME (osrelease, hostname)
#   SYSCTL STATUS KEY             /proc/sys/KEY (its value when STATUS is ok)
#   SYSCTLS                       grep -H output: /proc/sys/KEY:VALUE lines
#   PROC STATUS LIMIT NAME        /proc/NAME (net/tcp...)
#   FILE STATUS LIMIT PATH        a file; STATUS is ok or an errno name (ENOENT, EACCES, EISDIR)
#   FAIL PATH                     reading PATH failed part way
#   LINK PATH                     PATH is a symlink; body: where it resolves to
#   DIR STATUS PATH               a listing; body: one name per line
#   CMD LIMIT NAME / CMDERR NAME / CMDRC NAME   a program's stdout, stderr, exit status
#   CMDSKIP NAME                  not run; body: the temp path `nginx -T` would have created
#   META KEY VALUE                how the collector ran (timeout seconds, utcoffset +0100)
#   LOG STATUS KIND BYTES MATCHED CUT PATH   an nginx log's signature lines (KIND error or
#                                 access), newest last; BYTES read from its end (and its .1),
#                                 MATCHED lines matched, CUT 1 when the size bound cut the tail
# The lists below must equal src/snapshot/kernel-keys.ts and config-locations.ts (a unit
# test checks it). The whole script is one function, so nothing runs until all of it was read
# and no command can swallow the rest of the script from stdin.

main() {
LC_ALL=C
export LC_ALL
# Services run as root with sbin on PATH; a login shell over ssh often lacks it.
PATH="${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin"
export PATH
set -f
umask 077
NL='
'
IFS=" 	$NL"

SYSCTL_KEYS='net.ipv4.tcp_fin_timeout
net.ipv4.tcp_tw_reuse
net.ipv4.tcp_tw_reuse_delay
net.ipv4.tcp_tw_recycle
net.ipv4.tcp_max_tw_buckets
net.ipv4.tcp_ehash_entries
net.ipv4.tcp_keepalive_time
net.ipv4.tcp_keepalive_intvl
net.ipv4.tcp_keepalive_probes
net.ipv4.ip_local_port_range
net.ipv4.ip_local_reserved_ports
net.ipv4.tcp_timestamps
net.core.somaxconn
net.ipv4.tcp_max_syn_backlog
net.ipv4.tcp_syncookies
net.ipv4.tcp_max_orphans
net.ipv4.tcp_orphan_retries'
PROC_FILES='net/sockstat
net/netstat
net/tcp
net/tcp6'
SYSCTL_DIRS='/etc/sysctl.d
/run/sysctl.d
/usr/local/lib/sysctl.d
/usr/lib/sysctl.d
/lib/sysctl.d'
SYSCTL_CONF='/etc/sysctl.conf'
NGINX_TREES='/etc/nginx
/usr/local/nginx/conf
/usr/local/etc/nginx
/usr/local/openresty/nginx/conf'
LIGHTTPD_TREES='/etc/lighttpd
/usr/local/etc/lighttpd'
NGINX_MAINS='/etc/nginx/nginx.conf
/usr/local/nginx/conf/nginx.conf
/usr/local/etc/nginx/nginx.conf
/usr/local/openresty/nginx/conf/nginx.conf'
LIGHTTPD_MAINS='/etc/lighttpd/lighttpd.conf
/usr/local/etc/lighttpd/lighttpd.conf'
UNIT_DIRS='/etc/systemd/system
/run/systemd/system
/usr/local/lib/systemd/system
/usr/lib/systemd/system
/lib/systemd/system'
GUNICORN_FILES='/etc/gunicorn.conf.py
/etc/gunicorn.d'
PROC_BYTES=268435456
CONFIG_BYTES=4194304
SYSCTL_BYTES=65536
UNIT_BYTES=262144
CMD_BYTES=67108864
CMD_SECONDS=10
FILES_PER_TREE=2000
UNIT_FILES=5000
INCLUDE_ROUNDS=32
TREE_DEPTH=16
# nginx logs (src/snapshot/config-locations.ts LOG_LIMITS and
# src/parsers/nginx-logs/signatures.ts): the last LOG_BYTES of each (then of its .1), lines
# kept by fixed strings, the newest LOG_LINES, each cut at LOG_LINE_BYTES (3 bytes per
# character of the reader's 2048-character cut). LOG_CANDIDATES is twice the reader's 32
# logs: the grep below finds paths the reader may not count as nginx's.
LOG_BYTES=8388608
LOG_CANDIDATES=64
LOG_LINES=500
LOG_LINE_BYTES=6144
ERROR_NEEDLES='upstream prematurely closed connection
(104: Connection reset by peer)
(32: Broken pipe)
upstream timed out
no live upstreams
(111: Connection refused)'
ACCESS_ERE='(^|[^0-9])50[24]([^0-9]|$)'

B=
if [ -r /proc/sys/kernel/random/uuid ]; then read -r B </proc/sys/kernel/random/uuid; fi
[ -n "$B" ] || B="pid$$-$(date +%s 2>/dev/null)-fallback"
B="--conntune-$B"
exec 3>&1
printf 'conntune-collector 1 %s\n' "$B"

HAVE_READLINK=; command -v readlink >/dev/null 2>&1 && HAVE_READLINK=1
HAVE_GREP=; command -v grep >/dev/null 2>&1 && HAVE_GREP=1
# /dev/fd lets one head read many files with the section headers between them (read_batch).
HAVE_DEVFD=; [ -e /dev/fd/3 ] && HAVE_DEVFD=1
QN=0 QL=0 LQN=0
TIMEOUT=; command -v timeout >/dev/null 2>&1 && TIMEOUT="timeout $CMD_SECONDS"
[ -n "$TIMEOUT" ] && hdr "META timeout $CMD_SECONDS"

# Paths already emitted (files, directory listings), newline-delimited, for de-duplication.
DONE_FILES=$NL
OK_FILES=$NL
DONE_DIRS=$NL

# The kernel's own identity first: it names the host.
# Read by the shell itself: a command substitution would fork for each. (A process is about
# a millisecond of CPU; the collector runs on every host of a fleet.)
for n in osrelease hostname; do
  v=
  if { read -r v || [ -n "$v" ]; } 2>/dev/null </proc/sys/kernel/$n; then hdr "KERNEL ok $n"; printf '%s' "$v"
  else hdr "KERNEL ENOENT $n"; fi
done

# nginx -V first: it names the main config (--conf-path) and decides whether -T may run.
find_program nginx; NGINX=$PROG
NGINX_CONF=
NGINX_MISSING=
NGINX_V=
if [ -n "$NGINX" ]; then
  run_version 'nginx -V' "$NGINX" -V
  NGINX_V=$CMD_ERR
  for w in $CMD_ERR; do
    case $w in
      --conf-path=*) NGINX_CONF=${w#*=} ;;
      --http-*-temp-path=*) [ -z "$NGINX_MISSING" ] && [ ! -e "${w#*=}" ] && NGINX_MISSING=${w#*=} ;;
    esac
  done
fi

# Server configuration trees, main configs and what their include lines reach.
capture_kind nginx "$NGINX_TREES" "$NGINX_MAINS" "$NGINX_CONF"
NGINX_FILES=$OK_FILES
capture_kind lighttpd "$LIGHTTPD_TREES" "$LIGHTTPD_MAINS" ''
capture_gunicorn

# Persisted kernel settings, the way systemd-sysctl finds them.
for d in $SYSCTL_DIRS; do
  [ -e "$d" ] || [ -L "$d" ] || continue
  emit_dir "$d"
  IFS=$NL
  for n in $LIST; do
    IFS=" 	$NL"
    case $n in *.conf) read_file FILE "$CONFIG_BYTES" "$d/$n" ;; esac
  done
  IFS=" 	$NL"
done
if [ -e "$SYSCTL_CONF" ] || [ -L "$SYSCTL_CONF" ]; then read_file FILE "$CONFIG_BYTES" "$SYSCTL_CONF"; fi

read_batch
if [ -n "$NGINX" ]; then
  if [ -n "$NGINX_MISSING" ]; then hdr "CMDSKIP nginx -T"; printf '%s' "$NGINX_MISSING"
  else run_cmd 'nginx -T' "$NGINX" -T; fi
fi
find_program lighttpd; LIGHTTPD=$PROG
[ -n "$LIGHTTPD" ] && run_version 'lighttpd -v' "$LIGHTTPD" -v

# nginx's logs as evidence (the host's UTC offset dates their local-time lines).
if [ -n "$HAVE_GREP" ] && { [ -n "$NGINX" ] || [ "$NGINX_FILES" != "$NL" ]; }; then
  _z=$(date +%z 2>/dev/null) && case $_z in [+-][0-9][0-9][0-9][0-9]) hdr "META utcoffset $_z" ;; esac
  log_candidates
  _n=0
  IFS=$NL
  for _l in $LOGS; do
    IFS=" 	$NL"
    _n=$((_n + 1)); [ "$_n" -gt "$LOG_CANDIDATES" ] && break
    read_log "${_l%% *}" "${_l#* }"
    IFS=$NL
  done
  IFS=" 	$NL"
fi

flush_links

# Runtime values last: the socket tables are the largest bodies, and output cut short then
# always leaves a runtime value missing, which the reader reports.
# /proc/sys handlers answer only a read from offset 0, so each value is read whole (grep -H
# reads all of them in one process, with head per key as the fallback).
SP=
for k in $SYSCTL_KEYS; do
  sysctl_path "$k"
  if [ ! -e "$SPATH" ]; then hdr "SYSCTL ENOENT $k"
  elif [ ! -r "$SPATH" ]; then hdr "SYSCTL EACCES $k"
  elif [ -n "$HAVE_GREP" ]; then SP=$SP$SPATH$NL
  else hdr "SYSCTL ok $k"; head -c "$SYSCTL_BYTES" -- "$SPATH" 2>/dev/null </dev/null; fi
done
if [ -n "$SP" ]; then
  hdr SYSCTLS
  IFS=$NL
  grep -H -s '' -- $SP </dev/null
  IFS=" 	$NL"
fi
for n in $PROC_FILES; do read_file PROC "$PROC_BYTES" "/proc/$n" "$n"; done
read_batch

flush_links
hdr END
printf '\n'
}

# sysctl_path KEY: SPATH, /proc/sys/ with the dots as slashes.
sysctl_path() {
  SPATH=/proc/sys; _sr=$1
  while :; do
    case $_sr in
      *.*) SPATH=$SPATH/${_sr%%.*}; _sr=${_sr#*.} ;;
      *) SPATH=$SPATH/$_sr; break ;;
    esac
  done
}

hdr() { printf '\n%s %s\n' "$B" "$*"; }

# read_file KIND LIMIT PATH [NAME]: a bounded read (queued for read_batch), or why there is none.
read_file() {
  _rk=$1 _rl=$2 _rp=$3 _rn=${4:-$3}
  if [ ! -e "$_rp" ]; then hdr "$_rk ENOENT $_rl $_rn"; return 1; fi
  if [ -d "$_rp" ]; then hdr "$_rk EISDIR $_rl $_rn"; return 1; fi
  if [ ! -r "$_rp" ]; then hdr "$_rk EACCES $_rl $_rn"; return 1; fi
  # head -c bounds the next file's header too: only headers well inside the bound batch.
  _rh="$B $_rk ok $_rl $_rn"
  if [ -z "$HAVE_DEVFD" ] || [ "$((${#_rh} + 2))" -gt "$_rl" ]; then read_one "$_rk" "$_rl" "$_rp" "$_rn"; return 0; fi
  { [ "$QN" -gt 0 ] && [ "$_rl" != "$QL" ]; } || [ "$QN" -ge 8 ] && read_batch
  QN=$((QN + 1)) QL=$_rl
  eval "QK$QN=\$_rk QP$QN=\$_rp QF$QN=\$_rn"
  return 0
}

# read_one KIND LIMIT PATH NAME: one file, one head.
read_one() {
  hdr "$1 ok $2 $4"
  head -c "$(($2 + 1))" -- "$3" 2>/dev/null </dev/null || hdr "FAIL $4"
  read_link "$3" "$4"
}

# read_link PATH NAME: a symlink is queued; flush_links prints where each leads (LINK sections,
# after their files' sections, as the reader needs them).
read_link() {
  if [ -L "$1" ] && [ -n "$HAVE_READLINK" ]; then
    LQN=$((LQN + 1))
    eval "LQP$LQN=\$1 LQF$LQN=\$2"
  fi
}

# link_one PATH NAME: one readlink.
link_one() {
  _rt=$(readlink -f -- "$1" 2>/dev/null) && [ -n "$_rt" ] && { hdr "LINK $2"; printf '%s' "$_rt"; }
}

# flush_links: the queued links, up to 64 per readlink (GNU readlink takes many; Debian's
# sites-enabled is a link per site). Trusted only when it succeeds with one line per link: a
# target holding a newline, a link that no longer resolves, or a readlink that takes one
# operand (BusyBox) sends that group through one readlink per link.
flush_links() {
  _li=1
  while [ "$_li" -le "$LQN" ]; do
    _lend=$((_li + 63)); [ "$_lend" -gt "$LQN" ] && _lend=$LQN
    _lok=
    if [ "$_lend" -gt "$_li" ]; then
      set --
      _lj=$_li
      while [ "$_lj" -le "$_lend" ]; do eval "set -- \"\$@\" \"\$LQP$_lj\""; _lj=$((_lj + 1)); done
      if _lout=$(readlink -f -- "$@" 2>/dev/null); then
        _ln=0
        IFS=$NL
        for _lt in $_lout; do _ln=$((_ln + 1)); done
        IFS=" 	$NL"
        [ "$_ln" = "$((_lend - _li + 1))" ] && _lok=1
      fi
    fi
    if [ -n "$_lok" ]; then
      _lj=$_li
      IFS=$NL
      for _lt in $_lout; do
        IFS=" 	$NL"
        eval "hdr \"LINK \$LQF$_lj\""; printf '%s' "$_lt"
        _lj=$((_lj + 1))
        IFS=$NL
      done
      IFS=" 	$NL"
    else
      _lj=$_li
      while [ "$_lj" -le "$_lend" ]; do eval "link_one \"\$LQP$_lj\" \"\$LQF$_lj\""; _lj=$((_lj + 1)); done
    fi
    _li=$((_lend + 1))
  done
  LQN=0
}

# read_batch: the queued files (up to 8, one limit: fds 3 to 9, all a POSIX shell can name) in one head, each bounded by head -c. The
# next file's section header comes from a here-document head reads as /dev/fd/N between two
# files, so the output is byte for byte what one head per file prints: framed by the secret
# boundary, whatever a file holds or however its size changes. Any failure (a file vanished,
# no /dev/fd, a head without -q) reads the whole batch again one file at a time; the reader
# keeps the last section for a path.
read_batch() {
  [ "$QN" -gt 0 ] || return 0
  _bn=$QN; QN=0
  set -- "$QP1"; _bh2= _bh3= _bh4= _bh5= _bh6= _bh7= _bh8=
  _bi=2
  while [ "$_bi" -le "$_bn" ]; do
    eval "_bh$_bi=\"\$QK$_bi ok \$QL \$QF$_bi\"; set -- \"\$@\" /dev/fd/$((_bi + 1)) \"\$QP$_bi\""
    _bi=$((_bi + 1))
  done
  hdr "$QK1 ok $QL $QF1"
  # fd 3 (the output's copy, for run_cmd) is free to reuse inside this one command.
  if head -q -c "$((QL + 1))" -- "$@" 2>/dev/null </dev/null 3<<E3 4<<E4 5<<E5 6<<E6 7<<E7 8<<E8 9<<E9
$NL$B $_bh2
E3
$NL$B $_bh3
E4
$NL$B $_bh4
E5
$NL$B $_bh5
E6
$NL$B $_bh6
E7
$NL$B $_bh7
E8
$NL$B $_bh8
E9
  then _bi=1
    while [ "$_bi" -le "$_bn" ]; do eval "read_link \"\$QP$_bi\" \"\$QF$_bi\""; _bi=$((_bi + 1)); done
  else _bi=1
    while [ "$_bi" -le "$_bn" ]; do eval "read_one \"\$QK$_bi\" \"\$QL\" \"\$QP$_bi\" \"\$QF$_bi\""; _bi=$((_bi + 1)); done
  fi
}

# A config file, once.
cap_file() {
  case $DONE_FILES in *"$NL$1$NL"*) return 0 ;; esac
  DONE_FILES=$DONE_FILES$1$NL
  read_file FILE "$CONFIG_BYTES" "$1" && OK_FILES=$OK_FILES$1$NL
  return 0
}

# list_dir DIR: LIST (names, one per line; names holding a newline are skipped) and LIST_ERR.
list_dir() {
  LIST= LIST_ERR=
  if [ ! -e "$1" ]; then LIST_ERR=ENOENT; return 1; fi
  if [ ! -d "$1" ]; then LIST_ERR=ENOTDIR; return 1; fi
  if [ ! -r "$1" ] || [ ! -x "$1" ]; then LIST_ERR=EACCES; return 1; fi
  set +f
  for _le in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$_le" ] || [ -L "$_le" ] || continue
    LIST=$LIST${_le##*/}$NL
  done
  set -f
  return 0
}

# emit_dir DIR: lists it into the snapshot (once).
emit_dir() {
  case $DONE_DIRS in *"$NL$1$NL"*) LIST=; return 1 ;; esac
  DONE_DIRS=$DONE_DIRS$1$NL
  if list_dir "$1"; then hdr "DIR ok $1"; printf '%s' "$LIST"; return 0; fi
  hdr "DIR $LIST_ERR $1"
  return 1
}

# capture_tree DIR: the files below DIR, breadth first, bounded by depth and BUDGET.
capture_tree() {
  _tq="0 $1$NL"
  while [ -n "$_tq" ]; do
    _tl=${_tq%%"$NL"*}; _tq=${_tq#*"$NL"}
    _td=${_tl%% *}; _tdir=${_tl#* }
    [ "$_td" -gt "$TREE_DEPTH" ] && continue
    emit_dir "$_tdir" || continue
    IFS=$NL
    for _tn in $LIST; do
      _tp=$_tdir/$_tn
      if [ -d "$_tp" ]; then _tq=$_tq$((_td + 1))" $_tp$NL"
      elif [ -f "$_tp" ]; then
        BUDGET=$((BUDGET - 1))
        [ "$BUDGET" -ge 0 ] && cap_file "$_tp"
      fi
    done
    IFS=" 	$NL"
  done
}

# normalize PATH: NORM without ".", ".." and doubled slashes (as path.posix.join does).
normalize() {
  NORM=
  IFS=/
  for _nc in $1; do
    case $_nc in
      ''|.) ;;
      ..) NORM=${NORM%/*} ;;
      *) NORM=$NORM/$_nc ;;
    esac
  done
  IFS=" 	$NL"
  [ -n "$NORM" ] || NORM=/
}

# capture_included PATH: a plain file, or a glob in the last component; INCLUDED gets the
# files captured (one per line).
capture_included() {
  case $1 in
    *[*?[]*)
      _cd=${1%/*}; [ -n "$_cd" ] || _cd=/
      _cpat=${1##*/}
      case $_cd in *[*?[]*) return 0 ;; esac
      emit_dir "$_cd" || list_dir "$_cd"
      _cl=$LIST
      IFS=$NL
      for _cn in $_cl; do
        IFS=" 	$NL"
        case $_cn in .*) case $_cpat in .*) ;; *) continue ;; esac ;; esac
        # shellcheck disable=SC2254
        case $_cn in $_cpat) [ -f "$_cd/$_cn" ] && { cap_file "$_cd/$_cn"; INCLUDED=$INCLUDED$_cd/$_cn$NL; } ;; esac
      done
      IFS=" 	$NL"
      ;;
    *) [ -f "$1" ] && { cap_file "$1"; INCLUDED=$INCLUDED$1$NL; } ;;
  esac
  return 0
}

# follow_includes KIND MAIN TREES: include lines (by pattern, as capture-configs.ts does),
# a bounded number of rounds, relative to the main config's directory.
follow_includes() {
  _fk=$1 _fmain=$2 _ftrees=$3
  _fconf=${_fmain%/*}; [ -n "$_fconf" ] || _fconf=/
  _front=$_fmain$NL
  IFS=$NL
  for _ff in $OK_FILES; do
    for _ft in $_ftrees; do case $_ff in "$_ft"/*) _front=$_front$_ff$NL ;; esac; done
  done
  IFS=" 	$NL"
  _fseen=$NL
  _fpats=$NL
  _round=0
  while [ "$_round" -lt "$INCLUDE_ROUNDS" ] && [ -n "$_front" ]; do
    _round=$((_round + 1))
    INCLUDED=
    _fread=
    IFS=$NL
    for _ff in $_front; do
      case $_fseen in *"$NL$_ff$NL"*) continue ;; esac
      case $OK_FILES in *"$NL$_ff$NL"*) ;; *) continue ;; esac
      _fseen=$_fseen$_ff$NL
      _fread=$_fread$_ff$NL
    done
    IFS=" 	$NL"
    # One grep for the round's files: dash's read builtin takes a system call per byte, which
    # on a host's nginx tree (mime.types, every site) was most of the collector's own time.
    # Include paths are relative to the main config's directory, not the including file's, so
    # which file a line came from does not matter.
    if [ -n "$_fread" ] && [ -n "$HAVE_GREP" ]; then
      IFS=$NL
      _flines=$(grep -a -h -s -e include -- $_fread </dev/null)
      IFS=" 	$NL"
      include_lines "$_fk" "$_flines"
    elif [ -n "$_fread" ]; then
      IFS=$NL
      for _ff in $_fread; do
        IFS=" 	$NL"
        _flines=
        while IFS= read -r _line || [ -n "$_line" ]; do
          case $_line in *include*) _flines=$_flines$_line$NL ;; esac
        done <"$_ff"
        include_lines "$_fk" "$_flines"
        IFS=$NL
      done
      IFS=" 	$NL"
    fi
    _front=$INCLUDED
  done
}

# include_lines KIND LINES: captures what each include line names (by pattern, as
# capture-configs.ts reads them), once per pattern.
include_lines() {
  IFS=$NL
  for _line in $2; do
    _want=
    IFS=" 	;{}"
    for _w in $_line; do
      if [ -n "$_want" ]; then
        _want=
        case $1 in
          nginx) _w=${_w#[\"\']}; _w=${_w%[\"\']} ;;
          *) case $_w in \"*\") _w=${_w#\"}; _w=${_w%\"} ;; *) continue ;; esac ;;
        esac
        case $_w in ''|*'$'*) continue ;; /*) ;; *) _w=$_fconf/$_w ;; esac
        normalize "$_w"
        # a pattern met again names files already in a frontier (see capture-configs.ts)
        case $_fpats in *"$NL$NORM$NL"*) ;; *) _fpats=$_fpats$NORM$NL; capture_included "$NORM" ;; esac
        IFS=" 	;{}"
      elif [ "$_w" = include ]; then _want=1
      fi
    done
    IFS=$NL
  done
  IFS=" 	$NL"
}

# capture_kind KIND TREES MAINS CONF_PATH
capture_kind() {
  BUDGET=$FILES_PER_TREE
  IFS=$NL
  for _kt in $2; do IFS=" 	$NL"; [ -d "$_kt" ] && capture_tree "$_kt"; done
  IFS=" 	$NL"
  _kmain=$4
  if [ -z "$_kmain" ]; then
    IFS=$NL
    for _km in $3; do case $OK_FILES in *"$NL$_km$NL"*) _kmain=$_km; break ;; esac; done
    IFS=" 	$NL"
  fi
  if [ -n "$_kmain" ]; then
    cap_file "$_kmain"
    follow_includes "$1" "$_kmain" "$2"
  fi
}

# Units that run gunicorn (admin and runtime units, and enabled vendor ones), their drop-ins
# and the files they name; then gunicorn's usual config places.
capture_gunicorn() {
  _names=$NL
  _i=0
  for _ud in /etc/systemd/system /run/systemd/system; do
    [ -e "$_ud" ] || [ -L "$_ud" ] || continue
    emit_dir "$_ud" || continue
    _ul=$LIST
    IFS=$NL
    for _un in $_ul; do
      case $_un in
        *.service) case $_names in *"$NL$_un$NL"*) ;; *) _names=$_names$_un$NL ;; esac ;;
        *.wants|*.requires)
          list_dir "$_ud/$_un"
          for _wn in $LIST; do
            case $_wn in *.service) case $_names in *"$NL$_wn$NL"*) ;; *) _names=$_names$_wn$NL ;; esac ;; esac
          done
          ;;
      esac
    done
    IFS=" 	$NL"
  done
  _paths=
  IFS=$NL
  for _un in $_names; do
    _i=$((_i + 1)); [ "$_i" -gt "$UNIT_FILES" ] && break
    _file=$_un
    case $_un in
      *@*.service) _inst=${_un#*@}; _inst=${_inst%.service}; case $_inst in ''|*.*) ;; *) _file=${_un%%@*}@.service ;; esac ;;
    esac
    for _ud in $UNIT_DIRS; do [ -f "$_ud/$_file" ] && { _paths=$_paths$_ud/$_file$NL; break; }; done
  done
  if [ -n "$HAVE_GREP" ] && [ -n "$_paths" ]; then
    _paths=$(grep -l -s -F gunicorn -- $_paths </dev/null)
  else
    _hits=
    for _up in $_paths; do
      _t=$(head -c "$UNIT_BYTES" -- "$_up" 2>/dev/null </dev/null)
      case $_t in *gunicorn*) _hits=$_hits$_up$NL ;; esac
    done
    _paths=$_hits
  fi
  for _up in $_paths; do
    IFS=" 	$NL"
    case $DONE_FILES in *"$NL$_up$NL"*) continue ;; esac
    DONE_FILES=$DONE_FILES$_up$NL
    read_file FILE "$UNIT_BYTES" "$_up" || continue
    _un=${_up##*/}
    _texts=$_up$NL
    IFS=$NL
    for _ud in $UNIT_DIRS; do
      IFS=" 	$NL"
      INCLUDED=
      capture_included "$_ud/$_un.d/*.conf"
      _texts=$_texts$INCLUDED
      IFS=$NL
    done
    # WorkingDirectory= (the first), -c/--config FILE, EnvironmentFile=, across unit and drop-ins.
    _wd= _cfgs= _envs=
    for _tf in $_texts; do
      IFS=" 	$NL"
      while IFS= read -r _line || [ -n "$_line" ]; do
        case $_line in
          WorkingDirectory=*) [ -z "$_wd" ] && { _v=${_line#*=}; set -- $_v; _v=${1#-}; [ -n "$_v" ] && _wd=$_v; } ;;
          EnvironmentFile=*) _v=${_line#*=}; set -- $_v; _v=${1#-}; [ -n "$_v" ] && _envs=$_envs$_v$NL ;;
        esac
        case $_line in *-c*|*--config*) ;; *) continue ;; esac
        _want=
        for _w in $_line; do
          if [ -n "$_want" ]; then _want=; _cfgs=$_cfgs$_w$NL; continue; fi
          case $_w in
            -c|--config) _want=1 ;;
            --config=*|-c=*) _cfgs=$_cfgs${_w#*=}$NL ;;
          esac
        done
      done <"$_tf"
      IFS=$NL
    done
    for _c in $_cfgs; do
      IFS=" 	$NL"
      _c=${_c#[\"\']}; _c=${_c%[\"\']}
      case $_c in
        python:*) ;;
        /*) normalize "$_c"; capture_included "$NORM" ;;
        *) [ -n "$_wd" ] && { normalize "$_wd/$_c"; capture_included "$NORM"; } ;;
      esac
      IFS=$NL
    done
    IFS=" 	$NL"
    [ -n "$_wd" ] && { normalize "$_wd/gunicorn.conf.py"; capture_included "$NORM"; }
    IFS=$NL
    for _e in $_envs; do IFS=" 	$NL"; case $_e in /*) capture_included "$_e" ;; esac; IFS=$NL; done
  done
  IFS=$NL
  for _g in $GUNICORN_FILES; do
    IFS=" 	$NL"
    if [ -f "$_g" ]; then cap_file "$_g"
    elif [ -d "$_g" ]; then BUDGET=200; capture_tree "$_g"; fi
    IFS=$NL
  done
  IFS=" 	$NL"
}

# log_candidates: LOGS, "KIND PATH" lines: the first argument of every error_log/access_log
# in the captured nginx files, then nginx -V's compiled-in logs. A conservative word split, not
# nginx's parser: collector-output.ts keeps only the logs nginx's parsed config names, so a
# path found here that nginx does not use is dropped there. Paths with spaces or quotes
# inside, and access_log paths with variables, are not found.
log_candidates() {
  _lpre=/usr/local/nginx _lerr=logs/error.log _lacc=logs/access.log
  for _w in $NGINX_V; do
    case $_w in
      --prefix=*) _lpre=${_w#*=} ;;
      --error-log-path=*) _lerr=${_w#*=} ;;
      --http-log-path=*) _lacc=${_w#*=} ;;
    esac
  done
  _lpre=${_lpre%/}
  LOGS=$NL
  _found=
  if [ "$NGINX_FILES" != "$NL" ]; then
    IFS=$NL
    _found=$(grep -h -s -e error_log -e access_log -- $NGINX_FILES </dev/null)
  fi
  for _line in $_found; do
    _want=
    IFS=" 	;{}"
    for _w in $_line; do
      case $_w in \#*) break ;; esac
      if [ -n "$_want" ]; then
        _w=${_w#[\"\']}; _w=${_w%[\"\']}
        case $_want$_w in
          error|errorsyslog:*|errorstderr|errormemory:*|access|accessoff|accesssyslog:*|access*'$'*) ;;
          *) log_add "$_want" "$_w" ;;
        esac
        _want=
      elif [ "$_w" = error_log ]; then _want=error
      elif [ "$_w" = access_log ]; then _want=access
      fi
    done
    IFS=$NL
  done
  IFS=" 	$NL"
  [ "$_lerr" = stderr ] || log_add error "$_lerr"
  log_add access "$_lacc"
}

# log_add KIND PATH: relative paths are below the prefix (ngx_conf_full_name), once each.
log_add() {
  case $2 in /*) _la="$1 $2" ;; *) _la="$1 $_lpre/$2" ;; esac
  case $LOGS in *"$NL$_la$NL"*) ;; *) LOGS=$LOGS$_la$NL ;; esac
}

# log_part PATH MAX: the last MAX bytes of PATH from the start of a line (as logs.ts tail()
# reads): PART_BYTES, PART_CUT, and PART_CMD "tail" or "head" to stream them again.
log_part() {
  PART_BYTES=$(wc -c <"$1" 2>/dev/null) || return 1
  PART_BYTES=$((PART_BYTES + 0))
  PART_CUT=0
  if [ "$PART_BYTES" -gt "$2" ]; then
    PART_CUT=1
    _first=$(tail -c "$2" -- "$1" 2>/dev/null | head -n 1 | wc -c)
    PART_BYTES=$(($2 - _first))
  fi
  return 0
}

# log_stream PATH MAX CUT: those bytes.
log_stream() {
  if [ "$3" = 1 ]; then tail -c "$2" -- "$1" 2>/dev/null | sed 1d
  else head -c "$2" -- "$1" 2>/dev/null; fi
}

# log_grep KIND: the kept lines of stdin.
log_grep() {
  if [ "$1" = error ]; then grep -F -e "$ERROR_NEEDLES"; else grep -E -e "$ACCESS_ERE"; fi
}

# read_log KIND PATH: the LOG section of one log and, while the byte budget lasts, its .1.
read_log() {
  _gk=$1 _gp=$2
  if [ ! -e "$_gp" ]; then hdr "LOG ENOENT $_gk 0 0 0 $_gp"; return; fi
  if [ -d "$_gp" ]; then hdr "LOG EISDIR $_gk 0 0 0 $_gp"; return; fi
  if [ ! -f "$_gp" ]; then hdr "LOG ENOTREG $_gk 0 0 0 $_gp"; return; fi
  if [ ! -r "$_gp" ]; then hdr "LOG EACCES $_gk 0 0 0 $_gp"; return; fi
  # An empty log and no .1 that the passes below would read (a quiet host, a log just rotated):
  # what they would say, without their thirteen processes.
  if [ ! -s "$_gp" ] && ! { [ -f "$_gp.1" ] && [ -r "$_gp.1" ] && [ -s "$_gp.1" ]; }; then hdr "LOG ok $_gk 0 0 0 $_gp"; return; fi
  log_part "$_gp" "$LOG_BYTES" || { hdr "LOG EIO $_gk 0 0 0 $_gp"; return; }
  _cb=$PART_BYTES _cc=$PART_CUT _cmax=$LOG_BYTES
  _rb=0 _rc=$_cc _rmax=0
  _left=$((LOG_BYTES - _cb))
  if [ "$_cc" = 0 ] && [ "$_left" -gt 0 ] && [ -f "$_gp.1" ] && [ -r "$_gp.1" ] && log_part "$_gp.1" "$_left"; then
    _rb=$PART_BYTES _rc=$PART_CUT _rmax=$_left
  fi
  _both() {
    [ "$_rmax" -gt 0 ] && { log_stream "$_gp.1" "$_rmax" "$_rc" | "$@"; }
    log_stream "$_gp" "$_cmax" "$_cc" | "$@"
  }
  # A log is text: NUL bytes mean this is not one (or it was written over).
  if [ "$(_both tr -cd '\000' | head -c 1 | wc -c)" -gt 0 ]; then hdr "LOG binary $_gk $((_cb + _rb)) 0 0 $_gp"; return; fi
  _m=$(_both log_grep "$_gk" | wc -l)
  hdr "LOG ok $_gk $((_cb + _rb)) $((_m + 0)) $_rc $_gp"
  _both log_grep "$_gk" | tail -n "$LOG_LINES" | cut -b "1-$LOG_LINE_BYTES"
}

# find_program NAME: PROG, the first executable NAME on PATH (as command -v finds a program),
# found by the shell itself: $(command -v) forks.
find_program() {
  PROG=
  IFS=:
  for _pd in $PATH; do
    case $_pd in /*) ;; *) continue ;; esac
    [ -f "$_pd/$1" ] && [ -x "$_pd/$1" ] && { PROG=$_pd/$1; break; }
  done
  IFS=" 	$NL"
}

# run_version NAME PROGRAM ARGS...: a version query (nginx -V, lighttpd -v), as run_cmd reports
# it but in two processes instead of five: it reads no configuration, prints a few lines and
# exits, so neither timeout nor head stands guard; the session's own timeout and output bound
# (src/sources/ssh.ts) still do.
run_version() {
  _cn=$1; shift
  hdr "CMD $CMD_BYTES $_cn"
  _both=$("$@" </dev/null 2>&1 >&3 3>&-; echo "rc=$?")
  CMD_ERR=${_both%rc=*}
  hdr "CMDERR $_cn"; printf '%s' "$CMD_ERR"
  hdr "CMDRC $_cn"; printf '%s' "${_both##*rc=}"
}

# run_cmd NAME PROGRAM ARGS...: stdout bounded to the output (fd 3), stderr and status captured.
run_cmd() {
  _cn=$1; shift
  hdr "CMD $CMD_BYTES $_cn"
  _both=$( { { $TIMEOUT "$@" </dev/null 2>&4 4>&- 5>&-; echo "rc=$?" >&5; } 3>&- | head -c "$((CMD_BYTES + 1))" >&3; } 4>&1 5>&1 )
  CMD_ERR=${_both%rc=*}
  hdr "CMDERR $_cn"; printf '%s' "$CMD_ERR"
  hdr "CMDRC $_cn"; printf '%s' "${_both##*rc=}"
}

main "$@" </dev/null
