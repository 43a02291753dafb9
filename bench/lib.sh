# Shell helpers shared by the side-by-side bench scripts (sourced; not run on its own).
# stop() acts on the global $pid of the server the script started last.

log() { echo "$*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "n/a"; else print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# stop: SIGTERM the server in $pid, wait up to 60 s, then SIGKILL; clears pid.
stop() {
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1200); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}
