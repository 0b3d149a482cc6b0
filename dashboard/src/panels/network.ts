/**
 * The co-mention network of the followed entity, drawn in SVG from a d3-force layout: the entity in the middle,
 * its strongest co-mentions around it, and the co-mentions among those. A node's area follows its article count;
 * an edge's width, the articles its two ends share. Clicking a node (or Enter on it: arrow keys move between the
 * nodes) re-centres the network on it; clicking an edge from the centre shows the evidence for that pair. The
 * table view has the same neighbours, with both actions as buttons.
 */
import { DashboardNetworkDocument } from '../../../client/generated.js';
import type { Client } from '../api.js';
import { formatNumber, h, replaceChildren, s, shorten, typeLabel } from '../dom.js';
import { layout, NETWORK_SIZE, type Network, type NetworkNode, networkOf } from '../model/network.js';
import { Panel, tableToggle } from '../panel.js';
import type { DashboardState } from '../state.js';

export const TYPE_COLOURS: Record<string, string> = {
  Person: '#2f6db5',
  Organization: '#2c7a4b',
  Event: '#8b3fa8',
};

/** The graph's height in pixels, and the room kept around the nodes' centres for circles and labels. */
const GRAPH_HEIGHT = 460;
const MARGIN_X = 90;
const MARGIN_Y = 40;

const end = (x: NetworkNode | string) => x as NetworkNode;

export interface NetworkActions {
  onRecentre: (id: string) => void;
  onPair: (id: string) => void;
  onSettled: () => void;
}

