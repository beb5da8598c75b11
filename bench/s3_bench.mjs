// s3_bench: `adxmetrics ingest --source s3://…` (docs/performance.md, "S3: ingest from a bucket").
// A benchmark prints numbers; it exits non-zero on errors and when the daily run over a 2M-object
// history makes 100 LIST requests or more or ingests another number of objects than were added.
//
//   node bench/s3_bench.mjs --adxmetrics build/adxmetrics --bench-manifest build/bench/adxm_bench_manifest
//       [--work build/bench-work] [--runs 3] [--objects 2000000] [--only sync,history]
//
// sync     The bench bucket (`make bench`'s 200k bucket: 2,592 objects) in s3rver (tests/s3). Median
//          of --runs, interleaved: (a) `aws s3 sync` to a fresh folder; (b) (a) then `adxmetrics
//          ingest` of that folder; (c) `adxmetrics ingest --source s3://bench/`. Fresh warehouse each run.
// history  A warehouse whose manifest holds --objects processed objects (adxm_bench_manifest: 336
//          delivery days x 3 regions) and bench/s3_listing_server.mjs listing those keys plus ~300 new
//          log objects of the next day. Daily run (lookback 3 days) with the new objects, the same
//          with none (the bookkeeping alone), and --full-scan with the new objects; each on a copy.
//
// Each measured program runs under /usr/bin/time (peak RSS, CPU); wall time is taken here, and the
// S3 server's CPU time during the run from /proc (it shares the machine's cores with the client).
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AWS_CLI = '/usr/bin/aws';  // Debian's awscli, not a pyenv shim earlier on PATH.
// `make bench`'s 200k bulk bucket (bench/bench_data.cc, BulkBucketOptions(200000)): 3 days,
// (200000 - 36000) / 3.06 events a day, the generator's default seed, start and subscribers.
const BULK_BUCKET = {days: 3, events_per_day: 53595};
const HISTORY = {account: '111122223333', regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], day: '2023/12/29'};
const MAX_DAILY_LISTS = 100;

function options() {
  const {values} = parseArgs({options: {
    adxmetrics: {type: 'string'}, 'bench-manifest': {type: 'string'}, work: {type: 'string'},
    runs: {type: 'string', default: '3'}, objects: {type: 'string', default: '2000000'}, only: {type: 'string'},
  }});
  if (!values.adxmetrics) {
    console.error('usage: node bench/s3_bench.mjs --adxmetrics PATH [--bench-manifest PATH] [--work DIR] ' +
      '[--runs 3] [--objects 2000000] [--only sync,history]');
    process.exit(2);
  }
  const adxmetrics = path.resolve(values.adxmetrics);
  return {
    adxmetrics, runs: Number(values.runs), objects: Number(values.objects),
    benchManifest: path.resolve(values['bench-manifest'] || path.join(path.dirname(adxmetrics), 'bench/adxm_bench_manifest')),
    work: path.resolve(values.work || path.join(path.dirname(adxmetrics), 'bench-work')),
    only: new Set((values.only || 'sync,history').split(',')),
  };
}

// What every AWS client here needs: s3rver's credentials, no config files or instance metadata.
const AWS_ENV = {
  ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '',
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fixed = (value, digits) => value.toFixed(digits);
const thousands = (value) => Math.round(value).toLocaleString('en-US');

// Run `argv` to completion under /usr/bin/time: {seconds, cpu, rssMiB, out}; throws on failure.
function measure(argv, env = AWS_ENV) {
  const timeFile = path.join(os.tmpdir(), `s3_bench_time_${process.pid}`);
  const start = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, ...argv],
                        {env, encoding: 'utf8', maxBuffer: 1 << 26});
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) {
    throw new Error(`${argv.slice(0, 3).join(' ')} … exited ${run.status}: ${(run.stderr || '').slice(-2000)}`);
  }
  const [user, system, rssKiB] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  fs.rmSync(timeFile, {force: true});
  return {seconds, cpu: user + system, rssMiB: rssKiB / 1024, out: run.stdout};
}

