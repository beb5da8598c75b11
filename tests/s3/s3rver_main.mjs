// Run s3rver (an S3-protocol server storing objects under a directory) on 127.0.0.1 for the S3
// integration tests.
//
//   node --openssl-legacy-provider tests/s3/s3rver_main.mjs --dir DIR [--port 0] [--bucket NAME ...]
//
// Prints exactly one line `READY <port>` on stdout once listening (port 0 = ephemeral) and exits on
// SIGTERM, SIGINT or when stdin closes. Credentials: access key S3RVER, secret S3RVER.
// --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with DES, which
// Node 17+ (OpenSSL 3) refuses without the legacy provider: paginated listings would answer 500.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import S3rver from 's3rver';

// s3rver 3.7.1 lists by walking its directories in the file system's order, which is not S3's
// key order, and stops descending below a common prefix. Two consequences for ListObjectsV2:
// a paginated listing skips keys ("x/CloudTrail-Digest/..." sorts before "x/CloudTrail/..." in
// S3, after it in a directory walk, so a continuation past the second skips the first), and a
// delimiter listing misses every folder that holds no object directly ("AWSLogs/" when all
// objects lie deeper). Replace its listing with one that walks in S3's order (UTF-8 bytes) and
// stops at the page's end. As in s3rver, max-keys counts objects, not common prefixes.
const require = createRequire(import.meta.url);
const FilesystemStore = require('s3rver/lib/stores/filesystem');
const S3Object = require('s3rver/lib/models/object');
const OBJECT_SUFFIX = '._S3rver_object';

const byteOrder = (a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));

// Keys under `dir` (whose keys start with `base`) in S3 order, skipping subtrees that hold no
// key starting with `prefix` or none after `startAfter`.
function* sortedKeys(dir, base, prefix, startAfter) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return;
    throw err;
  }
  const items = [];
  for (const entry of entries) {
    if (entry.isDirectory()) {
      items.push({ key: base + entry.name + '/', name: entry.name, folder: true });
    } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
      items.push({ key: base + entry.name.slice(0, -OBJECT_SUFFIX.length), folder: false });
    }
  }
  items.sort(byteOrder);
  for (const item of items) {
    if (!item.folder) {
      yield item.key;
      continue;
    }
    if (!item.key.startsWith(prefix) && !prefix.startsWith(item.key)) continue;
    if (item.key <= startAfter && !startAfter.startsWith(item.key)) continue;
    yield* sortedKeys(path.join(dir, item.name), item.key, prefix, startAfter);
  }
}

FilesystemStore.prototype.listObjects = async function (bucket, options) {
  const { delimiter = '', startAfter = '', prefix = '', maxKeys = Infinity } = options;
  const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);  // Where keys with the prefix live.
  const keys = [];
  const commonPrefixes = new Set();
  let isTruncated = false;
  for (const key of sortedKeys(path.join(this.getBucketPath(bucket), folder), folder, prefix, startAfter)) {
    if (!key.startsWith(prefix)) {
      if (key > prefix) break;  // Sorted: no later key has the prefix.
      continue;
    }
    if (key <= startAfter) continue;
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (at !== -1) {
      commonPrefixes.add(key.slice(0, at + delimiter.length));
      continue;
    }
    if (keys.length >= maxKeys) {
      isTruncated = true;
      break;
    }
    keys.push(key);
  }
  const objects = [];
  for (const key of keys) {
    try {
      objects.push(new S3Object(bucket, key, null, await this.getMetadata(bucket, key)));
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;  // Deleted meanwhile.
    }
  }
  return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated };
};

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    bucket: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.dir) {
  console.error('s3rver_main: --dir is required');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(values.port),
  directory: values.dir,
  silent: true,
  configureBuckets: values.bucket.map((name) => ({ name })),
});
const address = await server.run();
process.stdout.write(`READY ${address.port}\n`);

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
