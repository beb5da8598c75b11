// The dashboard in Chromium against `adxmetrics serve` on generated data: KPI tiles equal the
// dataset's own figures, filters change every panel and live in the URL, drill-downs open the
// right subscriber and the right events, CSV downloads equal `report --format csv`, a subscriber
// name holding HTML renders as text, and no request leaves 127.0.0.1.
//
//   node tests/browser/dashboard_test.mjs --adxmetrics build/adxmetrics --out build/browser-out/dashboard
//     [--screenshot-for-readme docs/dashboard.png]

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, test} from 'node:test';

import {cli, expectedKpis, generate, guardContext, launchChromium, parseCsv, query, readKpis, sqlString,
  startServer, testArgs, waitForPanels} from './lib.mjs';

const args = testArgs(['screenshot-for-readme']);
const bin = args.adxmetrics;
const work = path.join(args.out, 'work');
const logs = path.join(work, 'logs');
const warehouse = path.join(work, 'warehouse');
const subscribersCsv = path.join(work, 'subscribers.csv');
const datasetsCsv = path.join(work, 'datasets.csv');
const mappings = ['--subscribers', subscribersCsv, '--datasets', datasetsCsv];
const XSS_SCRIPT = '<script>alert(1)</script> Evil Corp';
const XSS_IMG = '<img src=x onerror=alert(2)> Labs';

let server;
let browser;
let context;
let page;
let problems;
let data;  // {first, last, accounts: [by requests, descending]}

