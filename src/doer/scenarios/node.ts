/**
 * Node health: the Ready condition and why it is not True (kubelet silent, PLEG, runtime, CNI),
 * resource pressure and the evictions it causes, pod networking that never came up, cordons,
 * node-problem-detector conditions, clocks and certificates. Condition reasons and messages are
 * those of pkg/kubelet/nodestatus, the node lifecycle controller and kubelet/eviction.
 */
import type { ClusterState } from '../../cluster/state.js';
import { displayName, refKey } from '../../cluster/state.js';
import type { Node, ObjectRef, Pod } from '../../cluster/types.js';
import type { Detection, Scenario, Severity } from '../types.js';
import { podFailures } from './pod-failures.js';
import type { PodFailure } from './pod-failures.js';
import { ageSeconds, eventLine, isActivePod, isPodReady, kubectl, statusLine } from './util.js';

type NodeCondition = NonNullable<NonNullable<Node['status']>['conditions']>[number];

function condition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

function conditionLine(node: Node, c: NodeCondition): string {
  return statusLine(node, `condition ${c.type}=${c.status} (${c.reason ?? ''}) since ${c.lastTransitionTime ?? '?'}, last heartbeat ${c.lastHeartbeatTime ?? '?'}: ${c.message ?? ''}`);
}

function nodeRef(node: Node): ObjectRef {
  return { kind: 'Node', name: node.metadata.name };
}

/** Pods that were meant to run on the node (terminating ones included: they are stuck there too). */
function podsStuckOn(state: ClusterState, node: Node): Pod[] {
  return state.podsOnNode(node.metadata.name).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

function podRef(pod: Pod): ObjectRef {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name };
}

/** Pods and the workloads they belong to, so a finding touches the Deployment a person looks at too. */
function withWorkloads(state: ClusterState, pods: Pod[]): ObjectRef[] {
  const refs = new Map<string, ObjectRef>();
  for (const pod of pods) {
    const ref = podRef(pod);
    refs.set(refKey(ref), ref);
    const workload = state.workloadOf(pod);
    refs.set(refKey(workload), workload);
  }
  return [...refs.values()];
}

const NOT_READY_TAINTS = /node\.kubernetes\.io\/(?:not-ready|unreachable)|node\(s\) (?:were|was) not ready|node\(s\) (?:were|was) unreachable/;

/**
 * Unscheduled pods whose latest FailedScheduling names only this kind of node problem for every node
 * ("0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/not-ready: }."), so the
 * node problem alone keeps them Pending. Any other reason (Insufficient cpu, affinity) leaves them to scheduling.
 */
function pendingOnlyBecauseOf(state: ClusterState, reason: RegExp): Pod[] {
  const blocked: Pod[] = [];
  for (const pod of state.pods) {
    if (pod.status?.phase !== 'Pending' || pod.spec?.nodeName) continue;
    const event = state.eventsFor(podRef(pod)).find((e) => e.reason === 'FailedScheduling');
    const clauses = /nodes are available: (.*?)(?:\s*preemption:|$)/.exec(event?.message ?? '')?.[1]?.replace(/\.\s*$/, '').split(/,\s*(?=\d+\s)/);
    if (clauses?.length && clauses.every((c) => reason.test(c))) blocked.push(pod);
  }
  return blocked;
}

function nodeEventLines(state: ClusterState, node: Node, limit = 3): string[] {
  return state.eventsFor(nodeRef(node)).filter((e) => e.type === 'Warning' || /NotReady|NodeNotSchedulable|Rebooted/.test(e.reason ?? '')).slice(0, limit).map((e) => eventLine(node, e));
}

function taintLine(node: Node): string[] {
  const taints = (node.spec?.taints ?? []).filter((t) => t.key.startsWith('node.kubernetes.io/') || t.key.startsWith('node.cloudprovider.kubernetes.io/'));
  return taints.length ? [statusLine(node, `taints: ${taints.map((t) => `${t.key}:${t.effect}${t.timeAdded ? ` (since ${t.timeAdded})` : ''}`).join(', ')}`)] : [];
}

// ---- Ready not True: one scenario per kind of failure, each node classified once -----------------

type NotReadyKind = 'kubelet-stopped-posting' | 'pleg-not-healthy' | 'cni-not-initialized' | 'container-runtime-down' | 'not-ready';

/** How long a node may be not Ready before it counts (a kubelet restart or a joining node). */
const NOT_READY_GRACE_SECONDS = 60;

const CNI_NOT_READY = /NetworkPluginNotReady|network plugin is not ready|cni (?:config uninitialized|plugin not initialized)|network is not ready|runtime network not ready/i;
const RUNTIME_DOWN = /container runtime is down|ContainerRuntimeNotReady|container runtime status check may not have completed|runtime is not ready|container runtime not ready|failed to get container runtime status/i;

