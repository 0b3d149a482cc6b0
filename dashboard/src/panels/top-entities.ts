/**
 * The entities most written about in the window, by type: three ranked tables, each row a bar of its article
 * count (relative to the first of its table). A name is a button: it makes that entity the one the dashboard
 * follows.
 */
import { DashboardTopEntitiesDocument, type DashboardTopEntitiesQuery } from '../../../client/generated.js';
import type { Client } from '../api.js';
import { formatNumber, h, replaceChildren } from '../dom.js';
import { Panel } from '../panel.js';
import type { DashboardState } from '../state.js';

type Ranked = DashboardTopEntitiesQuery['persons'][number];

const COLUMNS = [
  ['persons', 'Persons'],
  ['organizations', 'Organizations'],
  ['events', 'Events'],
] as const;

export function topEntitiesPanel(client: Client, onPick: (id: string, name: string) => void, onSettled: () => void) {
  const panel = new Panel('top-entities', 'Top entities', { className: 'panel-top', onSettled });

  function table(title: string, rows: Ranked[], followed: string | null): HTMLElement {
    const max = Math.max(1, ...rows.map((row) => row.articleCount));
    return h(
      'table',
      { class: 'ranking', 'data-table': title.toLowerCase() },
      h('caption', {}, title),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', class: 'number' }, h('abbr', { title: 'Rank' }, '#')),
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col', class: 'number' }, 'Articles'),
          h('th', { scope: 'col', class: 'number' }, 'Mentions'),
        ),
      ),
      h(
        'tbody',
        {},
        rows.length === 0
          ? h('tr', {}, h('td', { colspan: 4, class: 'empty' }, 'None in this window.'))
          : rows.map((row, index) => {
              const bar = h('span', { class: 'bar', 'aria-hidden': 'true' });
              bar.style.width = `${(100 * row.articleCount) / max}%`;
              return h(
                'tr',
                { 'aria-current': row.entity.id === followed ? 'true' : null },
                h('td', { class: 'number' }, index + 1),
                h(
                  'td',
                  { class: 'name' },
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'link',
                      'data-entity': row.entity.id,
                      onclick: () => onPick(row.entity.id, row.entity.name),
                    },
                    row.entity.name,
                  ),
                  bar,
                ),
                h('td', { class: 'number' }, formatNumber(row.articleCount)),
                h('td', { class: 'number' }, formatNumber(row.mentionCount)),
              );
            }),
      ),
    );
  }

  /** The ranking of a window, asked once for `first` and `load` alike (the last window's answer is kept). */
  let lastAnswer: { key: string; answer: Promise<DashboardTopEntitiesQuery> } | null = null;
  function ranking(state: DashboardState): Promise<DashboardTopEntitiesQuery> {
    const key = `${state.from} ${state.to}`;
    if (lastAnswer?.key !== key) {
      const answer = client(DashboardTopEntitiesDocument, { from: state.from, to: state.to }).then(({ data }) => data);
      answer.catch(() => {
        if (lastAnswer?.answer === answer) lastAnswer = null;
      });
      lastAnswer = { key, answer };
    }
    return lastAnswer.answer;
  }

  function load(state: DashboardState) {
    return panel.load(async () => {
      const data = await ranking(state);
      if (COLUMNS.every(([key]) => data[key].length === 0)) return { empty: 'No entity is mentioned in this window.' };
      replaceChildren(
        panel.content,
        h(
          'div',
          { class: 'rankings' },
          COLUMNS.map(([key, title]) => table(title, data[key], state.entity)),
        ),
      );
      return 'ready';
    });
  }

  /** The entity to follow when the URL names none: the first of the window, persons first. */
  async function first(state: DashboardState): Promise<{ id: string; name: string } | null> {
    const data = await ranking(state);
    return (data.persons[0] ?? data.organizations[0] ?? data.events[0])?.entity ?? null;
  }

  return { panel, load, first };
}
