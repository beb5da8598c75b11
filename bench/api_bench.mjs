// api_bench: latency of `adxmetrics serve`'s JSON API at N concurrent clients on the 10M-event
// dataset, and the dashboard's page load in headless Chromium (docs/performance.md, "Dashboard API").
// A benchmark prints numbers; it exits non-zero only on errors (a non-200 answer), never on slow ones.
//
//   node bench/api_bench.mjs --adxmetrics build/adxmetrics --warehouse build/bench-work/query-10m
//       [--clients 50] [--seconds 5 | --requests N] [--runs 1] [--page-loads 5] [--ui-dir web]
//       [--only first,warm,cold,page] [--playwright DIR] [--chromium /usr/bin/chromium]
//
// For every endpoint the page uses, 50 clients (one keep-alive connection each) loop
// request -> response for --seconds (or until --requests answers), in two modes:
//   warm  every client asks the default view, which the server has cached for its snapshot;
//   cold  every request is a (subscriber, from, to) the server has not seen, so it is computed from
//         the Parquet data.
// "first view" is the page's initial set of requests against a fresh server (empty cache), six at a
// time like a browser. Latency is the client's: queueing for a connection, a runner and the CPU included.
// The load generator runs on the same machine as the server.

import {execFileSync, spawn} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {parseArgs} from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The page's initial requests (web/app.js: start() -> render() -> loadDashboard(), loadOptions(),
// pollStatus()), default filters.
const FIRST_VIEW = [
  '/api/status', '/api/options', '/api/kpis',
  '/api/timeseries?by=day&metric=requests', '/api/timeseries?by=day&metric=bytes_out',
  ...['subscribers', 'events', 'clients', 'objects', 'inactive', 'spikes', 'errors', 'access-points']
    .map((name) => `/api/report/${name}`),
];

// Every endpoint timed; `cold: false` where the answer takes no filters (never computed per view).
const ENDPOINTS = [
  {path: '/api/kpis'},
  {path: '/api/timeseries?by=day'},
  {path: '/api/timeseries?by=week&metric=bytes_out'},
  ...['subscribers', 'events', 'objects', 'errors', 'clients', 'inactive', 'spikes', 'access-points']
    .map((name) => ({path: `/api/report/${name}`})),
  {path: '/api/events?page=1'},
  {path: '/api/options', cold: false},   // No parameters: computed once per snapshot.
  {path: '/api/status', cold: false},    // Never cached, never queries: always this fast.
];

// The query bench's dataset (bench/bench_data.cc, EnsureQueryWarehouse): same size, same stamp, so
// `make bench` and `make bench-api` share build/bench-work/query-10m.
const DATASET = {events: 10_000_000, days: 90, model: 2};

function options() {
  const {values} = parseArgs({options: {
    adxmetrics: {type: 'string'}, warehouse: {type: 'string'}, clients: {type: 'string', default: '50'},
    seconds: {type: 'string'}, requests: {type: 'string'}, runs: {type: 'string', default: '1'},
    'page-loads': {type: 'string', default: '5'}, 'ui-dir': {type: 'string'}, only: {type: 'string'},
    playwright: {type: 'string'}, chromium: {type: 'string', default: '/usr/bin/chromium'},
    'bench-query': {type: 'string'},
  }});
  if (!values.adxmetrics || !values.warehouse) {
    console.error('usage: node bench/api_bench.mjs --adxmetrics PATH --warehouse DIR [--clients 50] ' +
      '[--seconds 5 | --requests N] [--runs 1] [--page-loads 5] [--ui-dir DIR] [--only first,warm,cold,page]');
    process.exit(2);
  }
  const only = new Set((values.only || 'first,warm,cold,page').split(','));
  return {
    adxmetrics: path.resolve(values.adxmetrics), warehouse: path.resolve(values.warehouse),
    clients: Number(values.clients), runs: Number(values.runs), pageLoads: Number(values['page-loads']),
    // Default: 5 s per endpoint and mode, unless a request count is given.
    seconds: values.seconds ? Number(values.seconds) : values.requests ? Infinity : 5,
    requests: values.requests ? Number(values.requests) : Infinity,
    uiDir: values['ui-dir'] && path.resolve(values['ui-dir']), only,
    playwright: values.playwright || path.join(REPO, 'tests/browser/node_modules/playwright-core'),
    chromium: values.chromium,
    benchQuery: values['bench-query'] || path.join(path.dirname(values.adxmetrics), 'bench/adxm_bench_query'),
  };
}

// ---- machine, data ----

function machine(args) {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) || [, 'unknown'])[1];
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], {encoding: 'utf8'}).trim();
  } catch { /* not a checkout */ }
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`machine: ${model}, ${os.cpus().length} cores, ${(os.totalmem() / 1e9).toFixed(1)} GB RAM; ` +
    `server commit ${commit}; node ${process.version}; load average ${load}`);
  console.log(`warehouse: ${args.warehouse}`);
}