function notReadyKind(state: ClusterState, node: Node): NotReadyKind | undefined {
  const ready = condition(node, 'Ready');
  if (!ready || ready.status === 'True') return undefined;
  if (ageSeconds(state, ready.lastTransitionTime) < NOT_READY_GRACE_SECONDS) return undefined;
  if (ready.status === 'Unknown') return 'kubelet-stopped-posting';
  const message = ready.message ?? '';
  // Deepest first: a runtime that is down also stalls PLEG ("[container runtime is down, PLEG is not healthy: ...]").
  if (CNI_NOT_READY.test(message)) return 'cni-not-initialized';
  if (RUNTIME_DOWN.test(message)) return 'container-runtime-down';
  if (/PLEG is not healthy/.test(message)) return 'pleg-not-healthy';
  return 'not-ready';
}

/** CNI agents by the names their DaemonSets ship with. */
const CNI_AGENT = /calico-node|flannel|cilium|weave|canal|kube-router|antrea|aws-node|azure-cni|ovnkube|kube-ovn|multus|terway|romana|contiv/;

function cniPodOn(state: ClusterState, node: Node): Pod | undefined {
  return state.podsOnNode(node.metadata.name).find((p) => CNI_AGENT.test(p.metadata.name) && isActivePod(p));
}

interface NotReadySpec {
  kind: NotReadyKind;
  title: string;
  description: string;
  explain: (node: Node, ready: NodeCondition) => string;
  remediation: (node: Node) => string[];
  /** A deeper object to blame than the node itself (the CNI DaemonSet whose pod on the node is broken). */
  deeper?: (state: ClusterState, node: Node) => { cause: ObjectRef; line: string } | undefined;
  hops?: number;
}

function notReadyScenario(spec: NotReadySpec): Scenario {
  return {
    id: `node.${spec.kind}`,
    category: 'node',
    severity: 'critical',
    title: spec.title,
    description: spec.description,
    ...(spec.hops ? { hops: spec.hops } : {}),
    needs: ['Node'],
    detect(state) {
      const detections: Detection[] = [];
      let pendingPods: Pod[] | undefined;
      for (const node of state.nodes) {
        if (notReadyKind(state, node) !== spec.kind) continue;
        const ready = condition(node, 'Ready')!;
        const pods = podsStuckOn(state, node);
        const deeper = spec.deeper?.(state, node);
        const pending = (pendingPods ??= pendingOnlyBecauseOf(state, NOT_READY_TAINTS));
        detections.push({
          resource: nodeRef(node),
          rootCause: deeper?.cause ?? nodeRef(node),
          affected: [nodeRef(node), ...withWorkloads(state, [...pods, ...pending])],
          title: `Node ${node.metadata.name} is ${ready.status === 'Unknown' ? 'unreachable' : 'NotReady'}: ${spec.title.replace(/^Node /, '').toLowerCase()}`,
          explanation: `${spec.explain(node, ready)} ${pods.length} pod(s) on it are not served${pods.length ? ` (${pods.slice(0, 5).map((p) => displayName(podRef(p))).join(', ')}${pods.length > 5 ? ', …' : ''})` : ''}.`,
          evidence: [
            ...(deeper ? [`Pods on ${node.metadata.name} ← Node ${node.metadata.name} NotReady ← ${deeper.line}`] : []),
            conditionLine(node, ready),
            ...taintLine(node),
            ...nodeEventLines(state, node),
          ],
          remediation: [...(deeper ? [kubectl(deeper.cause.namespace, `describe ${deeper.cause.kind.toLowerCase()}/${deeper.cause.name}`)] : []), ...spec.remediation(node)],
          confidence: 0.95,
        });
      }
      return detections;
    },
  };
}

const onNode = (node: Node) => `on the node (ssh or kubectl debug node/${node.metadata.name} -it --image=busybox)`;

const kubeletStoppedPosting = notReadyScenario({
  kind: 'kubelet-stopped-posting',
  title: 'Node kubelet stopped posting status',
  description:
    'The node lifecycle controller has not heard from the kubelet within the grace period and set every condition to Unknown ' +
    '("NodeStatusUnknown: Kubelet stopped posting node status."), then tainted the node unreachable and evicts its pods after ' +
    'tolerationSeconds. Causes: the machine is down or partitioned, the kubelet crashed, or its client certificate expired. Evidence: ' +
    'the Ready condition, its last heartbeat, the unreachable taint. Fix: restore the machine/kubelet, or drain and replace the node.',
  explain: (node, ready) => `The kubelet on ${node.metadata.name} has not reported since ${ready.lastHeartbeatTime ?? 'an unknown time'}.`,
  remediation: (node) => [
    `check the machine and ${onNode(node)}: systemctl status kubelet; journalctl -u kubelet --since -1h`,
    'if the kubelet logs x509 errors, renew its client certificate (kubeadm certs / rotate-certificates)',
    `if the machine is gone: kubectl drain ${node.metadata.name} --ignore-daemonsets --delete-emptydir-data --force && kubectl delete node ${node.metadata.name}`,
  ],
});

