# Sourced by scripts: sets JAVA_HOME to a JDK 25 (the machines carry Temurin 25 beside the default JDK 17).
_is_jdk25() { [ -x "$1/bin/javac" ] && "$1/bin/java" -version 2>&1 | grep -q 'version "25'; }
if [ -z "${JAVA_HOME:-}" ] || ! _is_jdk25 "$JAVA_HOME"; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /opt/java/*25*; do
    if _is_jdk25 "$candidate"; then JAVA_HOME=$candidate; break; fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "no JDK 25 found: install one (e.g. Temurin 25 under /usr/lib/jvm) or set JAVA_HOME" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