before(async () => {
  fs.mkdirSync(work, {recursive: true});
  generate(bin, logs);
  cli(bin, ['ingest', '--source', logs, '--warehouse', warehouse]);
  const [bounds] = query(bin, warehouse, `SELECT min(year||'-'||month||'-'||day) AS first,
    max(year||'-'||month||'-'||day) AS last FROM adx_for_s3_metrics`);
  const accounts = query(bin, warehouse, `SELECT subscriber_account_id AS id FROM adx_for_s3_metrics
    WHERE subscriber_account_id != 'anonymous' GROUP BY 1 ORDER BY count(*) DESC, 1`).map((row) => row.id);
  assert.ok(accounts.length >= 3, 'the generated data has at least three subscribers');
  const names = [XSS_SCRIPT, XSS_IMG, ...accounts.slice(2).map((_, index) => `Subscriber ${index + 3}`)];
  fs.writeFileSync(subscribersCsv, `account_id,name\n${accounts.map((id, index) => `${id},${names[index]}`).join('\n')}\n`);
  const arns = query(bin, warehouse, 'SELECT DISTINCT access_point_arn AS arn FROM adx_for_s3_metrics ORDER BY 1')
    .map((row) => row.arn);
  fs.writeFileSync(datasetsCsv, `access_point_arn,dataset\n${arns.map((arn, index) => `${arn},Data set ${index + 1}`).join('\n')}\n`);
  data = {first: bounds.first, last: bounds.last, accounts};

  server = await startServer(bin, ['--warehouse', warehouse, ...mappings]);
  browser = await launchChromium();
  context = await browser.newContext({viewport: {width: 1280, height: 900}, acceptDownloads: true});
  problems = await guardContext(context);
  page = await context.newPage();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

/** Open `search` ("?from=...") and wait for every panel. */
async function open(search = '') {
  await page.goto(`${server.url}/${search}`);
  await waitForPanels(page);
}

/** The state the page keeps in its URL. */
function urlParams() {
  return Object.fromEntries(new URL(page.url()).searchParams);
}

/** Sum of a table column's drill links (their exact data-value). */
async function columnSum(report, column) {
  const values = await page.getByTestId(`drill-${report}-${column}`).evaluateAll(
    (links) => links.map((link) => Number(link.dataset.value)));
  return values.reduce((a, b) => a + b, 0);
}

/** The subscriber links in a panel's table: their account ids. */
async function accountsIn(report) {
  return page.getByTestId(`subscriber-link-${report}`).evaluateAll((links) => links.map((link) => link.dataset.account));
}

/**
 * Click a link that opens the events behind a number; check the events view's total equals it, or
 * for a byte figure that the events' bytes (from the view's CSV, every row) add up to it.
 */
async function drillAndCheck(locator) {
  const testid = await locator.getAttribute('data-testid');
  const expected = Number(await locator.getAttribute('data-value'));
  await locator.click();
  await page.waitForURL(/view=events/);
  await waitForPanels(page);
  const total = Number(await page.getByTestId('events-total').getAttribute('data-value'));
  if (!testid.endsWith('bytes_out')) {
    assert.equal(total, expected, `events behind ${testid} (${page.url()})`);
    return total;
  }
  const csv = await page.request.get(await page.getByTestId('csv-event-list').evaluate((link) => link.href));
  const [header, ...rows] = parseCsv(await csv.text());
  assert.equal(rows.length, total, 'the events CSV holds every event');
  const column = header.indexOf('bytes_out');
  assert.equal(rows.reduce((sum, row) => sum + Number(row[column] || 0), 0), expected, `bytes of the events behind ${testid}`);
  assert.equal(Number(await page.getByTestId('events-bytes').getAttribute('data-value')), expected,
    `the events view's byte total behind ${testid}`);
  return total;
}

test('the KPI tiles equal the dataset\'s figures for the whole period', async () => {
  await open();
  const expected = expectedKpis(bin, warehouse, {from: data.first, to: data.last});
  assert.deepEqual(await readKpis(page), expected);

  // And `report summary` over the same period (one month: one row).
  const summary = cli(bin, ['report', 'summary', '--warehouse', warehouse, '--format', 'csv', '--by', 'month', ...mappings]);
  const [header, ...rows] = summary.trim().split('\n').map((line) => line.split(','));
  assert.equal(rows.length, 1, summary);
  const column = (name) => Number(rows[0][header.indexOf(name)]);
  assert.deepEqual(await readKpis(page), {requests: column('requests'), downloads: column('downloads'),
    bytes_out: column('bytes_out'), active_subscribers: column('active_subscribers')});
  await page.screenshot({path: path.join(args.out, 'dashboard-1280.png'), fullPage: true});
});

test('a subscriber and a date range filter every panel and live in the URL', async () => {
  await open();
  const account = data.accounts[0];
  const from = addDays(data.first, 3);
  const to = addDays(data.first, 10);
  await page.getByTestId('filter-from').fill(from);
  await page.getByTestId('filter-to').fill(to);
  await page.getByTestId('filter-subscriber').selectOption(account);
  await page.waitForURL((url) => url.searchParams.get('subscriber') === account && url.searchParams.get('to') === to);
  await waitForPanels(page);
  assert.deepEqual(urlParams(), {from, to, subscriber: account});

  const check = async () => {
    const expected = expectedKpis(bin, warehouse, {from, to, subscriber: account});
    assert.deepEqual(await readKpis(page), expected);
    assert.deepEqual(await accountsIn('subscribers'), [account], 'the subscribers table lists only that subscriber');
    assert.equal(await columnSum('events', 'requests'), expected.requests, 'event mix total');
    assert.equal(await columnSum('clients', 'requests'), expected.requests, 'client mix total');
    assert.equal(await columnSum('access-points', 'requests'), expected.requests, 'access points total');
    assert.equal(await columnSum('subscribers', 'downloads'), expected.downloads, 'subscriber downloads');
    for (const id of await accountsIn('errors')) assert.equal(id, account, 'errors of that subscriber only');
    const legend = await page.getByTestId('subscriber-link-legend').evaluateAll((links) => links.map((link) => link.dataset.account));
    assert.ok(legend.every((id) => id === account), `chart legend: ${legend}`);
    const [failed] = query(bin, warehouse, `SELECT count(*) AS n FROM adx_for_s3_metrics
      WHERE year||'-'||month||'-'||day BETWEEN ${sqlString(from)} AND ${sqlString(to)}
      AND subscriber_account_id = ${sqlString(account)} AND error_code IS NOT NULL`);
    assert.equal(await columnSum('errors', 'failed_requests'), failed.n, 'errors total');
    assert.equal(await page.getByTestId('filter-subscriber').inputValue(), account);
    assert.equal(await page.getByTestId('filter-from').inputValue(), from);
    assert.equal(await page.getByTestId('filter-to').inputValue(), to);
  };
  await check();

  await page.reload();
  await waitForPanels(page);
  assert.deepEqual(urlParams(), {from, to, subscriber: account});
  await check();

  // Back: the view before the subscriber was chosen; forward: the filtered view again.
  await page.goBack();
  await page.waitForURL((url) => !url.searchParams.has('subscriber'));
  await waitForPanels(page);
  assert.equal(await page.getByTestId('filter-subscriber').inputValue(), '');
  assert.ok((await accountsIn('subscribers')).length > 1);
  await page.goForward();
  await page.waitForURL((url) => url.searchParams.get('subscriber') === account);
  await waitForPanels(page);
  await check();
  await page.screenshot({path: path.join(args.out, 'filtered-1280.png'), fullPage: true});
});

test('a table\'s CSV download is byte for byte `report --format csv` with the same filters', async () => {
  const account = data.accounts[1];
  const from = addDays(data.first, 2);
  const to = addDays(data.first, 15);
  await open(`?from=${from}&to=${to}&subscriber=${account}&exclude_anonymous=1`);
  for (const report of ['subscribers', 'events', 'errors', 'objects']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`csv-${report}`).click()]);
    const file = path.join(args.out, `${report}.csv`);
    await download.saveAs(file);
    const expected = cli(bin, ['report', report, '--warehouse', warehouse, '--format', 'csv', '--from', from, '--to', to,
      '--subscriber', account, '--exclude-anonymous', ...mappings]);
    assert.ok(fs.readFileSync(file).equals(Buffer.from(expected)), `${report}.csv differs from report --format csv`);
  }
});