const plegNotHealthy = notReadyScenario({
  kind: 'pleg-not-healthy',
  title: 'Node PLEG is not healthy',
  description:
    'The kubelet\'s pod lifecycle event generator did not complete a relist in time ("PLEG is not healthy: pleg was last seen active 3m0s ' +
    'ago; threshold is 3m0s"), so the node reports NotReady. Usually the container runtime is overloaded or hung (too many containers, ' +
    'slow disk, a stuck container). Evidence: the Ready condition message. Fix: restart the container runtime, reduce pod density, check disk I/O.',
  explain: (node, ready) => `The kubelet on ${node.metadata.name} reports ${ready.message}.`,
  remediation: (node) => [`${onNode(node)}: systemctl restart containerd (or docker); crictl ps | wc -l; iostat -x 5`, `then: kubectl describe node ${node.metadata.name}`],
});

const runtimeDown = notReadyScenario({
  kind: 'container-runtime-down',
  title: 'Node container runtime is down',
  description:
    'The kubelet cannot talk to the container runtime (containerd/CRI-O/Docker) and reports NotReady ("container runtime is down", ' +
    '"ContainerRuntimeNotReady"). No container on the node can be started or checked. Evidence: the Ready condition message. Fix: restart ' +
    'and repair the runtime service on the node.',
  explain: (node, ready) => `The container runtime on ${node.metadata.name} is not answering: ${ready.message}.`,
  remediation: (node) => [`${onNode(node)}: systemctl status containerd; journalctl -u containerd --since -1h; systemctl restart containerd`],
});

const cniNotInitialized = notReadyScenario({
  kind: 'cni-not-initialized',
  hops: 2,
  title: 'Node network plugin (CNI) not initialized',
  description:
    'The runtime reports its pod network not ready ("container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady ' +
    'message:Network plugin returns error: cni plugin not initialized" / "network plugin is not ready: cni config uninitialized"), so the node ' +
    'is NotReady. Either no CNI plugin is installed yet, or the CNI agent pod on that node is failing before writing its configuration. ' +
    'Evidence: the Ready condition and the CNI agent pod on the node. Fix: install the CNI, or repair its DaemonSet.',
  explain: (node, ready) => `The pod network on ${node.metadata.name} is not initialized: ${ready.message}.`,
  deeper(state, node) {
    const agent = cniPodOn(state, node);
    if (!agent || isPodReady(agent)) return undefined;
    const owner = state.workloadOf(agent);
    return { cause: owner, line: `CNI agent pod ${displayName(podRef(agent))} (${owner.kind} ${displayName(owner)}) is not ready` };
  },
  remediation: (node) => [
    'install a CNI plugin if none is (kubectl get ds -n kube-system)',
    `${onNode(node)}: ls /etc/cni/net.d /opt/cni/bin`,
  ],
});

const notReadyGeneric = notReadyScenario({
  kind: 'not-ready',
  title: 'Node is NotReady',
  description:
    'The kubelet reports Ready=False for a reason not covered by a more specific scenario (KubeletNotReady with its message). The scheduler ' +
    'avoids the node and its pods are evicted after tolerationSeconds. Evidence: the Ready condition, taints and node events. Fix: follow the ' +
    'condition message on the node (kubelet logs).',
  explain: (node, ready) => `${node.metadata.name} reports Ready=False (${ready.reason ?? ''}): ${ready.message ?? ''}.`,
  remediation: (node) => [`kubectl describe node ${node.metadata.name}`, `${onNode(node)}: journalctl -u kubelet --since -1h`],
});

// ---- pod networking that never came up on a node that looks Ready ------------------------------

const SANDBOX_GRACE_SECONDS = 120;
const SANDBOX_NETWORK = /failed to (?:setup|set up) network for sandbox|networkPlugin cni failed|plugin type="[^"]+" failed|failed to find plugin|cni plugin not initialized|loadFlannelSubnetEnv failed|NetworkPlugin cni failed/i;
const POD_CIDR_MISSING = /pod cidr not assigned|podCIDR (?:is )?(?:not|empty)|no podCIDR|subnet\.env: no such file or directory/i;

function hasPodCidr(node: Node): boolean {
  return !!(node.spec?.podCIDR || node.spec?.podCIDRs?.length);
}

/** Failures on each node matching a pattern, from pods placed on it. */
function failuresByNode(state: ClusterState, pattern: RegExp, accept: (f: PodFailure) => boolean = () => true): Map<string, PodFailure[]> {
  const byNode = new Map<string, PodFailure[]>();
  for (const failure of podFailures(state)) {
    const nodeName = failure.pod.spec?.nodeName;
    if (!nodeName || !accept(failure) || !pattern.test(failure.message)) continue;
    const list = byNode.get(nodeName) ?? [];
    list.push(failure);
    byNode.set(nodeName, list);
  }
  return byNode;
}

