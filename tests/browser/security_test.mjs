// Security of `adxmetrics serve` over plain HTTP (no browser): the token, the bind address, static
// paths that try to leave their folder, SQL injection in every parameter, security headers, the
// free-SQL endpoint, and a token that never reaches the server's output.
//
//   node tests/browser/security_test.mjs --adxmetrics build/adxmetrics --out build/browser-out/security

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {cli, generate, query, runToEnd, startServer, testArgs} from './lib.mjs';

const args = testArgs();
const bin = args.adxmetrics;
const work = path.join(args.out, 'work');
const warehouse = path.join(work, 'warehouse');
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const TOKEN = 'secret-5f1c9e2a7b';  // Distinctive, so finding it in the server's output means a leak.

const INJECTIONS = ["' OR 1=1 --", "'; DROP TABLE x; --", "1); SELECT * FROM read_csv('/etc/passwd')--",
  '<script>alert(1)</script>'];
const REPORTS = ['summary', 'subscribers', 'events', 'objects', 'daily', 'inactive', 'spikes', 'errors', 'clients',
  'access-points'];
// Parameters whose value must match something in the data: an injected string matches nothing.
const MATCH_PARAMS = ['subscriber', 'dataset', 'event_name', 'error_code', 'object_key', 'prefix', 'client',
  'access_point_arn'];
// Parameters with a type (date, number, enum): an injected string is a 400.
const TYPED_PARAMS = ['from', 'to', 'day', 'by', 'metric', 'top', 'page', 'page_size', 'days', 'k', 'window',
  'min_factor', 'ok', 'download', 'format'];

let plain;  // A server without a token, on the same warehouse.

