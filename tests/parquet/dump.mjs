// Prints every row of an ior Parquet file as one JSON object per line, in
// file order, as DuckDB reads it: used by the integration tests to compare
// a -parquet recording with what a scripted workload did. 64-bit integers
// are printed as strings; time is DuckDB's microseconds since the epoch
// (DuckDB reads TIMESTAMP(NANOS, UTC) as TIMESTAMPTZ, with microseconds).
// Usage: node dump.mjs FILE
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
if (!file) {
  console.error('usage: node dump.mjs FILE');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const quoted = file.replace(/'/g, "''");
const sql = `select epoch_us(time_ns)::varchar as time_us, pid, tid, comm, syscall, fd, path, path2,
  flags, ret::varchar as ret, bytes::varchar as bytes, duration_ns::varchar as dur,
  duration_to_prev_ns::varchar as gap
  from read_parquet('${quoted}', file_row_number = true) order by file_row_number`;
const reader = await con.runAndReadAll(sql);
for (const row of reader.getRowObjectsJson()) process.stdout.write(JSON.stringify(row) + '\n');