const podCidrNotAssigned: Scenario = {
  id: 'node.pod-cidr-not-assigned',
  category: 'node',
  severity: 'critical',
  hops: 3,
  title: 'Node has no pod CIDR, so its CNI cannot give pods addresses',
  description:
    'The node has no spec.podCIDR, and a CNI that allocates from it (flannel, kubenet, Calico with host-local IPAM) fails: the agent ' +
    'reports "node \\"x\\" pod cidr not assigned" and pods stay in ContainerCreating (FailedCreatePodSandBox "loadFlannelSubnetEnv failed: ' +
    'open /run/flannel/subnet.env: no such file or directory"). The controller-manager allocates node CIDRs only with --allocate-node-cidrs ' +
    'and --cluster-cidr (kubeadm init --pod-network-cidr). Evidence: the node spec, the CNI agent\'s message and the pods\' sandbox errors. ' +
    'Fix: enable CIDR allocation in kube-controller-manager (or set spec.podCIDR), then restart the CNI agent.',
  needs: ['Node'],
  detect(state) {
    const detections: Detection[] = [];
    const cidrFailures = failuresByNode(state, POD_CIDR_MISSING);
    const sandboxFailures = failuresByNode(state, SANDBOX_NETWORK, (f) => f.source === 'event');
    for (const [nodeName, failures] of cidrFailures) {
      const node = state.node(nodeName);
      if (!node || hasPodCidr(node)) continue;
      const blocked = sandboxFailures.get(nodeName) ?? [];
      const controllerManager = state.podsOnNode(nodeName).find((p) => p.metadata.name.startsWith('kube-controller-manager'));
      const kcmArgs = controllerManager?.spec?.containers?.[0]?.command?.join(' ') ?? '';
      const symptoms = [...new Set([...blocked, ...failures].map((f) => f.pod))];
      detections.push({
        resource: symptoms.length ? podRef(symptoms[0]) : nodeRef(node),
        rootCause: nodeRef(node),
        affected: [...symptoms.map(podRef), ...symptoms.map((p) => state.workloadOf(p)), ...(controllerManager ? [podRef(controllerManager)] : [])],
        title: `Node ${nodeName} has no pod CIDR: the CNI cannot start and pods stay in ContainerCreating`,
        explanation:
          `Node ${nodeName} has no spec.podCIDR, so the CNI agent cannot take a subnet and no pod on the node gets a network ` +
          `(${blocked.length} pod(s) failing sandbox creation).` +
          (controllerManager && !/--allocate-node-cidrs=true/.test(kcmArgs) ? ` kube-controller-manager runs without --allocate-node-cidrs=true/--cluster-cidr.` : ''),
        evidence: [
          `${blocked[0] ? `Pod ${displayName(podRef(blocked[0].pod))}: sandbox network failure` : 'Pods'} ← CNI agent: pod cidr not assigned ← Node ${nodeName}: spec.podCIDR empty`,
          statusLine(node, 'spec.podCIDR is not set'),
          ...(controllerManager ? [statusLine(controllerManager, `command has ${/--allocate-node-cidrs=true/.test(kcmArgs) ? '' : 'no '}--allocate-node-cidrs=true and ${/--cluster-cidr=/.test(kcmArgs) ? '' : 'no '}--cluster-cidr`)] : []),
          ...failures.map((f) => f.line),
          ...blocked.slice(0, 3).map((f) => f.line),
        ],
        remediation: [
          'add --allocate-node-cidrs=true --cluster-cidr=<pod network, e.g. 10.244.0.0/16> to kube-controller-manager (/etc/kubernetes/manifests/kube-controller-manager.yaml), matching the CNI\'s network',
          `or set it by hand: kubectl patch node ${nodeName} -p '{"spec":{"podCIDR":"10.244.0.0/24","podCIDRs":["10.244.0.0/24"]}}'`,
          'then restart the CNI agent pod on the node',
        ],
        confidence: 0.97,
      });
    }
    return detections;
  },
};

const cniSandboxFailure: Scenario = {
  id: 'node.cni-sandbox-failure',
  category: 'node',
  severity: 'critical',
  hops: 2,
  title: 'Pods cannot get a network on a node: CNI fails to set up sandboxes',
  description:
    'Pods on a node stay in ContainerCreating because the CNI plugin fails when the runtime creates their sandbox (FailedCreatePodSandBox ' +
    '"failed to setup network for sandbox ...: plugin type=\\"calico\\" failed (add): ..."). Usually the node\'s CNI agent pod is not ' +
    'running or the plugin binaries/config are missing on the node. Evidence: the pods\' events and the CNI agent pod on that node. Fix: ' +
    'repair the CNI agent (its DaemonSet) on the node.',
  needs: ['Node'],
  detect(state) {
    const detections: Detection[] = [];
    const cidrExplained = failuresByNode(state, POD_CIDR_MISSING);
    // A sandbox failure in a pod's first minutes is often the CNI agent still starting on a new node.
    const settled = (f: PodFailure) => f.source === 'event' && ageSeconds(state, f.pod.metadata.creationTimestamp) > SANDBOX_GRACE_SECONDS;
    for (const [nodeName, failures] of failuresByNode(state, SANDBOX_NETWORK, settled)) {
      const node = state.node(nodeName);
      if (!node || (!hasPodCidr(node) && cidrExplained.has(nodeName))) continue;
      if (notReadyKind(state, node) === 'cni-not-initialized') continue;
      const agent = cniPodOn(state, node);
      const brokenAgent = agent && !isPodReady(agent) ? agent : undefined;
      const cause = brokenAgent ? state.workloadOf(brokenAgent) : nodeRef(node);
      const pods = [...new Set(failures.map((f) => f.pod))];
      detections.push({
        resource: podRef(pods[0]),
        rootCause: cause,
        affected: [...pods.map(podRef), ...pods.map((p) => state.workloadOf(p)), nodeRef(node)],
        title: brokenAgent
          ? `CNI agent ${cause.kind} ${displayName(cause)} is failing on ${nodeName}: ${pods.length} pod(s) get no network`
          : `CNI on node ${nodeName} fails to set up pod networking for ${pods.length} pod(s)`,
        explanation: `The runtime on ${nodeName} cannot set up the network of new pod sandboxes, so they never start.` + (brokenAgent ? ` The CNI agent pod ${displayName(podRef(brokenAgent))} on that node is not ready.` : ''),
        evidence: [
          `Pod ${displayName(podRef(pods[0]))}: FailedCreatePodSandBox ← CNI on Node ${nodeName}${brokenAgent ? ` ← ${displayName(podRef(brokenAgent))} not ready` : ''}`,
          ...failures.slice(0, 6).map((f) => f.line),
        ],
        remediation: brokenAgent
          ? [kubectl(brokenAgent.metadata.namespace, `logs ${brokenAgent.metadata.name} --all-containers --previous`), kubectl(brokenAgent.metadata.namespace, `describe pod ${brokenAgent.metadata.name}`)]
          : [`${onNode(node)}: ls /etc/cni/net.d /opt/cni/bin; journalctl -u containerd | grep -i cni`],
        confidence: brokenAgent ? 0.92 : 0.85,
      });
    }
    return detections;
  },
};

