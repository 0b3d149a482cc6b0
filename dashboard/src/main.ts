/**
 * The newsgraph dashboard: every panel follows one entity and one window, kept in the URL. Built only on the
 * public GraphQL API, through the typed documents generated from operations/ (sent by hash: see api.ts).
 *
 * When a panel's inputs change, only that panel loads again; the network's answer names the strongest
 * co-mention, which the evidence panel shows when the URL names no pair. When every panel has settled (drawn,
 * empty or failed) the page gets `data-drawn="true"` on <html> and a `dashboard-drawn` performance mark: what the
 * browser tests and the bench wait for.
 */
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { createClient } from './api.js';
import { h, replaceChildren, typeLabel, uniqueId } from './dom.js';
import type { Panel } from './panel.js';
import { evidencePanel } from './panels/evidence.js';
import { networkPanel } from './panels/network.js';
import { searchBox } from './panels/search.js';
import { statsPanel } from './panels/stats.js';
import { timelinePanel } from './panels/timeline.js';
import { topEntitiesPanel } from './panels/top-entities.js';
import { type DashboardState, readState, writeState } from './state.js';

let firstVersion: string | null = null;
const notices = h('div', { class: 'notices', role: 'status' });

const client = createClient({
  endpoint: new URL('graphql', document.baseURI),
  onDataVersion: (version) => {
    firstVersion ??= version;
    if (version === firstVersion || notices.childElementCount > 0) return;
    replaceChildren(
      notices,
      h(
        'p',
        { class: 'notice' },
        `The data changed while the dashboard was open (version ${firstVersion} is now ${version}). `,
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              firstVersion = version;
              replaceChildren(notices);
              render(null, state);
            },
          },
          'Load every panel again',
        ),
      ),
    );
  },
});

/** Entity names seen in any answer, by ID: panels label the followed entity before their own answers come. */
const names = new Map<string, string>();
let state: DashboardState = readState(location.search);

function settled() {
  const done = panels.every((panel) => panel.state !== 'loading' && panel.state !== 'idle');
  document.documentElement.dataset.drawn = String(done);
  if (done && performance.getEntriesByName('dashboard-drawn').length === 0) performance.mark('dashboard-drawn');
}

