// The scheduled ingest seen from the page: `serve --ingest-from LOGS --every 2s` picks up a new log
// file while the page is open (polling every second), and the page's "Refreshed" and KPI figures
// change to the new values; a corrupt file is shown as rejected with its reason, a failed run with
// its error, and the API keeps serving throughout.
//
//   node tests/browser/schedule_test.mjs --adxmetrics build/adxmetrics --out build/browser-out/schedule

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, test} from 'node:test';

import {cli, expectedKpis, generate, guardContext, launchChromium, query, readKpis, startServer, testArgs,
  waitForPanels} from './lib.mjs';

const args = testArgs();
const bin = args.adxmetrics;
const work = path.join(args.out, 'work');
const source = path.join(work, 'source');  // The folder the server ingests from.
const warehouse = path.join(work, 'warehouse');
const WAIT_MS = 30000;

let server;
let browser;
let page;
let problems;

/** Every log file under `dir` (relative paths), largest first. */
function logFiles(dir) {
  return fs.readdirSync(dir, {recursive: true})
    .filter((name) => name.endsWith('.json.gz') && name.includes(`${path.sep}CloudTrail${path.sep}`))
    .sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size);
}

/** How many events `file` adds, found by ingesting it alone into a scratch warehouse. */
function eventsIn(root, relative, scratch) {
  fs.mkdirSync(path.dirname(path.join(scratch, 'source', relative)), {recursive: true});
  fs.copyFileSync(path.join(root, relative), path.join(scratch, 'source', relative));
  cli(bin, ['ingest', '--source', path.join(scratch, 'source'), '--warehouse', path.join(scratch, 'warehouse')]);
  return query(bin, path.join(scratch, 'warehouse'), 'SELECT count(*) AS n FROM adx_for_s3_metrics')[0].n;
}

function allData() {
  const [bounds] = query(bin, warehouse, `SELECT min(year||'-'||month||'-'||day) AS first,
    max(year||'-'||month||'-'||day) AS last FROM adx_for_s3_metrics`);
  return expectedKpis(bin, warehouse, {from: bounds.first, to: bounds.last});
}

before(async () => {
  generate(bin, source, {seed: 21, start: '2023-05-01', days: 5, eventsPerDay: 100, subscribers: 4});
  cli(bin, ['ingest', '--source', source, '--warehouse', warehouse]);
  server = await startServer(bin, ['--warehouse', warehouse, '--ingest-from', source, '--every', '2s']);
  browser = await launchChromium();
  const context = await browser.newContext({viewport: {width: 1280, height: 900}});
  problems = await guardContext(context);
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a new log file shows up on the open page: refreshed time and figures change', async () => {
  await page.goto(`${server.url}/?poll=1`);
  await waitForPanels(page);
  const before = allData();
  assert.deepEqual(await readKpis(page), before);
  await page.getByTestId('status-refreshed').waitFor();
  const refreshedBefore = await page.getByTestId('status-refreshed').getAttribute('data-value');

  // One log file of later days, with events the warehouse does not have.
  const later = path.join(work, 'later');
  generate(bin, later, {seed: 22, start: '2023-05-06', days: 1, eventsPerDay: 100, subscribers: 4});
  const file = logFiles(later)[0];
  const added = eventsIn(later, file, path.join(work, 'scratch'));
  assert.ok(added > 0, 'the chosen log file holds qualifying events');
  fs.mkdirSync(path.dirname(path.join(source, file)), {recursive: true});
  fs.copyFileSync(path.join(later, file), path.join(source, file));

  const expectedRequests = before.requests + added;
  await page.waitForFunction((value) =>
    document.querySelector('[data-testid="kpi-requests"]')?.dataset.value === String(value), expectedRequests,
  {timeout: WAIT_MS});
  await waitForPanels(page);
  assert.deepEqual(await readKpis(page), allData());
  const refreshedAfter = await page.getByTestId('status-refreshed').getAttribute('data-value');
  assert.notEqual(refreshedAfter, refreshedBefore, '"Refreshed" changed');
  assert.match(await page.getByTestId('status-data-through').textContent(), /2023-05-06/);
  await page.screenshot({path: path.join(args.out, 'after-ingest-1280.png'), fullPage: true});
});

test('a corrupt log file is shown rejected with its reason; the API keeps serving', async () => {
  const requestsBefore = (await readKpis(page)).requests;
  const model = logFiles(source)[0];
  const corrupt = path.join(path.dirname(model), path.basename(model).replace(/_[^_]+\.json\.gz$/, '_CorruptFile0001.json.gz'));
  fs.writeFileSync(path.join(source, corrupt), 'this is not gzip\n');

  const reject = page.getByTestId('status-reject').filter({hasText: 'CorruptFile0001'});
  await reject.waitFor({timeout: WAIT_MS});
  assert.match(await reject.textContent(), /CorruptFile0001\.json\.gz: .*\S/, 'the reject names its reason');
  const response = await page.request.get(`${server.url}/api/kpis`);
  assert.equal(response.status(), 200);
  assert.equal((await response.json()).tiles.requests.value, requestsBefore);
  await waitForPanels(page);
  await page.screenshot({path: path.join(args.out, 'rejected-1280.png'), fullPage: true});
});

test('a failed scheduled ingest is shown with its error; the API keeps serving', async () => {
  // A source root that cannot be listed fails the run.
  fs.renameSync(source, `${source}.moved`);
  const failure = page.getByTestId('status-ingest-error');
  await failure.waitFor({timeout: WAIT_MS});
  assert.match(await failure.textContent(), /failed: \S/);
  const response = await page.request.get(`${server.url}/api/kpis`);
  assert.equal(response.status(), 200);
  await waitForPanels(page);
  await page.screenshot({path: path.join(args.out, 'failed-1280.png'), fullPage: true});
});

test('no request left 127.0.0.1, no dialog, no page error', () => {
  assert.deepEqual(problems, []);
});
