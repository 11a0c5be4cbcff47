# Sourced by test.sh: starts Debian's PostgreSQL on loopback for the run-store tests and exports
# NOTEBOOKS_ML_TEST_POSTGRES. Safe to run twice. Needs root (as in CI); elsewhere the PostgreSQL tests skip.
if [ "$(id -u)" = 0 ] && ls /etc/postgresql/*/main >/dev/null 2>&1; then
  PG_VERSION=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster "$PG_VERSION" main status >/dev/null 2>&1 || pg_ctlcluster "$PG_VERSION" main start
  pg_isready -h 127.0.0.1 -p 5432 -t 60 >/dev/null
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'nbml'\"" | grep -q 1 \
    || su postgres -c "psql -q -v ON_ERROR_STOP=1 -c \"CREATE ROLE nbml LOGIN PASSWORD 'nbml'\""
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'nbml_test'\"" | grep -q 1 \
    || su postgres -c "createdb -O nbml nbml_test"
  export NOTEBOOKS_ML_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=nbml;Password=nbml;Database=nbml_test"
else
  echo "PostgreSQL not started (needs root and Debian's postgresql); its tests skip, or fail under CI=true." >&2
fi
