// The view's state lives in the URL query string, so a view can be bookmarked and shared.

/** The global filters: every data endpoint takes them. */
export const FILTER_KEYS = ['from', 'to', 'subscriber', 'dataset', 'exclude_anonymous'];
/** The filters of /api/events besides the global ones. */
export const EVENT_KEYS = ['event_name', 'error_code', 'ok', 'download', 'object_key', 'prefix',
  'client', 'access_point_arn', 'day'];
/** Every key the page keeps in the URL, in the order it writes them. */
const ALL_KEYS = ['view', ...FILTER_KEYS, 'by', ...EVENT_KEYS, 'page', 'poll'];

/** The state in the current URL: {view, from, to, ...}; absent keys are ''. */
export function readState() {
  const query = new URLSearchParams(window.location.search);
  const state = {};
  for (const key of ALL_KEYS) state[key] = query.get(key) || '';
  if (!['dashboard', 'subscriber', 'events'].includes(state.view)) state.view = 'dashboard';
  if (state.view === 'subscriber' && !state.subscriber) state.view = 'dashboard';
  if (!['day', 'week', 'month'].includes(state.by)) state.by = '';
  return state;
}

/** The query string of a state ("?view=events&subscriber=1"); empty values and defaults left out. */
export function stateSearch(state) {
  const query = new URLSearchParams();
  for (const key of ALL_KEYS) {
    const value = state[key];
    if (!value || (key === 'view' && value === 'dashboard')) continue;
    query.set(key, value);
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The global filters of a state as API parameters. */
export function filterParams(state) {
  const params = {};
  for (const key of FILTER_KEYS) if (state[key]) params[key] = state[key];
  return params;
}

/** A state for the dashboard or a subscriber's page: the global filters kept, the rest dropped. */
export function dashboardState(state, changes = {}) {
  const next = {view: 'dashboard', by: state.by, poll: state.poll};
  for (const key of FILTER_KEYS) next[key] = state[key];
  Object.assign(next, changes);
  if (next.view === 'subscriber' && !next.subscriber) next.view = 'dashboard';
  return next;
}

/** A state for the events behind a number: the global filters plus `eventFilters`. */
export function eventsState(state, eventFilters) {
  return dashboardState(state, {...eventFilters, view: 'events', page: ''});
}
