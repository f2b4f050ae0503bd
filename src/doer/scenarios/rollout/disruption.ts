/** PodDisruptionBudgets that block drains and evictions. */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import { formatSelector, matchesSelector } from '../../../cluster/selectors.js';
import type { Node, ObjectRef, Pod, PodDisruptionBudget } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, eventLine, eventsMatching, isActivePod, isPodReady, kubectl, label } from '../util.js';
import { conditionOf, conditionText, pushTo } from '../network/lookup.js';

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
      pushTo(index, ns, pdb);
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
      // A drain already blocked by it is reported, with this same cause, by rollout.pdb-blocks-drain.
      if (pods.some((p) => state.node(p.spec?.nodeName)?.spec?.unschedulable)) continue;
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

/** Grace for a new PDB (or one whose pods are being recreated) before "selects nothing" means anything. */
const PDB_GRACE_SECONDS = 300;

const pdbSelectsNothing: Scenario = {
  id: 'rollout.pdb-selects-no-pods',
  category: 'rollout',
  severity: 'info',
  needs: ['PodDisruptionBudget', 'Pod'],
  title: 'PodDisruptionBudget selects no pods',
  description:
    'The PDB\'s selector matches no pod (status.expectedPods 0; the disruption controller records NoPods "No matching ' +
    'pods found"), so it protects nothing — usually a label typo, leaving the application unprotected during drains. ' +
    'Evidence: the selector and status. Fix the selector to match the workload\'s pod labels.',
  detect(state) {
    return state.pdbs
      .filter((p) => (p.status?.expectedPods ?? 0) === 0 && state.podsForPdb(p).length === 0 && ageSeconds(state, p.metadata.creationTimestamp) >= PDB_GRACE_SECONDS)
      .map((p): Detection => {
        const ref = refOf(p);
        const noPods = eventsMatching(state, p, 'NoPods').slice(0, 1).map((e) => eventLine(p, e));
        return {
          resource: ref,
          rootCause: ref,
          title: `PodDisruptionBudget ${displayName(ref)} selects no pods`,
          explanation: `No pod in ${ref.namespace} carries the labels ${formatSelector(p.spec?.selector)}, so the budget protects nothing.`,
          evidence: [pdbStatusLine(p), ...noPods],
          remediation: [kubectl(ref.namespace, `edit pdb ${ref.name}  # make spec.selector match the pods' labels`)],
          confidence: 0.8,
        };
      });
  },
};

