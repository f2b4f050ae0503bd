/** PodDisruptionBudgets that block drains and evictions. */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import { formatSelector, matchesSelector } from '../../../cluster/selectors.js';
import type { Node, ObjectRef, Pod, PodDisruptionBudget } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { eventLine, isActivePod, kubectl, label } from '../util.js';
import { conditionOf, conditionText } from '../network/lookup.js';

/** The API server's eviction refusal, quoted by kubectl drain and autoscalers. */
const EVICTION_REFUSED = /violate the pod's disruption budget|disruption budget .* needs \d+ healthy pods/i;

export function pdbStatusLine(pdb: PodDisruptionBudget): string {
  const spec = pdb.spec;
  const s = pdb.status;
  const rule = spec?.minAvailable !== undefined ? `minAvailable=${spec.minAvailable}` : `maxUnavailable=${spec?.maxUnavailable}`;
  return (
    `${label(pdb)}: ${rule} selector ${formatSelector(spec?.selector)}; status.expectedPods=${s?.expectedPods ?? '?'} ` +
    `currentHealthy=${s?.currentHealthy ?? '?'} desiredHealthy=${s?.desiredHealthy ?? '?'} disruptionsAllowed=${s?.disruptionsAllowed ?? '?'}`
  );
}

/** Pods a node must evict to drain: not DaemonSet pods, not mirror (static) pods, not finished. */
function evictablePods(state: ClusterState, node: Node): Pod[] {
  return state.podsOnNode(node.metadata.name).filter(
    (p) => isActivePod(p) && !p.metadata.annotations?.['kubernetes.io/config.mirror'] && !(p.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet'),
  );
}

const pdbsByNamespaceCache = new WeakMap<ClusterState, Map<string, PodDisruptionBudget[]>>();

function pdbsFor(state: ClusterState, pod: Pod): PodDisruptionBudget[] {
  let index = pdbsByNamespaceCache.get(state);
  if (!index) {
    index = new Map();
    for (const pdb of state.pdbs) {
      const ns = pdb.metadata.namespace ?? 'default';
      index.set(ns, [...(index.get(ns) ?? []), pdb]);
    }
    pdbsByNamespaceCache.set(state, index);
  }
  return (index.get(pod.metadata.namespace ?? 'default') ?? []).filter((pdb) => matchesSelector(pdb.spec?.selector, pod.metadata.labels));
}

function blocking(pdb: PodDisruptionBudget): boolean {
  return pdb.status?.disruptionsAllowed === 0;
}

const pdbBlocksDrain: Scenario = {
  id: 'rollout.pdb-blocks-drain',
  category: 'rollout',
  severity: 'warning',
  hops: 2,
  needs: ['PodDisruptionBudget', 'Pod'],
  title: 'PodDisruptionBudget blocks draining a node',
  description:
    'A node is cordoned (being drained) or evictions were refused ("Cannot evict pod as it would violate the pod\'s ' +
    'disruption budget."), and a pod on it is covered by a PodDisruptionBudget with disruptionsAllowed=0, so the drain ' +
    'never finishes. Evidence: the node\'s spec.unschedulable, the PDB status and the blocked pods. Fix: scale the ' +
    'workload above the PDB\'s minimum, relax minAvailable/maxUnavailable, or fix its unhealthy pods.',
  detect(state) {
    const byPdb = new Map<string, { pdb: PodDisruptionBudget; nodes: Map<string, Node | undefined>; pods: Pod[]; lines: string[] }>();
    const note = (pdb: PodDisruptionBudget, nodeName: string | undefined, pod: Pod, line?: string) => {
      const key = `${pdb.metadata.namespace}/${pdb.metadata.name}`;
      const entry = byPdb.get(key) ?? { pdb, nodes: new Map<string, Node | undefined>(), pods: [] as Pod[], lines: [] as string[] };
      if (nodeName) entry.nodes.set(nodeName, state.node(nodeName));
      if (!entry.pods.includes(pod)) entry.pods.push(pod);
      if (line) entry.lines.push(line);
      byPdb.set(key, entry);
    };
    for (const node of state.nodes) {
      if (!node.spec?.unschedulable) continue;
      for (const pod of evictablePods(state, node)) for (const pdb of pdbsFor(state, pod).filter(blocking)) note(pdb, node.metadata.name, pod);
    }
    for (const e of state.events) {
      if (e.involvedObject?.kind !== 'Pod' || !EVICTION_REFUSED.test(e.message ?? '')) continue;
      const pod = state.get<Pod>('Pod', e.involvedObject.namespace, e.involvedObject.name ?? '');
      if (!pod) continue;
      for (const pdb of pdbsFor(state, pod).filter(blocking)) note(pdb, pod.spec?.nodeName, pod, eventLine(pod, e));
    }
    const detections: Detection[] = [];
    for (const { pdb, nodes, pods, lines } of byPdb.values()) {
      const ref = refOf(pdb);
      const nodeRefs: ObjectRef[] = [...nodes.keys()].map((name) => ({ kind: 'Node', name }));
      const workloads = [...new Map(pods.map((p) => [state.workloadOf(p).name, state.workloadOf(p)])).values()];
      const symptom = nodeRefs[0] ?? refOf(pods[0]);
      detections.push({
        resource: symptom,
        rootCause: ref,
        affected: [...nodeRefs.slice(1), ...pods.map(refOf), ...workloads],
        title: `PodDisruptionBudget ${displayName(ref)} blocks draining ${nodeRefs.length ? nodeRefs.map((n) => n.name).join(', ') : 'its pods\' nodes'}`,
        explanation:
          `${pods.length} pod(s) of ${workloads.map((w) => label(w)).join(', ')} must be evicted, but the PDB allows ${pdb.status?.disruptionsAllowed ?? 0} disruptions ` +
          `(${pdb.status?.currentHealthy ?? '?'} healthy, ${pdb.status?.desiredHealthy ?? '?'} required), so every eviction is refused and the drain hangs.`,
        evidence: [
          ...[...nodes.entries()].map(([name, node]) => `Node ${name}: spec.unschedulable=${node?.spec?.unschedulable ? 'true' : 'false'} (cordoned for drain) ← Pod ${pods[0].metadata.namespace}/${pods[0].metadata.name} ← ${label(ref)}: disruptionsAllowed=${pdb.status?.disruptionsAllowed ?? 0}`),
          pdbStatusLine(pdb),
          ...(conditionOf(pdb, 'DisruptionAllowed') ? [`${label(ref)}: ${conditionText(conditionOf(pdb, 'DisruptionAllowed')!)}`] : []),
          ...workloads.map((w) => {
            const obj = state.find(w);
            const replicas = (obj?.spec as { replicas?: number } | undefined)?.replicas;
            return `${label(w)}: spec.replicas=${replicas ?? '?'}`;
          }),
          ...lines.slice(0, 3),
        ],
        remediation: [
          kubectl(workloads[0]?.namespace, `scale ${workloads[0]?.kind.toLowerCase()}/${workloads[0]?.name} --replicas=2  # leaves room for one disruption`),
          kubectl(ref.namespace, `patch pdb ${ref.name} --type=merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`),
        ],
        confidence: 0.9,
      });
    }
    return detections;
  },
};

/** minAvailable that equals every expected pod, or maxUnavailable 0: no voluntary disruption is ever allowed. */
function structurallyBlocking(pdb: PodDisruptionBudget): string | undefined {
  const spec = pdb.spec;
  const s = pdb.status;
  if (!s || s.disruptionsAllowed !== 0 || (s.expectedPods ?? 0) === 0) return undefined;
  if ((s.currentHealthy ?? 0) < (s.desiredHealthy ?? 0)) return undefined; // blocked by unhealthy pods, not by design
  if (spec?.maxUnavailable === 0 || spec?.maxUnavailable === '0%') return `maxUnavailable=${spec.maxUnavailable}`;
  if (spec?.minAvailable === '100%') return 'minAvailable=100%';
  if (typeof spec?.minAvailable === 'number' && spec.minAvailable >= (s.expectedPods ?? 0)) return `minAvailable=${spec.minAvailable} with ${s.expectedPods} pod(s)`;
  return undefined;
}

const pdbNeverAllowsDisruption: Scenario = {
  id: 'rollout.pdb-never-allows-disruption',
  category: 'rollout',
  severity: 'warning',
  needs: ['PodDisruptionBudget'],
  title: 'PodDisruptionBudget can never allow a disruption',
  description:
    'With every pod healthy the PDB still allows 0 disruptions: maxUnavailable is 0, or minAvailable equals the number ' +
    'of pods (typically minAvailable: 1 on a single replica). Node drains, cluster upgrades and autoscaler scale-downs ' +
    'will hang on these pods. Evidence: the PDB spec and status. Fix: run more replicas or use maxUnavailable: 1.',
  detect(state) {
    const detections: Detection[] = [];
    for (const pdb of state.pdbs) {
      const why = structurallyBlocking(pdb);
      if (!why) continue;
      const ref = refOf(pdb);
      const pods = state.podsForPdb(pdb);
      const workloads = [...new Map(pods.map((p) => [state.workloadOf(p).name, state.workloadOf(p)])).values()];
      detections.push({
        resource: ref,
        rootCause: ref,
        affected: workloads,
        title: `PodDisruptionBudget ${displayName(ref)} allows no disruptions (${why})`,
        explanation: `Even with all ${pdb.status?.expectedPods} pod(s) healthy, ${why} leaves disruptionsAllowed at 0, so no pod it covers can ever be evicted voluntarily.`,
        evidence: [pdbStatusLine(pdb), ...workloads.map((w) => `${label(w)}: covered by the PDB`)],
        remediation: [
          kubectl(ref.namespace, `patch pdb ${ref.name} --type=merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`),
          ...(workloads[0] ? [kubectl(workloads[0].namespace, `scale ${workloads[0].kind.toLowerCase()}/${workloads[0].name} --replicas=2`)] : []),
        ],
        confidence: 0.7,
      });
    }
    return detections;
  },
};

export const disruptionScenarios: Scenario[] = [pdbBlocksDrain, pdbNeverAllowsDisruption];
