import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/state.js';
import type { KubeObject } from '../../src/cluster/types.js';
import { diagnose } from '../../src/doer/engine.js';
import { SCENARIOS } from '../../src/doer/scenarios/index.js';
import { ago, deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, node, obj } from './fixtures.js';
import { claim, containerCreatingStatus, crashLoopStatus, pendingDeployment, podWithClaim, storageClass, volume, describeScenarioCases, type ScenarioCase } from './placement-fixtures.js';

// Messages as the PV controller (pkg/controller/volume/persistentvolume), attach/detach controller,
// kubelet volume manager and kube-scheduler's VolumeBinding plugin emit them.
const UNBOUND = '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
const pvcEvent = (pvc: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, count = 8) => event(pvc, type, reason, message, { component: 'persistentvolume-controller', count });

/** A Deployment whose pod waits on claim `data` in namespace `db`, plus the claim. */
function podOnClaim(claimSpec: Record<string, unknown>, claimStatus: Record<string, unknown> = { phase: 'Pending' }) {
  const pvc = claim('data', 'db', claimSpec, claimStatus);
  const app = pendingDeployment('postgres', UNBOUND, { namespace: 'db', podSpec: podWithClaim('data') });
  return { pvc, app, objects: [...healthyNodes(), pvc, ...app.objects] };
}

/** A pod scheduled on node-2 and stuck in ContainerCreating with these kubelet/attach events. */
function creatingPod(name: string, spec: Record<string, unknown>, events: Array<[string, string, string]>) {
  const app = deployment(name, { namespace: 'db', replicas: 1, podSpec: spec, podStatus: containerCreatingStatus(spec), nodeName: 'node-2' });
  const evs = events.map(([reason, component, message]) => event(app.pods[0], 'Warning', reason, message, { component, count: 6, host: component === 'kubelet' ? 'node-2' : undefined }));
  return { app, objects: [...app.all, ...evs] };
}

const boundClaim = () => {
  const pv = volume('pvc-0b1e', { storageClassName: 'standard', claimRef: { namespace: 'db', name: 'data' } });
  const pvc = claim('data', 'db', { storageClassName: 'standard', volumeName: 'pvc-0b1e' }, { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] });
  const app = deployment('postgres', { namespace: 'db', replicas: 1, podSpec: podWithClaim('data') });
  return [...healthyNodes(), storageClass('standard', 'pd.csi.storage.gke.io', {}, true), pv, pvc, ...app.all];
};

