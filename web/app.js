// The dashboard: a filter bar whose state is the URL, panels over /api/..., a subscriber's page and
// the events behind any number. Every text from the server goes into textContent, never innerHTML.

import {apiUrl, getJson, login, setUnauthorizedHandler} from './api.js';
import {renderStackedChart} from './charts.js';
import {exactBytes, formatBytes, formatChange, formatCount} from './format.js';
import {dashboardState, eventsState, EVENT_KEYS, FILTER_KEYS, filterParams, readState, stateSearch} from './state.js';
import {EVENT_FILTER_LABELS, KPI_TILES, REPORT_PANELS} from './panels.js';
import {renderStatus} from './status.js';
import {el, renderTable} from './tables.js';

const $ = (selector) => document.querySelector(selector);

let state = readState();
let options = {subscribers: [], datasets: []};
let loadController = null;  // Aborts the previous view's requests when the view changes.
let charts = [];
let lastSnapshot = null;  // The txn/generation the panels show.

// ---- navigation ----

/** Show `next` and record it in the URL (a new history entry unless `replace`). */
function navigate(next, {replace = false} = {}) {
  const url = stateSearch(next) || window.location.pathname;
  const depth = historyDepth();
  if (replace) window.history.replaceState({depth}, '', url);
  else window.history.pushState({depth: depth + 1}, '', url);
  state = readState();
  render();
}

/** How many views of this page lie behind the current one in the history. */
function historyDepth() {
  return (window.history.state && window.history.state.depth) || 0;
}

/** Make `anchor` open `next` in this page (and in a new tab with a middle or modified click). */
function setLink(anchor, next, {replace = false} = {}) {
  anchor.href = stateSearch(next) || '/';
  anchor.onclick = (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(next, {replace});
  };
}

/** A new <a> that opens `next`. */
function link(text, next) {
  const anchor = el('a', {text});
  setLink(anchor, next);
  return anchor;
}

const links = {
  subscriber: (accountId, text) => link(text, dashboardState(state, {view: 'subscriber', subscriber: accountId})),
  events: (filters, text, value) => {
    const anchor = link(text, eventsState(state, filters));
    anchor.classList.add('drill');
    anchor.setAttribute('data-value', String(value));
    anchor.title = 'Show these events';
    return anchor;
  },
};

// ---- filter bar ----

function fillSelect(select, items, selected) {
  const first = select.options[0];
  select.replaceChildren(first);
  for (const {value, text} of items) select.append(el('option', {text, attrs: {value}}));
  if (selected && !items.some((item) => item.value === selected)) {
    select.append(el('option', {text: selected, attrs: {value: selected}}));  // A shared URL's unknown id.
  }
  select.value = selected;
}

function subscriberLabel(subscriber) {
  return subscriber.name && subscriber.name !== subscriber.account_id
    ? `${subscriber.name} (${subscriber.account_id})` : subscriber.account_id;
}

function syncFilterBar() {
  const form = $('#filters');
  form.elements.from.value = state.from;
  form.elements.to.value = state.to;
  fillSelect(form.elements.subscriber,
    options.subscribers.map((s) => ({value: s.account_id, text: subscriberLabel(s)})), state.subscriber);
  fillSelect(form.elements.dataset,
    options.datasets.map((d) => ({value: d.dataset, text: d.dataset})), state.dataset);
  form.elements.exclude_anonymous.checked = state.exclude_anonymous === '1';
  $('#by').value = state.by || 'day';
}

function onFilterChange() {
  const form = $('#filters');
  const changes = {
    from: form.elements.from.value,
    to: form.elements.to.value,
    subscriber: form.elements.subscriber.value,
    dataset: form.elements.dataset.value,
    exclude_anonymous: form.elements.exclude_anonymous.checked ? '1' : '',
    by: $('#by').value === 'day' ? '' : $('#by').value,
  };
  if (state.view === 'events') {
    navigate({...state, ...changes, page: ''});
    return;
  }
  // Choosing "All subscribers" on a subscriber's page goes back to the dashboard.
  const view = state.view === 'subscriber' && !changes.subscriber ? 'dashboard' : state.view;
  navigate(dashboardState(state, {...changes, view}));
}

async function loadOptions() {
  try {
    options = await getJson('/api/options');
  } catch (error) {
    options = {subscribers: [], datasets: []};
  }
  syncFilterBar();
  renderSubscriberHeading();
}

// ---- panels ----

function panelBody(name) {
  return document.querySelector(`[data-panel="${name}"] .panel-body`);
}

/** Run `load` for one panel: a loading state, then its content, its empty state or its error. */
async function loadPanel(name, signal, load) {
  const panel = document.querySelector(`[data-panel="${name}"]`);
  const body = panel.querySelector('.panel-body');
  panel.dataset.state = 'loading';
  panel.setAttribute('aria-busy', 'true');
  body.replaceChildren(el('p', {cls: 'loading', text: 'Loading…'}));
  try {
    const content = await load();
    if (signal.aborted) return;
    // `load` answers nodes, or a function that mounts them itself (a chart measures its box).
    if (typeof content === 'function') {
      body.replaceChildren();
      content(body);
    } else {
      body.replaceChildren(...[].concat(content));
    }
    panel.dataset.state = 'ready';
  } catch (error) {
    if (signal.aborted || error.name === 'AbortError') return;
    body.replaceChildren(el('p', {cls: 'error', text: error.message, attrs: {'data-testid': `error-${name}`}}));
    panel.dataset.state = 'error';
  } finally {
    if (!signal.aborted) panel.removeAttribute('aria-busy');
  }
}