// Start a server script that prints `READY <port>` and exits when its stdin closes.
function startServer(argv, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {stdio: ['pipe', 'pipe', fs.openSync(log, 'w')]});
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const match = /READY (\d+)/.exec(buffer);
      if (match) resolve({child, port: Number(match[1]), stop: () => child.stdin.end()});
    });
    child.on('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code} before READY (see ${log})`)));
  });
}

// CPU seconds (user + system) process `pid` has used so far: how busy the S3 server was.
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}));
function cpuOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // From field 3 (state) on.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;  // utime, stime.
}

// Run `measure` and add the CPU time `server` spent meanwhile.
function withServerCpu(server, run) {
  const before = cpuOf(server.child.pid);
  const result = run();
  return {...result, serverCpu: cpuOf(server.child.pid) - before};
}

const remove = (dir) => fs.rmSync(dir, {recursive: true, force: true});

// Numbers of an ingest summary: new and skipped objects, S3 request counts of the source.
function ingestSummary(out) {
  const objects = /objects: (\d+) new, (\d+)/.exec(out);
  const requests = /S3 requests \(source\): (.*)/.exec(out);
  const count = (kind) => Number((new RegExp(`(\\d+) ${kind}`).exec(requests ? requests[1] : '') || [0, 0])[1]);
  return {fresh: objects ? Number(objects[1]) : NaN, skipped: objects ? Number(objects[2]) : NaN,
          requests: requests ? requests[1].trim() : '(none)', lists: count('LIST'), gets: count('GET')};
}

function rowCount(adxmetrics, warehouse) {
  const out = execFileSync(adxmetrics, ['query', '--warehouse', warehouse, '--format', 'csv',
                                        'SELECT count(*) FROM adx_for_s3_metrics'], {encoding: 'utf8'});
  return Number(out.trim().split('\n').pop());
}

function machineLine() {
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  return `${cpu ? cpu[1] : 'unknown CPU'}, ${os.cpus().length} cores, ${fixed(os.totalmem() / 2 ** 30, 1)} GiB RAM`;
}
const loadLine = () => `load average ${os.loadavg().map((value) => fixed(value, 2)).join(' ')}`;

// `make bench`'s 200k bucket if it is there, else the same generator invocation into work/.
function bulkBucket(opts) {
  for (const dir of [path.join(opts.work, 'bucket-200000'), path.join(opts.work, 's3-bucket-200000')]) {
    try {
      const stamp = JSON.parse(fs.readFileSync(path.join(dir, 'bench_stamp.json'), 'utf8'));
      if (stamp.params.days === BULK_BUCKET.days && stamp.params.events_per_day === BULK_BUCKET.events_per_day) {
        return {dir, qualifying: stamp.summary.qualifying_events, files: stamp.summary.files};
      }
    } catch { /* Not there: try the next, then generate. */ }
  }
  const dir = path.join(opts.work, 's3-bucket-200000');
  console.log(`  generating ${dir} (${BULK_BUCKET.days} days x ${BULK_BUCKET.events_per_day} events/day) ...`);
  remove(dir);
  execFileSync(opts.adxmetrics, ['generate', '--out', dir, '--days', String(BULK_BUCKET.days),
                                 '--events-per-day', String(BULK_BUCKET.events_per_day)]);
  const truth = JSON.parse(fs.readFileSync(path.join(dir, 'ground_truth.json'), 'utf8'));
  const summary = {files: truth.files, qualifying_events: truth.qualifying_events};
  fs.writeFileSync(path.join(dir, 'bench_stamp.json'), JSON.stringify({params: BULK_BUCKET, summary}, null, 2));
  return {dir, qualifying: summary.qualifying_events, files: summary.files};
}

