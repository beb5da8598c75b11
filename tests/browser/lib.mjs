// Helpers shared by the browser tests: arguments, the CLI, a server on an ephemeral port, data.
// Expected figures come from `adxmetrics query` / `report`, never from the server under test.

import {execFileSync, spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';

/** --adxmetrics PATH --out DIR [extra string options]; exits with usage on a missing one. */
export function testArgs(extra = []) {
  const options = {adxmetrics: {type: 'string'}, out: {type: 'string'}};
  for (const name of extra) options[name] = {type: 'string'};
  const {values} = parseArgs({options});
  if (!values.adxmetrics || !values.out) {
    console.error(`usage: node ${path.basename(process.argv[1])} --adxmetrics PATH --out DIR` +
      extra.map((name) => ` [--${name} VALUE]`).join(''));
    process.exit(2);
  }
  values.adxmetrics = path.resolve(values.adxmetrics);
  values.out = path.resolve(values.out);
  fs.rmSync(values.out, {recursive: true, force: true});
  fs.mkdirSync(values.out, {recursive: true});
  return values;
}

/** Run the CLI; its standard output. Exit code 3 (finished, some input rejected) is allowed when `allowRejects`. */
export function cli(binary, args, {allowRejects = false} = {}) {
  try {
    return execFileSync(binary, args, {encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe']});
  } catch (error) {
    if (allowRejects && error.status === 3) return error.stdout;
    throw new Error(`adxmetrics ${args.join(' ')} exited ${error.status}: ${error.stderr}`);
  }
}

/** `adxmetrics query --format json`: an array of row objects. */
export function query(binary, warehouse, sql) {
  return JSON.parse(cli(binary, ['query', '--warehouse', warehouse, '--format', 'json', sql]));
}

/** Quote a string as an SQL literal (the expected-value queries are written by the test itself). */
export function sqlString(text) {
  return `'${String(text).replace(/'/g, "''")}'`;
}

/**
 * The four KPI figures straight from the dataset, for a period and an optional subscriber.
 * Matches docs/api.md: downloads are successful GetObject, bytes_out the bytes of successful requests.
 */
export function expectedKpis(binary, warehouse, {from, to, subscriber}) {
  const conditions = [`year||'-'||month||'-'||day BETWEEN ${sqlString(from)} AND ${sqlString(to)}`];
  if (subscriber) conditions.push(`subscriber_account_id = ${sqlString(subscriber)}`);
  const [row] = query(binary, warehouse, `
    SELECT count(*) AS requests,
           count(*) FILTER (WHERE eventName = 'GetObject' AND error_code IS NULL) AS downloads,
           coalesce(sum(bytes_accessed) FILTER (WHERE error_code IS NULL), 0) AS bytes_out,
           count(DISTINCT subscriber_account_id) AS active_subscribers
    FROM adx_metrics_curated.adx_for_s3_metrics WHERE ${conditions.join(' AND ')}`);
  return row;
}

/** Generate `days` of logs into `dir` (a small, fixed data set: seconds to make and ingest). */
export function generate(binary, dir, {seed = 11, start = '2023-05-05', days = 20, eventsPerDay = 150, subscribers = 5} = {}) {
  cli(binary, ['generate', '--out', dir, '--seed', String(seed), '--start', start, '--days', String(days),
    '--events-per-day', String(eventsPerDay), '--subscribers', String(subscribers)]);
}

/** A running `adxmetrics serve`: its URL, everything it printed, and stop(). */
export async function startServer(binary, args, {timeoutMs = 20000} = {}) {
  const child = spawn(binary, ['serve', '--port', '0', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no "listening on" line in ${timeoutMs} ms:\n${stdout}${stderr}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code} before listening:\n${stdout}${stderr}`));
    });
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    url,
    output: () => stdout + stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Run `binary args` to its end: {code, output}. */
export function runToEnd(binary, args, {timeoutMs = 20000} = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {stdio: ['ignore', 'pipe', 'pipe']});
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} still running after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({code, output});
    });
  });
}

/** Launch Debian's Chromium (never a downloaded browser). */
export async function launchChromium() {
  const {chromium} = await import('playwright-core');
  return chromium.launch({executablePath: process.env.ADXM_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox']});
}

/**
 * Watch a browser context: every request must go to 127.0.0.1 (others are aborted and recorded),
 * and dialogs (an alert from injected script), page errors and CSP violations are recorded.
 */
export async function guardContext(context) {
  const problems = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
    problems.push(`request left 127.0.0.1: ${route.request().url()}`);
    return route.abort();
  });
  context.on('page', (page) => watchPage(page, problems));
  return problems;
}

function watchPage(page, problems) {
  page.on('dialog', (dialog) => {
    problems.push(`a dialog opened: ${dialog.type()} ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) {
      problems.push(`CSP violation: ${message.text()}`);
    }
  });
}

/** Wait until every panel of the visible view has loaded (ready, or an error shown). */
export async function waitForPanels(page) {
  await page.waitForFunction(() => {
    const panels = [...document.querySelectorAll('[data-panel]')].filter((panel) => !panel.closest('[hidden]'));
    return panels.length > 0 && panels.every((panel) => panel.dataset.state === 'ready' || panel.dataset.state === 'error');
  }, null, {timeout: 20000});
  const failed = await page.$$eval('[data-panel][data-state="error"]', (panels) => panels
    .filter((panel) => !panel.closest('[hidden]'))
    .map((panel) => `${panel.dataset.panel}: ${panel.querySelector('.error')?.textContent}`));
  if (failed.length) throw new Error(`panels show errors: ${failed.join('; ')}`);
}

/** The KPI tiles' exact values: {requests, downloads, bytes_out, active_subscribers}. */
export async function readKpis(page) {
  const kpis = {};
  for (const key of ['requests', 'downloads', 'bytes_out', 'active_subscribers']) {
    kpis[key] = Number(await page.getByTestId(`kpi-${key}`).getAttribute('data-value'));
  }
  return kpis;
}

/** Parse RFC 4180 CSV text into rows of strings. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}