// ---- pressure conditions -----------------------------------------------------------------------

function evictedPodsOn(state: ClusterState, nodeName: string): Pod[] {
  return state.podsOnNode(nodeName).filter((p) => p.status?.phase === 'Failed' && p.status.reason === 'Evicted');
}

function pressureScenario(type: string, id: string, severity: Severity, taint: RegExp, title: string, description: string, fixes: (node: Node) => string[]): Scenario {
  return {
    id: `node.${id}`,
    category: 'node',
    severity,
    title,
    description,
    needs: ['Node'],
    detect(state) {
      const detections: Detection[] = [];
      let pendingPods: Pod[] | undefined;
      for (const node of state.nodes) {
        const c = condition(node, type);
        if (c?.status !== 'True') continue;
        const evicted = evictedPodsOn(state, node.metadata.name);
        const pending = (pendingPods ??= pendingOnlyBecauseOf(state, taint));
        detections.push({
          resource: nodeRef(node),
          rootCause: nodeRef(node),
          affected: [nodeRef(node), ...withWorkloads(state, [...evicted, ...pending])],
          title: `Node ${node.metadata.name}: ${title.replace(/^Node (is under |has )?/i, '')}`,
          explanation:
            `${node.metadata.name} reports ${type}=True (${c.reason ?? ''}: ${c.message ?? ''}). The kubelet refuses new pods that would add to it and ` +
            `evicts running ones${evicted.length ? ` (${evicted.length} evicted so far)` : ''}.`,
          evidence: [conditionLine(node, c), ...taintLine(node), ...nodeEventLines(state, node), ...evicted.slice(0, 3).map((p) => statusLine(p, `Evicted: ${p.status?.message ?? ''}`))],
          remediation: fixes(node),
          confidence: 0.95,
        });
      }
      return detections;
    },
  };
}

const memoryPressure = pressureScenario('MemoryPressure', 'memory-pressure', 'warning', /memory-pressure|insufficient memory available|had memory pressure/, 'Node is under memory pressure',
  'The node\'s available memory fell below the kubelet\'s eviction threshold (MemoryPressure=True, "kubelet has insufficient memory ' +
  'available"): BestEffort/Burstable pods using more than they request are evicted and new pods are not admitted. Evidence: the condition, ' +
  'Evicted pods and EvictionThresholdMet events. Fix: find the pods using memory above their requests, set realistic requests/limits, add memory.',
  (node) => [`kubectl top pods -A --sort-by=memory --field-selector spec.nodeName=${node.metadata.name}`, 'set memory requests close to real usage so the scheduler does not overpack the node', `kubectl describe node ${node.metadata.name}`]);

const diskPressure = pressureScenario('DiskPressure', 'disk-pressure', 'warning', /disk-pressure|had disk pressure/, 'Node is under disk pressure',
  'The node\'s root or image filesystem crossed the kubelet\'s eviction threshold (DiskPressure=True, "kubelet has disk pressure"): the ' +
  'kubelet garbage-collects images, evicts pods using local storage and admits no new pods. Evidence: the condition and events ' +
  '(FreeDiskSpaceFailed, EvictionThresholdMet). Fix: free disk (logs, images, emptyDirs), grow the disk, set ephemeral-storage limits.',
  (node) => [`${onNode(node)}: df -h /var/lib/kubelet /var/lib/containerd; crictl rmi --prune; du -sh /var/log/pods/*`, 'set resources.limits.ephemeral-storage on workloads that write a lot']);

