#!/usr/bin/env bash
# The bench harness: build the service, then run bench/Bench.java (and the files beside it) against the local PostgreSQL server
# (127.0.0.1:5432, user postgres). Writes docs/BENCHMARKS.md and bench/results.json; exits 1 on a correctness failure.
# Knobs (bench/README.md): BENCH_SECONDS (per step, default 15), BENCH_WARMUP_SECONDS (60), BENCH_SKUS (100000),
# BENCH_QUERY_ORDERS (1000000), BENCH_SCENARIOS, BENCH_CLIENTS, BENCH_PORT, BENCH_PG_RESTART, BENCH_PROFILER.
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
./mvnw -q -B dependency:copy -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2 -DoutputDirectory=target/bench-lib
# Jackson for the harness's JSON, at the versions the service itself uses.
./mvnw -q -B dependency:copy-dependencies -DincludeGroupIds=tools.jackson.core,com.fasterxml.jackson.core \
  -DincludeArtifactIds=jackson-databind,jackson-core,jackson-annotations -DoutputDirectory=target/bench-lib
# async-profiler, for the flame graph of the service during intake (BENCH_PROFILER= turns it off).
if [ -z "${BENCH_PROFILER+set}" ] && [ "$(uname -sm)" = "Linux x86_64" ]; then
  ./mvnw -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 -DoutputDirectory=target/bench-lib
  (cd target/bench-lib && "$JAVA_HOME/bin/jar" xf async-profiler-4.1.jar linux-x64/libasyncProfiler.so)
  export BENCH_PROFILER="$PWD/target/bench-lib/linux-x64/libasyncProfiler.so"
fi
# A multi-file source program (JDK 22+): bench/Bench.java and the classes beside it.
exec "$JAVA_HOME/bin/java" -cp "target/bench-lib/*" bench/Bench.java target/orderloop-0.1.0-SNAPSHOT.jar