function renderKpis(answer) {
  const {period, previous} = answer;
  $('#kpi-period').textContent = period && period.from
    ? `${period.from} – ${period.to}, compared with ${previous.from} – ${previous.to}` : '';
  const tiles = el('div', {cls: 'tiles'});
  for (const tile of KPI_TILES) tiles.append(renderTile(tile, answer.tiles[tile.key]));
  return tiles;
}

/** One KPI tile: its label, its value (opening the events behind it), its change. */
function renderTile(tile, figure) {
  const format = tile.bytes ? exactBytes : formatCount;
  const node = el('div', {cls: 'tile', attrs: {'data-testid': `tile-${tile.key}`}});
  const value = el('span', {cls: 'tile-value', text: tile.bytes ? formatBytes(figure.value) : formatCount(figure.value),
    attrs: {'data-testid': `kpi-${tile.key}`, 'data-value': String(figure.value)}});
  if (tile.bytes) value.title = exactBytes(figure.value);
  const change = el('span', {cls: 'tile-change', text: formatChange(figure.change_pct),
    attrs: {'data-testid': `kpi-change-${tile.key}`, title: `Previous period: ${format(figure.previous)}`}});
  if (figure.change_pct > 0) change.classList.add('up');
  if (figure.change_pct < 0) change.classList.add('down');
  let shown = value;
  if (tile.events && figure.value > 0) {
    shown = links.events(tile.events, '', figure.value);
    shown.append(value);
  }
  node.append(el('span', {cls: 'tile-label', text: tile.label}), shown, change);
  return node;
}

function renderChart(name, metric, signal) {
  return loadPanel(name, signal, async () => {
    const answer = await getJson('/api/timeseries', {...filterParams(state), by: state.by || 'day', metric}, signal);
    // uPlot measures its box: draw once the box is in the panel.
    return (body) => {
      const box = el('div', {cls: 'chart'});
      body.append(box);
      charts.push(renderStackedChart(box, answer, {metric, links, testid: name}));
    };
  });
}

function renderReport({report, spec}, signal) {
  const params = filterParams(state);
  document.querySelector(`[data-testid="csv-${report}"]`).href = apiUrl(`/api/report/${report}`, {...params, format: 'csv'});
  return loadPanel(report, signal, async () => {
    const answer = await getJson(`/api/report/${report}`, params, signal);
    const hide = [...(spec.hide || [])];
    for (const name of spec.hideIfEmpty || []) {
      const index = answer.columns.findIndex((column) => column.name === name);
      if (index >= 0 && answer.rows.every((row) => row[index] === null)) hide.push(name);
    }
    return renderTable({report, columns: answer.columns, rows: answer.rows, spec: {...spec, hide}, links});
  });
}

function renderSubscriberHeading() {
  const heading = $('#subscriber-heading');
  heading.hidden = state.view !== 'subscriber';
  if (heading.hidden) return;
  const known = options.subscribers.find((s) => s.account_id === state.subscriber);
  $('#subscriber-name').textContent = known && known.name ? known.name : state.subscriber;
  $('#subscriber-account').textContent = state.subscriber === 'anonymous'
    ? 'Unsigned requests' : `AWS account ${state.subscriber}`;
  setLink($('#back-to-all'), dashboardState(state, {view: 'dashboard', subscriber: ''}));
}

function loadDashboard(signal) {
  renderSubscriberHeading();
  for (const chart of charts) chart.destroy();
  charts = [];
  loadPanel('kpis', signal, async () => renderKpis(await getJson('/api/kpis', filterParams(state), signal)));
  renderChart('requests-chart', 'requests', signal);
  renderChart('bytes-chart', 'bytes_out', signal);
  for (const panel of REPORT_PANELS) renderReport(panel, signal);
}

// ---- events view ----

function eventParams() {
  const params = filterParams(state);
  for (const key of EVENT_KEYS) if (state[key]) params[key] = state[key];
  return params;
}

function renderEventFilters() {
  const chips = $('#events-filters');
  chips.replaceChildren();
  const params = eventParams();
  for (const [key, value] of Object.entries(params)) {
    let text = `${EVENT_FILTER_LABELS[key] || key}: ${value}`;
    if (key === 'ok') text = value === '1' ? 'Successful requests' : 'Failed requests';
    if (key === 'download' || key === 'exclude_anonymous') text = EVENT_FILTER_LABELS[key];
    if (key === 'error_code' && value === '*') text = 'Any error';
    if (key === 'subscriber') {
      const known = options.subscribers.find((s) => s.account_id === value);
      if (known) text = `Subscriber: ${subscriberLabel(known)}`;
    }
    chips.append(el('li', {text}));
  }
  if (chips.children.length === 0) chips.append(el('li', {text: 'All events'}));
}

