/**
 * The timeline: articles (bars, left axis) and mentions (line, right axis) per day, week, month or year, for the
 * followed entity or the whole corpus, drawn with uPlot on a canvas. Dragging across the chart picks that span as
 * the window; the table view lists every bucket.
 */
import uPlot from 'uplot';
import { EntityTimelineDocument, type EntityTimelineQuery, type TimeInterval } from '../../../client/generated.js';
import type { Client } from '../api.js';
import { formatNumber, h, replaceChildren, uniqueId } from '../dom.js';
import { Panel, tableToggle } from '../panel.js';
import { type DashboardState, INTERVALS, type Scope } from '../state.js';

type Bucket = EntityTimelineQuery['timeline'][number];

const DAY_SECONDS = 86_400;
const seconds = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

/** Counts are whole: axis steps of 1, 2, 5, 10, 20, 50, ... */
const COUNT_STEPS = Array.from({ length: 24 }, (_, i) => ([1, 2, 5][i % 3] as number) * 10 ** Math.floor(i / 3));

export const ARTICLE_COLOUR = '#2f6db5';
export const MENTION_COLOUR = '#a8461b';

export interface TimelineControls {
  /** The window chosen by dragging across the chart: the first and last day of the buckets it covers. */
  onWindow: (from: string, to: string) => void;
  onInterval: (interval: TimeInterval) => void;
  onScope: (scope: Scope) => void;
  onSettled: () => void;
}