const pidPressure = pressureScenario('PIDPressure', 'pid-pressure', 'warning', /pid-pressure|had pid pressure/, 'Node is running out of process IDs',
  'The node is close to its PID limit (PIDPressure=True, "kubelet has insufficient PID available"), usually a pod forking without bound. ' +
  'New processes fail and the kubelet evicts pods. Evidence: the condition. Fix: find the pod with the most processes, set podPidsLimit on the kubelet.',
  (node) => [`${onNode(node)}: ps -eo pid,comm --sort=comm | awk '{print $2}' | uniq -c | sort -rn | head`, 'set the kubelet\'s podPidsLimit to contain runaway pods']);

const networkUnavailable = pressureScenario('NetworkUnavailable', 'network-unavailable', 'critical', /network-unavailable|network is unavailable/, 'Node network is unavailable',
  'The node\'s NetworkUnavailable condition is True (e.g. NoRouteCreated: "RouteController failed to create a route", or the CNI never ' +
  'cleared it): pods on it cannot reach the rest of the cluster and the node is tainted network-unavailable. Evidence: the condition. ' +
  'Fix: check the cloud routes / CNI agent on the node.',
  (node) => [`kubectl describe node ${node.metadata.name}`, 'check the cloud route table and the controller-manager route controller, or the CNI agent that should clear the condition']);

// ---- evictions ---------------------------------------------------------------------------------

// Pod/container/emptyDir limits (kubelet/eviction helpers); "low on resource: ephemeral-storage" is node disk pressure instead.
const EPHEMERAL = /ephemeral local storage usage exceeds|exceeded its local ephemeral storage limit|Usage of EmptyDir volume .* exceeds the limit/i;
/** Evictions older than this are history, not an ongoing problem. */
const RECENT_EVICTION_SECONDS = 24 * 3600;

function evictionTime(pod: Pod): string | undefined {
  const disruption = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  return disruption?.lastTransitionTime ?? pod.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt ?? pod.status?.startTime;
}

const evictions: Scenario = {
  id: 'node.evictions',
  category: 'node',
  severity: 'warning',
  title: 'The kubelet evicted pods because the node ran low on a resource',
  description:
    'Pods were evicted by the kubelet (status.reason Evicted, "The node was low on resource: memory. Threshold quantity: 100Mi, available: ' +
    '...") while the node is no longer reporting pressure: pressure comes and goes, typically from pods using far more than they request. ' +
    'Evidence: the evicted pods\' status messages. Fix: set requests near real usage, limits on memory, and leave headroom on the node.',
  detect(state) {
    const byNode = new Map<string, Pod[]>();
    for (const pod of state.pods) {
      if (pod.status?.reason !== 'Evicted' || EPHEMERAL.test(pod.status.message ?? '')) continue;
      const nodeName = pod.spec?.nodeName;
      if (!nodeName) continue;
      const node = state.node(nodeName);
      if (node && ['MemoryPressure', 'DiskPressure', 'PIDPressure'].some((t) => condition(node, t)?.status === 'True')) continue;
      byNode.set(nodeName, [...(byNode.get(nodeName) ?? []), pod]);
    }
    const detections: Detection[] = [];
    for (const [nodeName, pods] of byNode) {
      const recent = pods.some((p) => ageSeconds(state, evictionTime(p)) < RECENT_EVICTION_SECONDS);
      const resources = [...new Set(pods.map((p) => /low on resource: ([\w-]+)/.exec(p.status?.message ?? '')?.[1]).filter(Boolean))];
      const ref: ObjectRef = { kind: 'Node', name: nodeName };
      detections.push({
        resource: podRef(pods[0]),
        rootCause: ref,
        affected: withWorkloads(state, pods),
        title: `Node ${nodeName} evicted ${pods.length} pod(s) for lack of ${resources.join(', ') || 'resources'}`,
        explanation: `The kubelet on ${nodeName} ran low on ${resources.join(', ') || 'a resource'} and evicted ${pods.length} pod(s); their controllers replaced them, but it will recur while pods use more than they request.`,
        evidence: pods.slice(0, 5).map((p) => statusLine(p, `status.reason=Evicted: ${p.status?.message ?? ''}`)),
        remediation: [
          `kubectl top pods -A --sort-by=memory --field-selector spec.nodeName=${nodeName}`,
          'raise requests of the pods named in the eviction messages ("Container x was using ..., request is ...") to their real usage',
          `clean up: kubectl delete pods -A --field-selector=status.phase==Failed`,
        ],
        confidence: 0.85,
        severity: recent ? 'warning' : 'info',
      });
    }
    return detections;
  },
};

