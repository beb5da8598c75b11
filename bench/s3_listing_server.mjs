// s3_listing_server: an S3 endpoint for one bucket whose listing holds millions of keys, for the
// S3 bench (bench/s3_bench.mjs). s3rver stores one file per object, so a 2M-object history is too
// slow to load into it; this serves ListObjectsV2 over a key list read from a file, plus real
// objects from a directory (GetObject, HeadObject).
//
//   node bench/s3_listing_server.mjs --bucket NAME [--keys FILE] [--objects DIR] [--port 0]
//
// --keys FILE: one object a line, `key<TAB>size<TAB>etag` (adxm_bench_manifest --keys-out); listed
// only, never served. --objects DIR: every file under DIR is the object named by its relative path
// (listed with its size and MD5 ETag, and served). Listens on 127.0.0.1; prints `READY <port>` once
// listening; exits on SIGTERM, SIGINT or when stdin closes. Signatures are not verified (any
// Authorization is accepted); requests are path-style (`/NAME/key`).
//
// ListObjectsV2 as S3 answers it: prefix, delimiter (CommonPrefixes), start-after,
// continuation-token, max-keys (1-1000, counting keys and common prefixes), encoding-type=url,
// IsTruncated, NextContinuationToken, KeyCount; keys in byte order (the keys are ASCII, where
// JavaScript's string order is byte order).
//
// Request counts: GET /__stats answers {"ListObjectsV2": n, "GetObject": n, "HeadObject": n,
// "other": n}; POST /__stats/reset zeroes them. Paths under /__stats are not S3 paths.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {parseArgs} from 'node:util';

const {values} = parseArgs({options: {
  bucket: {type: 'string'}, keys: {type: 'string'}, objects: {type: 'string'}, port: {type: 'string', default: '0'},
}});
if (!values.bucket) {
  console.error('usage: node bench/s3_listing_server.mjs --bucket NAME [--keys FILE] [--objects DIR] [--port 0]');
  process.exit(2);
}

// The listing: parallel arrays sorted by key.
function loadListing() {
  const entries = [];
  if (values.keys) {
    const text = fs.readFileSync(values.keys, 'latin1');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const [key, size, etag] = text.slice(start, end).split('\t');
      if (key) entries.push({key, size: Number(size), etag, file: null});
      start = end + 1;
    }
  }
  if (values.objects) {
    const root = path.resolve(values.objects);
    for (const name of fs.readdirSync(root, {recursive: true})) {
      const file = path.join(root, name);
      if (!fs.statSync(file).isFile()) continue;
      const bytes = fs.readFileSync(file);
      const etag = crypto.createHash('md5').update(bytes).digest('hex');
      entries.push({key: name.split(path.sep).join('/'), size: bytes.length, etag, file});
    }
  }
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return entries;
}

const listing = loadListing();
const byKey = new Map(listing.filter((entry) => entry.file).map((entry) => [entry.key, entry]));
const stats = {ListObjectsV2: 0, GetObject: 0, HeadObject: 0, other: 0};

// Index of the first key >= `from`.
function lowerBound(from) {
  let low = 0, high = listing.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (listing[mid].key < from) low = mid + 1; else high = mid;
  }
  return low;
}

// The smallest string after every string that starts with `prefix` (non-empty).
const pastPrefix = (prefix) => prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

const xmlEscape = (text) => text.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'}[c]));