test('clicking a subscriber opens its page', async () => {
  await open();
  const account = data.accounts[1];
  await page.locator(`[data-testid="subscriber-link-subscribers"][data-account="${account}"]`).first().click();
  await page.waitForURL((url) => url.searchParams.get('view') === 'subscriber' && url.searchParams.get('subscriber') === account);
  await waitForPanels(page);
  await assertText(page.getByTestId('subscriber-name'), XSS_IMG);
  assert.match(await page.getByTestId('subscriber-account').textContent(), new RegExp(account));
  assert.deepEqual(await readKpis(page), expectedKpis(bin, warehouse, {from: data.first, to: data.last, subscriber: account}));
  assert.deepEqual(await accountsIn('subscribers'), [account]);
  await page.screenshot({path: path.join(args.out, 'subscriber-1280.png'), fullPage: true});

  await page.getByTestId('back-link').click();
  await page.waitForURL((url) => !url.searchParams.has('subscriber'));
  await waitForPanels(page);
  assert.ok((await accountsIn('subscribers')).length > 1);
});

test('every number opens the events behind it, paginated on the server', async () => {
  // A subscriber's downloads: more than one page.
  const account = data.accounts[0];
  await open(`?view=subscriber&subscriber=${account}`);
  const downloads = await drillAndCheck(page.getByTestId('drill-subscribers-downloads').first());
  assert.ok(downloads > 50, `enough downloads for two pages (${downloads})`);
  assert.equal(urlParams().download, '1');
  const pages = Math.ceil(downloads / 50);
  await assertText(page.getByTestId('events-page'), `Page 1 of ${pages}`);
  const firstPage = await eventRows();
  assert.equal(firstPage.length, 50);
  assert.ok(firstPage.every((row) => row.includes(account) && row.includes('GetObject')), 'rows of that subscriber, downloads');
  await page.screenshot({path: path.join(args.out, 'events-1280.png'), fullPage: true});
  await page.getByTestId('events-next').click();
  await page.waitForURL((url) => url.searchParams.get('page') === '2');
  await waitForPanels(page);
  await assertText(page.getByTestId('events-page'), `Page 2 of ${pages}`);
  const secondPage = await eventRows();
  assert.equal(secondPage.length, Math.min(50, downloads - 50));
  assert.ok(!secondPage.some((row) => firstPage.includes(row)), 'page 2 holds other events');

  // The events CSV holds every matching row (not only the page): header + total lines.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-event-list').click()]);
  const csv = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(csv.length, downloads + 1, 'events CSV rows');

  // Back returns to the subscriber's page.
  await page.getByTestId('events-back').click();
  await page.waitForURL((url) => url.searchParams.get('view') === 'subscriber' && !url.searchParams.has('page'));
  await waitForPanels(page);

  // The other numbers, each with its own filter.
  const numbers = ['kpi-requests', 'kpi-downloads', 'kpi-bytes_out', 'drill-subscribers-failed_requests',
    'drill-subscribers-bytes_out', 'drill-spikes-requests',
    'drill-events-requests', 'drill-events-failed_requests', 'drill-errors-failed_requests',
    'drill-objects-downloads', 'drill-clients-requests', 'drill-access-points-downloads'];
  for (const testid of numbers) {
    await open();
    await drillAndCheck(page.getByTestId(testid).first());
  }
});

