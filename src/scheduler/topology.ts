import type { NodeSpec } from './resources.js';

/** Tier labels DESIGN §6 uses by default, tightest first (tier 1 = a supernode). */
export const DEFAULT_TIER_LABELS = [
  'volcano.sh/hypernode',
  'nakhoda.io/rack',
  'nakhoda.io/spine',
  'topology.kubernetes.io/zone',
] as const;

/** A set of nodes that share a network domain at one tier (a supernode, a rack, a spine...). */
export interface TopologyDomain {
  readonly name: string;
  /** 1 = tightest tier above the node (Volcano's numbering). */
  readonly tier: number;
  readonly nodes: readonly number[];
}

/**
 * The topology tree as the scheduler uses it: for each tier (1..tiers), its domains, and each
 * node's domain index at that tier (-1 when the node belongs to none there).
 */
export interface Topology {
  readonly tiers: number;
  readonly tierNames: readonly string[];
  /** `domains[t - 1]` are the domains of tier t. */
  readonly domains: ReadonlyArray<readonly TopologyDomain[]>;
  /** `nodeDomain[t - 1][node]` is an index into `domains[t - 1]`, or -1. */
  readonly nodeDomain: readonly Int32Array[];
}

function buildTopology(nodeCount: number, tierNames: readonly string[], members: ReadonlyArray<Map<string, number[]>>): Topology {
  const domains = members.map((byName, t) =>
    [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, nodes]) => ({ name, tier: t + 1, nodes })),
  );
  const nodeDomain = domains.map((tier) => {
    const index = new Int32Array(nodeCount).fill(-1);
    tier.forEach((domain, d) => domain.nodes.forEach((n) => (index[n] = d)));
    return index;
  });
  return { tiers: tierNames.length, tierNames, domains, nodeDomain };
}

/**
 * Topology from node labels, `tierLabels` ordered tightest → widest. Domains are told apart by
 * their label value together with the values of every wider tier, so `rack=r1` under two
 * spines are two racks (then named `spine/r1`; a value used once keeps its plain name). A node
 * without a tier's label is in no domain of that tier.
 */
export function topologyFromLabels(nodes: readonly NodeSpec[], tierLabels: readonly string[]): Topology {
  const members = tierLabels.map(() => new Map<string, { value: string; nodes: number[] }>());
  nodes.forEach((node, n) => {
    tierLabels.forEach((label, t) => {
      const value = node.labels[label];
      if (value === undefined || value === '') return;
      const path = tierLabels
        .slice(t)
        .map((l) => node.labels[l] ?? '')
        .reverse()
        .join('/');
      const entry = members[t]!.get(path) ?? { value, nodes: [] };
      entry.nodes.push(n);
      members[t]!.set(path, entry);
    });
  });
  const named = members.map((byPath) => {
    const uses = new Map<string, number>();
    for (const { value } of byPath.values()) uses.set(value, (uses.get(value) ?? 0) + 1);
    return new Map(
      [...byPath.entries()].map(([path, { value, nodes: list }]) => [uses.get(value) === 1 ? value : path.replace(/^\/+/, ''), list]),
    );
  });
  return buildTopology(nodes.length, tierLabels, named);
}

/** The parts of a Volcano `HyperNode` (topology.volcano.sh/v1alpha1) the scheduler reads. */
export interface HyperNodeObject {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly tier: number;
    readonly tierName?: string;
    readonly members?: ReadonlyArray<{
      readonly type: 'Node' | 'HyperNode';
      readonly selector: {
        readonly exactMatch?: { readonly name: string };
        readonly regexMatch?: { readonly pattern: string };
        readonly labelMatch?: { readonly matchLabels?: Readonly<Record<string, string>> };
      };
    }>;
  };
}

/**
 * Topology from HyperNodes: each HyperNode is a domain at its `spec.tier`; members select
 * nodes (exact name, regex, labels) or other HyperNodes, whose nodes it then contains.
 * Tiers are renumbered 1..k in ascending order of the tier values present.
 */
export function topologyFromHyperNodes(nodes: readonly NodeSpec[], hyperNodes: readonly HyperNodeObject[]): Topology {
  const byName = new Map(hyperNodes.map((h) => [h.metadata.name, h]));
  const resolved = new Map<string, number[]>();
  const resolve = (hyperNode: HyperNodeObject, path: Set<string>): number[] => {
    const cached = resolved.get(hyperNode.metadata.name);
    if (cached) return cached;
    const found = new Set<number>();
    for (const member of hyperNode.spec.members ?? []) {
      const { exactMatch, regexMatch, labelMatch } = member.selector;
      const regex = regexMatch ? new RegExp(regexMatch.pattern) : undefined;
      if (member.type === 'Node') {
        nodes.forEach((node, n) => {
          const labels = labelMatch?.matchLabels;
          if (
            (exactMatch && node.name === exactMatch.name) ||
            (regex && regex.test(node.name)) ||
            (labels && Object.entries(labels).every(([k, v]) => node.labels[k] === v))
          ) {
            found.add(n);
          }
        });
      } else {
        for (const child of hyperNodes) {
          const name = child.metadata.name;
          if (path.has(name)) continue; // a cycle in user data: ignore the back edge
          if ((exactMatch && name === exactMatch.name) || (regex && regex.test(name))) {
            for (const n of resolve(child, new Set([...path, name]))) found.add(n);
          }
        }
      }
    }
    const list = [...found].sort((a, b) => a - b);
    resolved.set(hyperNode.metadata.name, list);
    return list;
  };
  const tierValues = [...new Set(hyperNodes.map((h) => h.spec.tier))].sort((a, b) => a - b);
  const members = tierValues.map(() => new Map<string, number[]>());
  for (const hyperNode of byName.values()) {
    const t = tierValues.indexOf(hyperNode.spec.tier);
    members[t]!.set(hyperNode.metadata.name, resolve(hyperNode, new Set([hyperNode.metadata.name])));
  }
  const tierNames = tierValues.map((value) => hyperNodes.find((h) => h.spec.tier === value)?.spec.tierName ?? `tier-${value}`);
  return buildTopology(nodes.length, tierNames, members);
}

/**
 * The tier of the lowest common ancestor of a set of nodes: 0 when they are one node, t when
 * they share a tier-t domain (and no tighter one), tiers + 1 when only the cluster holds them.
 */
export function lowestCommonTier(topology: Topology, nodes: readonly number[]): number {
  if (nodes.length === 0 || nodes.every((n) => n === nodes[0])) return 0;
  for (let t = 1; t <= topology.tiers; t++) {
    const index = topology.nodeDomain[t - 1]!;
    const first = index[nodes[0]!]!;
    if (first >= 0 && nodes.every((n) => index[n] === first)) return t;
  }
  return topology.tiers + 1;
}
