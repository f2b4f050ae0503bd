import type { Job, Pod } from '../../cluster/types.js';
import { rfc3339 } from '../clock.js';
import { resourceTypes } from '../store/resource-types.js';
import type { StoredObject } from '../store/types.js';
import type { PodCache } from './podcache.js';
import { activePods, createPodFor, podFromTemplate } from './replicaset.js';
import { isPodReady } from './resources.js';
import { controllerRef, emitEvent, getCondition, keyOf, setCondition, splitKey, WorkQueue, type Condition, type SimContext } from './runtime.js';

const COMPONENT = 'job-controller';
/** Pod failure back-off of the Job controller: 10 s doubling, capped at 6 min. */
const MAX_BACKOFF_MS = 360_000;

/** Job condition reasons and messages (pkg/controller/job/job_controller.go). */
export const jobMessages = {
  backoffLimitExceeded: 'Job has reached the specified backoff limit',
  deadlineExceeded: 'Job was active longer than specified deadline',
  completionsReached: 'Reached expected number of succeeded pods',
};

/** Failures as the controller counts them: failed pods, plus container restarts under OnFailure. */
function failures(pods: Pod[]): number {
  let n = 0;
  for (const p of pods) {
    if (p.status?.phase === 'Failed') n++;
    if (p.spec?.restartPolicy === 'OnFailure') for (const s of p.status?.containerStatuses ?? []) n += s.restartCount ?? 0;
  }
  return n;
}

export function isJobFinished(job: Job): boolean {
  return (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export class JobController {
  private readonly queue: WorkQueue;
  private readonly unwatch: () => void;

  constructor(private readonly ctx: SimContext, private readonly pods: PodCache) {
    this.queue = new WorkQueue(ctx.clock, COMPONENT, (key) => this.sync(key));
    this.unwatch = ctx.store.watch(resourceTypes.jobs, {}, (e) => {
      if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
    });
    pods.onChange((_e, pod) => {
      const owner = controllerRef(pod as unknown as StoredObject);
      if (owner?.kind === 'Job') this.queue.add(`${pod.metadata.namespace}/${owner.name}`);
    });
  }

  stop(): void {
    this.queue.stop();
    this.unwatch();
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const stored = this.ctx.store.get(resourceTypes.jobs, namespace, name);
    if (!stored || stored.metadata.deletionTimestamp) return;
    const job = stored as unknown as Job;
    const owned = this.pods.ownedBy(stored.metadata.uid!);
    const active = activePods(owned);
    if (isJobFinished(job)) {
      for (const p of active) this.ctx.store.delete(resourceTypes.pods, namespace, p.metadata.name);
      return;
    }
    const now = this.ctx.clock.now();
    const spec = job.spec ?? ({} as NonNullable<Job['spec']>);
    const startTime = job.status?.startTime ? Date.parse(job.status.startTime) : now;
    const succeeded = owned.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = failures(owned);
    const completions = spec.completions ?? (spec.parallelism === undefined ? 1 : undefined);
    const parallelism = spec.parallelism ?? 1;
    const backoffLimit = spec.backoffLimit ?? 6;

    let finish: { type: 'Complete' | 'Failed'; reason: string; message: string } | undefined;
    if (spec.activeDeadlineSeconds !== undefined && now - startTime >= spec.activeDeadlineSeconds * 1000) {
      finish = { type: 'Failed', reason: 'DeadlineExceeded', message: jobMessages.deadlineExceeded };
    } else if (failed > backoffLimit) {
      finish = { type: 'Failed', reason: 'BackoffLimitExceeded', message: jobMessages.backoffLimitExceeded };
    } else if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) {
      finish = { type: 'Complete', reason: 'CompletionsReached', message: jobMessages.completionsReached };
    }

    if (finish?.type === 'Failed') {
      for (const p of active) this.ctx.store.delete(resourceTypes.pods, namespace, p.metadata.name);
      emitEvent(this.ctx, stored, 'Warning', finish.reason, finish.message, COMPONENT);
    } else if (finish) {
      emitEvent(this.ctx, stored, 'Normal', 'Completed', 'Job completed', COMPONENT);
    } else if (!spec.suspend) {
      const wanted = Math.min(parallelism, (completions ?? parallelism) - succeeded) - active.length;
      const lastFailure = Math.max(0, ...owned.filter((p) => p.status?.phase === 'Failed').map((p) => Date.parse(p.metadata.creationTimestamp ?? '') || 0));
      const backoff = failed > 0 ? Math.min(MAX_BACKOFF_MS, 10_000 * 2 ** (failed - 1)) : 0;
      if (wanted > 0 && now < lastFailure + backoff) this.queue.addAfter(key, lastFailure + backoff - now);
      else {
        for (let i = 0; i < wanted; i++) {
          const pod = createPodFor(this.ctx, stored, podFromTemplate(stored, 'jobs', spec.template ?? {}), COMPONENT);
          if (!pod) {
            this.queue.addAfter(key, 10_000);
            break;
          }
          emitEvent(this.ctx, stored, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, COMPONENT);
        }
      }
      if (spec.activeDeadlineSeconds !== undefined) this.queue.addAfter(key, startTime + spec.activeDeadlineSeconds * 1000 - now);
    }

    const remaining = finish?.type === 'Failed' ? [] : activePods(this.pods.ownedBy(stored.metadata.uid!));
    this.ctx.store.mutate(resourceTypes.jobs, namespace, name, (obj) => {
      const status = (obj.status ?? {}) as Record<string, unknown> & { conditions?: Condition[] };
      status.startTime ??= rfc3339(startTime);
      status.active = remaining.length;
      status.ready = remaining.filter(isPodReady).length;
      status.succeeded = succeeded;
      status.failed = failed;
      status.terminating = 0;
      status.uncountedTerminatedPods = {};
      for (const field of ['active', 'succeeded', 'failed'] as const) if (status[field] === 0) delete status[field];
      if (finish && !getCondition(status.conditions, finish.type)) {
        const interim = finish.type === 'Failed' ? 'FailureTarget' : 'SuccessCriteriaMet';
        status.conditions = setCondition(status.conditions, { type: interim, status: 'True', reason: finish.reason, message: finish.message, lastProbeTime: null }, now, ['lastProbeTime']);
        status.conditions = setCondition(status.conditions, { type: finish.type, status: 'True', reason: finish.reason, message: finish.message, lastProbeTime: null }, now, ['lastProbeTime']);
        for (const c of status.conditions) c.lastProbeTime = rfc3339(now);
        if (finish.type === 'Complete') status.completionTime = rfc3339(now);
      }
      obj.status = status;
    });
  }
}
