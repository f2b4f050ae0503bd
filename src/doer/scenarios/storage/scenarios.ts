import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { Event, KubeObject, ObjectRef, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../../cluster/types.js';
import type { Detection, Scenario, Severity } from '../../types.js';
import { ageSeconds, eventLine, eventsMatching, isActivePod, isPodReady, kubectl, kubectlRef, label } from '../util.js';
import { unschedulablePods } from '../scheduling/pending.js';
import { claimScenario, uniqueRefs } from './claims.js';

const claimRef = (c: PersistentVolumeClaim): ObjectRef => refOf(c);
const claimName = (c: PersistentVolumeClaim) => displayName(claimRef(c));

/** Latest events about a claim with one of these reasons (optionally matching a pattern). */
function claimEvents(state: ClusterState, claim: PersistentVolumeClaim, reasons: string[], pattern?: RegExp): Event[] {
  return eventsMatching(state, claim, reasons, pattern);
}

const storageClassMissing = claimScenario({
  id: 'storage.storageclass-missing',
  title: 'Claims name a StorageClass that does not exist',
  description:
    'A PersistentVolumeClaim asks for a storageClassName that no StorageClass has, so nothing provisions it and it stays Pending; ' +
    'its pods cannot be scheduled. Evidence: the claim\'s class, the cluster\'s StorageClasses, and ProvisioningFailed ' +
    '"storageclass.storage.k8s.io \\"x\\" not found". Fix: create the StorageClass or correct storageClassName (claims are ' +
    'immutable: recreate the claim, or fix the StatefulSet\'s volumeClaimTemplates).',
  severity: 'critical',
  hops: 2,
  match(state, claim) {
    const name = state.storageClassNameOf(claim);
    if (!name || claim.spec?.volumeName) return undefined;
    if (state.storageClasses.some((sc) => sc.metadata.name === name)) return undefined;
    // A class name can also just label static volumes: then it binds without a StorageClass object.
    if (volumesOfClass(state).has(`available:${name}`)) return undefined;
    const events = claimEvents(state, claim, ['ProvisioningFailed'], /not found/);
    // Without StorageClasses in the input, only the controller's own "not found" proves the absence.
    if (!state.hasKind('StorageClass') && events.length === 0) return undefined;
    const existing = state.storageClasses.map((sc) => sc.metadata.name);
    return {
      rootCause: { kind: 'StorageClass', name },
      title: `StorageClass ${name} does not exist`,
      explanation: `Claim ${claimName(claim)} requests storageClassName "${name}", which no StorageClass defines, so no volume is provisioned and its pods stay Pending.`,
      cause: `StorageClass "${name}" does not exist`,
      evidence: [...events.slice(0, 1).map((e) => eventLine(claim, e)), `StorageClasses in the cluster: ${existing.join(', ') || '(none)'}`],
      remediation: [
        `create StorageClass ${name} (kubectl get storageclass shows the existing ones: ${existing.join(', ') || 'none'})`,
        `or recreate the claim with an existing class: ${kubectl(claim.metadata.namespace, `get pvc ${claim.metadata.name} -o yaml`)} → storageClassName: ${existing[0] ?? '<class>'}`,
      ],
      confidence: events.length ? 0.97 : 0.9,
    };
  },
});

const noStorageClass = claimScenario({
  id: 'storage.no-storageclass-no-volume',
  title: 'Claims without a StorageClass find no volume',
  description:
    'The claim sets no storageClassName and the cluster has no default StorageClass, so only pre-created PersistentVolumes can ' +
    'satisfy it, and none matches ("no persistent volumes available for this claim and no storage class is set"). Fix: mark a ' +
    'StorageClass as default (storageclass.kubernetes.io/is-default-class=true) or set storageClassName on the claim, or create a matching PV.',
  severity: 'critical',
  minAgeSeconds: 60,
  match(state, claim) {
    if (claim.spec?.volumeName || state.storageClassNameOf(claim)) return undefined;
    const events = claimEvents(state, claim, ['FailedBinding'], /no persistent volumes available for this claim and no storage class is set/);
    if (events.length === 0 && !(state.hasKind('StorageClass') && state.hasKind('PersistentVolume'))) return undefined;
    if ((volumesInPhase(state).get('Available') ?? []).some((pv) => !pv.spec?.storageClassName)) return undefined;
    return {
      rootCause: claimRef(claim),
      title: `Claim ${claimName(claim)} has no StorageClass and no volume to bind`,
      explanation: `Claim ${claimName(claim)} sets no storageClassName, the cluster has no default StorageClass, and no Available PersistentVolume matches it.`,
      cause: 'no storageClassName, no default StorageClass, no matching PersistentVolume',
      evidence: events.slice(0, 1).map((e) => eventLine(claim, e)),
      remediation: [
        'kubectl patch storageclass <class> -p \'{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}\'',
        `or recreate claim ${claim.metadata.name} with spec.storageClassName set`,
      ],
      confidence: events.length ? 0.93 : 0.75,
    };
  },
});

const blockedCache = new WeakMap<ClusterState, Map<Pod, string>>();

/** Pods the scheduler reports as "didn't find available persistent volumes to bind", with that evidence line. */
function volumeBindingBlocked(state: ClusterState): Map<Pod, string> {
  let blocked = blockedCache.get(state);
  if (!blocked) {
    blocked = new Map(unschedulablePods(state).filter((u) => u.primary.kind === 'volume-binding').map((u) => [u.pod, u.evidence]));
    blockedCache.set(state, blocked);
  }
  return blocked;
}

const classVolumesCache = new WeakMap<ClusterState, Map<string, PersistentVolume[]>>();

/** Volumes by storageClassName, and the Available ones under `available:<class>`. */
function volumesOfClass(state: ClusterState): Map<string, PersistentVolume[]> {
  let index = classVolumesCache.get(state);
  if (!index) {
    index = new Map();
    for (const pv of state.pvs) {
      const name = pv.spec?.storageClassName ?? '';
      for (const key of pv.status?.phase === 'Available' ? [name, `available:${name}`] : [name]) {
        const list = index.get(key);
        if (list) list.push(pv);
        else index.set(key, [pv]);
      }
    }
    classVolumesCache.set(state, index);
  }
  return index;
}

const phaseCache = new WeakMap<ClusterState, Map<string, PersistentVolume[]>>();

function volumesInPhase(state: ClusterState): Map<string, PersistentVolume[]> {
  let index = phaseCache.get(state);
  if (!index) {
    index = new Map();
    for (const pv of state.pvs) {
      const phase = pv.status?.phase ?? '';
      const list = index.get(phase);
      if (list) list.push(pv);
      else index.set(phase, [pv]);
    }
    phaseCache.set(state, index);
  }
  return index;
}

const releasedCache = new WeakMap<ClusterState, Map<string, PersistentVolume>>();

/** Released volumes by name and by the claim they still reference (`claim:ns/name`). */
function releasedIndex(state: ClusterState): Map<string, PersistentVolume> {
  let index = releasedCache.get(state);
  if (!index) {
    index = new Map();
    for (const pv of volumesInPhase(state).get('Released') ?? []) {
      index.set(pv.metadata.name, pv);
      if (pv.spec?.claimRef?.name) index.set(`claim:${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}`, pv);
    }
    releasedCache.set(state, index);
  }
  return index;
}

const noMatchingVolume = claimScenario({
  id: 'storage.no-matching-volume',
  title: 'No PersistentVolume matches the claim (static provisioning)',
  description:
    'The claim\'s StorageClass does not provision volumes (kubernetes.io/no-provisioner, local volumes) or binding found nothing: ' +
    'no Available PersistentVolume of that class has enough capacity, the access modes, and (for local volumes) a node the pod can ' +
    'use — FailedBinding "no persistent volumes available for this claim", or the scheduler\'s "node(s) didn\'t find available ' +
    'persistent volumes to bind". Fix: create a matching PV (or run the local static provisioner), or shrink the request.',
  severity: 'critical',
  minAgeSeconds: 60,
  match(state, claim, pods) {
    const className = state.storageClassNameOf(claim);
    if (claim.spec?.volumeName || !className) return undefined;
    const sc = classOf(state, claim);
    if (!sc && state.hasKind('StorageClass') && !volumesOfClass(state).has(className)) return undefined;
    const bindingFailed = claimEvents(state, claim, ['FailedBinding'], /no persistent volumes available for this claim(?! and no storage class)/);
    const blocked = pods.filter((p) => volumeBindingBlocked(state).has(p));
    const staticClass = sc?.provisioner === 'kubernetes.io/no-provisioner';
    if (!bindingFailed.length && !blocked.length && !(staticClass && pods.length)) return undefined;
    const wanted = claim.spec?.resources?.requests?.storage;
    const candidates = volumesOfClass(state).get(className) ?? [];
    const available = (volumesOfClass(state).get(`available:${className}`) ?? []);
    return {
      rootCause: claimRef(claim),
      title: `No PersistentVolume of class ${className} satisfies claim ${claimName(claim)}`,
      explanation:
        `Claim ${claimName(claim)} needs ${wanted ?? '?'} (${(claim.spec?.accessModes ?? []).join(',')}) from class ${className}, which ` +
        `${staticClass ? 'does not provision volumes' : 'did not provide one'}; ${available.length} Available volume(s) of that class exist and none fits.`,
      cause: `no Available PersistentVolume of class ${className} fits`,
      evidence: [...bindingFailed.slice(0, 1).map((e) => eventLine(claim, e)), ...blocked.slice(0, 1).map((p) => volumeBindingBlocked(state).get(p)!),
        `PersistentVolumes of class ${className}: ${candidates.slice(0, 5).map((pv) => `${pv.metadata.name} (${pv.spec?.capacity?.storage ?? '?'}, ${pv.status?.phase})`).join(', ') || 'none'}${candidates.length > 5 ? ` and ${candidates.length - 5} more` : ''}`],
      remediation: [`create a PersistentVolume of class ${className} with ≥ ${wanted ?? 'the requested'} capacity${staticClass ? ' on a node the pod can run on' : ''}`, `or recreate claim ${claim.metadata.name} with a smaller request / a provisioning StorageClass`],
      confidence: 0.88,
    };
  },
});

const EXTERNAL_PROVISIONING = /waiting for a volume to be created,? either by external provisioner "?([^"\s]+)"? or manually created/;