function listObjects(query) {
  const prefix = query.get('prefix') || '';
  const delimiter = query.get('delimiter') || '';
  const startAfter = query.get('start-after') || '';
  const token = query.get('continuation-token');
  const maxKeys = Math.max(0, Math.min(1000, Number(query.get('max-keys') ?? 1000)));
  const encode = query.get('encoding-type') === 'url'
    ? (text) => encodeURIComponent(text).replace(/%2F/g, '/') : (text) => text;
  // A continuation token is the next key to consider, base64; start-after excludes itself.
  let from = token !== null ? Buffer.from(token, 'base64url').toString('latin1')
    : startAfter ? startAfter + '\0' : '';
  if (from < prefix) from = prefix;
  let index = lowerBound(from);
  const contents = [], commonPrefixes = [];
  while (index < listing.length && listing[index].key.startsWith(prefix) &&
         contents.length + commonPrefixes.length < maxKeys) {
    const key = listing[index].key;
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (at !== -1) {
      const common = key.slice(0, at + delimiter.length);
      commonPrefixes.push(common);
      index = lowerBound(pastPrefix(common));
    } else {
      contents.push(listing[index++]);
    }
  }
  const truncated = index < listing.length && listing[index].key.startsWith(prefix);
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>${xmlEscape(values.bucket)}</Name><Prefix>${xmlEscape(encode(prefix))}</Prefix>`,
    `<KeyCount>${contents.length + commonPrefixes.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`];
  if (delimiter) parts.push(`<Delimiter>${xmlEscape(encode(delimiter))}</Delimiter>`);
  if (query.get('encoding-type') === 'url') parts.push('<EncodingType>url</EncodingType>');
  parts.push(`<IsTruncated>${truncated}</IsTruncated>`);
  if (token !== null) parts.push(`<ContinuationToken>${xmlEscape(token)}</ContinuationToken>`);
  if (startAfter) parts.push(`<StartAfter>${xmlEscape(encode(startAfter))}</StartAfter>`);
  if (truncated) {
    parts.push(`<NextContinuationToken>${Buffer.from(listing[index].key, 'latin1').toString('base64url')}</NextContinuationToken>`);
  }
  for (const entry of contents) {
    parts.push(`<Contents><Key>${xmlEscape(encode(entry.key))}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>` +
      `<ETag>&quot;${xmlEscape(entry.etag)}&quot;</ETag><Size>${entry.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`);
  }
  for (const common of commonPrefixes) parts.push(`<CommonPrefixes><Prefix>${xmlEscape(encode(common))}</Prefix></CommonPrefixes>`);
  parts.push('</ListBucketResult>');
  return parts.join('');
}

function answer(response, status, headers, body = '') {
  response.writeHead(status, {'Content-Length': Buffer.byteLength(body), ...headers});
  response.end(body);
}

function s3Error(response, status, code, method) {
  const body = method === 'HEAD' ? '' : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message></Error>`;
  answer(response, status, {'Content-Type': 'application/xml'}, body);
}

function handle(request, response) {
  const url = new URL(request.url, 'http://localhost');
  if (url.pathname === '/__stats') return answer(response, 200, {'Content-Type': 'application/json'}, JSON.stringify(stats));
  if (url.pathname === '/__stats/reset' && request.method === 'POST') {
    for (const kind of Object.keys(stats)) stats[kind] = 0;
    return answer(response, 204, {});
  }
  const [, bucket, ...rest] = url.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  if (decodeURIComponent(bucket) !== values.bucket) {
    ++stats.other;
    return s3Error(response, 404, 'NoSuchBucket', request.method);
  }
  if (request.method === 'GET' && !key && url.searchParams.get('list-type') === '2') {
    ++stats.ListObjectsV2;
    return answer(response, 200, {'Content-Type': 'application/xml'}, listObjects(url.searchParams));
  }
  if ((request.method === 'GET' || request.method === 'HEAD') && key && url.search === '') {
    ++stats[request.method === 'GET' ? 'GetObject' : 'HeadObject'];
    const entry = byKey.get(key);
    if (!entry) return s3Error(response, 404, 'NoSuchKey', request.method);
    const headers = {'Content-Type': 'application/octet-stream', 'ETag': `"${entry.etag}"`,
                     'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT'};
    if (request.method === 'HEAD') {
      response.writeHead(200, {...headers, 'Content-Length': entry.size});
      return response.end();
    }
    return answer(response, 200, headers, fs.readFileSync(entry.file));
  }
  ++stats.other;
  return s3Error(response, 501, 'NotImplemented', request.method);
}

const server = http.createServer((request, response) => {
  request.resume();  // No request bodies are used.
  request.on('end', () => {
    try {
      handle(request, response);
    } catch (err) {
      ++stats.other;
      answer(response, 500, {'Content-Type': 'text/plain'}, String(err));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