/** Moves to another state: a new history entry (Back returns), or the current one replaced (defaults filled in). */
function navigate(changes: Partial<DashboardState>, replace = false) {
  const previous = state;
  state = { ...state, ...changes };
  const url = `${location.pathname}${writeState(state)}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render(previous, state);
}

/** Follows another entity: the evidence pair and article start again, unless given. */
function follow(id: string, other: string | null = null) {
  if (id === state.entity && other === state.with) return;
  navigate({ entity: id, with: other === id ? null : other, article: null });
}

const stats = statsPanel(client, settled);
const timeline = timelinePanel(client, {
  onWindow: (from, to) => navigate({ from, to }),
  onInterval: (interval) => navigate({ interval }),
  onScope: (scope) => navigate({ scope }),
  onSettled: settled,
});
const top = topEntitiesPanel(
  client,
  (id, name) => {
    names.set(id, name);
    follow(id);
  },
  settled,
);
const network = networkPanel(client, {
  // The pair becomes the entity left and the one reached: the evidence for the edge just followed.
  onRecentre: (id) => follow(id, state.entity),
  onPair: (id) => navigate({ with: id, article: null }),
  onSettled: settled,
});
const evidence = evidencePanel(client, {
  onArticle: (id) => navigate({ article: id }),
  onPair: (id) => navigate({ with: id, article: null }),
  onSettled: settled,
});
const panels: Panel[] = [stats.panel, timeline.panel, top.panel, network.panel, evidence.panel];

const search = searchBox(client, (picked) => {
  names.set(picked.id, picked.name);
  follow(picked.id);
});

const windowInputs = (() => {
  const fromId = uniqueId('from');
  const toId = uniqueId('to');
  const from = h('input', { id: fromId, type: 'date', min: '0001-01-01', max: '9999-12-31' });
  const to = h('input', { id: toId, type: 'date', min: '0001-01-01', max: '9999-12-31' });
  const clear = h('button', { type: 'button', onclick: () => navigate({ from: null, to: null }) }, 'All dates');
  from.addEventListener('change', () => navigate({ from: from.value || null }));
  to.addEventListener('change', () => navigate({ to: to.value || null }));
  const element = h(
    'fieldset',
    { class: 'window' },
    h('legend', {}, 'Window'),
    h('label', { for: fromId }, 'From'),
    from,
    h('label', { for: toId }, 'to'),
    to,
    clear,
  );
  /** A reduced-precision date shown as the day it starts (from) or ends (to). */
  const show = (value: string | null, end: boolean) => {
    if (!value) return '';
    if (value.length === 10) return value;
    if (value.length === 4) return end ? `${value}-12-31` : `${value}-01-01`;
    const [year, month] = value.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `${value}-${end ? String(last).padStart(2, '0') : '01'}`;
  };
  return {
    element,
    update: (s: DashboardState) => {
      from.value = show(s.from, false);
      to.value = show(s.to, true);
    },
  };
})();

const following = h('p', { class: 'following', 'aria-live': 'polite' });

document.body.append(
  h(
    'header',
    { class: 'top' },
    h('h1', {}, 'newsgraph ', h('span', {}, 'dashboard')),
    search.element,
    windowInputs.element,
    h('nav', { 'aria-label': 'Elsewhere' }, h('a', { href: 'graphql' }, 'GraphiQL')),
  ),
  notices,
  following,
  h(
    'main',
    { id: 'panels', class: 'panels', tabindex: -1 },
    panels.map((panel) => panel.element),
  ),
);

function showFollowing(centre: { name: string; type: string; description: string | null } | null) {
  if (!centre) {
    replaceChildren(following);
    return;
  }
  replaceChildren(
    following,
    'Following ',
    h('strong', {}, centre.name),
    ` (${typeLabel(centre.type)})`,
    centre.description ? ` — ${centre.description}` : '',
  );
}

/** Loads what changed between two states (everything when `previous` is null). */
async function render(previous: DashboardState | null, next: DashboardState) {
  const changed = (...keys: (keyof DashboardState)[]) => previous === null || keys.some((k) => previous[k] !== next[k]);
  windowInputs.update(next);
  document.documentElement.dataset.drawn = 'false';
  if (previous === null) void stats.load();
  if (!next.entity) {
    // No entity named: follow the first of the window's ranking (and say so in the URL).
    for (const panel of panels) if (panel !== stats.panel) panel.pending();
    try {
      const first = await top.first(next);
      if (state !== next) return;
      if (first) {
        names.set(first.id, first.name);
        navigate({ entity: first.id }, true);
        return;
      }
    } catch {
      // The panels below show the refusal.
    }
  }
  const reloadTimeline = changed('interval', 'from', 'to', 'scope') || (next.scope === 'entity' && changed('entity'));
  const reloadTop = changed('from', 'to', 'entity');
  const reloadNetwork = changed('entity');
  const reloadEvidence = changed('entity', 'with', 'article');
  if (reloadTimeline) timeline.panel.pending();
  if (reloadTop) top.panel.pending();
  if (reloadNetwork) network.panel.pending();
  if (reloadEvidence) evidence.panel.pending();
  if (reloadTop) void top.load(next);
  const networkLoaded = reloadNetwork ? network.load(next) : Promise.resolve(null);
  // Asked for now, beside the network: the evidence panel and the choice of a pair both need them.
  if (reloadNetwork && next.entity) evidence.relationships(next.entity).catch(() => undefined);
  if (!reloadNetwork) network.markPair(next.with);
  if (reloadTimeline) {
    const known = next.entity ? names.get(next.entity) : null;
    // An entity named only by the URL: its name comes with the network's answer.
    void timeline.load(
      next,
      known ?? (next.entity ? networkLoaded.then((network) => network?.centre.name ?? null) : null),
    );
  }
  const loaded = await networkLoaded;
  if (state !== next) return;
  if (loaded) {
    for (const node of loaded.nodes) names.set(node.id, node.name);
    showFollowing(loaded.centre);
    search.show(loaded.centre.name);
  } else if (reloadNetwork) {
    showFollowing(null);
  }
  if (!next.with && next.entity) {
    // No pair named: the strongest co-mention the articles state a relationship with, else any entity they state
    // one with (its quotes are what the evidence panel is for), else the strongest co-mention.
    const stated = await evidence.relationships(next.entity).then(
      (answer) => answer.relationships,
      () => [],
    );
    if (state !== next) return;
    const related = new Set(stated.map((r) => r.other.id));
    const neighbours = loaded?.nodes.slice(1) ?? [];
    const other = neighbours.find((n) => related.has(n.id))?.id ?? stated[0]?.other.id ?? neighbours[0]?.id;
    if (other) {
      navigate({ with: other }, true);
      return;
    }
  }
  if (reloadEvidence) void evidence.load(next);
}

window.addEventListener('popstate', () => {
  const previous = state;
  state = readState(location.search);
  void render(previous, state);
});

void render(null, state);