function classOf(state: ClusterState, claim: PersistentVolumeClaim): StorageClass | undefined {
  const name = state.storageClassNameOf(claim);
  return name ? state.get<StorageClass>('StorageClass', undefined, name) : undefined;
}

function isWaitForFirstConsumer(state: ClusterState, claim: PersistentVolumeClaim): boolean {
  return classOf(state, claim)?.volumeBindingMode === 'WaitForFirstConsumer' || claimEvents(state, claim, ['WaitForFirstConsumer']).length > 0;
}

/** Words of a provisioner name that identify its pods: `rancher.io/local-path` → local-path, `ebs.csi.aws.com` → ebs. */
const GENERIC_WORDS = new Set(['io', 'com', 'org', 'net', 'k8s', 'csi', 'driver', 'kubernetes', 'cluster', 'local', 'sigs', 'storage', 'x', 'aws', 'gke', 'azure']);

const provisionerCache = new WeakMap<ClusterState, Map<string, Pod[]>>();

/** Pods that look like a provisioner's controller, once per state and provisioner name. */
function provisionerPods(state: ClusterState, provisioner: string): Pod[] {
  let byName = provisionerCache.get(state);
  if (!byName) provisionerCache.set(state, (byName = new Map()));
  const cached = byName.get(provisioner);
  if (cached) return cached;
  const words = provisioner.split(/[./]/).filter((w) => w.length >= 3 && !GENERIC_WORDS.has(w));
  const result = words.length === 0 ? [] : state.pods.filter((p) => {
    const name = p.metadata.name;
    return /provisioner|controller|csi/.test(name) && words.some((w) => name.includes(w)) && isActivePod(p);
  });
  byName.set(provisioner, result);
  return result;
}

function podStateText(pod: Pod): string {
  const c = (pod.status?.containerStatuses ?? []).find((s) => !s.ready);
  const waiting = c?.state?.waiting;
  return c ? `container ${c.name}: ${waiting ? `${waiting.reason ?? ''} ${waiting.message ?? ''}`.trim() : 'not ready'}, restarts=${c.restartCount ?? 0}` : 'not ready';
}