const ephemeralStorageEviction: Scenario = {
  id: 'node.ephemeral-storage-eviction',
  category: 'node',
  severity: 'warning',
  title: 'Pods evicted for exceeding their ephemeral-storage limit',
  description:
    'The kubelet evicted pods whose writable layer, logs or emptyDir volumes grew past their limit ("Pod ephemeral local storage usage ' +
    'exceeds the total limit of containers 1Gi.", "Container x exceeded its local ephemeral storage limit", "Usage of EmptyDir volume ' +
    '\\"cache\\" exceeds the limit"). Evidence: the evicted pods\' status. Fix: raise the limit or the emptyDir sizeLimit, or stop the app writing there.',
  detect(state) {
    const byWorkload = new Map<string, { workload: ObjectRef; pods: Pod[] }>();
    for (const pod of state.pods) {
      if (pod.status?.reason !== 'Evicted' || !EPHEMERAL.test(pod.status.message ?? '')) continue;
      if (ageSeconds(state, evictionTime(pod)) > RECENT_EVICTION_SECONDS) continue;
      const workload = state.workloadOf(pod);
      const entry = byWorkload.get(refKey(workload)) ?? { workload, pods: [] };
      entry.pods.push(pod);
      byWorkload.set(refKey(workload), entry);
    }
    return [...byWorkload.values()].map(({ workload, pods }) => ({
      resource: podRef(pods[0]),
      rootCause: workload,
      affected: pods.map(podRef),
      title: `${workload.kind} ${displayName(workload)}: ${pods.length} pod(s) evicted for exceeding ephemeral storage`,
      explanation: `Pods of ${workload.kind} ${displayName(workload)} write more to local disk than their ephemeral-storage limit allows and are evicted.`,
      evidence: pods.slice(0, 5).map((p) => statusLine(p, `status.reason=Evicted: ${p.status?.message ?? ''}`)),
      remediation: [
        `raise resources.limits.ephemeral-storage or emptyDir.sizeLimit: ${kubectl(workload.namespace, `edit ${workload.kind.toLowerCase()}/${workload.name}`)}`,
        'or write large data to a PersistentVolume instead of the container filesystem/emptyDir',
      ],
      confidence: 0.9,
    }));
  },
};

// ---- cordons -----------------------------------------------------------------------------------

/** A cordon older than this with nothing blocked is probably forgotten. */
const FORGOTTEN_CORDON_SECONDS = 7 * 24 * 3600;
/** Pods still terminating this long after deletion on a cordoned node: the drain is stuck. */
const STUCK_TERMINATING_SECONDS = 15 * 60;

/**
 * Pending pods that only cordoned nodes could take are scheduling.nodes-cordoned's finding; this one covers
 * what the scheduler does not see: a drain whose pods never finish terminating, and cordons left behind.
 */
const cordoned: Scenario = {
  id: 'node.cordoned',
  category: 'node',
  severity: 'warning',
  title: 'Cordoned node with a stuck drain, or a cordon left behind',
  description:
    'A node is marked unschedulable (kubectl cordon/drain). When pods on it have been terminating for a long time while the node is ' +
    'Ready, the drain is stuck (finalizers, volumes that do not detach, a preStop hook that never ends) and the maintenance cannot ' +
    'finish; a cordon kept for over a week with nothing pending is reported as info (wasted capacity). Evidence: spec.unschedulable, ' +
    'the unschedulable taint\'s timeAdded, pods with a deletionTimestamp. Fix: resolve what holds the pods, then finish the ' +
    'maintenance and uncordon.',
  needs: ['Node'],
  detect(state) {
    const detections: Detection[] = [];
    for (const node of state.nodes) {
      if (!node.spec?.unschedulable || notReadyKind(state, node)) continue;
      const ref = nodeRef(node);
      const taint = node.spec.taints?.find((t) => t.key === 'node.kubernetes.io/unschedulable');
      const stuck = state.podsOnNode(node.metadata.name).filter((p) => ageSeconds(state, p.metadata.deletionTimestamp ?? undefined) > STUCK_TERMINATING_SECONDS && p.metadata.deletionTimestamp);
      if (stuck.length) {
        detections.push({
          resource: podRef(stuck[0]),
          rootCause: ref,
          affected: [ref, ...withWorkloads(state, stuck)],
          title: `Drain of node ${node.metadata.name} is stuck: ${stuck.length} pod(s) have been terminating for over ${STUCK_TERMINATING_SECONDS / 60} minutes`,
          explanation: `${node.metadata.name} is cordoned and Ready, but ${stuck.map((p) => displayName(podRef(p))).slice(0, 5).join(', ')} never finish terminating, so the drain cannot complete.`,
          evidence: [statusLine(node, `spec.unschedulable=true${taint?.timeAdded ? ` since ${taint.timeAdded}` : ''}`), ...stuck.slice(0, 4).map((p) => statusLine(p, `metadata.deletionTimestamp=${p.metadata.deletionTimestamp}${p.metadata.finalizers?.length ? `, finalizers=${p.metadata.finalizers.join(',')}` : ''}`))],
          remediation: [
            ...stuck.slice(0, 2).map((p) => kubectl(p.metadata.namespace, `get pod ${p.metadata.name} -o jsonpath='{.metadata.finalizers}'; kubectl -n ${p.metadata.namespace} describe pod ${p.metadata.name}`)),
            'remove stale finalizers only once their controller is known to be gone, then finish the maintenance and uncordon',
          ],
          confidence: 0.85,
        });
        continue;
      }
      if (ageSeconds(state, taint?.timeAdded) < FORGOTTEN_CORDON_SECONDS) continue;
      detections.push({
        resource: ref,
        rootCause: ref,
        title: `Node ${node.metadata.name} has been cordoned since ${taint?.timeAdded}`,
        explanation: `${node.metadata.name} accepts no new pods and has been cordoned for over a week: its capacity is wasted if the maintenance is over.`,
        evidence: [statusLine(node, `spec.unschedulable=true, taint node.kubernetes.io/unschedulable since ${taint?.timeAdded}`)],
        remediation: [`kubectl uncordon ${node.metadata.name}`],
        confidence: 0.7,
        severity: 'info',
      });
    }
    return detections;
  },
};