async function benchSync(opts) {
  console.log(`\n== S3 source vs aws s3 sync (s3rver on 127.0.0.1; ${loadLine()})`);
  const bucket = bulkBucket(opts);
  const root = path.join(opts.work, 's3-sync');
  remove(root);
  fs.mkdirSync(root, {recursive: true});
  const server = await startServer(['node', '--openssl-legacy-provider', path.join(REPO, 'tests/s3/s3rver_main.mjs'),
                                    '--dir', path.join(root, 's3rver'), '--bucket', 'bench'], path.join(root, 's3rver.log'));
  try {
    const endpoint = `http://127.0.0.1:${server.port}`;
    const aws = (...args) => [AWS_CLI, '--endpoint-url', endpoint, 's3', ...args, '--only-show-errors'];
    measure(aws('sync', path.join(bucket.dir, 'AWSLogs'), 's3://bench/AWSLogs'));
    const local = path.join(root, 'synced'), warehouse = path.join(root, 'warehouse');
    const contenders = {
      a: () => { remove(local); return measure(aws('sync', 's3://bench/', local)); },
      b: () => {
        remove(local); remove(warehouse);
        const sync = measure(aws('sync', 's3://bench/', local));
        const ingest = measure([opts.adxmetrics, 'ingest', '--source', local, '--warehouse', warehouse]);
        return {seconds: sync.seconds + ingest.seconds, cpu: sync.cpu + ingest.cpu,
                rssMiB: Math.max(sync.rssMiB, ingest.rssMiB), out: ingest.out, rows: rowCount(opts.adxmetrics, warehouse)};
      },
      c: () => {
        remove(warehouse);
        const run = measure([opts.adxmetrics, 'ingest', '--source', 's3://bench/', '--warehouse', warehouse,
                             '--s3-endpoint', endpoint]);
        return {...run, rows: rowCount(opts.adxmetrics, warehouse)};
      },
    };
    const samples = {a: [], b: [], c: []};
    const order = Object.keys(contenders);
    for (let run = 0; run < opts.runs; ++run) {
      for (let turn = 0; turn < order.length; ++turn) {  // Rotated each run: noise spreads evenly.
        const name = order[(run + turn) % order.length];
        samples[name].push(withServerCpu(server, contenders[name]));
      }
    }
    const med = (name, field) => median(samples[name].map((sample) => sample[field]));
    const last = (name) => samples[name][samples[name].length - 1];
    console.log(`  bucket: ${bucket.dir} (${thousands(bucket.files)} log objects, ${thousands(bucket.qualifying)} qualifying events); ` +
                `median of ${opts.runs} runs, interleaved; ${loadLine()}`);
    console.log('  run                                              wall s   CPU s   s3rver CPU s   peak RSS MiB   runs s');
    const row = (label, name) => console.log(`  ${label.padEnd(48)} ${fixed(med(name, 'seconds'), 2).padStart(6)}  ` +
      `${fixed(med(name, 'cpu'), 2).padStart(6)}   ${fixed(med(name, 'serverCpu'), 2).padStart(12)}   ${fixed(Math.max(...samples[name].map((s) => s.rssMiB)), 0).padStart(12)}   ` +
      samples[name].map((s) => fixed(s.seconds, 2)).join(' '));
    row('(a) aws s3 sync', 'a');
    row('(b) aws s3 sync + adxmetrics ingest (local)', 'b');
    row('(c) adxmetrics ingest --source s3://bench/', 'c');
    console.log(`  (c) ${ingestSummary(last('c').out).requests}`);
    console.log(`  (a)/(c) = ${fixed(med('a', 'seconds') / med('c', 'seconds'), 2)}x, ` +
                `(b)/(c) = ${fixed(med('b', 'seconds') / med('c', 'seconds'), 2)}x; (c) faster than (a): ` +
                `${med('c', 'seconds') < med('a', 'seconds') ? 'met' : 'MISS'}`);
    const rows = [...samples.b, ...samples.c].map((sample) => sample.rows);
    const same = rows.every((count) => count === rows[0]) && rows[0] === bucket.qualifying;
    console.log(`  dataset rows: (b) ${thousands(last('b').rows)}, (c) ${thousands(last('c').rows)}, ` +
                `ground truth ${thousands(bucket.qualifying)}: ${same ? 'same' : 'DIFFERENT'}`);
    if (!same) throw new Error(`dataset row counts differ: ${rows.join(', ')}`);
  } finally {
    server.stop();
  }
}