const provisionerMissing = claimScenario({
  id: 'storage.provisioner-not-running',
  title: 'The StorageClass provisioner never creates the volume',
  description:
    'The claim\'s StorageClass names an external (CSI) provisioner, the PV controller hands the claim over ("waiting for a volume to ' +
    'be created, either by external provisioner \\"x\\" or manually created by system administrator"), and nothing ever answers: the ' +
    'provisioner is not installed, crashed, or the class names the wrong one. Fix: install/repair that CSI driver\'s controller, or ' +
    'use a StorageClass whose provisioner runs in the cluster.',
  severity: 'critical',
  hops: 2,
  match(state, claim, pods) {
    if (claim.spec?.volumeName) return undefined;
    const waiting = claimEvents(state, claim, ['ExternalProvisioning'], EXTERNAL_PROVISIONING);
    if (waiting.length === 0) return undefined;
    // Stuck, not just slow: waiting for minutes, or the scheduler gave up binding ("binding volumes: timed out").
    const bindTimeout = pods.flatMap((p) => eventsMatching(state, p, 'FailedScheduling', /binding volumes: timed out|VolumeBinding.*timed out/));
    const stuck = ageSeconds(state, claim.metadata.creationTimestamp) >= 300 || (waiting[0].count ?? 1) >= 10 || bindTimeout.length > 0;
    if (!stuck) return undefined;
    // Any answer from the provisioner (Provisioning/ProvisioningFailed) means it runs: other scenarios read its error.
    if (claimEvents(state, claim, ['Provisioning', 'ProvisioningFailed', 'ProvisioningSucceeded']).length > 0) return undefined;
    if (isWaitForFirstConsumer(state, claim) && pods.length === 0) return undefined;
    const provisioner = EXTERNAL_PROVISIONING.exec(waiting[0].message ?? '')?.[1] ?? classOf(state, claim)?.provisioner ?? '?';
    const className = state.storageClassNameOf(claim) ?? '';
    const driverKnown = state.hasKind('CSIDriver') ? !!state.get('CSIDriver', undefined, provisioner) : undefined;
    // When the provisioner's own pods are found failing, they are what to fix.
    const failing = provisionerPods(state, provisioner).find((p) => !isPodReady(p));
    if (failing) {
      const owner = state.workloadOf(failing);
      return {
        rootCause: owner,
        title: `Provisioner ${provisioner} is down: ${owner.kind} ${displayName(owner)} is not ready`,
        explanation: `Claim ${claimName(claim)} waits for provisioner ${provisioner} (StorageClass ${className}), whose pod ${failing.metadata.name} is not ready, so no volume is created.`,
        cause: `StorageClass ${className}: provisioner ${provisioner} ← ${label(failing)} not ready`,
        evidence: [eventLine(claim, waiting[0]), `${label(failing)}: phase=${failing.status?.phase}, ${podStateText(failing)}`],
        remediation: [kubectl(failing.metadata.namespace, `logs ${failing.metadata.name} --all-containers --previous`), `fix ${owner.kind} ${displayName(owner)} (see its pod's state above)`],
        confidence: 0.9,
      };
    }
    return {
      rootCause: { kind: 'StorageClass', name: className },
      title: `Provisioner ${provisioner} of StorageClass ${className} is not provisioning`,
      explanation:
        `Claim ${claimName(claim)} has waited ${Math.round(ageSeconds(state, claim.metadata.creationTimestamp) / 60)} min for provisioner ` +
        `${provisioner} (StorageClass ${className}), which never picked it up: it is not installed or not running.`,
      cause: `StorageClass ${className}: provisioner ${provisioner} not responding`,
      evidence: [eventLine(claim, waiting[0]), ...bindTimeout.slice(0, 1).map((e) => eventLine(pods[0], e)), ...(driverKnown === false ? [`CSIDriver ${provisioner}: not registered in the cluster`] : [])],
      remediation: [
        `check the provisioner: kubectl get pods -A | grep -i ${provisioner.split(/[./]/)[0]}`,
        `install the CSI driver for ${provisioner}, or switch the claim to a StorageClass whose provisioner runs`,
      ],
      confidence: driverKnown === false ? 0.92 : 0.85,
    };
  },
});

const ACCESS_MODE_FAILURE = /access ?mode|accessmode|MULTI_NODE|ReadWriteMany|ReadOnlyMany|not supported.*mode/i;
/** Provisioners of block devices that attach to one node: they cannot serve RWX/ROX claims. */
const SINGLE_NODE_PROVISIONERS = /^(ebs\.csi\.aws\.com|kubernetes\.io\/aws-ebs|pd\.csi\.storage\.gke\.io|kubernetes\.io\/gce-pd|disk\.csi\.azure\.com|kubernetes\.io\/azure-disk|cinder\.csi\.openstack\.org|kubernetes\.io\/cinder|rancher\.io\/local-path|driver\.longhorn\.io-never|linodebs\.csi\.linode\.com|dobs\.csi\.digitalocean\.com|csi\.vsphere\.vmware\.com-never)$/;

const provisioningFailed = claimScenario({
  id: 'storage.provisioning-failed',
  title: 'Volume provisioning fails',
  description:
    'The provisioner tried to create the volume and failed (ProvisioningFailed: cloud API errors, missing permissions, invalid ' +
    'StorageClass parameters, quota or capacity exhausted). Evidence: the ProvisioningFailed event message. Fix: correct the ' +
    'StorageClass parameters or the provisioner\'s credentials/permissions, per the quoted error.',
  severity: 'critical',
  hops: 2,
  match(state, claim) {
    if (claim.spec?.volumeName) return undefined;
    const failed = claimEvents(state, claim, ['ProvisioningFailed']).filter((e) => !/storageclass\.storage\.k8s\.io "?[^"\s]+"? not found/.test(e.message ?? '') && !ACCESS_MODE_FAILURE.test(e.message ?? ''));
    if (failed.length === 0) return undefined;
    const className = state.storageClassNameOf(claim) ?? '';
    return {
      rootCause: className ? { kind: 'StorageClass', name: className } : claimRef(claim),
      title: `Provisioning fails for StorageClass ${className || '(none)'}`,
      explanation: `The provisioner of StorageClass ${className} cannot create a volume for claim ${claimName(claim)}: ${(failed[0].message ?? '').slice(0, 300)}`,
      cause: `StorageClass ${className}: ProvisioningFailed`,
      evidence: failed.slice(0, 2).map((e) => eventLine(claim, e)),
      remediation: [`kubectl get storageclass ${className} -o yaml  # check parameters against the error`, 'check the provisioner\'s credentials/IAM permissions and logs'],
      confidence: 0.9,
    };
  },
});

const accessModeUnsupported = claimScenario({
  id: 'storage.access-mode-unsupported',
  title: 'Claims ask for an access mode their storage cannot provide',
  description:
    'The claim requests ReadWriteMany/ReadOnlyMany from a block-storage class that only attaches to one node (EBS, GCE PD, Azure ' +
    'Disk, Cinder, local-path), or the provisioner rejects the access mode in ProvisioningFailed. Fix: use ReadWriteOnce (and one ' +
    'writer), or a shared-filesystem class (EFS, Filestore, Azure Files, NFS, CephFS).',
  severity: 'critical',
  match(state, claim) {
    if (claim.spec?.volumeName) return undefined;
    const modes = claim.spec?.accessModes ?? [];
    const rejected = claimEvents(state, claim, ['ProvisioningFailed'], ACCESS_MODE_FAILURE);
    const provisioner = classOf(state, claim)?.provisioner ?? '';
    const multi = modes.some((m) => m === 'ReadWriteMany' || m === 'ReadOnlyMany');
    if (!rejected.length && !(multi && SINGLE_NODE_PROVISIONERS.test(provisioner))) return undefined;
    return {
      rootCause: claimRef(claim),
      title: `Claim ${claimName(claim)} requests ${modes.join(',')} from ${provisioner || 'a provisioner'} that cannot provide it`,
      explanation: `Claim ${claimName(claim)} asks for ${modes.join(', ')}, but ${provisioner || 'its provisioner'} provides volumes that attach to a single node.`,
      cause: `accessModes ${modes.join(',')} unsupported by ${provisioner || 'the provisioner'}`,
      evidence: [...rejected.slice(0, 1).map((e) => eventLine(claim, e)), `${label(claim)}: spec.accessModes=${JSON.stringify(modes)}, StorageClass provisioner=${provisioner}`],
      remediation: [`recreate claim ${claim.metadata.name} with accessModes: [ReadWriteOnce]`, 'or use a StorageClass backed by a shared filesystem (EFS, Filestore, Azure Files, NFS)'],
      confidence: rejected.length ? 0.93 : 0.85,
    };
  },
});

