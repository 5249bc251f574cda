// An independent reader for CI: DuckDB reads the demo's Parquet table and checks what the Java
// reader checked — every expected event once, in the hour partition of its event time, with real
// types — and, given a time and Spark's count of rows at or after it, that it counts the same.
// Usage: node .ci/check-table.mjs <table version dir> <expected rows> [<ISO time> <rows from then on>]
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, expected, since, sinceRows] = process.argv.slice(2);
const files = `${dir}/*/*/[!._]*.parquet`; // hidden and _ files are not part of the table
const connection = await (await DuckDBInstance.create(':memory:')).connect();
const one = async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson()[0];

const counts = await one(`SELECT count(*) AS rows, count(DISTINCT event_id) AS ids,
    count(*) FILTER (WHERE strftime(event_time AT TIME ZONE 'UTC', '%Y-%m-%d') <> dt
                        OR strftime(event_time AT TIME ZONE 'UTC', '%H') <> hr) AS misplaced
  FROM read_parquet('${files}', hive_partitioning = true, hive_types_autocast = false)`);
const types = await one(`SELECT typeof(event_time) AS event_time, typeof(amount) AS amount,
    typeof(log_offset) AS log_offset FROM read_parquet('${files}') LIMIT 1`);
console.log(`duckdb: ${JSON.stringify(counts)} ${JSON.stringify(types)}`);
const recent = since === undefined ? undefined : await one(`SELECT count(*) AS rows
  FROM read_parquet('${files}') WHERE event_time >= TIMESTAMPTZ '${since}'`);

const failures = [];
if (String(counts.rows) !== expected) failures.push(`rows ${counts.rows}, expected ${expected}`);
if (String(counts.ids) !== expected) failures.push(`distinct event_id ${counts.ids}, expected ${expected}`);
if (String(counts.misplaced) !== '0') failures.push(`${counts.misplaced} rows outside their event-time hour`);
if (types.event_time !== 'TIMESTAMP WITH TIME ZONE') failures.push(`event_time is ${types.event_time}`);
if (recent !== undefined && String(recent.rows) !== sinceRows) {
  failures.push(`${recent.rows} rows since ${since}, Spark read ${sinceRows}`);
}
if (types.amount !== 'DOUBLE' || types.log_offset !== 'BIGINT') failures.push(`column types ${JSON.stringify(types)}`);
if (failures.length > 0) {
  console.error(`duckdb check FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('duckdb check OK');