const cases: ScenarioCase[] = [
  {
    id: 'storage.storageclass-missing',
    objects: () => {
      const { pvc, objects } = podOnClaim({ storageClassName: 'fast-ssd' });
      return [...objects, storageClass('standard', 'pd.csi.storage.gke.io', {}, true), pvcEvent(pvc, 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd" not found')];
    },
    rootCause: { kind: 'StorageClass', name: 'fast-ssd' },
    evidence: '← PersistentVolumeClaim db/data: Pending ← StorageClass "fast-ssd" does not exist',
    negative: boundClaim,
  },
  {
    id: 'storage.no-storageclass-no-volume',
    objects: () => {
      const { pvc, objects } = podOnClaim({});
      return [...objects, volume('pv-nfs-1', { capacity: { storage: '5Gi' } }, { phase: 'Bound' }), pvcEvent(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set')];
    },
    rootCause: { kind: 'PersistentVolumeClaim', name: 'data' },
    evidence: 'no persistent volumes available for this claim and no storage class is set',
    negative: boundClaim,
  },
  {
    id: 'storage.no-matching-volume',
    objects: () => {
      const { pvc, objects } = podOnClaim({ storageClassName: 'local-storage', resources: { requests: { storage: '500Gi' } } });
      return [...objects, storageClass('local-storage', 'kubernetes.io/no-provisioner', { volumeBindingMode: 'WaitForFirstConsumer' }),
        volume('local-pv-1', { storageClassName: 'local-storage', capacity: { storage: '100Gi' }, local: { path: '/mnt/disks/ssd1' } }, { phase: 'Available' }),
        pvcEvent(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding')].map((o) =>
        // With WaitForFirstConsumer the scheduler reports the missing volume on the pod.
        o.kind === 'Event' && (o as { reason?: string }).reason === 'FailedScheduling' ? { ...o, message: "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling." } as KubeObject : o);
    },
    rootCause: { kind: 'PersistentVolumeClaim', name: 'data' },
    evidence: "didn't find available persistent volumes to bind",
    negative: () => {
      const { objects } = podOnClaim({ storageClassName: 'local-nvme' });
      return [...objects, storageClass('standard', 'pd.csi.storage.gke.io', {}, true)];
    },
  },
  {
    id: 'storage.provisioner-not-running',
    objects: () => {
      const { pvc, objects } = podOnClaim({ storageClassName: 'ebs-gp3' });
      pvc.metadata.creationTimestamp = ago(1800);
      return [...objects, storageClass('ebs-gp3', 'ebs.csi.aws.com'), pvcEvent(pvc, 'Normal', 'ExternalProvisioning', 'waiting for a volume to be created, either by external provisioner "ebs.csi.aws.com" or manually created by system administrator', 122)];
    },
    rootCause: { kind: 'StorageClass', name: 'ebs-gp3' },
    evidence: 'either by external provisioner "ebs.csi.aws.com"',
    // The provisioner answered (Provisioning started): it runs, it is just slow.
    negative: () => {
      const { pvc, objects } = podOnClaim({ storageClassName: 'ebs-gp3' });
      pvc.metadata.creationTimestamp = ago(1800);
      return [...objects, storageClass('ebs-gp3', 'ebs.csi.aws.com'),
        pvcEvent(pvc, 'Normal', 'ExternalProvisioning', 'waiting for a volume to be created, either by external provisioner "ebs.csi.aws.com" or manually created by system administrator', 3),
        event(pvc, 'Normal', 'Provisioning', 'External provisioner is provisioning volume for claim "db/data"', { component: 'ebs.csi.aws.com_ebs-csi-controller-7d9b' })];
    },
  },
  {
    id: 'storage.provisioning-failed',
    objects: () => {
      const { pvc, objects } = podOnClaim({ storageClassName: 'gp3-encrypted' });
      return [...objects, storageClass('gp3-encrypted', 'ebs.csi.aws.com', { parameters: { type: 'gp3', kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/abc' } }),
        event(pvc, 'Warning', 'ProvisioningFailed', 'failed to provision volume with StorageClass "gp3-encrypted": rpc error: code = Internal desc = Could not create volume "pvc-9a8b": could not create volume in EC2: operation error EC2: CreateVolume, https response error StatusCode: 403, api error UnauthorizedOperation: You are not authorized to perform this operation.', { component: 'ebs.csi.aws.com_ebs-csi-controller-7d9b', count: 9 })];
    },
    rootCause: { kind: 'StorageClass', name: 'gp3-encrypted' },
    evidence: 'UnauthorizedOperation',
    negative: boundClaim,
  },
  {
    id: 'storage.access-mode-unsupported',
    objects: () => {
      const { objects } = podOnClaim({ storageClassName: 'gp2', accessModes: ['ReadWriteMany'] });
      return [...objects, storageClass('gp2', 'kubernetes.io/aws-ebs', {}, true)];
    },
    rootCause: { kind: 'PersistentVolumeClaim', name: 'data' },
    evidence: 'spec.accessModes=["ReadWriteMany"]',
    negative: () => {
      const { objects } = podOnClaim({ storageClassName: 'efs', accessModes: ['ReadWriteMany'] });
      return [...objects, storageClass('efs', 'efs.csi.aws.com')];
    },
  },
  {
    id: 'storage.wait-for-first-consumer',
    objects: () => {
      const pvc = claim('scratch', 'ml', { storageClassName: 'local-nvme' });
      return [...healthyNodes(), storageClass('local-nvme', 'kubernetes.io/no-provisioner', { volumeBindingMode: 'WaitForFirstConsumer' }), pvc,
        pvcEvent(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', 40)];
    },
    rootCause: { kind: 'PersistentVolumeClaim', name: 'scratch' },
    evidence: 'waiting for first consumer to be created before binding',
    // With a consumer pod the claim is the scheduler's business, not a "just waiting" info.
    negative: () => {
      const { objects } = podOnClaim({ storageClassName: 'local-nvme' });
      return [...objects, storageClass('local-nvme', 'kubernetes.io/no-provisioner', { volumeBindingMode: 'WaitForFirstConsumer' })];
    },
  },
  {
    id: 'storage.claim-lost',
    objects: () => {
      const { pvc, objects } = podOnClaim({ storageClassName: 'standard', volumeName: 'pvc-8f0dbd79' }, { phase: 'Lost' });
      return [...objects, pvcEvent(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!', 1)];
    },
    rootCause: { kind: 'PersistentVolumeClaim', name: 'data' },
    evidence: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
    negative: boundClaim,
  },
  {
    id: 'storage.requested-volume-mismatch',
    objects: () => {
      const { pvc, objects } = podOnClaim({ storageClassName: 'manual', volumeName: 'pv-small', resources: { requests: { storage: '50Gi' } } });
      return [...objects, volume('pv-small', { storageClassName: 'manual', capacity: { storage: '10Gi' } }, { phase: 'Available' }),
        pvcEvent(pvc, 'Warning', 'FailedBinding', 'Cannot bind to requested volume "pv-small": requested PV is too small')];
    },
    rootCause: { kind: 'PersistentVolumeClaim', name: 'data' },
    evidence: 'requested PV is too small',
    negative: boundClaim,
  },
  {
    id: 'storage.released-volume-not-reusable',
    objects: () => {
      const { objects } = podOnClaim({ storageClassName: 'manual', volumeName: 'pv-data' });
      return [...objects, volume('pv-data', { storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'db', name: 'data', uid: 'df40f368-0b7e-4c1a-9d55-1f2a3b4c5d6e' } }, { phase: 'Released' })];
    },
    rootCause: { kind: 'PersistentVolume', name: 'pv-data' },
    evidence: 'status.phase=Released',
    negative: boundClaim,
  },
  {
    id: 'storage.claim-terminating-in-use',
    objects: () => {
      const objects = boundClaim();
      const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim')!;
      pvc.metadata.deletionTimestamp = ago(3000);
      return objects;
    },
    rootCause: { kind: 'PersistentVolumeClaim', name: 'data' },
    evidence: 'finalizers=kubernetes.io/pvc-protection',
    negative: boundClaim,
  },
  {
    id: 'storage.volume-resize-failed',
    objects: () => {
      const objects = boundClaim();
      const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim')!;
      (pvc as unknown as { spec: { resources: { requests: { storage: string } } } }).spec.resources.requests.storage = '100Gi';
      return [...objects, event(pvc, 'Warning', 'VolumeResizeFailed', 'error expanding volume "db/data" of plugin "pd.csi.storage.gke.io": rpc error: code = Internal desc = ControllerExpandVolume failed: googleapi: Error 400: Disk size cannot be decreased or exceeded quota', { component: 'external-resizer pd.csi.storage.gke.io' })];
    },
    rootCause: { kind: 'PersistentVolumeClaim', name: 'data' },
    evidence: 'VolumeResizeFailed',
    // An old resize failure, since resolved (capacity equals the request).
    negative: () => {
      const objects = boundClaim();
      const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim')!;
      return [...objects, event(pvc, 'Warning', 'VolumeResizeFailed', 'error expanding volume "db/data": transient', { component: 'external-resizer pd.csi.storage.gke.io', secondsAgo: 86400 })];
    },
  },
  {
    id: 'storage.claim-missing',
    objects: () => {
      const app = pendingDeployment('postgres', 'persistentvolumeclaim "pg-data" not found', { namespace: 'db', podSpec: podWithClaim('pg-data') });
      return [...healthyNodes(), claim('other', 'db', { storageClassName: 'standard' }, { phase: 'Bound' }), ...app.objects];
    },
    rootCause: { kind: 'PersistentVolumeClaim', name: 'pg-data' },
    evidence: 'persistentvolumeclaim "pg-data" not found',
    negative: boundClaim,
  },
  {
    id: 'storage.multi-attach-rwo',
    objects: () => {
      const objects = boundClaim();
      const old = objects.find((o) => o.kind === 'Pod')!;
      const stuck = creatingPod('postgres', podWithClaim('data'), [['FailedAttachVolume', 'attachdetach-controller', `Multi-Attach error for volume "pvc-0b1e" Volume is already used by pod(s) ${old.metadata.name}`]]);
      // The stuck pod belongs to the same Deployment as the old one (a rollout).
      const dep = objects.find((o) => o.kind === 'Deployment')!;
      stuck.app.replicaSet.metadata.name = 'postgres-5c7b9d8f4';
      stuck.app.replicaSet.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'postgres', uid: dep.metadata.uid!, controller: true }];
      stuck.app.pods[0].metadata.name = 'postgres-5c7b9d8f4-wq2zd';
      const evs = stuck.objects.filter((o) => o.kind === 'Event');
      for (const e of evs) (e as { involvedObject: { name: string } }).involvedObject.name = 'postgres-5c7b9d8f4-wq2zd';
      return [...objects, stuck.app.replicaSet, stuck.app.pods[0], ...evs];
    },
    rootCause: { kind: 'Deployment', name: 'postgres' },
    evidence: 'Multi-Attach error for volume "pvc-0b1e" Volume is already used by pod(s)',
    negative: boundClaim,
  },
  {
    id: 'storage.csi-driver-not-registered',
    objects: () => creatingPod('postgres', podWithClaim('data'), [['FailedMount', 'kubelet', 'MountVolume.MountDevice failed for volume "pvc-0b1e" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ebs.csi.aws.com not found in the list of registered CSI drivers']]).objects.concat(healthyNodes()),
    rootCause: { kind: 'Node', name: 'node-2' },
    evidence: 'driver name ebs.csi.aws.com not found in the list of registered CSI drivers',
    negative: boundClaim,
  },
  {
    id: 'storage.attach-failed',
    objects: () => {
      const objects = boundClaim().filter((o) => o.kind !== 'Deployment' && o.kind !== 'ReplicaSet' && o.kind !== 'Pod');
      return [...objects, ...creatingPod('postgres', podWithClaim('data'), [['FailedAttachVolume', 'attachdetach-controller', 'AttachVolume.Attach failed for volume "pvc-0b1e" : rpc error: code = Internal desc = Could not attach volume "vol-0a1b2c" to node "i-0123": could not attach volume: InvalidVolume.ZoneMismatch: The volume is not in the same availability zone as instance']]).objects];
    },
    rootCause: { kind: 'PersistentVolume', name: 'pvc-0b1e' },
    evidence: 'InvalidVolume.ZoneMismatch',
    negative: boundClaim,
  },
  {
    id: 'storage.mount-failed',
    objects: () => {
      const pv = volume('nfs-share', { storageClassName: '', nfs: { server: '10.0.0.50', path: '/exports/data' }, claimRef: { namespace: 'db', name: 'data' }, accessModes: ['ReadWriteMany'] });
      const pvc = claim('data', 'db', { storageClassName: '', volumeName: 'nfs-share', accessModes: ['ReadWriteMany'] }, { phase: 'Bound' });
      return [...healthyNodes(), pv, pvc, ...creatingPod('postgres', podWithClaim('data'), [['FailedMount', 'kubelet', 'MountVolume.SetUp failed for volume "nfs-share" : mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs 10.0.0.50:/exports/data /var/lib/kubelet/pods/1a2b/volumes/kubernetes.io~nfs/nfs-share\nOutput: mount.nfs: access denied by server while mounting 10.0.0.50:/exports/data']]).objects];
    },
    rootCause: { kind: 'PersistentVolume', name: 'nfs-share' },
    evidence: 'mount failed: exit status 32',
    // A missing ConfigMap volume is a config finding, not a storage one.
    negative: () => [...healthyNodes(), ...creatingPod('web', { containers: [{ name: 'web', image: 'nginx:1.27' }], volumes: [{ name: 'conf', configMap: { name: 'web-conf' } }] }, [['FailedMount', 'kubelet', 'MountVolume.SetUp failed for volume "conf" : configmap "web-conf" not found']]).objects],
  },
  {
    id: 'storage.volume-mount-timeout',
    objects: () => {
      const objects = boundClaim().filter((o) => o.kind !== 'Deployment' && o.kind !== 'ReplicaSet' && o.kind !== 'Pod');
      const attachment = obj('VolumeAttachment', 'storage.k8s.io/v1', 'csi-5b2e0f', undefined, { spec: { attacher: 'pd.csi.storage.gke.io', nodeName: 'node-2', source: { persistentVolumeName: 'pvc-0b1e' } }, status: { attached: false, attachError: { message: 'rpc error: code = DeadlineExceeded desc = context deadline exceeded', time: '2026-11-28T09:50:00Z' } } });
      return [...objects, attachment, ...creatingPod('postgres', podWithClaim('data'), [['FailedMount', 'kubelet', 'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-9x2kq]: timed out waiting for the condition']]).objects];
    },
    rootCause: { kind: 'PersistentVolume', name: 'pvc-0b1e' },
    evidence: 'attachError=rpc error: code = DeadlineExceeded',
    // The same timeout next to a Multi-Attach error belongs to the Multi-Attach finding.
    negative: () => [...boundClaim(), ...creatingPod('postgres2', podWithClaim('data'), [
      ['FailedAttachVolume', 'attachdetach-controller', 'Multi-Attach error for volume "pvc-0b1e" Volume is already used by pod(s) postgres-7d9f8b6c5d-abcde'],
      ['FailedMount', 'kubelet', 'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-9x2kq]: timed out waiting for the condition'],
    ]).objects],
  },
  {
    id: 'storage.volume-reclaim-failed',
    objects: () => [...healthyNodes(), volume('pvc-77aa', { storageClassName: 'standard', persistentVolumeReclaimPolicy: 'Delete' }, { phase: 'Failed', message: 'Error deleting EBS volume "vol-0f1e" since volume is currently attached to "i-0abc"' })],
    rootCause: { kind: 'PersistentVolume', name: 'pvc-77aa' },
    evidence: 'status.phase=Failed',
    negative: boundClaim,
  },
];

describeScenarioCases('storage', cases, 14, "the chain and the controller's evidence");

describe('storage scenarios, beyond the table', () => {
  it('lists the claim, its pods and their workload as affected by a missing StorageClass', () => {
    const [d] = detect('storage.storageclass-missing', cases[0].objects());
    expect(d.affected).toEqual(expect.arrayContaining([
      { kind: 'PersistentVolumeClaim', namespace: 'db', name: 'data' },
      { kind: 'Deployment', namespace: 'db', name: 'postgres' },
    ]));
    expect(d.remediation.join('\n')).toContain('storageClassName: standard');
  });
});

describe('storage.provisioner-not-running with the provisioner found', () => {
  it('names the provisioner\'s crashing Deployment instead of the StorageClass', () => {
    const { pvc, objects } = podOnClaim({ storageClassName: 'local-path' });
    pvc.metadata.creationTimestamp = ago(1800);
    const spec = { containers: [{ name: 'local-path-provisioner', image: 'rancher/local-path-provisioner:v0.0.30' }] };
    const prov = deployment('local-path-provisioner', { namespace: 'local-path-storage', replicas: 1, podSpec: spec, podStatus: crashLoopStatus(spec, 'time="2026-11-28T09:40:00Z" level=fatal msg="Error starting daemon: invalid empty flag helper-image and it also does not exist at ConfigMap local-path-storage/local-path-config with err: configmaps \\"local-path-config\\" not found"') });
    const [d] = detect('storage.provisioner-not-running', [...objects, ...prov.all, storageClass('local-path', 'rancher.io/local-path', { volumeBindingMode: 'WaitForFirstConsumer' }, true),
      pvcEvent(pvc, 'Normal', 'ExternalProvisioning', 'waiting for a volume to be created, either by external provisioner "rancher.io/local-path" or manually created by system administrator', 90)]);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'local-path-storage', name: 'local-path-provisioner' });
    expect(d.evidence.join('\n')).toContain('CrashLoopBackOff');
  });
});

describe('storage.multi-attach-rwo after a node failure', () => {
  it('names the NotReady node that still holds the volume, not the workload', () => {
    const objects = cases.find((c) => c.id === 'storage.multi-attach-rwo')!.objects();
    const old = objects.find((o) => o.kind === 'Pod' && !o.metadata.name.startsWith('postgres-5c7b'))!;
    const deadName = (old as unknown as { spec: { nodeName: string } }).spec.nodeName;
    const notReady = node(deadName, { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] });
    const [d] = detect('storage.multi-attach-rwo', [...objects.filter((o) => !(o.kind === 'Node' && o.metadata.name === deadName)), notReady]);
    expect(d.rootCause).toEqual({ kind: 'Node', name: deadName });
    expect(d.remediation.join('\n')).toContain('node.kubernetes.io/out-of-service');
  });
});

describe('storage evidence when kinds are missing or messages are terse', () => {
  it('trusts the controller\'s "not found" when the input has no StorageClasses, and infers nothing without it', () => {
    const { pvc, objects } = podOnClaim({ storageClassName: 'fast-ssd' });
    const notFound = pvcEvent(pvc, 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd" not found');
    expect(detect('storage.storageclass-missing', [...objects, notFound])[0].rootCause).toEqual({ kind: 'StorageClass', name: 'fast-ssd' });
    expect(detect('storage.storageclass-missing', objects)).toEqual([]);
  });

  it('finds the NotReady node through the VolumeAttachment when the message names no pod', () => {
    const pv = volume('pvc-7e2a', { storageClassName: 'gp3', claimRef: { namespace: 'db', name: 'data-pg-0' } });
    const pvc = claim('data-pg-0', 'db', { storageClassName: 'gp3', volumeName: 'pvc-7e2a' }, { phase: 'Bound' });
    const va = obj('VolumeAttachment', 'storage.k8s.io/v1', 'csi-9f8e7d', undefined, { spec: { attacher: 'ebs.csi.aws.com', nodeName: 'node-1', source: { persistentVolumeName: 'pvc-7e2a' } }, status: { attached: true } });
    const dead = node('node-1', { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] });
    const stuck = creatingPod('pg', podWithClaim('data-pg-0'), [['FailedAttachVolume', 'attachdetach-controller', 'Multi-Attach error for volume "pvc-7e2a" Volume is already exclusively attached to one node and can\'t be attached to another']]);
    const [d] = detect('storage.multi-attach-rwo', [dead, node('node-2'), pv, pvc, va, ...stuck.objects]);
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'node-1' });
  });
});

describe('storage in a full diagnosis', () => {
  it('diagnoses example 022 (Multi-Attach during a RollingUpdate) with the Deployment as root cause', () => {
    const dir = '../shared/data/diagnosis-examples/022-storage-multi-attach-rwo-rolling-update';
    const list = JSON.parse(readFileSync(new URL(`../../${dir}/snapshot.json`, import.meta.url), 'utf8')) as { items: KubeObject[] };
    const label = JSON.parse(readFileSync(new URL(`../../${dir}/label.json`, import.meta.url), 'utf8')) as { symptom: { kind: string; name: string }; category: string; rootCause: Array<{ kind: string; name: string }> };
    const report = diagnose(new ClusterState(list.items), SCENARIOS, { source: { type: 'file', name: '022' } });
    const first = firstFindingFor(report, label.symptom.kind, label.symptom.name)!;
    expect(first.category).toBe(label.category);
    expect(label.rootCause.some((r) => r.kind === first.rootCause.kind && r.name === first.rootCause.name)).toBe(true);
    expect(first.remediation.join('\n')).toContain('"type":"Recreate"');
  });

  it('reports a WaitForFirstConsumer claim as info only, never as a warning', () => {
    const report = diagnoseObjects(cases.find((c) => c.id === 'storage.wait-for-first-consumer')!.objects());
    expect(report.summary.critical + report.summary.warning).toBe(0);
    expect(report.findings.map((f) => f.scenario)).toEqual(['storage.wait-for-first-consumer']);
  });

  it('finds nothing in a healthy cluster with bound claims', () => {
    const report = diagnoseObjects(boundClaim());
    expect(report.findings.filter((f) => f.category === 'storage')).toEqual([]);
  });
});
