// Report tables: cells formatted by unit, counts that open their events, subscribers that open
// their page, headers that sort, long tables shown in part. Built with the DOM, never innerHTML.

import {columnLabel, exactBytes, formatCell} from './format.js';

const ROWS_SHOWN = 25;
// arn:aws:s3:us-east-1:123456789012:accesspoint/adx-name, shown as "adx-name (us-east-1)".
const ACCESS_POINT = /^arn:aws:s3:([a-z0-9-]+):\d{12}:accesspoint\/(.+)$/;
const NUMERIC_UNITS = new Set(['count', 'bytes', 'percent', 'ratio', 'number']);

/** `document.createElement` with a class, text and attributes. */
export function el(tag, {cls, text, attrs} = {}) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}

/**
 * A table of report rows.
 * report: its name (test hooks: table-<report>, row-<report>, drill-<report>-<column>).
 * columns: [{name, unit}] as the API answers them; rows: arrays in that order.
 * spec: {hide: [column names], drill: {column: record => events filters or null} (record: the
 *        row by column name),
 *        bar: column drawn as a share bar, empty: text when there are no rows,
 *        limit: rows shown before a "Show all" button (25)}.
 * links: {subscriber(accountId, text), events(filters, text, value)} -> <a> elements.
 */
export function renderTable({report, columns, rows, spec, links}) {
  if (rows.length === 0) {
    return el('p', {cls: 'empty', text: spec.empty || 'No requests in this period',
      attrs: {'data-testid': `empty-${report}`}});
  }
  const accountIndex = columns.findIndex((column) => column.name === 'account_id');
  const hasName = columns.some((column) => column.name === 'subscriber');
  // The subscriber cell shows the name and the account id: no separate account column.
  const hide = [...(spec.hide || []), ...(hasName && accountIndex >= 0 ? ['account_id'] : [])];
  const shown = columns.map((column, index) => ({...column, index}))
    .filter((column) => !hide.includes(column.name));
  const barIndex = columns.findIndex((column) => column.name === spec.bar);
  const barMax = barIndex < 0 ? 0 : Math.max(...rows.map((row) => Number(row[barIndex]) || 0));

  const table = el('table', {attrs: {'data-testid': `table-${report}`}});
  const head = el('tr');
  const body = el('tbody');
  let order = rows;
  let limit = spec.limit || ROWS_SHOWN;
  let sorted = {index: -1, descending: false};

  const fill = () => {
    body.replaceChildren();
    for (const row of order.slice(0, limit)) {
      const tr = el('tr', {attrs: {'data-testid': `row-${report}`}});
      const record = Object.fromEntries(columns.map((column, index) => [column.name, row[index]]));
      for (const column of shown) {
        tr.append(renderCell({report, column, row, record, spec, links, accountIndex, barIndex, barMax}));
      }
      body.append(tr);
    }
    more.hidden = order.length <= limit;
    more.textContent = `Show all ${order.length} rows`;
  };

  for (const column of shown) {
    const numeric = NUMERIC_UNITS.has(column.unit);
    const th = el('th', {cls: numeric ? 'num' : '', attrs: {scope: 'col'}});
    const button = el('button', {cls: 'sort', text: columnLabel(column.name),
      attrs: {type: 'button', title: `Sort by ${columnLabel(column.name)}`}});
    button.addEventListener('click', () => {
      const descending = sorted.index === column.index ? !sorted.descending : numeric;
      sorted = {index: column.index, descending};
      order = [...rows].sort((a, b) => compareCells(a[column.index], b[column.index], descending));
      for (const other of head.querySelectorAll('th')) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      fill();
    });
    th.append(button);
    head.append(th);
  }
  table.append(el('thead'), body);
  table.tHead.append(head);

  const more = el('button', {cls: 'more', attrs: {type: 'button'}});
  more.addEventListener('click', () => {
    limit = Infinity;
    fill();
  });
  fill();

  const scroller = el('div', {cls: 'table-scroll'});
  scroller.append(table);
  const wrapper = el('div');
  wrapper.append(scroller, more);
  return wrapper;
}

function compareCells(a, b, descending) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;  // Empty cells last, either way.
  if (b === null || b === undefined) return -1;
  const result = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return descending ? -result : result;
}

function renderCell({report, column, row, record, spec, links, accountIndex, barIndex, barMax}) {
  const value = row[column.index];
  const text = formatCell(value, column.unit);
  const td = el('td', {cls: NUMERIC_UNITS.has(column.unit) ? 'num' : ''});
  if (column.unit === 'bytes' && value !== null) td.title = exactBytes(value);

  const drill = spec.drill && spec.drill[column.name];
  const filters = drill && value ? drill(record) : null;
  const account = accountIndex >= 0 ? row[accountIndex] : null;
  if (filters) {
    const link = links.events(filters, text, value);
    link.setAttribute('data-testid', `drill-${report}-${column.name}`);
    td.append(link);
  } else if ((column.name === 'subscriber' || column.name === 'account_id') && account) {
    const link = links.subscriber(account, text);
    link.setAttribute('data-testid', `subscriber-link-${report}`);
    link.setAttribute('data-account', account);
    td.append(link);
    if (column.name === 'subscriber' && value !== account) td.append(el('span', {cls: 'account', text: account}));
  } else if (typeof value === 'string' && ACCESS_POINT.test(value)) {
    td.textContent = value.replace(ACCESS_POINT, '$2 ($1)');
    td.title = value;
  } else {
    td.textContent = text;
  }
  if (column.index === barIndex && barMax > 0) {
    const bar = el('span', {cls: 'bar'});
    bar.style.width = `${Math.max(1, (100 * Number(value)) / barMax)}%`;
    td.classList.add('with-bar');
    td.prepend(bar);
  }
  return td;
}