const waitForFirstConsumer = claimScenario({
  id: 'storage.wait-for-first-consumer',
  title: 'Claim is Pending by design until a pod uses it (WaitForFirstConsumer)',
  description:
    'With volumeBindingMode: WaitForFirstConsumer a claim stays Pending ("waiting for first consumer to be created before binding") ' +
    'until a pod that uses it is scheduled; that is normal, not a fault. Reported as info so the Pending claim is not misread. ' +
    'If a pod uses it and stays Pending, the scheduling finding for that pod names the real cause.',
  severity: 'info',
  match(state, claim, pods) {
    if (claim.spec?.volumeName || pods.length > 0) return undefined;
    if (!isWaitForFirstConsumer(state, claim)) return undefined;
    const events = claimEvents(state, claim, ['WaitForFirstConsumer']);
    return {
      rootCause: claimRef(claim),
      title: `Claim ${claimName(claim)} waits for its first consumer (normal)`,
      explanation: `Claim ${claimName(claim)} uses a WaitForFirstConsumer StorageClass and no pod uses it yet; it binds when one is scheduled.`,
      cause: 'WaitForFirstConsumer: no pod uses it yet',
      evidence: events.slice(0, 1).map((e) => eventLine(claim, e)),
      remediation: ['nothing to do; create the pod that uses it, or delete the claim if unused'],
      confidence: 0.9,
    };
  },
});

const claimLost = claimScenario({
  id: 'storage.claim-lost',
  title: 'Claim lost its PersistentVolume',
  description:
    'The claim is in phase Lost: its bound PersistentVolume was deleted ("Bound claim has lost its PersistentVolume. Data on the ' +
    'volume is lost!"), and pods using it cannot be scheduled ("bound to non-existent persistentvolume"). Fix: restore the PV from ' +
    'backup with the same name and claimRef, or delete and recreate the claim (data is gone).',
  severity: 'critical',
  phase: 'Lost',
  match(state, claim) {
    const events = claimEvents(state, claim, ['ClaimLost']);
    return {
      rootCause: claimRef(claim),
      title: `Claim ${claimName(claim)} lost its volume ${claim.spec?.volumeName ?? ''}`.trim(),
      explanation: `Claim ${claimName(claim)} is Lost: PersistentVolume ${claim.spec?.volumeName ?? '?'} no longer exists; data on it is lost.`,
      cause: `PersistentVolume ${claim.spec?.volumeName ?? '?'} no longer exists`,
      evidence: [`${label(claim)}: status.phase=Lost, spec.volumeName=${claim.spec?.volumeName ?? ''}`, ...events.slice(0, 1).map((e) => eventLine(claim, e))],
      remediation: [`restore PersistentVolume ${claim.spec?.volumeName} from backup, or: ${kubectl(claim.metadata.namespace, `delete pvc ${claim.metadata.name}`)} and recreate it`],
      confidence: 0.95,
    };
  },
});

const REQUESTED_VOLUME = /Cannot bind to requested volume "?([^":]+)"?: (.*)/;

const requestedVolumeMismatch = claimScenario({
  id: 'storage.requested-volume-mismatch',
  title: 'Claim names a volume it cannot bind to',
  description:
    'The claim pins spec.volumeName to a PersistentVolume that does not satisfy it: too small, different storageClassName, ' +
    'incompatible access mode or volumeMode, or already bound to another claim (FailedBinding "Cannot bind to requested volume ' +
    '\\"x\\": requested PV is too small"). Fix: make the claim match the volume (size, class, modes) or point it at another volume.',
  severity: 'critical',
  hops: 2,
  match(state, claim) {
    const events = claimEvents(state, claim, ['FailedBinding'], REQUESTED_VOLUME);
    const pvName = claim.spec?.volumeName;
    if (!pvName) return undefined;
    const pv = state.get<PersistentVolume>('PersistentVolume', undefined, pvName);
    const boundElsewhere = pv?.spec?.claimRef && (pv.spec.claimRef.name !== claim.metadata.name || pv.spec.claimRef.namespace !== claim.metadata.namespace);
    if (events.length === 0 && !boundElsewhere) return undefined;
    const why = events.length ? REQUESTED_VOLUME.exec(events[0].message ?? '')?.[2] ?? '' : `volume is bound to ${pv?.spec?.claimRef?.namespace}/${pv?.spec?.claimRef?.name}`;
    return {
      rootCause: claimRef(claim),
      title: `Claim ${claimName(claim)} cannot bind to requested volume ${pvName}: ${why}`,
      explanation: `Claim ${claimName(claim)} sets volumeName ${pvName}, but that volume does not satisfy it (${why}).`,
      cause: `PersistentVolume ${pvName}: ${why}`,
      evidence: [...events.slice(0, 1).map((e) => eventLine(claim, e)), ...(pv ? [`PersistentVolume ${pvName}: capacity=${pv.spec?.capacity?.storage}, storageClassName=${pv.spec?.storageClassName ?? ''}, accessModes=${(pv.spec?.accessModes ?? []).join(',')}, phase=${pv.status?.phase}`] : [])],
      remediation: [`recreate claim ${claim.metadata.name} with a request, class and access modes that ${pvName} satisfies, or another volumeName`],
      confidence: 0.9,
      affected: pv ? [refOf(pv)] : [],
    };
  },
});

const releasedVolume = claimScenario({
  id: 'storage.released-volume-not-reusable',
  title: 'Claim waits for a Released volume that will not rebind',
  description:
    'A PersistentVolume with reclaimPolicy Retain becomes Released when its claim is deleted and keeps the old claimRef (with the ' +
    'old uid): a recreated claim of the same name, or one naming it in volumeName, stays Pending forever. Fix: after checking the ' +
    'data, clear the volume\'s claimRef (kubectl patch pv X --type json -p \'[{"op":"remove","path":"/spec/claimRef"}]\').',
  severity: 'critical',
  hops: 2,
  minAgeSeconds: 60,
  match(state, claim) {
    const ns = claim.metadata.namespace;
    const released = releasedIndex(state);
    const pv = (claim.spec?.volumeName ? released.get(claim.spec.volumeName) : undefined) ?? released.get(`claim:${ns}/${claim.metadata.name}`);
    if (!pv) return undefined;
    return {
      rootCause: refOf(pv),
      title: `PersistentVolume ${pv.metadata.name} is Released and still reserved for a deleted claim`,
      explanation: `Claim ${claimName(claim)} wants PersistentVolume ${pv.metadata.name}, which is Released (reclaimPolicy ${pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}) and keeps the claimRef of the deleted claim (uid ${pv.spec?.claimRef?.uid ?? '?'}), so it never binds again.`,
      cause: `PersistentVolume ${pv.metadata.name}: Released, claimRef uid ${pv.spec?.claimRef?.uid ?? '?'}`,
      evidence: [`PersistentVolume ${pv.metadata.name}: status.phase=Released, persistentVolumeReclaimPolicy=${pv.spec?.persistentVolumeReclaimPolicy ?? ''}`],
      remediation: [`kubectl patch pv ${pv.metadata.name} --type json -p '[{"op":"remove","path":"/spec/claimRef"}]'`],
      confidence: 0.9,
    };
  },
});

