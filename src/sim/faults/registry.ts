import type { FaultOf, FaultType } from './schema.js';

/** Which objects a fault applies to, resolved from its target when it was applied. */
export interface FaultScope {
  namespace?: string;
  /** Object names (pods or nodes); unset = any name. */
  name?: string;
  /** All must match; workload targets contribute their pod selector here. */
  labels?: Record<string, string>;
}

export interface ActiveFault<T extends FaultType = FaultType> {
  id: string;
  fault: FaultOf<T>;
  scope: FaultScope;
  /** Reverts object changes the fault made (restored on clear, newest first). */
  undo: Array<() => void>;
}

interface Scoped {
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
}

export function inScope(scope: FaultScope, obj: Scoped): boolean {
  if (scope.namespace && obj.metadata.namespace !== scope.namespace) return false;
  if (scope.name && obj.metadata.name !== scope.name) return false;
  for (const [k, v] of Object.entries(scope.labels ?? {})) if (obj.metadata.labels?.[k] !== v) return false;
  return true;
}

/**
 * The faults in force. The kubelet model and the controllers ask it how the simulated world
 * misbehaves for a given pod, container, node or class; listeners hear about every change.
 */
export class FaultRegistry {
  private readonly active = new Map<string, ActiveFault>();
  private readonly listeners = new Set<() => void>();

  add(fault: ActiveFault): void {
    this.active.set(fault.id, fault);
    this.changed();
  }

  remove(id: string): ActiveFault | undefined {
    const fault = this.active.get(id);
    if (!fault) return undefined;
    this.active.delete(id);
    this.changed();
    return fault;
  }

  get(id: string): ActiveFault | undefined {
    return this.active.get(id);
  }

  list(): ActiveFault[] {
    return [...this.active.values()];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first fault of `type` whose scope covers `obj` (and whose container filter matches). */
  find<T extends FaultType>(type: T, obj: Scoped, container?: string): FaultOf<T> | undefined {
    for (const f of this.active.values()) {
      if (f.fault.type !== type || !inScope(f.scope, obj)) continue;
      if (container && f.fault.container && f.fault.container !== container) continue;
      return f.fault as FaultOf<T>;
    }
    return undefined;
  }

  /** Faults of `type` matching a predicate on the fault itself (e.g. a StorageClass name). */
  where<T extends FaultType>(type: T, predicate: (fault: FaultOf<T>, scope: FaultScope) => boolean): FaultOf<T> | undefined {
    for (const f of this.active.values()) if (f.fault.type === type && predicate(f.fault as FaultOf<T>, f.scope)) return f.fault as FaultOf<T>;
    return undefined;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