// ---- node-problem-detector, clocks, certificates ------------------------------------------------

const PROBLEM_CONDITIONS = new Set(['KernelDeadlock', 'ReadonlyFilesystem', 'FrequentKubeletRestart', 'FrequentDockerRestart', 'FrequentContainerdRestart', 'CorruptDockerOverlay2', 'FrequentUnregisterNetDevice', 'KubeletUnhealthy', 'ContainerRuntimeUnhealthy', 'FilesystemCorruptionProblem']);

const problemDetector: Scenario = {
  id: 'node.problem-detector-condition',
  category: 'node',
  severity: 'warning',
  title: 'node-problem-detector reports a node problem',
  description:
    'node-problem-detector set a problem condition on the node (KernelDeadlock, ReadonlyFilesystem, FrequentKubeletRestart, ' +
    'FrequentContainerdRestart, CorruptDockerOverlay2, ...). Such nodes fail pods in ways that look random. Evidence: the condition. ' +
    'Fix: drain and repair or replace the node.',
  needs: ['Node'],
  detect(state) {
    return state.nodes.flatMap((node) => {
      const problems = (node.status?.conditions ?? []).filter((c) => PROBLEM_CONDITIONS.has(c.type) && c.status === 'True');
      if (!problems.length) return [];
      return [{
        resource: nodeRef(node),
        rootCause: nodeRef(node),
        affected: [nodeRef(node), ...podsStuckOn(state, node).filter((p) => !isPodReady(p)).map(podRef)],
        title: `Node ${node.metadata.name}: ${problems.map((c) => c.type).join(', ')}`,
        explanation: `node-problem-detector reports ${problems.map((c) => `${c.type} (${c.reason ?? ''}: ${c.message ?? ''})`).join('; ')}.`,
        evidence: problems.map((c) => conditionLine(node, c)),
        remediation: [`kubectl drain ${node.metadata.name} --ignore-daemonsets --delete-emptydir-data`, 'repair (fsck, kernel update, runtime reinstall) or replace the machine, then uncordon'],
        confidence: 0.9,
      }];
    });
  },
};

const CLOCK_EVENT = /current time \S+ is before \S+|clock skew|NTP service is not running|clock (?:is )?(?:out of sync|unsynchroni[sz]ed)/i;

/**
 * node-problem-detector's NTP plugin sets condition NTPProblem (reason NTPIsDown) and records
 * Warning NTPIsDown "NTP service is not running" on the Node; a clock behind makes certificates
 * "not yet valid" ("current time X is before Y").
 */
const clockSkew: Scenario = {
  id: 'node.clock-skew',
  category: 'node',
  severity: 'warning',
  title: 'Node clock is not synchronised',
  description:
    'The node\'s time synchronisation is down (node-problem-detector condition NTPProblem=True / event NTPIsDown "NTP service is not ' +
    'running") or its clock is behind (certificates "not yet valid: current time ... is before ..."). TLS to the API server, registries ' +
    'and webhooks then fails in ways that look like certificate problems, and leases/tokens expire early or late. Evidence: the ' +
    'condition and Node events. Fix: repair NTP/chrony on the node.',
  needs: ['Node'],
  detect(state) {
    const detections: Detection[] = [];
    for (const node of state.nodes) {
      const ntp = condition(node, 'NTPProblem');
      const events = state.eventsFor(nodeRef(node)).filter((e) => e.reason === 'NTPIsDown' || CLOCK_EVENT.test(e.message ?? ''));
      if (ntp?.status !== 'True' && !events.length) continue;
      detections.push({
        resource: nodeRef(node),
        rootCause: nodeRef(node),
        title: `Node ${node.metadata.name}: clock is not synchronised`,
        explanation: `Time synchronisation on ${node.metadata.name} is failing; expect TLS "certificate not yet valid/expired" errors and token/lease timing problems from this node.`,
        evidence: [...(ntp?.status === 'True' ? [conditionLine(node, ntp)] : []), ...events.slice(0, 3).map((e) => eventLine(node, e))],
        remediation: [`on ${node.metadata.name}: timedatectl status; chronyc tracking; systemctl restart chronyd (or systemd-timesyncd)`],
        confidence: 0.85,
      });
    }
    return detections;
  },
};

export const nodeScenarios: Scenario[] = [
  kubeletStoppedPosting,
  plegNotHealthy,
  runtimeDown,
  cniNotInitialized,
  notReadyGeneric,
  podCidrNotAssigned,
  cniSandboxFailure,
  memoryPressure,
  diskPressure,
  pidPressure,
  networkUnavailable,
  evictions,
  ephemeralStorageEviction,
  cordoned,
  problemDetector,
  clockSkew,
];