const claimTerminating = claimScenario({
  id: 'storage.claim-terminating-in-use',
  title: 'Claim is being deleted while pods still need it',
  description:
    'The claim has a deletionTimestamp but the kubernetes.io/pvc-protection finalizer keeps it while a pod uses it; new pods that ' +
    'reference it cannot be scheduled ("persistentvolumeclaim \\"x\\" is being deleted"). Fix: recreate the claim after its last ' +
    'user stops, or cancel the deletion by restoring from backup; make sure nothing deletes claims that workloads still use.',
  severity: 'warning',
  phase: 'any',
  match(state, claim, pods) {
    if (!claim.metadata.deletionTimestamp || pods.length === 0) return undefined;
    const since = Math.round(ageSeconds(state, claim.metadata.deletionTimestamp) / 60);
    if (since < 2) return undefined;
    return {
      rootCause: claimRef(claim),
      title: `Claim ${claimName(claim)} is terminating but still in use`,
      explanation: `Claim ${claimName(claim)} was deleted ${since} min ago; pvc-protection keeps it until its ${pods.length} pod(s) stop, and new pods using it cannot start.`,
      cause: `deletionTimestamp=${claim.metadata.deletionTimestamp}, finalizers=${(claim.metadata.finalizers ?? []).join(',')}`,
      evidence: [],
      remediation: ['stop the pods that use it and recreate the claim, or restore it from backup; find who deleted it in the audit log'],
      confidence: 0.85,
    };
  },
});

const resizeFailed = claimScenario({
  id: 'storage.volume-resize-failed',
  title: 'Volume expansion fails',
  description:
    'The claim\'s requested size was raised but expansion failed (VolumeResizeFailed from the resizer/controller, or ' +
    'FileSystemResizeFailed from the kubelet), so the volume keeps its old size. Fix: check that the StorageClass has ' +
    'allowVolumeExpansion: true and the CSI driver supports online expansion; restart the pod for offline expansion.',
  severity: 'warning',
  phase: 'any',
  match(state, claim, pods) {
    const failed = [...claimEvents(state, claim, ['VolumeResizeFailed', 'FileSystemResizeFailed']), ...pods.flatMap((p) => eventsMatching(state, p, ['FileSystemResizeFailed', 'VolumeResizeFailed']))];
    if (failed.length === 0) return undefined;
    const requested = claim.spec?.resources?.requests?.storage;
    const actual = claim.status?.capacity?.storage;
    if (requested && actual && requested === actual) return undefined;
    const sc = classOf(state, claim);
    return {
      rootCause: claimRef(claim),
      title: `Expansion of claim ${claimName(claim)} to ${requested ?? '?'} failed`,
      explanation: `Claim ${claimName(claim)} requests ${requested ?? '?'} but has ${actual ?? '?'}; the resize failed: ${(failed[0].message ?? '').slice(0, 200)}`,
      cause: `resize ${actual ?? '?'} → ${requested ?? '?'} failed`,
      evidence: [eventLine(claim, failed[0]), ...(sc ? [`StorageClass ${sc.metadata.name}: allowVolumeExpansion=${sc.allowVolumeExpansion ?? false}`] : [])],
      remediation: [sc && !sc.allowVolumeExpansion ? `kubectl patch storageclass ${sc.metadata.name} -p '{"allowVolumeExpansion": true}'` : 'check the CSI resizer logs', 'restart the pod if the driver only supports offline expansion'],
      confidence: 0.85,
    };
  },
});

const pvcMissing: Scenario = {
  id: 'storage.claim-missing',
  category: 'storage',
  severity: 'critical',
  title: 'Pods use a PersistentVolumeClaim that does not exist',
  description:
    'A pod mounts a claim by name and no claim of that name exists in its namespace; the scheduler refuses it ' +
    '("persistentvolumeclaim \\"x\\" not found"). Fix: create the claim, or correct claimName in the workload.',
  needs: ['PersistentVolumeClaim'],
  detect(state) {
    const detections: Detection[] = [];
    const stuck = new Map(unschedulablePods(state).filter((u) => u.primary.kind === 'pvc-missing').map((u) => [u.pod, u.evidence]));
    for (const pod of state.pods) {
      if (!isActivePod(pod) || pod.status?.phase !== 'Pending') continue;
      const ns = pod.metadata.namespace;
      for (const v of pod.spec?.volumes ?? []) {
        const name = v.persistentVolumeClaim?.claimName;
        if (!name || state.get('PersistentVolumeClaim', ns, name)) continue;
        const evidence = stuck.get(pod);
        // StatefulSet controllers create template claims themselves; only a scheduler complaint proves it is stuck.
        if (!evidence && ageSeconds(state, pod.metadata.creationTimestamp) < 300) continue;
        const w = state.workloadOf(pod);
        detections.push({
          resource: refOf(pod),
          rootCause: { kind: 'PersistentVolumeClaim', namespace: ns, name },
          affected: [w],
          title: `PersistentVolumeClaim ${displayName({ kind: 'PersistentVolumeClaim', namespace: ns, name })} does not exist`,
          explanation: `${label(pod)} (${w.kind} ${displayName(w)}) mounts claim "${name}" through volume "${v.name}", but no such claim exists in namespace ${ns}.`,
          evidence: [`${label(pod)}: Pending ← PersistentVolumeClaim ${ns}/${name} does not exist`, ...(evidence ? [evidence] : [])],
          remediation: [kubectl(ns, `apply -f <claim ${name}.yaml>`), `or fix claimName in ${w.kind} ${displayName(w)}: ${kubectl(ns, `edit ${kubectlRef(w)}`)}`],
          confidence: evidence ? 0.95 : 0.8,
        });
      }
    }
    return detections;
  },
};