export function networkPanel(client: Client, actions: NetworkActions) {
  let showTable = false;
  let current: { network: Network; pair: string | null } | null = null;
  const toggle = tableToggle((pressed) => {
    showTable = pressed;
    if (current) draw(current.network, current.pair);
  });
  const panel = new Panel('network', 'Co-mention network', {
    className: 'panel-network',
    tools: [toggle],
    onSettled: actions.onSettled,
  });

  function draw(network: Network, pair: string | null) {
    const { centre } = network;
    const caption = h(
      'p',
      { class: 'caption' },
      `${centre.name} (${typeLabel(centre.type)}, ${formatNumber(centre.articleCount)} articles) and the ${
        network.nodes.length - 1
      } entities most often in the same articles`,
      network.totalCount > network.nodes.length - 1 ? ` (of ${formatNumber(network.totalCount)})` : '',
      '.',
    );
    replaceChildren(panel.content, caption, showTable ? networkTable(network, pair, actions) : graph(network, pair));
  }

  function graph(network: Network, pair: string | null): Element {
    const maxShared = Math.max(1, ...network.edges.map((e) => e.shared));
    // The layout fitted to the box in pixels, one scale for both axes: circles and labels keep their size.
    const width = Math.max(320, panel.content.clientWidth || 640);
    const height = GRAPH_HEIGHT;
    const xs = network.nodes.map((n) => n.x ?? 0);
    const ys = network.nodes.map((n) => n.y ?? 0);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const scale = Math.min(
      1.6,
      (width - 2 * MARGIN_X) / Math.max(1, maxX - minX),
      (height - 2 * MARGIN_Y) / Math.max(1, maxY - minY),
    );
    const at = new Map(
      network.nodes.map((n) => [
        n.id,
        [
          width / 2 + ((n.x ?? 0) - (minX + maxX) / 2) * scale,
          height / 2 + ((n.y ?? 0) - (minY + maxY) / 2) * scale,
        ] as const,
      ]),
    );
    const position = (n: NetworkNode) => at.get(n.id) ?? ([0, 0] as const);
    const viewBox = `0 0 ${width} ${height}`;
    const edgeLines = network.edges.map((e) => {
      const a = end(e.source);
      const b = end(e.target);
      const neighbour = a.centre ? b : a;
      const selected = e.fromCentre && neighbour.id === pair;
      const [x1, y1] = position(a);
      const [x2, y2] = position(b);
      const line = s('line', {
        x1,
        y1,
        x2,
        y2,
        class: `edge${e.fromCentre ? ' edge-centre' : ''}${selected ? ' edge-selected' : ''}`,
        'stroke-width': (1 + 6 * (e.shared / maxShared)).toFixed(2),
        'stroke-opacity': (e.fromCentre
          ? 0.35 + 0.5 * (e.shared / maxShared)
          : 0.08 + 0.25 * (e.shared / maxShared)
        ).toFixed(2),
      });
      const title = s('title', {}, `${a.name} and ${b.name}: ${formatNumber(e.shared)} shared articles`);
      if (!e.fromCentre) return s('g', {}, line, title);
      // A wider, invisible line makes a thin edge easy to click.
      const hit = s('line', { x1, y1, x2, y2, class: 'edge-hit', 'data-pair': neighbour.id });
      const group = s('g', { class: 'edge-group', onclick: () => actions.onPair(neighbour.id) }, line, hit, title);
      return group;
    });
    const nodeGroups = network.nodes.map((n, index) => {
      const label = `${n.name} (${typeLabel(n.type)}), ${formatNumber(n.articleCount)} articles${
        n.centre
          ? ': the centre'
          : `, ${formatNumber(n.shared)} shared with the centre: press Enter to centre the network on it`
      }`;
      const group = s(
        'g',
        {
          class: `node${n.centre ? ' node-centre' : ''}${n.id === pair ? ' node-paired' : ''}`,
          transform: `translate(${position(n)[0].toFixed(1)},${position(n)[1].toFixed(1)})`,
          role: 'button',
          tabindex: index === 0 ? 0 : -1,
          'aria-label': label,
          'data-entity': n.id,
          'data-name': n.name,
        },
        s('circle', { r: n.r.toFixed(1), fill: TYPE_COLOURS[n.type] ?? '#555' }),
        s('text', { y: (n.r + 14).toFixed(1), 'text-anchor': 'middle' }, shorten(n.name, 24)),
        s('title', {}, label),
      );
      const activate = () => {
        if (!n.centre) actions.onRecentre(n.id);
      };
      group.addEventListener('click', activate);
      group.addEventListener('keydown', (event) => {
        const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          activate();
        } else if (step) {
          event.preventDefault();
          const groups = [...svg.querySelectorAll<SVGGElement>('g.node')];
          const next = groups[(index + step + groups.length) % groups.length];
          group.setAttribute('tabindex', '-1');
          next?.setAttribute('tabindex', '0');
          next?.focus();
        }
      });
      return group;
    });
    const svg = s(
      'svg',
      {
        viewBox,
        class: 'network',
        'data-chart': 'network',
        role: 'group',
        'aria-label': `Co-mention network of ${network.centre.name}: ${network.nodes.length} entities; arrow keys move between them`,
        preserveAspectRatio: 'xMidYMid meet',
      },
      s('g', { class: 'edges' }, edgeLines),
      s('g', { class: 'nodes' }, nodeGroups),
    );
    const legend = h(
      'ul',
      { class: 'legend' },
      Object.entries(TYPE_COLOURS).map(([type, colour]) => {
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        swatch.style.background = colour;
        return h('li', {}, swatch, type);
      }),
      h('li', {}, 'Node area: articles'),
      h('li', {}, 'Edge width: shared articles'),
    );
    return h('div', { class: 'network-box' }, svg, legend);
  }

  /**
   * Loads and draws the network of the followed entity. Resolves with the network as soon as its answer is in,
   * before the layout and the drawing (null when there is none): the panels that wait for it go on meanwhile.
   */
  function load(state: DashboardState): Promise<Network | null> {
    let answered: (network: Network | null) => void = () => undefined;
    const data = new Promise<Network | null>((resolve) => {
      answered = resolve;
    });
    void panel
      .load(async (signal) => {
        if (!state.entity) return { empty: 'Pick an entity to see who appears alongside it.' };
        const { data } = await client(DashboardNetworkDocument, { id: state.entity, first: NETWORK_SIZE }, signal);
        const node = data.node;
        if (!node || !('coMentions' in node)) {
          return { empty: 'No person, organization or event has this ID: pick one with the search box.' };
        }
        const network = networkOf(node);
        answered(network);
        if (network.nodes.length === 1) {
          current = null;
          return { empty: `${node.name} shares no article with any other entity.` };
        }
        // A turn of the event loop first: those waiting for the answer send their queries before the layout and
        // the drawing take the main thread.
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (signal.aborted) return 'ready';
        layout(network);
        current = { network, pair: state.with };
        draw(network, state.with);
        return 'ready';
      })
      .finally(() => answered(null));
    return data;
  }

  /** Marks the evidence pair without drawing the network again. */
  function markPair(pair: string | null) {
    if (!current) return;
    current.pair = pair;
    for (const element of panel.content.querySelectorAll('.node-paired, .edge-selected')) {
      element.classList.remove('node-paired', 'edge-selected');
    }
    if (!pair) return;
    panel.content.querySelector(`g.node[data-entity="${CSS.escape(pair)}"]`)?.classList.add('node-paired');
    panel.content
      .querySelector(`line.edge-hit[data-pair="${CSS.escape(pair)}"]`)
      ?.parentElement?.querySelector('line.edge')
      ?.classList.add('edge-selected');
  }

  return { panel, load, markPair };
}

function networkTable(network: Network, pair: string | null, actions: NetworkActions): HTMLElement {
  const neighbours = network.nodes.filter((n) => !n.centre);
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { 'data-table': 'network' },
      h('caption', { class: 'visually-hidden' }, `Entities mentioned with ${network.centre.name}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Entity'),
          h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col', class: 'number' }, 'Articles'),
          h('th', { scope: 'col', class: 'number' }, `Shared with ${shorten(network.centre.name, 30)}`),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
        ),
      ),
      h(
        'tbody',
        {},
        neighbours.map((n) =>
          h(
            'tr',
            { 'aria-current': n.id === pair ? 'true' : null },
            h('th', { scope: 'row' }, n.name),
            h('td', {}, typeLabel(n.type)),
            h('td', { class: 'number' }, formatNumber(n.articleCount)),
            h('td', { class: 'number' }, formatNumber(n.shared)),
            h(
              'td',
              { class: 'actions' },
              h(
                'button',
                { type: 'button', 'data-recentre': n.id, onclick: () => actions.onRecentre(n.id) },
                'Centre',
                h('span', { class: 'visually-hidden' }, ` on ${n.name}`),
              ),
              h(
                'button',
                { type: 'button', 'data-pair': n.id, onclick: () => actions.onPair(n.id) },
                'Evidence',
                h('span', { class: 'visually-hidden' }, ` for ${network.centre.name} and ${n.name}`),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
