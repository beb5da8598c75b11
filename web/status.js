// The header's status line from /api/status: how fresh the data is and how the last scheduled
// ingest went (a failure shown with its error, rejected log objects with their reasons).

import {formatCount} from './format.js';
import {el} from './tables.js';

let lastShown = '';

/** "2026-12-02T05:00:03Z" -> "2026-12-02 05:00:03 UTC". */
function utc(text) {
  if (!text) return '–';
  return `${String(text).replace('T', ' ').replace(/Z$/, '').replace(/\+00(:00)?$/, '')} UTC`;
}

/** Fill `box` from a status answer, or show `errorMessage` when the status could not be read. */
export function renderStatus(box, status, errorMessage = '') {
  // Polled every few seconds: redraw only on a change, so an opened list of rejects stays open.
  const key = JSON.stringify([status, errorMessage]);
  if (key === lastShown) return;
  lastShown = key;
  box.replaceChildren();
  if (!status) {
    box.append(el('span', {cls: 'error', text: `Status unavailable: ${errorMessage}`}));
    return;
  }
  box.append(
    el('span', {text: status.data_through ? `Data complete through ${utc(status.data_through)}` : 'No data yet',
      attrs: {'data-testid': 'status-data-through'}}),
    el('span', {text: `Refreshed ${utc(status.refreshed_at)}`,
      attrs: {'data-testid': 'status-refreshed', 'data-value': status.refreshed_at || '', 'data-txn': String(status.txn)}}),
  );
  if (status.refresh_error) {
    box.append(el('span', {cls: 'error', text: `Not refreshed: ${status.refresh_error}`,
      attrs: {'data-testid': 'status-refresh-error'}}));
  }
  if (status.schedule) box.append(renderIngest(status.schedule, status.last_ingest));
}

function renderIngest(schedule, last) {
  const part = el('span', {cls: 'ingest', attrs: {'data-testid': 'status-ingest'}});
  if (schedule.running) part.append(el('span', {cls: 'running', text: 'Ingest running… '}));
  if (!last) {
    part.append(el('span', {text: `First scheduled ingest ${utc(schedule.next_run)}`}));
    return part;
  }
  part.setAttribute('data-ok', last.ok ? '1' : '0');
  if (last.ok) {
    const rejected = last.rejected || [];
    part.append(el('span', {cls: rejected.length ? 'warn' : 'ok',
      text: `Last ingest ${utc(last.finished_at)}: ${formatCount(last.objects_ingested)} objects, ` +
        `${formatCount(last.events_qualifying)} events, ${formatCount(rejected.length)} rejected`}));
  } else {
    part.append(el('span', {cls: 'error', text: `Last ingest ${utc(last.finished_at)} failed: ${last.error || 'unknown error'}`,
      attrs: {'data-testid': 'status-ingest-error'}}));
  }
  part.append(el('span', {cls: 'muted', text: ` · next ${utc(schedule.next_run)}`}));
  if (last.rejected && last.rejected.length) {
    const details = el('details', {cls: 'rejects'});
    details.open = last.rejected.length <= 3;
    details.append(el('summary', {text: `${last.rejected.length} rejected log object${last.rejected.length > 1 ? 's' : ''}`}));
    const list = el('ul', {attrs: {'data-testid': 'status-rejects'}});
    for (const reject of last.rejected) {
      list.append(el('li', {text: `${reject.key}: ${reject.reason}`, attrs: {'data-testid': 'status-reject'}}));
    }
    details.append(list);
    part.append(details);
  }
  return part;
}