/** Names and contents of every file of the dataset, as one hash. */
function datasetHash() {
  const root = path.join(warehouse, 'adx_for_s3_metrics');
  const hash = crypto.createHash('sha256');
  for (const name of fs.readdirSync(root, {recursive: true}).sort()) {
    const file = path.join(root, name);
    if (fs.statSync(file).isFile()) hash.update(name).update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

/** One raw HTTP/1.1 GET of `target` exactly as written (fetch would normalize `..` and `%2e`). */
function rawGet(baseUrl, target, host = '') {
  const {hostname, port} = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host || `${hostname}:${port}`}\r\nConnection: close\r\n\r\n`);
    });
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({status: Number(text.split(' ')[1]), text});
    });
  });
}

before(async () => {
  generate(bin, path.join(work, 'logs'), {days: 5, eventsPerDay: 100, subscribers: 3});
  cli(bin, ['ingest', '--source', path.join(work, 'logs'), '--warehouse', warehouse]);
  plain = await startServer(bin, ['--warehouse', warehouse]);
});

after(async () => {
  await plain?.stop();
});

test('with --token every API request needs it, by header or by the login cookie', async () => {
  const server = await startServer(bin, ['--warehouse', warehouse, '--token', TOKEN]);
  try {
    const get = (headers = {}, target = '/api/kpis') => fetch(`${server.url}${target}`, {headers});
    for (const [what, headers] of [['no token', {}], ['a wrong token', {Authorization: 'Bearer wrong'}],
      ['a wrong cookie', {Cookie: 'adxm_session=wrong'}], ['the token as the cookie', {Cookie: `adxm_session=${TOKEN}`}],
      ['the token without Bearer', {Authorization: TOKEN}]]) {
      const response = await get(headers);
      assert.equal(response.status, 401, what);
      assert.ok((await response.json()).error, `${what}: an error message`);
    }
    assert.equal((await get({}, `/api/kpis?token=${TOKEN}`)).status, 401, 'a token in the URL is not accepted');
    assert.equal((await get({}, '/api/status')).status, 401);
    assert.equal((await get({Authorization: `Bearer ${TOKEN}`})).status, 200);
    assert.equal((await get()).status, 401, 'still 401 after a good request');

    // The page holds no data: it loads without a token (and then asks for one).
    assert.equal((await get({}, '/')).status, 200);
    assert.equal((await get({}, '/app.js')).status, 200);

    const login = (token) => fetch(`${server.url}/api/login`, {method: 'POST',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: new URLSearchParams({token})});
    assert.equal((await login('wrong')).status, 401);
    // Never from the URL (logs, histories), even when right.
    const inUrl = await fetch(`${server.url}/api/login?token=${TOKEN}`, {method: 'POST'});
    assert.equal(inUrl.status, 400, 'a token in the URL is refused');
    assert.ok(!(inUrl.headers.get('set-cookie') || '').includes('adxm_session='), 'no session from a URL token');
    const response = await login(TOKEN);
    assert.equal(response.status, 204);
    const cookie = response.headers.get('set-cookie');
    assert.match(cookie, /adxm_session=/);
    assert.ok(!cookie.includes(TOKEN), 'the cookie holds a session id, never the token');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    const pair = cookie.split(';')[0];
    assert.equal((await get({Cookie: pair})).status, 200, 'the login cookie works');

    const logout = await fetch(`${server.url}/api/logout`, {method: 'POST', headers: {Cookie: pair}});
    assert.ok(logout.status < 300, `logout: ${logout.status}`);
    assert.match(logout.headers.get('set-cookie') || '', /adxm_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i, 'logout clears the cookie');
    assert.equal((await get({Cookie: pair})).status, 401, 'a logged-out session is revoked, also if the cookie is kept');
  } finally {
    await server.stop();
    assert.ok(!server.output().includes(TOKEN), 'the token never appears in the server\'s output');
  }
});

test('without a token only loopback Host names are answered (no DNS rebinding)', async () => {
  for (const host of ['evil.example', '127.evil.example', `127.0.0.1.nip.io:1`, 'localhost.evil.example', '0x7f.1']) {
    const {status, text} = await rawGet(plain.url, '/api/kpis', host);
    assert.equal(status, 403, `Host: ${host}`);
    assert.ok(!text.includes('tiles'), `Host: ${host}: no data`);
  }
  for (const host of ['127.0.0.1', 'localhost', '[::1]', '127.1.2.3']) {
    assert.equal((await rawGet(plain.url, '/api/status', `${host}:80`)).status, 200, `Host: ${host}`);
  }
});

test('a token shorter than 16 characters is refused', async () => {
  const {code, output} = await runToEnd(bin, ['serve', '--warehouse', warehouse, '--port', '0', '--token', 'short']);
  assert.notEqual(code, 0);
  assert.match(output, /at least 16/, output);
});

test('a non-loopback bind without --token refuses to start', async () => {
  const {code, output} = await runToEnd(bin, ['serve', '--warehouse', warehouse, '--bind', '0.0.0.0', '--port', '0']);
  assert.notEqual(code, 0);
  assert.match(output, /token/i, `the message names --token: ${output}`);
});

test('static paths never leave their folder', async () => {
  const targets = ['/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/vendor/../../CMakeLists.txt',
    '/%2e%2e%5c..', '/..%5c..%5cCMakeLists.txt', '/vendor/%2e%2e/%2e%2e/%2e%2e/CMakeLists.txt',
    '/vendor/..%2f..%2f..%2fCMakeLists.txt', '/vendor/../../../../../../etc/passwd', '//etc/passwd',
    '/../.git/config', '/%2e%2e/.git/config', '/.%2e/.%2e/etc/passwd', '/vendor/%252e%252e/%252e%252e/CMakeLists.txt',
    '/app.js%00.html', '/../web/../CMakeLists.txt'];
  const fromDisk = await startServer(bin, ['--warehouse', warehouse, '--ui-dir', webDir]);
  try {
    for (const server of [plain, fromDisk]) {
      // The same raw request for a real file works: the refusals below are about the paths.
      assert.equal((await rawGet(server.url, '/app.js')).status, 200);
      for (const target of targets) {
        const {status, text} = await rawGet(server.url, target);
        assert.ok([400, 403, 404].includes(status), `${target}: status ${status}`);
        assert.doesNotMatch(text, /root:x?:0:0|cmake_minimum_required|\[core\]|repositoryformatversion/, `${target} leaked a file`);
      }
    }
  } finally {
    await fromDisk.stop();
  }
});

test('SQL injection in every parameter is harmless and echoed nowhere unescaped', async () => {
  const hashBefore = datasetHash();
  const [countBefore] = query(bin, warehouse, 'SELECT count(*) AS n FROM adx_for_s3_metrics');
  const endpoints = [
    {path: '/api/kpis', params: []},
    {path: '/api/timeseries', params: ['by', 'metric', 'top']},
    {path: '/api/events', params: ['event_name', 'error_code', 'ok', 'download', 'object_key', 'prefix', 'client',
      'access_point_arn', 'day', 'page', 'page_size', 'format']},
    ...REPORTS.map((name) => ({path: `/api/report/${name}`,
      params: ['format', ...{summary: ['by'], objects: ['top'], inactive: ['days'], spikes: ['k', 'window', 'min_factor']}[name] || []]})),
  ];
  const common = ['from', 'to', 'subscriber', 'dataset', 'exclude_anonymous'];
  const failures = [];
  for (const endpoint of endpoints) {
    for (const param of [...common, ...endpoint.params]) {
      for (const injection of INJECTIONS) {
        const url = `${plain.url}${endpoint.path}?${new URLSearchParams({[param]: injection})}`;
        const problem = await checkInjected(url, param);
        if (problem) failures.push(`${endpoint.path} ${param}=${injection}: ${problem}`);
      }
    }
  }
  for (const injection of INJECTIONS) {
    const response = await fetch(`${plain.url}/api/report/${encodeURIComponent(injection)}`);
    if (![400, 404].includes(response.status)) failures.push(`report name ${injection}: ${response.status}`);
    const page = await rawGet(plain.url, `/${encodeURIComponent(injection)}`);
    if (page.text.includes(injection)) failures.push(`static path ${injection} echoed`);
  }
  assert.deepEqual(failures, []);
  assert.equal(datasetHash(), hashBefore, 'the dataset is unchanged');
  assert.deepEqual(query(bin, warehouse, 'SELECT count(*) AS n FROM adx_for_s3_metrics'), [countBefore]);
});

/** What is wrong with the answer to a request carrying an injected value, or '' when nothing. */
async function checkInjected(url, param) {
  const response = await fetch(url);
  const type = response.headers.get('content-type') || '';
  const text = await response.text();
  const injected = new URL(url).searchParams.get(param);
  if (type.includes('html') && text.includes(injected)) return 'echoed unescaped in HTML';
  if (response.status === 400) {
    return type.includes('json') && JSON.parse(text).error ? '' : '400 without a JSON error';
  }
  if (response.status !== 200) return `status ${response.status}`;
  if (TYPED_PARAMS.includes(param)) return `200 for an invalid ${param}`;
  if (!MATCH_PARAMS.includes(param) || !type.includes('json')) return '';
  return matchesNothing(JSON.parse(text)) ? '' : 'an injected value matched data';
}

/** True when an answer counts no request: an injected filter value must match nothing. */
function matchesNothing(body) {
  if (body.tiles) return body.tiles.requests.value === 0;
  if (body.series) return body.series.every((series) => series.values.every((value) => value === 0));
  if (typeof body.total === 'number') return body.total === 0;
  if (body.rows) {
    const counted = body.columns.map((column, index) => [column.name, index])
      .filter(([name]) => ['requests', 'downloads', 'failed_requests'].includes(name));
    return body.rows.every((row) => counted.every(([, index]) => !row[index]));
  }
  return true;
}

test('security headers on the page and the API', async () => {
  for (const target of ['/', '/app.js', '/api/kpis', '/api/nothing-here']) {
    const response = await fetch(`${plain.url}${target}`);
    const csp = response.headers.get('content-security-policy') || '';
    assert.match(csp, /frame-ancestors 'none'/, `${target}: CSP ${csp}`);
    assert.match(csp, /script-src 'self'/, `${target}: CSP ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${target}: CSP ${csp}`);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', target);
  }
});

test('/api/sql exists only with --allow-sql, and then only reads the dataset', async () => {
  const q = (server, sql) => fetch(`${server.url}/api/sql?${new URLSearchParams({q: sql})}`);
  assert.equal((await q(plain, 'SELECT 1')).status, 404);
  const server = await startServer(bin, ['--warehouse', warehouse, '--allow-sql']);
  try {
    const [expected] = query(bin, warehouse, 'SELECT count(*) AS n FROM adx_for_s3_metrics');
    const response = await q(server, 'SELECT count(*) AS n FROM adx_for_s3_metrics');
    assert.equal(response.status, 200);
    assert.deepEqual((await response.json()).rows, [[expected.n]]);
    const written = path.join(work, 'copied.csv');
    for (const sql of ['DROP VIEW adx_for_s3_metrics', 'CREATE TABLE x AS SELECT 1',
      `COPY (SELECT 1) TO '${written}'`, "ATTACH 'other.db' AS other", 'SELECT 1; DROP VIEW adx_for_s3_metrics']) {
      const refused = await q(server, sql);
      assert.equal(refused.status, 400, `${sql}: ${refused.status}`);
    }
    assert.ok(!fs.existsSync(written), 'COPY wrote nothing');
    const passwd = await q(server, "SELECT * FROM read_csv('/etc/passwd')");
    assert.doesNotMatch(await passwd.text(), /root:x?:0:0/, 'files outside the warehouse cannot be read');
    assert.equal((await q(server, 'SELECT count(*) AS n FROM adx_for_s3_metrics')).status, 200, 'the views survive');
  } finally {
    await server.stop();
  }
});
