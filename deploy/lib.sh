# Shared by deploy/kappa, deploy/local/cluster and bench/run: where things are, the JVM flags every process needs,
# and building the jars on first use or whenever a source or pom is newer than them.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/jobs/target/kappa-jobs.jar"
PROVIDED_CLASSPATH="$ROOT/jobs/target/provided-classpath.txt"
CLUSTER_CLASSPATH="$ROOT/deploy/target/classpath.txt"
# the cluster's own additions to Flink's class path (the loopback Prometheus reporter)
DEPLOY_JAR="$ROOT/deploy/target/kappa-deploy.jar"
BENCH_JAR="$ROOT/bench/target/kappa-bench.jar"
BENCH_CLASSPATH="$ROOT/bench/target/classpath.txt"

# Flink and Kafka reflect into java.base on Java 17.
JAVA_OPENS=(--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.net=ALL-UNNAMED
  --add-opens java.base/java.time=ALL-UNNAMED --add-opens java.base/java.text=ALL-UNNAMED)

stale() {
  [[ ! -f "$JAR" || ! -f "$PROVIDED_CLASSPATH" || ! -f "$CLUSTER_CLASSPATH" || ! -f "$DEPLOY_JAR" || ! -f "$BENCH_JAR" ]] \
    && return 0
  [[ -n "$(find "$ROOT/pom.xml" "$ROOT/common" "$ROOT/jobs" "$ROOT/deploy/pom.xml" "$ROOT/deploy/src/main" "$ROOT/bench" \
      \( -name pom.xml -o -path '*/src/main/*' \) -newer "$JAR" -print -quit 2>/dev/null)" ]]
}

ensure_built() {
  if stale; then
    echo "kappa: building the job jar (first run downloads dependencies; takes a few minutes)..." >&2
    if ! mvn -q -B -f "$ROOT/pom.xml" install -DskipTests >"$ROOT/.kappa-build.log" 2>&1; then
      echo "kappa: build failed; see $ROOT/.kappa-build.log" >&2
      exit 1
    fi
  fi
}
