/**
 * The co-mention network as data: the nodes and weighted edges of an answer to DashboardNetwork, and their
 * layout by d3-force. No DOM here: the panel draws it (panels/network.ts), the tests check it.
 */
import { forceCollide, forceLink, forceManyBody, forceSimulation, type SimulationNodeDatum } from 'd3-force';
import type { DashboardNetworkQuery } from '../../../client/generated.js';

export type CentreNode = Extract<NonNullable<DashboardNetworkQuery['node']>, { coMentions: unknown }>;

/** How many co-mentions the network shows around its centre. */
export const NETWORK_SIZE = 20;

export interface NetworkNode extends SimulationNodeDatum {
  id: string;
  name: string;
  type: string;
  articleCount: number;
  /** Articles shared with the centre (0 for the centre itself). */
  shared: number;
  centre: boolean;
  r: number;
}

export interface NetworkEdge {
  source: NetworkNode | string;
  target: NetworkNode | string;
  shared: number;
  /** An edge from the centre (the others join two neighbours). */
  fromCentre: boolean;
}

export interface Network {
  centre: {
    id: string;
    name: string;
    type: string;
    description: string | null;
    articleCount: number;
    mentionCount: number;
  };
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  /** Co-mentioned entities in all (the network shows the strongest NETWORK_SIZE). */
  totalCount: number;
}

/** The network of an answer: nodes, the edges from the centre, and those between neighbours (each once). */
export function networkOf(centre: CentreNode): Network {
  const maxArticles = Math.max(centre.articleCount, ...centre.coMentions.nodes.map((n) => n.entity.articleCount), 1);
  const radius = (articles: number) => 7 + 20 * Math.sqrt(articles / maxArticles);
  const nodes: NetworkNode[] = [
    {
      id: centre.id,
      name: centre.name,
      type: centre.__typename,
      articleCount: centre.articleCount,
      shared: 0,
      centre: true,
      r: radius(centre.articleCount),
      fx: 0,
      fy: 0,
    },
    ...centre.coMentions.nodes.map((n) => ({
      id: n.entity.id,
      name: n.entity.name,
      type: n.entity.__typename,
      articleCount: n.entity.articleCount,
      shared: n.sharedArticles,
      centre: false,
      r: radius(n.entity.articleCount),
    })),
  ];
  const inNetwork = new Set(nodes.map((n) => n.id));
  const edges: NetworkEdge[] = centre.coMentions.nodes.map((n) => ({
    source: centre.id,
    target: n.entity.id,
    shared: n.sharedArticles,
    fromCentre: true,
  }));
  const seen = new Set<string>();
  for (const neighbour of centre.coMentions.nodes) {
    for (const other of neighbour.entity.coMentions.nodes) {
      const id = other.entity.id;
      if (id === centre.id || !inNetwork.has(id)) continue;
      const key = [neighbour.entity.id, id].sort().join(' ');
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ source: neighbour.entity.id, target: id, shared: other.sharedArticles, fromCentre: false });
    }
  }
  return {
    centre: {
      id: centre.id,
      name: centre.name,
      type: centre.__typename,
      description: centre.description,
      articleCount: centre.articleCount,
      mentionCount: centre.mentionCount,
    },
    nodes,
    edges,
    totalCount: centre.coMentions.totalCount,
  };
}

/** Places the nodes (deterministically: d3-force starts from a fixed spiral and its own seeded randomness). */
export function layout(network: Network): void {
  const maxShared = Math.max(1, ...network.edges.map((e) => e.shared));
  const simulation = forceSimulation<NetworkNode, NetworkEdge>(network.nodes)
    .force(
      'link',
      forceLink<NetworkNode, NetworkEdge>(network.edges)
        .id((n) => n.id)
        .distance((e) => (e.fromCentre ? 120 + 140 * (1 - e.shared / maxShared) : 180))
        .strength((e) => (e.fromCentre ? 0.6 : 0.02 + 0.08 * (e.shared / maxShared))),
    )
    .force('charge', forceManyBody<NetworkNode>().strength(-480))
    .force(
      'collide',
      forceCollide<NetworkNode>((n) => n.r + 14),
    )
    .stop();
  simulation.tick(300);
}