// ~300 real log objects of the history's next day, in its account and regions: one generated
// day, each CloudTrail log object renamed into HISTORY's layout (regions round-robin).
function newObjects(opts) {
  const dir = path.join(opts.work, 's3-new-objects');
  if (fs.existsSync(`${dir}.done`)) return dir;  // Beside it: every file in it is an object.
  const raw = path.join(opts.work, 's3-new-raw');
  remove(raw); remove(dir);
  execFileSync(opts.adxmetrics, ['generate', '--out', raw, '--seed', '9', '--start', HISTORY.day.replaceAll('/', '-'),
                                 '--days', '1', '--events-per-day', '300']);
  const logs = fs.readdirSync(raw, {recursive: true})
    .filter((name) => /(^|\/)CloudTrail\/.*\.json\.gz$/.test(name.split(path.sep).join('/'))).sort();
  logs.forEach((name, index) => {
    const region = HISTORY.regions[index % HISTORY.regions.length];
    const [, stamp, unique] = /_(\d{8}T\d{4}Z)_([^_]+)\.json\.gz$/.exec(name);
    const target = path.join(dir, 'AWSLogs', HISTORY.account, 'CloudTrail', region, ...HISTORY.day.split('/'),
                             `${HISTORY.account}_CloudTrail_${region}_${stamp}_${unique}.json.gz`);
    fs.mkdirSync(path.dirname(target), {recursive: true});
    fs.copyFileSync(path.join(raw, name), target);
  });
  remove(raw);
  fs.writeFileSync(`${dir}.done`, `${logs.length}\n`);
  return dir;
}

async function stats(port, reset) {
  const response = await fetch(`http://127.0.0.1:${port}/__stats${reset ? '/reset' : ''}`, {method: reset ? 'POST' : 'GET'});
  return reset ? null : response.json();
}

