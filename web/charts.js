// Stacked bar charts of /api/timeseries with uPlot (loaded as the global `uPlot` by index.html).
// Drag across the plot to zoom into a range of buckets; "Reset zoom" (or a double click) shows all.

import {exactBytes, formatBytes, formatCount} from './format.js';
import {el} from './tables.js';

const PALETTE = ['#2f6fdf', '#e8772e', '#2e9d5b', '#c5403d', '#8a5cc2', '#8c6d31', '#d462a8',
  '#17a2b8', '#b5b83a', '#5c6bc0', '#7cb342', '#f06292'];
const OTHER_COLOR = '#9aa3ad';
const HEIGHT = 260;

/** "2023-05-01" -> seconds since the epoch at 00:00 UTC. */
function bucketSeconds(bucket) {
  const [year, month, day] = bucket.split('-').map(Number);
  return Date.UTC(year, month - 1, day || 1) / 1000;
}

const monthFormat = new Intl.DateTimeFormat('en-US', {month: 'short', year: 'numeric', timeZone: 'UTC'});
const dayFormat = new Intl.DateTimeFormat('en-US', {month: 'short', day: 'numeric', timeZone: 'UTC'});

/** A bucket's axis label: "May 8" for a day or a week (its Monday), "May 2023" for a month. */
function bucketLabel(seconds, by) {
  return (by === 'month' ? monthFormat : dayFormat).format(new Date(seconds * 1000));
}

/**
 * Draw `timeseries` (the /api/timeseries answer) into `container`.
 * links.subscriber(accountId, text) makes the legend's subscriber links.
 * Returns {destroy()}.
 */
export function renderStackedChart(container, timeseries, {metric, links, testid}) {
  const {buckets} = timeseries;
  const series = timeseries.series.filter((item) => item.values.some((value) => value > 0));
  if (buckets.length === 0 || series.length === 0) {
    container.append(el('p', {cls: 'empty', text: 'No requests in this period',
      attrs: {'data-testid': `empty-${testid}`}}));
    return {destroy() {}};
  }
  const formatValue = metric === 'bytes_out' ? formatBytes : formatCount;
  const xs = buckets.map(bucketSeconds);
  const step = xs.length > 1 ? xs[1] - xs[0] : 86400;

  // Stack by overdrawing: the series holding the running total of all is drawn first (tallest),
  // each lower total is drawn over it, so every band shows one subscriber's part.
  const running = new Array(xs.length).fill(0);
  const stacked = series.map((item) => item.values.map((value, index) => (running[index] += value)));
  const colors = series.map((item, index) => (item.account_id === null ? OTHER_COLOR : PALETTE[index % PALETTE.length]));
  const order = series.map((_, index) => index).reverse();

  const legend = el('ul', {cls: 'legend', attrs: {'data-testid': `legend-${testid}`}});
  const cursorLabel = el('span', {cls: 'legend-bucket'});
  const valueCells = renderLegend(legend, series, colors, links);
  const showValues = (index) => {
    cursorLabel.textContent = index === null ? 'Whole period' : `${timeseries.by === 'week' ? 'Week of ' : ''}${buckets[index]}`;
    series.forEach((item, seriesIndex) => {
      const value = index === null ? item.values.reduce((a, b) => a + b, 0) : item.values[index];
      valueCells[seriesIndex].textContent = formatValue(value);
      valueCells[seriesIndex].title = metric === 'bytes_out' ? exactBytes(value) : '';
    });
  };

  const toolbar = el('div', {cls: 'chart-toolbar'});
  const reset = el('button', {text: 'Reset zoom', attrs: {type: 'button', 'data-testid': `reset-${testid}`}});
  reset.disabled = true;
  toolbar.append(cursorLabel, reset);
  const plotBox = el('div', {cls: 'plot', attrs: {'data-testid': `plot-${testid}`}});
  container.append(toolbar, plotBox, legend);

  const options = {
    width: Math.max(200, plotBox.clientWidth || container.clientWidth || 600),
    height: HEIGHT,
    legend: {show: false},
    cursor: {drag: {x: true, y: false, setScale: true}, points: {show: false}},
    scales: {
      x: {time: true, range: (u, min, max) => [min - step / 2, max + step / 2]},
      y: {range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1]},
    },
    axes: [
      {
        // One tick per bucket, thinned to fit: never hours between days.
        splits: (u) => {
          const visible = xs.filter((x) => x >= u.scales.x.min && x <= u.scales.x.max);
          const every = Math.max(1, Math.ceil(visible.length / Math.max(1, Math.floor(u.bbox.width / devicePixelRatio / 70))));
          return visible.filter((_, index) => index % every === 0);
        },
        values: (u, ticks) => ticks.map((tick) => bucketLabel(tick, timeseries.by)),
      },
      {size: 70, values: (u, ticks) => ticks.map((tick) => formatValue(tick))},
    ],
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    series: [{}, ...order.map((index) => ({
      label: series[index].subscriber,
      stroke: colors[index],
      fill: colors[index],
      width: 0,
      paths: uPlot.paths.bars({size: [0.8, 60]}),
      points: {show: false},
    }))],
    hooks: {
      setCursor: [(u) => showValues(u.cursor.idx ?? null)],
      setScale: [(u, key) => {
        if (key === 'x') reset.disabled = u.scales.x.min <= xs[0] - step / 2 && u.scales.x.max >= xs[xs.length - 1] + step / 2;
      }],
    },
  };
  const data = [xs, ...order.map((index) => stacked[index])];
  const plot = new uPlot(options, data, plotBox);
  reset.addEventListener('click', () => plot.setScale('x', {min: xs[0] - step / 2, max: xs[xs.length - 1] + step / 2}));
  showValues(null);

  const observer = new ResizeObserver(() => {
    const width = plotBox.clientWidth;
    if (width > 0 && width !== plot.width) plot.setSize({width, height: HEIGHT});
  });
  observer.observe(plotBox);
  return {
    destroy() {
      observer.disconnect();
      plot.destroy();
    },
  };
}

/** One legend item per series (a subscriber links to its page); returns the value cells. */
function renderLegend(legend, series, colors, links) {
  return series.map((item, index) => {
    const li = el('li');
    const swatch = el('span', {cls: 'swatch'});
    swatch.style.background = colors[index];
    const name = item.account_id === null ? el('span', {text: item.subscriber})
      : links.subscriber(item.account_id, item.subscriber);
    if (item.account_id !== null) {
      name.setAttribute('data-testid', 'subscriber-link-legend');
      name.setAttribute('data-account', item.account_id);
    }
    const value = el('span', {cls: 'legend-value'});
    li.append(swatch, name, value);
    legend.append(li);
    return value;
  });
}