/** Pods (not ready) with a given kind of volume event, newest first, read in one pass over the events. */
function podsWithEvents(state: ClusterState, reasons: string[]): Array<{ pod: Pod; events: Event[] }> {
  const seen = new Set<string>();
  const result: Array<{ pod: Pod; events: Event[] }> = [];
  for (const e of state.events) {
    const inv = e.involvedObject;
    if (inv?.kind !== 'Pod' || !reasons.includes(e.reason ?? '')) continue;
    const key = `${inv.namespace}/${inv.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pod = state.get<Pod>('Pod', inv.namespace, inv.name ?? '');
    if (!pod || !isActivePod(pod) || isPodReady(pod) || !pod.spec?.nodeName) continue;
    result.push({ pod, events: eventsMatching(state, pod, reasons) });
  }
  return result;
}

const MULTI_ATTACH = /Multi-Attach error for volume "?([^"\s]+)"?\s*(?:Volume is already used by (?:pod\(s\) )?(.+)|Volume is already exclusively attached to one node.*)/;

/** The blocked pod's PVC for the attach error's volume (by PV name or claim name). */
function claimForVolume(state: ClusterState, pod: Pod, volume: string): PersistentVolumeClaim | undefined {
  const ns = pod.metadata.namespace;
  for (const v of pod.spec?.volumes ?? []) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const claim = state.get<PersistentVolumeClaim>('PersistentVolumeClaim', ns, name);
    if (claim && (claim.spec?.volumeName === volume || name === volume || v.name === volume)) return claim;
  }
  const only = (pod.spec?.volumes ?? []).filter((v) => v.persistentVolumeClaim);
  return only.length === 1 ? state.get<PersistentVolumeClaim>('PersistentVolumeClaim', ns, only[0].persistentVolumeClaim!.claimName) : undefined;
}

const multiAttach: Scenario = {
  id: 'storage.multi-attach-rwo',
  category: 'storage',
  severity: 'critical',
  title: 'ReadWriteOnce volume is attached elsewhere (Multi-Attach)',
  description:
    'The attach/detach controller cannot attach the pod\'s volume because it is still attached to another node ("Multi-Attach error ' +
    'for volume \\"pv\\" Volume is already used by pod(s) x" / "already exclusively attached to one node"). The classic cause is a ' +
    'Deployment with a ReadWriteOnce volume and the RollingUpdate strategy: the new pod starts on another node while the old one ' +
    'still holds the disk, and the rollout hangs. Fix: strategy type Recreate (or a StatefulSet), or ReadWriteMany storage.',
  hops: 2,
  detect(state) {
    const detections: Detection[] = [];
    for (const { pod, events } of podsWithEvents(state, ['FailedAttachVolume'])) {
      const event = events.find((e) => MULTI_ATTACH.test(e.message ?? ''));
      if (!event) continue;
      const m = MULTI_ATTACH.exec(event.message ?? '')!;
      const volume = m[1];
      const holders = (m[2] ?? '').split(/,\s*| and /).map((s) => s.trim()).filter((s) => s && !/pod\(s\) in different namespaces/.test(s));
      const ns = pod.metadata.namespace;
      const holderPods = holders.map((n) => state.get<Pod>('Pod', ns, n)).filter((p): p is Pod => !!p);
      const w = state.workloadOf(pod);
      const claim = claimForVolume(state, pod, volume);
      const sameWorkload = holderPods.some((h) => {
        const hw = state.workloadOf(h);
        return hw.kind === w.kind && hw.name === w.name;
      });
      const workloadObj = state.find<{ kind: string; metadata: { name: string }; spec?: { strategy?: { type?: string }; replicas?: number } }>(w);
      const strategy = workloadObj?.spec?.strategy?.type ?? (w.kind === 'Deployment' ? 'RollingUpdate' : undefined);
      const rolling = w.kind === 'Deployment' && strategy !== 'Recreate';
      const mountLines = eventsMatching(state, pod, 'FailedMount').slice(0, 1).map((e) => eventLine(pod, e));
      const chain = `${label(pod)}: ContainerCreating ← ${claim ? `PersistentVolumeClaim ${displayName(refOf(claim))} (${(claim.spec?.accessModes ?? []).join(',')}) ← ` : ''}PersistentVolume ${volume} attached to the node of ${holders.join(', ') || 'another pod'}`;
      // The old attachment belongs to a pod (or, for "exclusively attached", a VolumeAttachment) on a node that
      // is down: the volume stays attached until that node is dealt with.
      const pvName = claim?.spec?.volumeName ?? volume;
      const attachedTo = state.list<KubeObject & { spec?: { nodeName?: string; source?: { persistentVolumeName?: string } }; status?: { attached?: boolean } }>('VolumeAttachment')
        .filter((va) => va.spec?.source?.persistentVolumeName === pvName && va.spec?.nodeName !== pod.spec?.nodeName).map((va) => va.spec?.nodeName);
      const deadNode = [...holderPods.map((h) => h.spec?.nodeName), ...attachedTo].map((n) => state.node(n)).find((n) => n && n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True');
      const root: ObjectRef = deadNode ? refOf(deadNode) : w.kind === 'Pod' && claim ? refOf(claim) : w;
      detections.push({
        resource: refOf(pod),
        rootCause: root,
        affected: uniqueRefs([...(claim ? [refOf(claim)] : []), ...holderPods.map(refOf)]),
        title: deadNode
          ? `Volume ${volume} is still attached to NotReady node ${deadNode.metadata.name}`
          : rolling && (sameWorkload || holderPods.length === 0)
          ? `${w.kind} ${displayName(w)} rolls out with RollingUpdate on a ReadWriteOnce volume`
          : `${w.kind} ${displayName(w)} shares a ReadWriteOnce volume held on another node`,
        explanation: deadNode
          ? `Volume ${volume} is attached to node ${deadNode.metadata.name}, which is not Ready; the pod there (${holders.join(', ')}) cannot release it, so ${label(pod)} on ${pod.spec?.nodeName} cannot attach it. Kubernetes force-detaches only after 6 minutes, or when the node is removed or marked out-of-service.`
          : rolling && (sameWorkload || holderPods.length === 0)
          ? `The new pod ${pod.metadata.name} was scheduled on ${pod.spec?.nodeName} while the old pod ${holders.join(', ') || '(on another node)'} still has volume ${volume} attached; a ReadWriteOnce disk attaches to one node at a time, so the RollingUpdate cannot proceed until the old pod is gone.`
          : `Volume ${volume} is attached to the node of ${holders.join(', ') || 'another pod'}; ${label(pod)} on ${pod.spec?.nodeName} cannot attach it (ReadWriteOnce).`,
        evidence: [chain, eventLine(pod, event), ...mountLines, ...(strategy ? [`${w.kind} ${displayName(w)}: spec.strategy.type=${strategy}, replicas=${workloadObj?.spec?.replicas ?? '?'}`] : [])],
        remediation: deadNode
          ? [`kubectl taint nodes ${deadNode.metadata.name} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute  # if the node is really down`, `or recover node ${deadNode.metadata.name}; as a last resort: kubectl delete pod ${holders[0] ?? '<old pod>'} -n ${ns} --grace-period=0 --force`]
          : rolling
          ? [`${kubectl(w.namespace, `patch ${kubectlRef(w)} -p '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'`)}`, `unblock now: ${kubectl(ns, `delete pod ${holders[0] ?? '<old pod>'}`)}`, 'or use a StatefulSet / ReadWriteMany storage for shared data']
          : ['run the pods sharing the volume on one node (pod affinity) or use ReadWriteMany storage', `${kubectl(ns, `delete pod ${holders[0] ?? '<pod holding the volume>'}`)} if it is stale`],
        confidence: 0.95,
      });
    }
    return detections;
  },
};

