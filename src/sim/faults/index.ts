import { basename } from 'node:path';
import { loadYamlFile, parseYamlText } from '../clusterdef/yamlfile.js';
import type { SimContext } from '../controllers/runtime.js';
import { resourceTypes } from '../store/resource-types.js';
import type { KubeObject, ResourceType, StoredObject } from '../store/types.js';
import { applyFault, clearFault } from './apply.js';
import { FaultRegistry } from './registry.js';
import { faultFileSchema, faultSchema, type Fault } from './schema.js';

export { applyFault, clearFault } from './apply.js';
export { FaultRegistry, inScope, type ActiveFault, type FaultScope } from './registry.js';
export { faultCategory, faultFileSchema, faultSchema, type Fault, type FaultType } from './schema.js';

/** Faults live in the simulator as cluster-scoped `Fault` objects, so `sim fault apply|clear` works through the API. */
export const FAULT_GROUP = 'sim.nakhoda.io';
export const FAULT_VERSION = 'v1alpha1';
export const FAULT_PLURAL = 'faults';

export const faultCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${FAULT_PLURAL}.${FAULT_GROUP}` },
  spec: {
    group: FAULT_GROUP,
    scope: 'Cluster',
    names: { kind: 'Fault', listKind: 'FaultList', plural: FAULT_PLURAL, singular: 'fault', shortNames: ['simfault'] },
    versions: [
      {
        name: FAULT_VERSION,
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Type', type: 'string', jsonPath: '.spec.type' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Message', type: 'string', jsonPath: '.status.message' },
        ],
      },
    ],
  },
};

export interface NamedFault {
  id: string;
  fault: Fault;
}

/** Gives every fault a stable id: its name, else "<file>-<type>-<n>". */
export function nameFaults(faults: Fault[], file: string): NamedFault[] {
  const stem = basename(file).replace(/\.(ya?ml|json)$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return faults.map((fault, i) => ({ id: fault.name ?? `${stem}-${fault.type}-${i + 1}`, fault }));
}

/** Reads and validates a fault file; errors name the file, line and field. */
export async function loadFaultFile(path: string): Promise<NamedFault[]> {
  return nameFaults((await loadYamlFile(path, faultFileSchema)).faults, path);
}

export function parseFaultText(text: string, path: string): NamedFault[] {
  return nameFaults(parseYamlText(text, path, faultFileSchema).faults, path);
}

export function faultObject(named: NamedFault): KubeObject {
  return { apiVersion: `${FAULT_GROUP}/${FAULT_VERSION}`, kind: 'Fault', metadata: { name: named.id }, spec: named.fault };
}

/**
 * Applies Fault objects as they appear and clears them when deleted; each object's status says
 * whether it took effect (phase Applied or Failed, with the reason).
 */
export class FaultInjector {
  readonly registry = new FaultRegistry();
  private readonly type: ResourceType;
  private readonly unwatch: () => void;

  constructor(private readonly ctx: SimContext) {
    if (!ctx.store.get(resourceTypes.customresourcedefinitions, undefined, faultCrd.metadata.name!)) {
      ctx.store.create(resourceTypes.customresourcedefinitions, faultCrd);
    }
    this.type = ctx.store.resourceTypes.get(FAULT_GROUP, FAULT_PLURAL)!;
    this.unwatch = ctx.store.watch(this.type, {}, (e) => {
      const id = e.object.metadata.name!;
      if (e.type === 'DELETED') clearFault(this.registry, id);
      // Applied at once (the store queues the writes this causes), so a fault given at start is in
      // force before any pod exists. Status writes come back as MODIFIED with an unchanged generation.
      else if (e.type === 'ADDED' || e.object.metadata.generation !== this.applied.get(id)) this.apply(e.object);
    });
  }

  private readonly applied = new Map<string, number | undefined>();

  /** Creates (or replaces) Fault objects; they are applied by the watch. */
  submit(faults: NamedFault[]): void {
    for (const named of faults) {
      const existing = this.ctx.store.get(this.type, undefined, named.id);
      if (existing) this.ctx.store.delete(this.type, undefined, named.id);
      this.ctx.store.create(this.type, faultObject(named));
    }
  }

  stop(): void {
    this.unwatch();
  }

  private apply(obj: StoredObject): void {
    const id = obj.metadata.name!;
    const current = this.ctx.store.get(this.type, undefined, id);
    if (!current || current.metadata.uid !== obj.metadata.uid) return;
    this.applied.set(id, current.metadata.generation);
    let status: { phase: string; message: string };
    const parsed = faultSchema.safeParse(current.spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      status = { phase: 'Failed', message: `spec.${issue.path.join('.')}: ${issue.message}` };
    } else {
      try {
        applyFault(this.ctx, this.registry, id, parsed.data);
        status = { phase: 'Applied', message: '' };
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        status = { phase: 'Failed', message: err.message };
      }
    }
    this.ctx.store.mutate(this.type, undefined, id, (o) => {
      o.status = status.message ? status : { phase: status.phase };
    });
  }
}