const pdbOverlap: Scenario = {
  id: 'rollout.pdb-overlapping',
  category: 'rollout',
  severity: 'warning',
  needs: ['PodDisruptionBudget', 'Pod'],
  title: 'Pods are covered by more than one PodDisruptionBudget',
  description:
    'The eviction API refuses to evict a pod selected by two PDBs ("This pod has more than one PodDisruptionBudget, ' +
    'which the eviction subresource does not support."), whatever they allow, so drains and autoscaler scale-downs hang ' +
    'on those pods. Evidence: the PDBs and the pods both select. Fix: delete one PDB or make their selectors disjoint.',
  detect(state) {
    const byNamespace = new Map<string, PodDisruptionBudget[]>();
    for (const p of state.pdbs) pushTo(byNamespace, p.metadata.namespace ?? 'default', p);
    const pairs = new Map<string, { pdbs: PodDisruptionBudget[]; pods: Pod[] }>();
    for (const [ns, pdbs] of byNamespace) {
      if (pdbs.length < 2) continue;
      for (const pod of state.podsInNamespace(ns)) {
        if (!isActivePod(pod)) continue;
        const covering = pdbs.filter((p) => matchesSelector(p.spec?.selector, pod.metadata.labels));
        if (covering.length < 2) continue;
        const key = covering.map((p) => p.metadata.name).sort().join('+');
        const entry = pairs.get(`${ns}/${key}`) ?? { pdbs: covering, pods: [] };
        entry.pods.push(pod);
        pairs.set(`${ns}/${key}`, entry);
      }
    }
    return [...pairs.values()].map(({ pdbs, pods }): Detection => {
      const sorted = [...pdbs].sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? ''));
      const newest = refOf(sorted[sorted.length - 1]);
      // A cordoned node still running such a pod is a drain that cannot finish.
      const draining = new Map<string, Pod>();
      for (const pod of pods) {
        const nodeName = pod.spec?.nodeName;
        if (nodeName && !draining.has(nodeName) && state.node(nodeName)?.spec?.unschedulable) draining.set(nodeName, pod);
      }
      const drainLines = [...draining].map(([name, pod]) => `Node ${name}: spec.unschedulable=true (cordoned for drain) ← Pod ${pod.metadata.namespace}/${pod.metadata.name} cannot be evicted`);
      return {
        resource: refOf(pods[0]),
        rootCause: newest,
        affected: [...sorted.slice(0, -1).map(refOf), ...pods.slice(1).map(refOf), ...[...draining.keys()].map((name): ObjectRef => ({ kind: 'Node', name }))],
        title: `${pods.length} pod(s) are covered by ${sorted.length} PodDisruptionBudgets (${sorted.map((p) => p.metadata.name).join(', ')})${draining.size ? `, blocking the drain of ${[...draining.keys()].join(', ')}` : ''}`,
        explanation: 'The eviction API rejects pods covered by more than one PDB, so these pods can never be evicted voluntarily.',
        evidence: [...drainLines, ...sorted.map(pdbStatusLine), `Pod ${pods[0].metadata.namespace}/${pods[0].metadata.name}: labels ${formatSelector(pods[0].metadata.labels)} match every one of them`],
        remediation: [kubectl(newest.namespace, `delete pdb ${newest.name}  # or narrow its selector`)],
        confidence: 0.85,
      };
    });
  },
};

const pdbExhausted: Scenario = {
  id: 'rollout.pdb-exhausted-by-unhealthy-pods',
  category: 'rollout',
  severity: 'warning',
  consequence: true,
  needs: ['PodDisruptionBudget', 'Pod'],
  title: 'PodDisruptionBudget has no disruptions left because pods are unhealthy',
  description:
    'currentHealthy < desiredHealthy, so disruptionsAllowed is 0: evictions (drains, autoscaler, upgrades) are refused ' +
    'until the unhealthy pods recover. A consequence of the pods\' own failure, into which it folds. Evidence: the PDB ' +
    'status and the unready pods.',
  detect(state) {
    const detections: Detection[] = [];
    for (const p of state.pdbs) {
      const s = p.status;
      if (!s || s.disruptionsAllowed !== 0 || (s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0)) continue;
      const unhealthy = state.podsForPdb(p).filter((pod) => isActivePod(pod) && !isPodReady(pod));
      if (unhealthy.length === 0) continue;
      const ref = refOf(p);
      detections.push({
        resource: ref,
        rootCause: ref,
        affected: unhealthy.map(refOf),
        dependsOn: unhealthy.map(refOf),
        title: `PodDisruptionBudget ${displayName(ref)} allows no evictions: ${s.currentHealthy}/${s.desiredHealthy} required pods healthy`,
        explanation: 'Unhealthy pods use up the budget, so no voluntary eviction is possible until they are ready again.',
        evidence: [pdbStatusLine(p), ...unhealthy.slice(0, 3).map((pod) => `Pod ${pod.metadata.namespace}/${pod.metadata.name}: Ready=False`)],
        remediation: [kubectl(ref.namespace, `get pods -l ${formatSelector(p.spec?.selector)}`)],
        confidence: 0.6,
      });
    }
    return detections;
  },
};

export const disruptionScenarios: Scenario[] = [pdbBlocksDrain, pdbNeverAllowsDisruption, pdbSelectsNothing, pdbOverlap, pdbExhausted];
