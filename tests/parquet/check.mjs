// SPDX-License-Identifier: GPL-2.0
// Reads a Parquet file ior wrote with two independent readers, DuckDB and
// hyparquet, and compares every value of every row with the expected rows.
//
//   node check.mjs FILE ROWS.jsonl [META.json]
//
// ROWS.jsonl (written by gen.c): one object per row, keyed by column name.
// Integers are decimal strings, NULL is null, and a string column holds the
// original bytes as one code point per byte (U+0000..U+00FF). The file holds
// strings in ior's escaped form (parquet.h: invalid UTF-8 bytes as \xHH,
// backslash as \\); this script undoes the escape on what each reader
// returns, so the comparison is byte-exact. META.json: {"row_groups": N,
// "kv": [[key, value|null], ...]}.
//
// Also checked: the schema (names, physical and logical types, repetition;
// DuckDB's column types too), created_by, version, column orders, that the
// footer is exactly its stated length, the row and row group counts, the
// key-value metadata (both readers), and per row group and column the
// statistics (null_count, min_value, max_value) against the expected rows.
// Prints each difference and exits 1 if there is any.
//
// Reader quirks this script works around: DuckDB reads time_ns as TIMESTAMP
// WITH TIME ZONE in microseconds (see floorMicros) and a missing key-value
// value as an empty BLOB; hyparquet needs hyparquet-compressors for zstd,
// returns nanosecond timestamps as a Date unless given a parser, decodes
// strings leniently (a strict decoder is passed, so invalid UTF-8 fails),
// and leaves column_orders out of its metadata.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { compressors } from 'hyparquet-compressors';

// name, physical type, logical type, nullable
const COLUMNS = [
  ['time_ns', 'INT64', 'TIMESTAMP', false],
  ['pid', 'INT32', null, false],
  ['tid', 'INT32', null, false],
  ['comm', 'BYTE_ARRAY', 'STRING', false],
  ['syscall', 'BYTE_ARRAY', 'STRING', false],
  ['fd', 'INT32', null, true],
  ['path', 'BYTE_ARRAY', 'STRING', true],
  ['path2', 'BYTE_ARRAY', 'STRING', true],
  ['flags', 'INT32', null, true],
  ['ret', 'INT64', null, false],
  ['bytes', 'INT64', null, false],
  ['duration_ns', 'INT64', null, false],
  ['duration_to_prev_ns', 'INT64', null, false],
];
const STAT_MAX = 256; // parquet.c leaves out longer string bounds
const SHOW_MAX = 20;

const [file, rowsFile, metaFile] = process.argv.slice(2);
if (!file || !rowsFile) {
  console.error('usage: node check.mjs FILE ROWS.jsonl [META.json]');
  process.exit(2);
}
const expected = fs.readFileSync(rowsFile, 'latin1').split('\n').filter(l => l).map(l => JSON.parse(l));
const meta = metaFile ? JSON.parse(fs.readFileSync(metaFile, 'latin1')) : null;

let failures = 0;
function fail(reader, msg) {
  failures++;
  if (failures <= SHOW_MAX) console.log(`FAIL ${file}: ${reader}: ${msg}`);
  else if (failures === SHOW_MAX + 1) console.log('... (more differences not shown)');
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

// Inverse of parquet_escape: a reader's string back to the original bytes,
// as one code point per byte. Throws on an escape ior never writes.
function unescape(s) {
  const bytes = Buffer.from(s, 'utf8');
  const out = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x5c) {
      out.push(bytes[i]);
    } else if (bytes[i + 1] === 0x5c) {
      out.push(0x5c);
      i++;
    } else if (bytes[i + 1] === 0x78 && /^[0-9a-f]{2}$/.test(bytes.subarray(i + 2, i + 4).toString('latin1'))) {
      out.push(parseInt(bytes.subarray(i + 2, i + 4).toString('latin1'), 16));
      i += 3;
    } else {
      throw new Error(`stray backslash at byte ${i} of ${JSON.stringify(s)}`);
    }
  }
  return Buffer.from(out).toString('latin1');
}

