#!/usr/bin/env bash
# The bench harness: build the service, then run bench/Bench.java against the local PostgreSQL server
# (127.0.0.1:5432, user postgres). Writes docs/BENCHMARKS.md and bench/results.json; exits 1 on a correctness failure.
# Knobs: BENCH_SECONDS (per intake step, default 15), BENCH_SKUS (100000), BENCH_QUERY_ORDERS (1000000), BENCH_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk*; do
    if [ -x "$candidate/bin/java" ]; then export JAVA_HOME="$candidate"; break; fi
  done
fi
command -v pgbench >/dev/null || { echo "pgbench is needed (Debian: postgresql-client)"; exit 2; }
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { echo "PostgreSQL is not running on 127.0.0.1:5432"; exit 2; }
./mvnw -q -B -DskipTests -Dspotless.check.skip=true package
exec "$JAVA_HOME/bin/java" bench/Bench.java target/orderloop-0.1.0-SNAPSHOT.jar
