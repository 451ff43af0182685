#!/bin/sh
# Keeps an operator's bearer token in $TOKEN_FILE for Prometheus (authorization.credentials_file in prometheus.yml).
# The services serve /metrics only to a signed-in operator or to Metrics__ScrapeToken, and operators' tokens live
# Auth__TokenLifetime (30 minutes by default): so this signs in as SURVEYS_METRICS_USER (an account with the role
# operator, and only that) and signs in again at half the token's lifetime. POSIX sh + curl (the curlimages/curl image).
set -u
INTAKE_URL=${INTAKE_URL:-http://intake:8080}
TOKEN_FILE=${TOKEN_FILE:-/var/run/surveys-metrics/token}
USER_NAME=${SURVEYS_METRICS_USER:-prometheus}
PASSWORD=${SURVEYS_METRICS_PASSWORD:-}
if [ -z "$PASSWORD" ] && [ -n "${SURVEYS_METRICS_PASSWORD_FILE:-}" ] && [ -r "$SURVEYS_METRICS_PASSWORD_FILE" ]; then
  PASSWORD=$(cat "$SURVEYS_METRICS_PASSWORD_FILE")
fi

log() { printf '[metrics-token] %s\n' "$*" >&2; }
json_escape() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

umask 022
mkdir -p "$(dirname "$TOKEN_FILE")"
[ -e "$TOKEN_FILE" ] || : > "$TOKEN_FILE"   # Prometheus starts once the file exists (healthcheck)

while :; do
  if [ -z "$PASSWORD" ]; then
    log "SURVEYS_METRICS_PASSWORD is not set: create an operator account (docs/operations.md, \"Monitoring with Docker\") and set it; the services' targets stay down until then"
    sleep 300; continue
  fi
  body=$(printf '{"userName":"%s","password":"%s"}' "$(json_escape "$USER_NAME")" "$(json_escape "$PASSWORD")")
  answer=$(printf '%s' "$body" | curl -sS --max-time 10 -X POST "$INTAKE_URL/api/auth/token" \
    -H 'Content-Type: application/json' --data-binary @- -w '\n%{http_code}' 2>&1)
  code=$(printf '%s' "$answer" | tail -n 1)
  token=$(printf '%s' "$answer" | sed -n 's/.*"accessToken" *: *"\([^"]*\)".*/\1/p' | head -n 1)
  lifetime=$(printf '%s' "$answer" | sed -n 's/.*"expiresIn" *: *\([0-9][0-9]*\).*/\1/p' | head -n 1)
  if [ "$code" = 200 ] && [ -n "$token" ]; then
    printf '%s' "$token" > "$TOKEN_FILE.new" && mv "$TOKEN_FILE.new" "$TOKEN_FILE"
    wait=$(( ${lifetime:-1800} / 2 )); [ "$wait" -ge 30 ] || wait=30
    log "signed in as $USER_NAME; token renewed, next renewal in ${wait}s"
    sleep "$wait"
  else
    # 401: wrong user or password; 429: sign-in rate limit; 000: intake not reachable (yet).
    log "sign-in as $USER_NAME at $INTAKE_URL failed (HTTP $code); retrying in 30s"
    sleep 30
  fi
done