function ensureWarehouse(args) {
  if (fs.existsSync(path.join(args.warehouse, '_adxmetrics'))) return;
  console.log(`  synthesizing ${args.warehouse} (${DATASET.events.toLocaleString('en')} rows, ${DATASET.days} days; ` +
    'takes a minute or two) ...');
  const out = execFileSync(args.benchQuery, ['synth', '--warehouse', args.warehouse, '--events',
    String(DATASET.events), '--days', String(DATASET.days)], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']});
  fs.writeFileSync(`${args.warehouse}.bench_stamp.json`, JSON.stringify({params: DATASET, synth: out}, null, 2));
}

// ---- the server ----

async function startServer(args) {
  const argv = ['serve', '--warehouse', args.warehouse, '--port', '0', '--no-access-log'];
  if (args.uiDir) argv.push('--ui-dir', args.uiDir);
  const child = spawn(args.adxmetrics, argv, {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '', stopping = false;
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  child.on('exit', (code, signal) => {
    if (!stopping) errors.push(`adxmetrics serve exited (code ${code}, signal ${signal}) while serving: ${stderr}`);
  });
  const base = await new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const found = stdout.match(/listening on (http:\/\/\S+?)\/?\s/);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`adxmetrics serve exited ${code}: ${stderr}`)));
  });
  const agent = new http.Agent({keepAlive: true, maxSockets: 1});
  for (let attempt = 0; ; ++attempt) {
    const answer = await get(agent, base + '/api/status').catch((error) => ({status: 0, body: String(error)}));
    if (answer.status === 200) break;
    if (attempt > 100) throw new Error(`/api/status never answered 200: ${answer.body}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  agent.destroy();
  return {
    base, child,
    cpuSeconds() {  // utime + stime of the server process, from /proc/PID/stat (clock ticks of 1/100 s).
      const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** GET `url`; {status, body (first 300 bytes), bytes, ms}. */
function get(agent, url) {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    http.get(url, {agent}, (response) => {
      let bytes = 0;
      const head = [];
      response.on('data', (chunk) => {
        if (bytes < 300) head.push(chunk);
        bytes += chunk.length;
      });
      response.on('end', () => resolve({status: response.statusCode, bytes, ms: performance.now() - start,
        body: Buffer.concat(head).toString('utf8', 0, 300)}));
      response.on('error', reject);
      // A connection cut mid-answer ends neither with 'end' nor always with 'error'.
      response.on('close', () => {
        if (!response.complete) reject(new Error('connection closed before the answer was complete'));
      });
    }).on('error', reject);
  });
}

// ---- load ----

const errors = [];

function recordError(url, answer) {
  errors.push(`${url}: ${answer.status} ${answer.body}`);
}

/** `clients` loops of request -> response until the time or request budget is spent; latencies in ms. */
async function load(server, args, nextUrl) {
  const latencies = [];
  let issued = 0, bytes = 0;
  const start = performance.now(), cpuStart = server.cpuSeconds();
  const deadline = start + args.seconds * 1000;
  const client = async () => {
    const agent = new http.Agent({keepAlive: true, maxSockets: 1});
    while (issued < args.requests && performance.now() < deadline) {
      ++issued;
      const url = server.base + nextUrl();
      const answer = await get(agent, url).catch((error) => ({status: 0, body: String(error), ms: NaN}));
      if (answer.status !== 200) recordError(url, answer);
      latencies.push(answer.ms);
      bytes += answer.bytes || 0;
    }
    agent.destroy();
  };
  await Promise.all(Array.from({length: args.clients}, client));
  const seconds = (performance.now() - start) / 1000;
  return {...summarize(latencies), rps: latencies.length / seconds, bytes: bytes / latencies.length,
          cpuMs: ((server.cpuSeconds() - cpuStart) * 1000) / latencies.length};
}

function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarize(latencies) {
  const sorted = latencies.filter(Number.isFinite).sort((a, b) => a - b);
  return {n: latencies.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95),
          p99: percentile(sorted, 99), max: sorted[sorted.length - 1]};
}

/** A seeded generator of filter combinations never asked before: (subscriber or all, from, to). */
function coldCombos(status, subscribers) {
  let seed = 20231201;
  const random = () => {  // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const day = (text) => Date.parse(text + 'T00:00:00Z') / 86400000;
  const first = day(status.first_day), days = day(status.last_day) - first + 1;
  const format = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
  const choices = ['', ...subscribers];
  const used = new Set();
  const spans = [];
  return {
    next() {
      for (;;) {
        const subscriber = choices[Math.floor(random() * choices.length)];
        const span = 1 + Math.floor(random() * days);
        const from = first + Math.floor(random() * (days - span + 1));
        const query = (subscriber ? `subscriber=${encodeURIComponent(subscriber)}&` : '') +
          `from=${format(from)}&to=${format(from + span - 1)}`;
        if (used.has(query)) continue;
        used.add(query);
        spans.push(span);
        return query;
      }
    },
    get count() { return used.size; },
    get meanSpan() { return spans.reduce((a, b) => a + b, 0) / Math.max(1, spans.length); },
  };
}

/** The page's first view on a fresh server: its initial requests, six connections like a browser. */
async function firstView(server) {
  const agent = new http.Agent({keepAlive: true, maxSockets: 6});
  const start = performance.now();
  const answers = await Promise.all(FIRST_VIEW.map(async (url) => {
    const answer = await get(agent, server.base + url);
    if (answer.status !== 200) recordError(url, answer);
    return [url, answer.ms];
  }));
  agent.destroy();
  return {wall: performance.now() - start, each: Object.fromEntries(answers)};
}

async function measureRun(args, run, combos) {
  const server = await startServer(args);
  const result = {endpoints: {}};
  try {
    if (args.only.has('first') || args.only.has('warm')) result.first = await firstView(server);
    for (const endpoint of ENDPOINTS) {
      const row = result.endpoints[endpoint.path] = {};
      if (args.only.has('warm')) {
        const prime = await get(undefined, server.base + endpoint.path);  // The cache now holds it.
        if (prime.status !== 200) recordError(endpoint.path, prime);
        row.warm = await load(server, args, () => endpoint.path);
      }
      if (args.only.has('cold') && endpoint.cold !== false) {
        const separator = endpoint.path.includes('?') ? '&' : '?';
        row.cold = await load(server, args, () => endpoint.path + separator + combos.next());
      }
      printRow(`run ${run}`, endpoint.path, row);
    }
  } finally {
    await server.stop();
  }
  return result;
}

// ---- page load ----

async function pageLoads(args) {
  const entry = path.join(args.playwright, 'index.mjs');
  if (!fs.existsSync(entry)) {
    console.log(`page load: skipped: no playwright-core at ${args.playwright} (scripts/bootstrap installs it ` +
      'in tests/browser; or pass --playwright DIR)');
    return null;
  }
  const {chromium} = await import(pathToFileURL(entry).href);
  const browser = await chromium.launch({executablePath: args.chromium, args: ['--no-sandbox'], headless: true});
  const server = await startServer(args);
  const loads = [];
  let hook = true;
  try {
    for (let i = 0; i < args.pageLoads; ++i) {
      const context = await browser.newContext({viewport: {width: 1280, height: 900}});
      const page = await context.newPage();
      page.on('response', (response) => {
        if (response.url().includes('/api/') && response.status() !== 200) {
          recordError(response.url(), {status: response.status(), body: '(page load)'});
        }
      });
      await page.goto(server.base + '/', {waitUntil: 'load'});
      const fcp = await (await page.waitForFunction(() => {
        const paint = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
        return paint ? paint.startTime : false;
      }, null, {timeout: 30000})).jsonValue();
      let kpi = null;
      if (hook) {
        // The tile gets data-value once /api/kpis answered; time it on the page's own clock (as FCP).
        const hasHook = await page.evaluate(() => document.querySelector('[data-testid^="kpi-"]') !== null);
        try {
          kpi = await (await page.waitForFunction(() => {
            return document.querySelector('[data-testid="kpi-requests"][data-value]') ? performance.now() : false;
          }, null, {polling: 'raf', timeout: hasHook ? 120000 : 3000})).jsonValue();
        } catch {
          hook = false;
        }
      }
      loads.push({fcp, kpi});
      console.log(`  load ${i + 1}${i === 0 ? ' (fresh server, empty cache)' : ' (warm cache)'}: ` +
        `FCP ${fcp.toFixed(0)} ms` + (kpi !== null ? `, KPI tiles filled ${kpi.toFixed(0)} ms` : ''));
      await context.close();
    }
  } finally {
    await server.stop();
    await browser.close();
  }
  return {loads, hook};
}

// ---- output ----

const fmt = (x) => (x === undefined || Number.isNaN(x) ? '—' : x < 10 ? x.toFixed(1) : x.toFixed(0));

function printRow(label, url, row) {
  const cells = (m) => (m ? `${fmt(m.p50).padStart(6)} ${fmt(m.p95).padStart(6)} ${fmt(m.p99).padStart(6)} ` +
    `${fmt(m.max).padStart(6)} ${fmt(m.rps).padStart(7)} ${fmt(m.cpuMs).padStart(6)} ${String(m.n).padStart(6)}`
    : `${'—'.padStart(6)} ${''.padStart(6)} ${''.padStart(6)} ${''.padStart(6)} ${''.padStart(7)} ${''.padStart(6)} ${''.padStart(6)}`);
  console.log(`${label.padEnd(7)} ${url.padEnd(42)} warm ${cells(row.warm)} | cold ${cells(row.cold)}`);
}

function median(values) {
  const sorted = values.filter((v) => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianOf(results, pick) {
  const samples = results.map(pick).filter(Boolean);
  if (samples.length === 0) return undefined;
  const out = {};
  for (const key of Object.keys(samples[0])) out[key] = median(samples.map((s) => s[key]));
  return out;
}

async function main() {
  const args = options();
  machine(args);
  ensureWarehouse(args);
  const budget = Number.isFinite(args.requests) ? `${args.requests} requests` : `${args.seconds} s`;
  console.log(`== API latency: ${args.clients} clients (one keep-alive connection each), ${budget} per endpoint ` +
    `and mode, ${args.runs} run(s), each on a fresh server`);
  console.log('   ms from the client: p50 p95 p99 max; rps = answers/s; cpu = server CPU ms per answer; n = answers');
  console.log(`${''.padEnd(7)} ${'endpoint'.padEnd(42)}      ${'p50'.padStart(6)} ${'p95'.padStart(6)} ` +
    `${'p99'.padStart(6)} ${'max'.padStart(6)} ${'rps'.padStart(7)} ${'cpu'.padStart(6)} ${'n'.padStart(6)}`);
  const results = [];
  if (args.only.has('first') || args.only.has('warm') || args.only.has('cold')) {
    // One generator for every run: a combination is never asked twice, not even of a new server.
    const probe = await startServer(args);
    const status = await (await fetch(probe.base + '/api/status')).json();
    const choices = await (await fetch(probe.base + '/api/options')).json();
    await probe.stop();
    const combos = coldCombos(status, choices.subscribers.map((s) => s.account_id));
    console.log(`   data: ${status.first_day} .. ${status.last_day}, ${status.files} files, ` +
      `${choices.subscribers.length} subscribers`);
    for (let run = 1; run <= args.runs; ++run) results.push(await measureRun(args, run, combos));
    console.log(`   cold: ${combos.count} distinct (subscriber or all, from, to) combinations, ` +
      `mean span ${combos.meanSpan.toFixed(0)} days`);
    if (args.runs > 1) {
      console.log(`== median of ${args.runs} runs`);
      for (const endpoint of ENDPOINTS) {
        printRow('median', endpoint.path, {warm: medianOf(results, (r) => r.endpoints[endpoint.path]?.warm),
                                           cold: medianOf(results, (r) => r.endpoints[endpoint.path]?.cold)});
      }
    }
    const firsts = results.map((r) => r.first).filter(Boolean);
    if (firsts.length > 0) {
      console.log(`== first view (fresh server, empty cache; ${FIRST_VIEW.length} requests, 6 connections): ` +
        `wall ms per run ${firsts.map((f) => fmt(f.wall)).join(', ')}; median ${fmt(median(firsts.map((f) => f.wall)))}`);
      for (const url of FIRST_VIEW) {
        console.log(`   ${url.padEnd(42)} ${fmt(median(firsts.map((f) => f.each[url]))).padStart(6)} ms (median)`);
      }
    }
  }
  if (args.only.has('page') && args.pageLoads > 0) {
    console.log(`== page load: ${args.pageLoads} loads of / in headless Chromium (${args.chromium}), ` +
      `a fresh context each; the first on a fresh server${args.uiDir ? `; page from ${args.uiDir}` : ''}`);
    const page = await pageLoads(args);
    if (page) {
      const fcps = page.loads.map((l) => l.fcp);
      console.log(`   FCP: median ${fmt(median(fcps))} ms, max ${fmt(Math.max(...fcps))} ms`);
      if (page.hook) {
        const kpis = page.loads.map((l) => l.kpi);
        console.log(`   KPI tiles filled: median ${fmt(median(kpis))} ms, max ${fmt(Math.max(...kpis))} ms ` +
          `(first load ${fmt(kpis[0])} ms)`);
      } else {
        console.log('   KPI tiles: the page has no [data-testid="kpi-requests"][data-value] yet: FCP only');
      }
    }
  }
  console.log(`done; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (errors.length > 0) {
    console.error(`${errors.length} error answer(s); the first ones:\n  ${errors.slice(0, 10).join('\n  ')}`);
    process.exit(1);
  }
}

let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  console.error(`api_bench: stopped with requests unanswered; ${errors.join('; ')}`);
  process.exitCode = 1;
});

main().then(() => { finished = true; }, (error) => {
  finished = true;
  console.error(`api_bench: ${error.stack || error}`);
  process.exit(1);
});
