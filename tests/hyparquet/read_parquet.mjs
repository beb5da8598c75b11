// Read Parquet files with hyparquet, an independent JavaScript implementation, and print for
// each file its footer facts and every value as text, for tests/hyparquet_test.cc to compare with
// DuckDB. Usage: node read_parquet.mjs FILE...  Output: one JSON document per line per file:
//   {"file", "created_by", "num_rows", "names": [column...],
//    "chunks": [{"group", "name", "encodings", "encoding_stats": [[page_type, encoding, count]...]}...],
//    "rows": [[text or null, ...]...]}
// Integers and timestamps are printed as exact decimal text (INT64 and epoch microseconds), strings as is.
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { readFile } from 'node:fs/promises'

const parsers = { timestampFromMicroseconds: (micros) => micros }
const text = (value) => (value === null || value === undefined ? null : String(value))

for (const file of process.argv.slice(2)) {
  const bytes = await readFile(file)
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const metadata = parquetMetadata(buffer)
  const chunks = metadata.row_groups.flatMap((group, groupIndex) => group.columns.map((chunk) => ({
    group: groupIndex,
    name: chunk.meta_data.path_in_schema.join('.'),
    encodings: chunk.meta_data.encodings,
    encoding_stats: (chunk.meta_data.encoding_stats ?? []).map((stat) => [stat.page_type, stat.encoding, stat.count]),
  })))
  const names = metadata.schema.slice(1).map((element) => element.name)
  const objects = await parquetReadObjects({ file: buffer, compressors, parsers })
  const rows = objects.map((row) => names.map((name) => text(row[name])))
  process.stdout.write(JSON.stringify({
    file, created_by: metadata.created_by, num_rows: Number(metadata.num_rows), names, chunks, rows,
  }) + '\n')
}