const CSI_NOT_REGISTERED = /driver name (\S+) not found in the list of registered CSI drivers/;

const csiDriverNotRegistered: Scenario = {
  id: 'storage.csi-driver-not-registered',
  category: 'storage',
  severity: 'critical',
  title: 'CSI driver is not registered on the node',
  description:
    'The kubelet on the pod\'s node has no registration for the volume\'s CSI driver ("driver name X not found in the list of ' +
    'registered CSI drivers"): the driver\'s node plugin (DaemonSet) is not running there. Fix: make the CSI node DaemonSet run on ' +
    'that node (tolerations, nodeSelector, crash) and check its registrar container.',
  hops: 2,
  detect(state) {
    const detections: Detection[] = [];
    for (const { pod, events } of podsWithEvents(state, ['FailedMount', 'FailedAttachVolume'])) {
      const event = events.find((e) => CSI_NOT_REGISTERED.test(e.message ?? ''));
      if (!event) continue;
      const driver = CSI_NOT_REGISTERED.exec(event.message ?? '')![1].replace(/[.,]$/, '');
      const nodeName = pod.spec!.nodeName!;
      detections.push({
        resource: refOf(pod),
        rootCause: { kind: 'Node', name: nodeName },
        affected: [state.workloadOf(pod)],
        title: `CSI driver ${driver} is not registered on node ${nodeName}`,
        explanation: `${label(pod)} needs a ${driver} volume, but the kubelet on ${nodeName} has no ${driver} node plugin registered, so it cannot mount it.`,
        evidence: [`${label(pod)}: ContainerCreating ← volume of driver ${driver} ← Node ${nodeName}: driver not registered`, eventLine(pod, event)],
        remediation: [`kubectl get pods -A -o wide | grep ${nodeName} | grep -i csi  # the ${driver} node plugin must run there`, `kubectl get csinode ${nodeName} -o yaml`],
        confidence: 0.93,
      });
    }
    return detections;
  },
};

const ATTACH_FAILED = /AttachVolume\.Attach failed for volume "?([^"\s]+)"?/;

const attachFailed: Scenario = {
  id: 'storage.attach-failed',
  category: 'storage',
  severity: 'critical',
  title: 'Volume cannot be attached to the node',
  description:
    'The attach/detach controller (or CSI external-attacher) fails to attach the volume ("AttachVolume.Attach failed for volume ' +
    '\\"pv\\" : ..."): cloud API errors, disk in another zone, attachment limits, or a stale attachment. Fix: act on the quoted cloud ' +
    'error; delete stale VolumeAttachments of dead nodes.',
  hops: 2,
  detect(state) {
    const detections: Detection[] = [];
    for (const { pod, events } of podsWithEvents(state, ['FailedAttachVolume'])) {
      const event = events.find((e) => ATTACH_FAILED.test(e.message ?? '') && !MULTI_ATTACH.test(e.message ?? '') && !CSI_NOT_REGISTERED.test(e.message ?? ''));
      if (!event) continue;
      const volume = ATTACH_FAILED.exec(event.message ?? '')![1];
      const claim = claimForVolume(state, pod, volume);
      const pv = state.get<PersistentVolume>('PersistentVolume', undefined, claim?.spec?.volumeName ?? volume);
      const root = pv ? refOf(pv) : claim ? refOf(claim) : state.workloadOf(pod);
      detections.push({
        resource: refOf(pod),
        rootCause: root,
        affected: uniqueRefs([state.workloadOf(pod), ...(claim ? [refOf(claim)] : [])]),
        title: `Volume ${volume} cannot be attached to node ${pod.spec?.nodeName}`,
        explanation: `${label(pod)} waits for volume ${volume}, which fails to attach to ${pod.spec?.nodeName}: ${(event.message ?? '').slice(0, 300)}`,
        evidence: [`${label(pod)}: ContainerCreating ← ${claim ? `PersistentVolumeClaim ${displayName(refOf(claim))} ← ` : ''}PersistentVolume ${volume}: attach failed`, eventLine(pod, event)],
        remediation: [`kubectl get volumeattachment | grep ${volume}`, 'fix the error quoted above (cloud permissions, zone, attachment limit), then delete the pod to retry'],
        confidence: 0.88,
      });
    }
    return detections;
  },
};

const MOUNT_FAILED = /MountVolume\.(?:SetUp|MountDevice|WaitForAttach|NewMounter initialization) failed for volume "?([^"\s]+)"?/;
/** Missing ConfigMaps/Secrets are config findings, not storage ones. */
const CONFIG_SOURCE_MISSING = /(configmap|secret)s? "?[^"\s]+"? not found|couldn't get (configmap|secret)/i;

const mountFailed: Scenario = {
  id: 'storage.mount-failed',
  category: 'storage',
  severity: 'critical',
  title: 'Volume cannot be mounted',
  description:
    'The kubelet fails to mount a volume ("MountVolume.SetUp failed for volume \\"x\\" : mount failed: exit status 32 ..."): NFS ' +
    'server/path wrong or unreachable, missing mount helpers on the node, filesystem errors, permission denied. Evidence: the ' +
    'FailedMount message. Fix: correct the volume source (server, path, options) in the PersistentVolume or the workload.',
  hops: 2,
  detect(state) {
    const detections: Detection[] = [];
    for (const { pod, events } of podsWithEvents(state, ['FailedMount'])) {
      const event = events.find((e) => MOUNT_FAILED.test(e.message ?? '') && !CONFIG_SOURCE_MISSING.test(e.message ?? '') && !CSI_NOT_REGISTERED.test(e.message ?? ''));
      if (!event) continue;
      if (eventsMatching(state, pod, 'FailedAttachVolume', MULTI_ATTACH).length) continue;
      const volume = MOUNT_FAILED.exec(event.message ?? '')![1];
      const inline = (pod.spec?.volumes ?? []).find((v) => v.name === volume && !v.persistentVolumeClaim);
      const claim = inline ? undefined : claimForVolume(state, pod, volume);
      const pv = claim ? state.volumeOf(claim) : state.get<PersistentVolume>('PersistentVolume', undefined, volume);
      const w = state.workloadOf(pod);
      const root = pv ? refOf(pv) : w;
      detections.push({
        resource: refOf(pod),
        rootCause: root,
        affected: uniqueRefs([w, ...(claim ? [refOf(claim)] : [])]),
        title: `Volume ${volume} fails to mount on ${pod.spec?.nodeName}`,
        explanation: `${label(pod)} is stuck in ContainerCreating: the kubelet cannot mount ${pv ? `PersistentVolume ${pv.metadata.name}` : `volume "${volume}" of ${w.kind} ${displayName(w)}`}: ${(event.message ?? '').slice(0, 300)}`,
        evidence: [`${label(pod)}: ContainerCreating ← ${claim ? `PersistentVolumeClaim ${displayName(refOf(claim))} ← ` : ''}${pv ? `PersistentVolume ${pv.metadata.name}` : `volume ${volume}`}: mount failed`, eventLine(pod, event)],
        remediation: [pv ? `kubectl get pv ${pv.metadata.name} -o yaml  # check server/path/options` : `${kubectl(w.namespace, `edit ${kubectlRef(w)}`)}  # fix the volume source`, 'check the mount helpers (nfs-common, cifs-utils) and network access from the node'],
        confidence: 0.88,
      });
    }
    return detections;
  },
};