test('a period without data shows empty states; a bad parameter shows the server\'s message per panel', async () => {
  await open('?from=2020-01-01&to=2020-01-31');
  assert.deepEqual(await readKpis(page), {requests: 0, downloads: 0, bytes_out: 0, active_subscribers: 0});
  for (const testid of ['empty-subscribers', 'empty-events', 'empty-requests-chart', 'empty-bytes-chart']) {
    await assertText(page.getByTestId(testid), 'No requests in this period');
  }

  await page.goto(`${server.url}/?from=2023-02-30`);
  await page.waitForFunction(() => document.querySelector('[data-panel="kpis"]').dataset.state === 'error');
  assert.match(await page.getByTestId('error-kpis').textContent(), /from/, 'the message names the parameter');
  assert.match(await page.getByTestId('error-subscribers').textContent(), /from/);
});

test('a subscriber name holding HTML renders as text', async () => {
  await open();
  const names = await page.getByTestId('subscriber-link-subscribers').allTextContents();
  assert.ok(names.includes(XSS_SCRIPT), `table shows the name as text: ${names}`);
  assert.ok(names.includes(XSS_IMG));
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-subscriber"]').options.length > 1);
  const options = await page.getByTestId('filter-subscriber').locator('option').allTextContents();
  assert.ok(options.some((text) => text.includes(XSS_SCRIPT)), `filter shows the name as text: ${options}`);
  const legend = await page.getByTestId('subscriber-link-legend').allTextContents();
  assert.ok(legend.includes(XSS_SCRIPT), `chart legend shows the name as text: ${legend}`);
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no <img> was injected');
  assert.equal(await page.locator('body script').count(), 0, 'no <script> was injected');
});

test('the charts zoom by dragging and reset', async () => {
  await open();
  const plot = page.getByTestId('plot-requests-chart').locator('.u-over');
  const box = await plot.boundingBox();
  const reset = page.getByTestId('reset-requests-chart');
  assert.ok(await reset.isDisabled());
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, {steps: 5});
  await page.mouse.up();
  await page.waitForFunction(() => !document.querySelector('[data-testid="reset-requests-chart"]').disabled);
  await reset.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="reset-requests-chart"]').disabled);
});

test('the page is readable on a phone (375 px): nothing wider than the screen', async () => {
  const phone = await context.browser().newContext({viewport: {width: 375, height: 812}, isMobile: true, hasTouch: true});
  const phoneProblems = await guardContext(phone);
  const small = await phone.newPage();
  for (const [name, search] of [['dashboard', ''], ['subscriber', `?view=subscriber&subscriber=${data.accounts[0]}`],
    ['events', '?view=events&download=1']]) {
    await small.goto(`${server.url}/${search}`);
    await waitForPanels(small);
    const width = await small.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `${name} is ${width} px wide at 375 px`);
    await small.screenshot({path: path.join(args.out, `${name}-375.png`), fullPage: true});
  }
  await phone.close();
  assert.deepEqual(phoneProblems, []);
});

