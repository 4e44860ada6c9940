// Counts the rows of ior Parquet files with two independent readers, each
// reading every row: DuckDB (count(*) and the sums of the bytes and
// duration_ns columns) and hyparquet (the syscall and bytes columns).
// Prints one JSON object per file: {"file", "duckdb", "hyparquet"} with the
// row counts, or "error" with the first reader's message. Exit status 1 if
// any file failed. --duckdb-only: DuckDB alone (for files of many millions
// of rows, which hyparquet reads slowly). Used by tests/integration/savesafe.py.
//   node count.mjs [--duckdb-only] FILE...
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const duckdbOnly = process.argv[2] === '--duckdb-only';
let failed = 0;
for (const file of process.argv.slice(duckdbOnly ? 3 : 2)) {
  const out = { file };
  try {
    const sql = `select count(*)::varchar as n, sum(bytes)::varchar as b, sum(duration_ns)::varchar as d
      from read_parquet('${file.replace(/'/g, "''")}')`;
    const rows = (await con.runAndReadAll(sql)).getRowObjectsJson();
    out.duckdb = Number(rows[0].n);
    if (duckdbOnly) {
      process.stdout.write(JSON.stringify(out) + '\n');
      continue;
    }
    const data = fs.readFileSync(file);
    const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    out.hyparquet = (await parquetReadObjects({ file: buf, compressors, columns: ['syscall', 'bytes'] })).length;
  } catch (e) {
    out.error = String(e && e.message ? e.message : e).slice(0, 500);
    failed++;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
process.exit(failed ? 1 : 0);