// A reader's value in the form of ROWS.jsonl.
function canon(v, col) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    if (/^[\x00-\x5b\x5d-\x7f]*$/.test(v)) return v; // ASCII without a backslash
    try {
      return unescape(v);
    } catch (e) {
      return `<${col}: ${e.message}>`;
    }
  }
  return `<${col}: unexpected ${Object.prototype.toString.call(v)} ${String(v)}>`;
}

function show(v) {
  if (v === null) return 'null';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 120)}...(${s.length} chars)` : s;
}

function compareRows(reader, got, want, columns) {
  if (got.length !== want.length) fail(reader, `${got.length} rows, want ${want.length}`);
  const n = Math.min(got.length, want.length);
  for (let r = 0; r < n; r++) {
    for (const [name, wantOf] of columns) {
      const g = got[r][name];
      const w = wantOf(want[r]);
      if (g !== w) fail(reader, `row ${r} ${name}: got ${show(g)}, want ${show(w)}`);
    }
  }
}

// Parquet's order for the expected values: signed for integers, unsigned
// byte-wise for strings (compared on the bytes the file holds, escaped).
function escapedBytes(latin1) {
  const raw = Buffer.from(latin1, 'latin1');
  if (/^[\x00-\x5b\x5d-\x7f]*$/.test(latin1)) return raw; // ASCII without a backslash
  const out = [];
  for (let i = 0; i < raw.length;) {
    const n = utf8Len(raw, i);
    if (n === 1 && raw[i] === 0x5c) out.push(0x5c, 0x5c);
    else if (n) for (let k = 0; k < n; k++) out.push(raw[i + k]);
    else out.push(...Buffer.from(`\\x${raw[i].toString(16).padStart(2, '0')}`, 'latin1'));
    i += n || 1;
  }
  return Buffer.from(out);
}

// Length of the valid UTF-8 character at b[i], 0 if none starts there:
// the shortest n that the strict decoder accepts (independent of ior's C).
function utf8Len(b, i) {
  for (let n = 1; n <= 4 && i + n <= b.length; n++) {
    if (n > 1 && (b[i + n - 1] & 0xc0) !== 0x80) return 0;
    try {
      fatalUtf8.decode(b.subarray(i, i + n));
      return n;
    } catch { /* incomplete or invalid */ }
  }
  return 0;
}

function checkStats(metadata) {
  let start = 0;
  metadata.row_groups.forEach((rg, g) => {
    const rows = expected.slice(start, start + Number(rg.num_rows));
    start += Number(rg.num_rows);
    COLUMNS.forEach(([name, type], c) => {
      const chunk = rg.columns[c].meta_data;
      const where = `row group ${g} ${name} statistics`;
      if (chunk.path_in_schema.join('.') !== name) fail('hyparquet', `row group ${g} column ${c} is ${chunk.path_in_schema}`);
      if (BigInt(chunk.num_values) !== BigInt(rows.length)) fail('hyparquet', `row group ${g} ${name}: num_values ${chunk.num_values}, want ${rows.length}`);
      if (chunk.codec !== 'ZSTD') fail('hyparquet', `row group ${g} ${name}: codec ${chunk.codec}`);
      const st = chunk.statistics;
      const vals = rows.map(r => r[name]).filter(v => v !== null);
      if (!st) return fail('hyparquet', `${where}: missing`);
      if (BigInt(st.null_count) !== BigInt(rows.length - vals.length)) fail('hyparquet', `${where}: null_count ${st.null_count}, want ${rows.length - vals.length}`);
      if (vals.length === 0) {
        if (st.min_value !== undefined || st.max_value !== undefined) fail('hyparquet', `${where}: min/max for an all-NULL chunk`);
        return;
      }
      let min, max;
      if (type === 'BYTE_ARRAY') {
        const bs = vals.map(escapedBytes);
        min = bs.reduce((a, b) => (Buffer.compare(a, b) <= 0 ? a : b));
        max = bs.reduce((a, b) => (Buffer.compare(a, b) >= 0 ? a : b));
        if (st.min_value === undefined && st.max_value === undefined && (min.length > STAT_MAX || max.length > STAT_MAX)) return;
        min = min.toString('latin1');
        max = max.toString('latin1');
        const gotMin = st.min_value === undefined ? undefined : Buffer.from(st.min_value, 'utf8').toString('latin1');
        const gotMax = st.max_value === undefined ? undefined : Buffer.from(st.max_value, 'utf8').toString('latin1');
        if (gotMin !== min) fail('hyparquet', `${where}: min_value ${show(gotMin)}, want ${show(min)}`);
        if (gotMax !== max) fail('hyparquet', `${where}: max_value ${show(gotMax)}, want ${show(max)}`);
      } else {
        const ns = vals.map(BigInt);
        min = ns.reduce((a, b) => (a < b ? a : b));
        max = ns.reduce((a, b) => (a > b ? a : b));
        if (st.min_value === undefined || BigInt(st.min_value) !== min) fail('hyparquet', `${where}: min_value ${st.min_value}, want ${min}`);
        if (st.max_value === undefined || BigInt(st.max_value) !== max) fail('hyparquet', `${where}: max_value ${st.max_value}, want ${max}`);
      }
    });
  });
}

const parsers = {
  timestampFromNanoseconds: n => n,
  stringFromBytes: b => b && fatalUtf8.decode(b), // throws on invalid UTF-8
};

async function checkHyparquet() {
  const data = fs.readFileSync(file);
  const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const md = parquetMetadata(buf, { parsers });
  const leaves = md.schema.slice(1);
  if (md.schema[0].num_children !== COLUMNS.length) fail('hyparquet', `root has ${md.schema[0].num_children} children`);
  COLUMNS.forEach(([name, type, logical, nullable], c) => {
    const el = leaves[c] || {};
    const got = `${el.name} ${el.type} ${el.logical_type?.type ?? null} ${el.repetition_type}`;
    const want = `${name} ${type} ${logical} ${nullable ? 'OPTIONAL' : 'REQUIRED'}`;
    if (got !== want) fail('hyparquet', `schema column ${c}: ${got}, want ${want}`);
  });
  const ts = leaves[0]?.logical_type;
  if (!ts || ts.unit !== 'NANOS' || ts.isAdjustedToUTC !== true) fail('hyparquet', `time_ns logical type ${JSON.stringify(ts)}`);
  if (md.created_by !== 'ior version 0.1.0') fail('hyparquet', `created_by ${md.created_by}`);
  // hyparquet's metadata leaves out column_orders: decode the raw footer
  // with its Thrift reader, which also shows the footer is exactly its length.
  const view = new DataView(buf);
  const footerLen = view.getUint32(buf.byteLength - 8, true);
  const reader = { view: new DataView(buf, buf.byteLength - 8 - footerLen, footerLen), offset: 0 };
  const raw = deserializeTCompactProtocol(reader);
  if (reader.offset !== footerLen) fail('hyparquet', `footer is ${footerLen} bytes, FileMetaData ${reader.offset}`);
  const orders = raw.field_7 || [];
  if (orders.length !== COLUMNS.length || orders.some(o => !o.field_1 || Object.keys(o).length !== 1)) {
    fail('hyparquet', `column_orders ${JSON.stringify(orders)}`);
  }
  if (raw.field_1 !== 1) fail('hyparquet', `version ${raw.field_1}`);
  if (view.getUint32(0, true) !== 0x31524150) fail('hyparquet', 'no PAR1 at the start');
  if (BigInt(md.num_rows) !== BigInt(expected.length)) fail('hyparquet', `num_rows ${md.num_rows}, want ${expected.length}`);
  if (meta) {
    if (md.row_groups.length !== meta.row_groups) fail('hyparquet', `${md.row_groups.length} row groups, want ${meta.row_groups}`);
    const kv = (md.key_value_metadata || []).map(({ key, value }) => [canon(key, 'key'), value === undefined ? null : canon(value, 'value')]);
    if (JSON.stringify(kv) !== JSON.stringify(meta.kv)) fail('hyparquet', `key_value_metadata ${show(kv)}, want ${show(meta.kv)}`);
  }
  checkStats(md);
  const rows = await parquetReadObjects({ file: buf, compressors, parsers });
  const got = rows.map(r => Object.fromEntries(COLUMNS.map(([name]) => [name, canon(r[name], name)])));
  compareRows('hyparquet', got, expected, COLUMNS.map(([name]) => [name, w => w[name]]));
  return rows.length;
}

// DuckDB reads TIMESTAMP(isAdjustedToUTC=true, NANOS) as TIMESTAMP WITH TIME
// ZONE, which holds microseconds: it gets time_ns truncated toward minus
// infinity to a microsecond (hyparquet checks the nanoseconds). INT64_MAX
// and -INT64_MAX are its 'infinity' and '-infinity', whose epoch_us is NULL.
function floorMicros(ns) {
  const n = BigInt(ns);
  if (n === 2n ** 63n - 1n || n === -(2n ** 63n - 1n)) return null;
  let q = n / 1000n;
  if (n % 1000n !== 0n && n < 0n) q -= 1n;
  return String(q);
}

async function checkDuckDB() {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const lit = `'${file.replace(/'/g, "''")}'`;
  const cols = COLUMNS.map(([name]) => (name === 'time_ns' ? 'epoch_us(time_ns) AS time_ns' : `"${name}"`)).join(', ');
  const reader = await con.runAndReadAll(
    `SELECT ${cols} FROM read_parquet(${lit}, file_row_number = true) ORDER BY file_row_number`);
  const rows = reader.getRowObjectsJS();
  const got = rows.map(r => Object.fromEntries(COLUMNS.map(([name]) => [name, canon(r[name], name)])));
  compareRows('duckdb', got, expected, COLUMNS.map(([name]) => [name, name === 'time_ns' ? w => floorMicros(w.time_ns) : w => w[name]]));

  const types = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit})`)).getRowObjectsJS();
  const wantTypes = { INT64: 'BIGINT', INT32: 'INTEGER', BYTE_ARRAY: 'VARCHAR' };
  COLUMNS.forEach(([name, type], c) => {
    const want = c === 0 ? 'TIMESTAMP WITH TIME ZONE' : wantTypes[type];
    if (types[c]?.column_name !== name || types[c]?.column_type !== want) {
      fail('duckdb', `column ${c}: ${types[c]?.column_name} ${types[c]?.column_type}, want ${name} ${want}`);
    }
  });
  if (meta) {
    const groups = (await con.runAndReadAll(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata(${lit})`)).getRowObjectsJS();
    if (Number(groups[0].n) !== meta.row_groups) fail('duckdb', `${groups[0].n} row groups, want ${meta.row_groups}`);
    const kvRows = (await con.runAndReadAll(`SELECT key, value FROM parquet_kv_metadata(${lit})`)).getRowObjectsJS();
    // DuckDB returns a missing value as an empty BLOB.
    const kv = kvRows.map(({ key, value }) => [canon(Buffer.from(key).toString('utf8'), 'key'), canon(Buffer.from(value).toString('utf8'), 'value')]);
    const want = meta.kv.map(([k, v]) => [k, v ?? '']);
    if (JSON.stringify(kv) !== JSON.stringify(want)) fail('duckdb', `key-value metadata ${show(kv)}, want ${show(want)}`);
  }
  con.closeSync?.();
  return rows.length;
}

const summary = [];
for (const [name, check] of [['hyparquet', checkHyparquet], ['duckdb', checkDuckDB]]) {
  try {
    summary.push(`${name} ${await check()} rows`);
  } catch (e) {
    fail(name, `error: ${e.message}`);
  }
}
if (failures) {
  console.log(`check ${file}: ${failures} difference(s)`);
  process.exit(1);
}
console.log(`check ${file}: ok (${summary.join(', ')})`);
