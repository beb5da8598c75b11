// Number and cell formatting. Every function returns plain text; callers put it in textContent.

const countFormat = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});
const decimalFormat = new Intl.NumberFormat('en-US', {maximumFractionDigits: 2});
const byteUnits = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 1234567 -> "1,234,567". */
export function formatCount(value) {
  return value === null || value === undefined ? '–' : countFormat.format(value);
}

/** 1536 -> "1.5 KB" (binary multiples, as the S3 console shows them). */
export function formatBytes(value) {
  if (value === null || value === undefined) return '–';
  let scaled = Number(value);
  let unit = 0;
  while (Math.abs(scaled) >= 1024 && unit < byteUnits.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${countFormat.format(scaled)} bytes`;
  return `${scaled.toFixed(scaled >= 100 ? 0 : 1)} ${byteUnits[unit]}`;
}

/** The exact byte count, for a title tooltip: "21,928,553,401 bytes". */
export function exactBytes(value) {
  return value === null || value === undefined ? '' : `${countFormat.format(value)} bytes`;
}

/** A change in percent with its sign: "+6.7%", "−2.4%", "0%"; null -> "no previous data". */
export function formatChange(pct) {
  if (pct === null || pct === undefined) return 'no previous data';
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '';
  return `${sign}${decimalFormat.format(Math.abs(pct))}%`;
}

/** One table cell by its column unit (as /api/reports names them). */
export function formatCell(value, unit) {
  if (value === null || value === undefined) return '–';
  switch (unit) {
    case 'count': return formatCount(value);
    case 'bytes': return formatBytes(value);
    case 'percent': return `${decimalFormat.format(value)}%`;
    case 'time': return String(value).replace(/\+00(:00)?$/, '');  // Every time is UTC (the footer says so).
    case 'ratio':
    case 'number': return typeof value === 'number' ? decimalFormat.format(value) : String(value);
    default: return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** "failed_requests" -> "Failed requests"; a few names read better spelled out. */
export function columnLabel(name) {
  const special = {
    eventName: 'Event', account_id: 'Account', bytes_out: 'Bytes out', share_pct: 'Share',
    failed_pct: 'Failed', trend_pct: 'Trend', requester_pays_pct: 'Requester pays',
    access_point_arn: 'Access point', via_vpc_endpoint: 'Via VPC endpoint',
  };
  if (special[name]) return special[name];
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