test('with --token the page asks for it, then shows the data; the token never goes in a URL', async () => {
  const token = 'page-token-3b8d1f';
  const guarded = await startServer(bin, ['--warehouse', warehouse, '--token', token]);
  const urls = [];
  const login = await context.newPage();
  login.on('request', (request) => urls.push(request.url()));
  try {
    await login.goto(`${guarded.url}/`);
    await login.getByTestId('login').waitFor();
    await login.getByTestId('login-token').fill('wrong');
    await login.getByTestId('login-submit').click();
    await assertText(login.getByRole('alert'), 'Wrong token.');
    await login.getByTestId('login-token').fill(token);
    await login.getByTestId('login-submit').click();
    await login.getByTestId('login').waitFor({state: 'hidden'});
    await waitForPanels(login);
    assert.deepEqual(await readKpis(login), expectedKpis(bin, warehouse, {from: data.first, to: data.last}));
    assert.ok(!urls.some((url) => url.includes(token)), 'no URL holds the token');
  } finally {
    await login.close();
    await guarded.stop();
  }
});

// Only when asked for (a tool, not a check): registered then, absent otherwise — never a skipped test.
if (args['screenshot-for-readme']) test('the README screenshot', async () => {
  const demo = path.join(work, 'demo');
  // Two months, May shown: the tiles compare with April.
  generate(bin, path.join(demo, 'logs'), {seed: 2023, start: '2023-04-01', days: 61, eventsPerDay: 300, subscribers: 12});
  cli(bin, ['ingest', '--source', path.join(demo, 'logs'), '--warehouse', path.join(demo, 'warehouse')]);
  const demoWarehouse = path.join(demo, 'warehouse');
  const companies = ['Northwind Analytics', 'Contoso Capital', 'Fabrikam Research', 'Tailspin Quant', 'Litware Labs',
    'Adatum Partners', 'Proseware Funds', 'Wingtip Trading', 'Fourth Coffee Data', 'Alpine Ski Insights',
    'Blue Yonder Markets', 'Coho Ventures'];
  const ids = query(bin, demoWarehouse, `SELECT DISTINCT subscriber_account_id AS id FROM adx_for_s3_metrics
    WHERE subscriber_account_id != 'anonymous' ORDER BY 1`).map((row) => row.id);
  const demoSubscribers = path.join(demo, 'subscribers.csv');
  fs.writeFileSync(demoSubscribers, `account_id,name\n${ids.map((id, index) => `${id},${companies[index % companies.length]}`).join('\n')}\n`);
  const demoServer = await startServer(bin, ['--warehouse', demoWarehouse, '--subscribers', demoSubscribers]);
  try {
    const shot = await context.newPage();
    await shot.setViewportSize({width: 1280, height: 800});
    await shot.goto(`${demoServer.url}/?from=2023-05-01&to=2023-05-31`);
    await waitForPanels(shot);
    await shot.getByTestId('status-refreshed').waitFor();
    await shot.screenshot({path: path.resolve(args['screenshot-for-readme'])});
    await shot.close();
  } finally {
    await demoServer.stop();
  }
});

test('no request left 127.0.0.1, no dialog, no page error, no CSP violation', () => {
  assert.deepEqual(problems, []);
});

/** The events table's rows as text, one string per row. */
async function eventRows() {
  return page.getByTestId('row-event-list').evaluateAll((rows) => rows.map((row) => row.textContent));
}

async function assertText(locator, text) {
  await locator.filter({hasText: text}).waitFor({timeout: 10000});
  assert.equal((await locator.textContent()).trim(), text);
}

/** "2023-05-05" + 3 -> "2023-05-08". */
function addDays(day, count) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + count);
  return date.toISOString().slice(0, 10);
}