function loadEvents(signal) {
  const params = eventParams();
  const page = Math.max(1, Number(state.page) || 1);
  $('#events-csv').href = apiUrl('/api/events', {...params, format: 'csv'});
  renderEventFilters();
  const total = $('#events-total');
  total.textContent = '…';
  total.removeAttribute('data-value');
  for (const id of ['#events-prev', '#events-next']) $(id).hidden = true;
  $('#events-page').textContent = '';
  // Back to where the events were opened from; from a shared link, to the dashboard.
  setLink($('#events-back'), dashboardState(state));
  if (historyDepth() > 0) {
    $('#events-back').onclick = (event) => {
      event.preventDefault();
      window.history.back();
    };
  }
  loadPanel('event-list', signal, async () => {
    const answer = await getJson('/api/events', {...params, page}, signal);
    const pages = Math.max(1, Math.ceil(answer.total / answer.page_size));
    total.textContent = formatCount(answer.total);
    total.setAttribute('data-value', String(answer.total));
    const bytes = $('#events-bytes');
    bytes.textContent = formatBytes(answer.bytes_out);
    bytes.title = exactBytes(answer.bytes_out);
    bytes.setAttribute('data-value', String(answer.bytes_out));
    $('#events-bytes-line').hidden = !(answer.bytes_out > 0);
    $('#events-page').textContent = `Page ${answer.page} of ${pages}`;
    const prev = $('#events-prev');
    const next = $('#events-next');
    prev.hidden = answer.page <= 1;
    next.hidden = answer.page >= pages;
    // Pages replace each other in the history: Back leaves the events for where they were opened.
    setLink(prev, {...state, page: answer.page - 1 > 1 ? String(answer.page - 1) : ''}, {replace: true});
    setLink(next, {...state, page: String(answer.page + 1)}, {replace: true});
    return renderTable({report: 'event-list', columns: answer.columns, rows: answer.rows,
      spec: {empty: 'No events match these filters', hide: ['event_id'], limit: Infinity}, links});
  });
}

// ---- the whole page ----

function render() {
  if (loadController) loadController.abort();
  loadController = new AbortController();
  syncFilterBar();
  const eventsView = state.view === 'events';
  $('#dashboard').hidden = eventsView;
  $('#events-view').hidden = !eventsView;
  document.title = eventsView ? 'Events · adxmetrics'
    : state.view === 'subscriber' ? `${state.subscriber} · adxmetrics` : 'adxmetrics';
  if (eventsView) loadEvents(loadController.signal);
  else loadDashboard(loadController.signal);
}

async function pollStatus() {
  try {
    const status = await getJson('/api/status');
    renderStatus($('#status'), status);
    // A new commit (or another snapshot: `generation`): every figure may have changed.
    const snapshot = `${status.txn}/${status.generation ?? ''}`;
    if (lastSnapshot !== null && snapshot !== lastSnapshot) {
      await loadOptions();
      render();
    }
    lastSnapshot = snapshot;
    const form = $('#filters');
    for (const name of ['from', 'to']) {
      form.elements[name].min = status.first_day || '';
      form.elements[name].max = status.last_day || '';
    }
  } catch (error) {
    renderStatus($('#status'), null, error.message);
  }
}

function showLogin() {
  const section = $('#login');
  if (!section.hidden) return;
  section.hidden = false;
  document.body.classList.add('locked');  // No panels full of "unauthorized" behind the form.
  section.querySelector('input[name="token"]').focus();
}

async function onLogin(event) {
  event.preventDefault();
  const input = event.target.elements.token;
  $('#login-error').textContent = '';
  let accepted = false;
  try {
    accepted = await login(input.value);
  } catch (error) {
    $('#login-error').textContent = `Could not reach the server: ${error.message}`;
    return;
  }
  if (accepted) {
    input.value = '';
    render();
    $('#login').hidden = true;
    document.body.classList.remove('locked');
    loadOptions();
    pollStatus();
  } else {
    $('#login-error').textContent = 'Wrong token.';
  }
}

function start() {
  setUnauthorizedHandler(showLogin);
  const form = $('#filters');
  form.addEventListener('change', onFilterChange);
  form.addEventListener('submit', (event) => event.preventDefault());
  $('#by').addEventListener('change', onFilterChange);
  $('#clear-filters').addEventListener('click', () => {
    const cleared = Object.fromEntries(FILTER_KEYS.map((key) => [key, '']));
    navigate(dashboardState(state, {...cleared, view: 'dashboard'}));
  });
  $('#login-form').addEventListener('submit', onLogin);
  setLink($('#home-link'), dashboardState({}, {poll: state.poll}));
  window.addEventListener('popstate', () => {
    state = readState();
    render();
  });
  window.history.replaceState({depth: historyDepth()}, '', window.location.href);
  render();
  loadOptions();
  pollStatus();
  const seconds = Number(state.poll) > 0 ? Number(state.poll) : 10;
  window.setInterval(pollStatus, seconds * 1000);
}

start();