export function timelinePanel(client: Client, controls: TimelineControls) {
  const intervalId = uniqueId('interval');
  const intervalSelect = h(
    'select',
    { id: intervalId },
    INTERVALS.map((value) => h('option', { value }, value.charAt(0) + value.slice(1).toLowerCase())),
  );
  intervalSelect.addEventListener('change', () => controls.onInterval(intervalSelect.value as TimeInterval));
  const scopeName = uniqueId('scope');
  const scopeEntity = h('input', { type: 'radio', name: scopeName, value: 'entity' });
  const scopeCorpus = h('input', { type: 'radio', name: scopeName, value: 'corpus' });
  const scopeEntityLabel = h('span', {}, 'the entity');
  for (const radio of [scopeEntity, scopeCorpus]) {
    radio.addEventListener('change', () => radio.checked && controls.onScope(radio.value as Scope));
  }
  let showTable = false;
  let last: { buckets: Bucket[]; title: string; interval: TimeInterval } | null = null;
  const toggle = tableToggle((pressed) => {
    showTable = pressed;
    if (last) draw(last.buckets, last.title, last.interval);
  });
  const panel = new Panel('timeline', 'Timeline', {
    className: 'panel-timeline',
    onSettled: controls.onSettled,
    tools: [
      h(
        'fieldset',
        { class: 'scope' },
        h('legend', { class: 'visually-hidden' }, 'Articles of'),
        h('label', {}, scopeEntity, ' ', scopeEntityLabel),
        h('label', {}, scopeCorpus, ' all articles'),
      ),
      h('label', { for: intervalId }, 'Per '),
      intervalSelect,
      toggle,
    ],
  });
  const caption = h('p', { class: 'caption' });
  let chart: uPlot | null = null;
  const chartBox = h('div', { class: 'chart', 'data-chart': 'timeline' });
  const resize = new ResizeObserver(() => {
    if (chart && chartBox.clientWidth > 0) chart.setSize({ width: chartBox.clientWidth, height: chartHeight() });
  });
  resize.observe(chartBox);
  const chartHeight = () => 260;

  function draw(buckets: Bucket[], title: string, interval: TimeInterval) {
    chart?.destroy();
    chart = null;
    replaceChildren(caption, title);
    if (showTable) {
      replaceChildren(panel.content, caption, bucketTable(buckets, title));
      return;
    }
    replaceChildren(panel.content, caption, chartBox);
    // Each bar stands in the middle of its bucket; the x range is the buckets' days, end to end.
    const xs = buckets.map((b) => (seconds(b.start) + seconds(b.end) + DAY_SECONDS) / 2);
    const first = buckets[0] as Bucket;
    const lastBucket = buckets[buckets.length - 1] as Bucket;
    const range: [number, number] = [seconds(first.start), seconds(lastBucket.end) + DAY_SECONDS];
    const options: uPlot.Options = {
      width: chartBox.clientWidth || 600,
      height: chartHeight(),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: {
        x: { time: true, range: () => range },
        articles: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        mentions: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      series: [
        { label: 'Bucket', value: (_u, _v, i) => (i == null ? '' : bucketLabel(buckets[i] as Bucket)) },
        {
          label: 'Articles',
          scale: 'articles',
          fill: `${ARTICLE_COLOUR}cc`,
          stroke: ARTICLE_COLOUR,
          width: 1,
          paths: uPlot.paths.bars?.({ size: [0.8, 60], gap: 1 }),
          points: { show: false },
        },
        {
          label: 'Mentions',
          scale: 'mentions',
          stroke: MENTION_COLOUR,
          width: 2,
          points: { show: buckets.length < 60 },
        },
      ],
      axes: [
        {
          stroke: '#333',
          grid: { show: false },
          // A label under every bucket while they fit (about 70 px each), else under every n-th.
          splits: (u) => {
            const every = Math.max(1, Math.ceil((buckets.length * 70) / Math.max(1, u.bbox.width / devicePixelRatio)));
            return xs.filter((_, i) => i % every === 0);
          },
          values: (_u, splits) => splits.map((x) => tickLabel(buckets[xs.indexOf(x)], interval)),
        },
        {
          scale: 'articles',
          label: 'Articles',
          stroke: ARTICLE_COLOUR,
          grid: { stroke: '#e4e4e4' },
          incrs: COUNT_STEPS,
        },
        {
          scale: 'mentions',
          label: 'Mentions',
          side: 1,
          stroke: MENTION_COLOUR,
          grid: { show: false },
          incrs: COUNT_STEPS,
        },
      ],
      cursor: { drag: { x: true, y: false, setScale: false } },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            const covered = buckets.filter((b) => seconds(b.end) + DAY_SECONDS > from && seconds(b.start) < to);
            const firstCovered = covered[0];
            const lastCovered = covered[covered.length - 1];
            if (firstCovered && lastCovered) controls.onWindow(firstCovered.start, lastCovered.end);
          },
        ],
      },
    };
    chart = new uPlot(options, [xs, buckets.map((b) => b.articleCount), buckets.map((b) => b.mentionCount)], chartBox);
    chart.root.querySelector('canvas')?.setAttribute('aria-hidden', 'true');
    chartBox.setAttribute('role', 'img');
    chartBox.setAttribute(
      'aria-label',
      `${title}: a bar chart of articles and a line of mentions per bucket; drag across it to choose a window, or use the table view.`,
    );
  }

  /**
   * Loads the timeline of `state`; `entityName` (a name, or a promise of it while another panel's answer brings it)
   * only labels the chart, so the query does not wait for it.
   */
  function load(state: DashboardState, entityName: string | null | Promise<string | null>) {
    intervalSelect.value = state.interval;
    const scope: Scope = state.entity ? state.scope : 'corpus';
    scopeEntity.disabled = !state.entity;
    scopeEntity.checked = scope === 'entity';
    scopeCorpus.checked = scope === 'corpus';
    const named = Promise.resolve(entityName).then(
      (name) => name,
      () => null,
    );
    void named.then((name) => replaceChildren(scopeEntityLabel, name ?? 'the entity'));
    return panel.load(async (signal) => {
      const entity = scope === 'entity' ? state.entity : null;
      const [{ data }, name] = await Promise.all([
        client(EntityTimelineDocument, { interval: state.interval, entity, from: state.from, to: state.to }, signal),
        named,
      ]);
      const buckets = data.timeline;
      const who = entity ? (name ?? 'the entity') : 'all articles';
      if (buckets.length === 0 || buckets.every((b) => b.articleCount === 0)) {
        last = null;
        return { empty: `No article ${entity ? `mentions ${who} ` : ''}in this window.` };
      }
      const total = buckets.reduce((sum, b) => sum + b.articleCount, 0);
      const title = `${who === 'all articles' ? 'All articles' : `Articles mentioning ${who}`}, per ${state.interval.toLowerCase()}: ${formatNumber(total)} articles from ${buckets[0]?.start} to ${buckets[buckets.length - 1]?.end}`;
      last = { buckets, title, interval: state.interval };
      draw(buckets, title, state.interval);
      return 'ready';
    });
  }

  return { panel, load };
}

/** A bucket's name on the axis: its year, month or first day, as the interval says. */
function tickLabel(bucket: Bucket | undefined, interval: TimeInterval): string {
  if (!bucket) return '';
  if (interval === 'YEAR') return bucket.start.slice(0, 4);
  if (interval === 'MONTH') return bucket.start.slice(0, 7);
  return bucket.start;
}

function bucketLabel(bucket: Bucket): string {
  return bucket.start === bucket.end ? bucket.start : `${bucket.start} – ${bucket.end}`;
}

function bucketTable(buckets: Bucket[], title: string): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': `${title} (table)` },
    h(
      'table',
      { 'data-table': 'timeline' },
      h('caption', { class: 'visually-hidden' }, title),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'From'),
          h('th', { scope: 'col' }, 'To'),
          h('th', { scope: 'col', class: 'number' }, 'Articles'),
          h('th', { scope: 'col', class: 'number' }, 'Mentions'),
        ),
      ),
      h(
        'tbody',
        {},
        buckets.map((b) =>
          h(
            'tr',
            {},
            h('td', {}, b.start),
            h('td', {}, b.end),
            h('td', { class: 'number' }, formatNumber(b.articleCount)),
            h('td', { class: 'number' }, formatNumber(b.mentionCount)),
          ),
        ),
      ),
    ),
  );
}