const MOUNT_TIMEOUT = /Unable to attach or mount volumes: unmounted volumes=\[([^\]]*)\]|timeout expired waiting for volumes to attach or mount|list of unmounted volumes=\[([^\]]*)\]/;

const mountTimeout: Scenario = {
  id: 'storage.volume-mount-timeout',
  category: 'storage',
  severity: 'critical',
  title: 'Pod waits for volumes that never attach or mount',
  description:
    'The kubelet gives up waiting for a volume ("Unable to attach or mount volumes: unmounted volumes=[data], unattached ' +
    'volumes=[...]: timed out waiting for the condition") and no more specific attach/mount error is recorded. Evidence: the ' +
    'timeout event, the volume\'s claim and PersistentVolume, and its VolumeAttachment status when present. Fix: check the CSI ' +
    'driver\'s controller and node pods and the VolumeAttachment for the volume.',
  hops: 2,
  detect(state) {
    const detections: Detection[] = [];
    for (const { pod, events } of podsWithEvents(state, ['FailedMount'])) {
      const event = events.find((e) => MOUNT_TIMEOUT.test(e.message ?? ''));
      if (!event) continue;
      // A more specific error explains it (and has its own scenario).
      const specific = state.eventsFor(refOf(pod)).some((e) => MULTI_ATTACH.test(e.message ?? '') || ATTACH_FAILED.test(e.message ?? '') || CSI_NOT_REGISTERED.test(e.message ?? '') || (MOUNT_FAILED.test(e.message ?? '') && !MOUNT_TIMEOUT.test(e.message ?? '')) || CONFIG_SOURCE_MISSING.test(e.message ?? ''));
      if (specific) continue;
      const m = MOUNT_TIMEOUT.exec(event.message ?? '')!;
      const names = (m[1] ?? m[2] ?? '').split(/\s+/).filter(Boolean);
      const volumeName = names.find((n) => (pod.spec?.volumes ?? []).some((v) => v.name === n && v.persistentVolumeClaim)) ?? names[0];
      const podVolume = (pod.spec?.volumes ?? []).find((v) => v.name === volumeName);
      const claimName = podVolume?.persistentVolumeClaim?.claimName;
      if (!claimName) continue;
      const claim = state.get<PersistentVolumeClaim>('PersistentVolumeClaim', pod.metadata.namespace, claimName);
      const pv = claim ? state.volumeOf(claim) : undefined;
      const attachment = pv ? state.list<KubeObject & { spec?: { source?: { persistentVolumeName?: string }; nodeName?: string }; status?: { attached?: boolean; attachError?: { message?: string } } }>('VolumeAttachment').find((va) => va.spec?.source?.persistentVolumeName === pv.metadata.name) : undefined;
      const w = state.workloadOf(pod);
      detections.push({
        resource: refOf(pod),
        rootCause: pv ? refOf(pv) : claim ? refOf(claim) : w,
        affected: uniqueRefs([w, ...(claim ? [refOf(claim)] : [])]),
        title: `Volume ${pv?.metadata.name ?? claimName} never attaches/mounts for ${label(pod)}`,
        explanation: `${label(pod)} on ${pod.spec?.nodeName} timed out waiting for volume "${volumeName}" (claim ${claimName}${pv ? `, PersistentVolume ${pv.metadata.name}` : ''}).`,
        evidence: [
          `${label(pod)}: ContainerCreating ← PersistentVolumeClaim ${pod.metadata.namespace}/${claimName} ← ${pv ? `PersistentVolume ${pv.metadata.name}` : 'volume'}: not attached/mounted`,
          eventLine(pod, event),
          ...(attachment ? [`VolumeAttachment ${attachment.metadata.name}: node=${attachment.spec?.nodeName ?? ''}, attached=${attachment.status?.attached ?? false}${attachment.status?.attachError?.message ? `, attachError=${attachment.status.attachError.message}` : ''}`] : []),
        ],
        remediation: [pv ? `kubectl get volumeattachment | grep ${pv.metadata.name}` : kubectl(pod.metadata.namespace, `describe pvc ${claimName}`), 'check the CSI driver\'s controller (attacher) and node pods: kubectl get pods -A | grep -i csi'],
        confidence: attachment?.status?.attachError ? 0.85 : 0.6,
      });
    }
    return detections;
  },
};

const pvFailed: Scenario = {
  id: 'storage.volume-reclaim-failed',
  category: 'storage',
  severity: 'warning',
  title: 'PersistentVolume reclaim failed',
  description:
    'A PersistentVolume is in phase Failed: the controller could not delete or recycle it after its claim was released ' +
    '(VolumeFailedDelete / VolumeFailedRecycle). The backing disk may still exist and cost money. Fix: resolve the quoted error, ' +
    'delete the disk manually if needed, then delete the PV.',
  needs: ['PersistentVolume'],
  detect(state) {
    return state.pvs.filter((pv) => pv.status?.phase === 'Failed').map((pv) => {
      const events = eventsMatching(state, pv, ['VolumeFailedDelete', 'VolumeFailedRecycle']);
      return {
        resource: refOf(pv),
        rootCause: refOf(pv),
        title: `PersistentVolume ${pv.metadata.name} failed to be reclaimed`,
        explanation: `PersistentVolume ${pv.metadata.name} is Failed (reclaimPolicy ${pv.spec?.persistentVolumeReclaimPolicy ?? '?'}): ${pv.status?.message ?? events[0]?.message ?? 'reclaim failed'}`,
        evidence: [`PersistentVolume ${pv.metadata.name}: status.phase=Failed${pv.status?.message ? `, message=${pv.status.message}` : ''}`, ...events.slice(0, 1).map((e) => eventLine(pv, e))],
        remediation: ['fix the error, remove the backing disk if it still exists', `kubectl delete pv ${pv.metadata.name}`],
        confidence: 0.85,
        severity: 'warning' as Severity,
      };
    });
  },
};

export const storageScenarios: Scenario[] = [
  storageClassMissing,
  noStorageClass,
  noMatchingVolume,
  provisionerMissing,
  provisioningFailed,
  accessModeUnsupported,
  waitForFirstConsumer,
  claimLost,
  requestedVolumeMismatch,
  releasedVolume,
  claimTerminating,
  resizeFailed,
  pvcMissing,
  multiAttach,
  csiDriverNotRegistered,
  attachFailed,
  mountFailed,
  mountTimeout,
  pvFailed,
];


