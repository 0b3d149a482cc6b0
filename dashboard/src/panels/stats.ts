/** The corpus figures (`stats`) and the version of the data every answer was computed from. */
import { DashboardStatsDocument } from '../../../client/generated.js';
import type { Client } from '../api.js';
import { formatNumber, h, replaceChildren } from '../dom.js';
import { Panel } from '../panel.js';

const FIGURES = [
  ['articles', 'Articles'],
  ['persons', 'Persons'],
  ['organizations', 'Organizations'],
  ['events', 'Events'],
  ['mentions', 'Mentions'],
  ['relationships', 'Relationships'],
] as const;

export function statsPanel(client: Client, onSettled: () => void) {
  const panel = new Panel('stats', 'The corpus', { className: 'panel-stats', onSettled });
  const load = () =>
    panel.load(async (signal) => {
      const { data, dataVersion } = await client(DashboardStatsDocument, {}, signal);
      const list = h(
        'dl',
        { class: 'figures' },
        FIGURES.map(([key, label]) =>
          h(
            'div',
            { class: 'figure' },
            h('dt', {}, label),
            h('dd', { 'data-figure': key }, formatNumber(data.stats[key])),
          ),
        ),
        h(
          'div',
          { class: 'figure figure-version' },
          h('dt', {}, 'Data version'),
          h('dd', { 'data-figure': 'dataVersion' }, h('code', {}, dataVersion ?? data.stats.dataVersion)),
        ),
      );
      replaceChildren(panel.content, list);
      return 'ready';
    });
  return { panel, load };
}