async function benchHistory(opts) {
  console.log(`\n== Daily run over ${thousands(opts.objects)} objects in history (${loadLine()})`);
  const history = path.join(opts.work, `s3-history-${opts.objects}`);
  const keys = `${history}.keys`;
  if (!fs.existsSync(keys) || !fs.existsSync(path.join(history, '_adxmetrics'))) {
    console.log(`  building ${history} and ${keys} (adxm_bench_manifest; minutes) ...`);
    remove(history);
    execFileSync(opts.benchManifest, ['--dir', history, '--objects', String(opts.objects), '--keys-out', keys]);
  }
  const fresh = newObjects(opts);
  const added = fs.readdirSync(fresh, {recursive: true}).filter((name) => name.endsWith('.json.gz')).length;
  const root = path.join(opts.work, 's3-history-run');
  remove(root);
  fs.mkdirSync(root, {recursive: true});
  const serverScript = path.join(REPO, 'bench/s3_listing_server.mjs');
  const withNew = await startServer(['node', '--max-old-space-size=4096', serverScript, '--bucket', 'hist', '--keys', keys,
                                     '--objects', fresh], path.join(root, 'server-new.log'));
  const without = await startServer(['node', '--max-old-space-size=4096', serverScript, '--bucket', 'hist', '--keys', keys],
                                    path.join(root, 'server-none.log'));
  try {
    const modes = [
      {name: 'lookback 3 days, new objects', server: withNew, args: ['--lookback-days', '3'], added},
      {name: 'lookback 3 days, no new objects', server: without, args: ['--lookback-days', '3'], added: 0},
      {name: '--full-scan, new objects', server: withNew, args: ['--full-scan'], added},
    ];
    const warehouse = path.join(root, 'warehouse');
    for (const mode of modes) mode.samples = [];
    for (let run = 0; run < opts.runs; ++run) {
      for (const mode of modes) {
        remove(warehouse);
        execFileSync('cp', ['-a', history, warehouse]);  // Every run starts from the same history.
        await stats(mode.server.port, true);
        const result = withServerCpu(mode.server, () => measure([opts.adxmetrics, 'ingest', '--source', 's3://hist/',
          '--warehouse', warehouse, '--s3-endpoint', `http://127.0.0.1:${mode.server.port}`, ...mode.args]));
        mode.samples.push({...result, server: await stats(mode.server.port, false), summary: ingestSummary(result.out)});
      }
    }
    console.log(`  ${thousands(opts.objects)} history keys + ${added} new log objects of ${HISTORY.day} ` +
                `(${HISTORY.regions.length} regions); median of ${opts.runs} runs, interleaved, each on a copy; ${loadLine()}`);
    console.log('  run                                 LIST (server/summary)   GET   new   skipped   wall s   CPU s   server CPU s   peak RSS MiB');
    let failures = [];
    for (const mode of modes) {
      const last = mode.samples[mode.samples.length - 1];
      const lists = mode.samples.map((sample) => sample.server.ListObjectsV2);
      console.log(`  ${mode.name.padEnd(34)} ${`${median(lists)}/${last.summary.lists}`.padStart(21)}   ` +
        `${String(last.server.GetObject).padStart(4)}  ${String(last.summary.fresh).padStart(4)}  ${thousands(last.summary.skipped).padStart(8)}  ` +
        `${fixed(median(mode.samples.map((s) => s.seconds)), 2).padStart(7)}  ${fixed(median(mode.samples.map((s) => s.cpu)), 2).padStart(6)}   ` +
        `${fixed(median(mode.samples.map((s) => s.serverCpu)), 2).padStart(12)}   ` +
        `${fixed(Math.max(...mode.samples.map((s) => s.rssMiB)), 0).padStart(12)}`);
      for (const sample of mode.samples) {
        if (sample.summary.fresh !== mode.added) failures.push(`${mode.name}: ingested ${sample.summary.fresh} objects, added ${mode.added}`);
        if (sample.server.other) failures.push(`${mode.name}: ${sample.server.other} requests the listing server does not serve`);
      }
      if (mode.args[0] === '--lookback-days' && Math.max(...lists) >= MAX_DAILY_LISTS) {
        failures.push(`${mode.name}: ${Math.max(...lists)} LIST requests (target < ${MAX_DAILY_LISTS})`);
      }
    }
    const [daily, bookkeeping, full] = modes.map((mode) => median(mode.samples.map((s) => s.seconds)));
    console.log(`  daily run: ${median(modes[0].samples.map((s) => s.server.ListObjectsV2))} LIST requests ` +
                `${median(modes[0].samples.map((s) => s.server.ListObjectsV2)) < MAX_DAILY_LISTS ? 'met' : 'MISS'} (< ${MAX_DAILY_LISTS}); ` +
                `bookkeeping (listing + planning, no new objects) ${fixed(bookkeeping, 2)} s of ${fixed(daily, 2)} s; ` +
                `--full-scan ${fixed(full / daily, 1)}x the daily run`);
    failures = [...new Set(failures)];
    if (failures.length) throw new Error(failures.join('\n'));
  } finally {
    withNew.stop();
    without.stop();
  }
}

const opts = options();
fs.mkdirSync(opts.work, {recursive: true});
console.log(`machine: ${machineLine()}; ${loadLine()}`);
try {
  if (opts.only.has('sync')) await benchSync(opts);
  if (opts.only.has('history')) await benchHistory(opts);
} catch (err) {
  console.error(`s3_bench: ${err.message}`);
  process.exit(1);
}
