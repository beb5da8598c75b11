// What the dashboard shows and what each number means: the report panels, the KPI tiles, and for
// every count the /api/events filters that list the events behind it (docs/api.md).

// The report panels: which report, and how its numbers open their events.
export const REPORT_PANELS = [
  {report: 'subscribers', spec: {
    hideIfEmpty: ['attributes'],
    drill: {
      requests: (r) => ({subscriber: r.account_id}),
      failed_requests: (r) => ({subscriber: r.account_id, ok: '0'}),
      downloads: (r) => ({subscriber: r.account_id, download: '1'}),
      bytes_out: (r) => ({subscriber: r.account_id, ok: '1'}),
    }}},
  {report: 'events', spec: {
    bar: 'requests',
    drill: {
      requests: (r) => ({event_name: r.eventName}),
      successful_requests: (r) => ({event_name: r.eventName, ok: '1'}),
      failed_requests: (r) => ({event_name: r.eventName, ok: '0'}),
      bytes_out: (r) => ({event_name: r.eventName, ok: '1'}),
    }}},
  {report: 'clients', spec: {
    bar: 'requests',
    drill: {
      requests: (r) => ({client: r.client}),
      bytes_out: (r) => ({client: r.client, ok: '1'}),
    }}},
  {report: 'objects', spec: {
    empty: 'No downloads in this period',
    drill: {
      downloads: objectFilters,
      bytes_out: objectFilters,
    }}},
  {report: 'inactive', spec: {empty: 'No inactive subscribers in this period', hideIfEmpty: ['attributes']}},
  {report: 'spikes', spec: {
    empty: 'No spikes in this period',
    drill: {
      requests: (r) => ({subscriber: r.account_id, day: r.day, ok: '1'}),
      bytes_out: (r) => ({subscriber: r.account_id, day: r.day, ok: '1'}),
    }}},
  {report: 'errors', spec: {
    empty: 'No failed requests in this period',
    hide: ['access_point_arn'],
    drill: {
      failed_requests: (r) => ({subscriber: r.account_id, error_code: r.error_code,
        access_point_arn: r.access_point_arn}),
    }}},
  {report: 'access-points', spec: {
    drill: {
      requests: (r) => ({access_point_arn: r.access_point_arn}),
      failed_requests: (r) => ({access_point_arn: r.access_point_arn, ok: '0'}),
      downloads: (r) => ({access_point_arn: r.access_point_arn, download: '1'}),
      bytes_out: (r) => ({access_point_arn: r.access_point_arn, ok: '1'}),
    }}},
];

/** The downloads behind an objects row: one key, or every key under a prefix, in its data set. */
function objectFilters(row) {
  if (!row.path) return null;
  const filters = {download: '1', dataset: row.dataset || ''};
  if (row.kind === 'prefix') filters.prefix = row.path;
  else filters.object_key = row.path;
  return filters;
}

// The headline tiles of /api/kpis, and the events behind each.
export const KPI_TILES = [
  {key: 'requests', label: 'Requests', events: {}},
  {key: 'downloads', label: 'Downloads', events: {download: '1'}},
  {key: 'bytes_out', label: 'Bytes out', events: {ok: '1'}, bytes: true},
  {key: 'active_subscribers', label: 'Active subscribers'},
];

// How the events view names each filter it applies.
export const EVENT_FILTER_LABELS = {
  subscriber: 'Subscriber', dataset: 'Data set', from: 'From', to: 'To', exclude_anonymous: 'Anonymous excluded',
  event_name: 'Event', error_code: 'Error', ok: 'Outcome', download: 'Downloads only', object_key: 'Object',
  prefix: 'Prefix', client: 'Client', access_point_arn: 'Access point', day: 'Day',
};
