// Reads an ior Parquet file over and over while ior records into it, as a
// user's query would: each pass opens the file with DuckDB (count(*) and
// the sums of two integer columns, so every row group's pages are read) and
// with hyparquet (the footer, then the bytes column of the last 1000 rows:
// the newest rows). Goes on until PASSES passes and MIN_SECONDS have both
// passed, or MAX_SECONDS have.
// Prints one JSON object: {"passes", "failures", "errors": [first few],
// "rows": [DuckDB's count per pass]}.
//   node readloop.mjs FILE PASSES MIN_SECONDS MAX_SECONDS
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const [file, passesArg, minArg, maxArg] = process.argv.slice(2);
const passes = Number(passesArg), start = Date.now();
const minEnd = start + 1000 * Number(minArg), deadline = start + 1000 * Number(maxArg);
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const sql = `select count(*)::varchar as n, sum(bytes)::varchar as b, sum(duration_ns)::varchar as d
  from read_parquet('${file.replace(/'/g, "''")}')`;
const out = { passes: 0, failures: 0, errors: [], rows: [] };
while ((out.passes < passes || Date.now() < minEnd) && Date.now() < deadline) {
  out.passes++;
  try {
    const rows = (await con.runAndReadAll(sql)).getRowObjectsJson();
    out.rows.push(Number(rows[0].n));
    const data = fs.readFileSync(file);
    const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const n = Number(parquetMetadata(buf).num_rows);
    const tail = await parquetReadObjects({ file: buf, compressors, columns: ['bytes'],
                                            rowStart: Math.max(0, n - 1000), rowEnd: n });
    if (tail.length !== Math.min(n, 1000)) throw new Error(`hyparquet read ${tail.length} of the last rows`);
  } catch (e) {
    out.failures++;
    if (out.errors.length < 5) out.errors.push(String(e && e.message ? e.message : e).slice(0, 300));
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
