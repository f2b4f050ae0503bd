import type { CronJob, Job } from '../../cluster/types.js';
import { rfc3339 } from '../clock.js';
import { resourceTypes } from '../store/resource-types.js';
import { StatusError } from '../store/types.js';
import { nextRun, parseCron } from './cron.js';
import { isJobFinished } from './job.js';
import { controllerRef, emitEvent, keyOf, ownerReference, splitKey, WorkQueue, type SimContext } from './runtime.js';

const COMPONENT = 'cronjob-controller';

/** Creates a Job per schedule tick (named after the scheduled minute, as CronJob v2 does) and prunes history. */
export class CronJobController {
  private readonly queue: WorkQueue;
  private readonly unwatch: Array<() => void>;

  constructor(private readonly ctx: SimContext) {
    this.queue = new WorkQueue(ctx.clock, COMPONENT, (key) => this.sync(key));
    this.unwatch = [
      ctx.store.watch(resourceTypes.cronjobs, {}, (e) => {
        if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
      }),
      ctx.store.watch(resourceTypes.jobs, {}, (e) => {
        const owner = controllerRef(e.object);
        if (owner?.kind === 'CronJob') this.queue.add(`${e.object.metadata.namespace}/${owner.name}`);
      }),
    ];
  }

  stop(): void {
    this.queue.stop();
    for (const u of this.unwatch) u();
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const stored = this.ctx.store.get(resourceTypes.cronjobs, namespace, name);
    if (!stored || stored.metadata.deletionTimestamp) return;
    const cj = stored as unknown as CronJob;
    const now = this.ctx.clock.now();
    const jobs = this.ctx.store.list(resourceTypes.jobs, { namespace }).items.filter((j) => controllerRef(j)?.uid === stored.metadata.uid) as unknown as Job[];
    const active = jobs.filter((j) => !isJobFinished(j));
    const finished = jobs.filter(isJobFinished).sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    const previouslyActive = new Set((cj.status?.active ?? []).map((r) => r.name));
    for (const job of finished) {
      if (!previouslyActive.has(job.metadata.name)) continue;
      const status = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type ?? 'Complete';
      emitEvent(this.ctx, stored, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, status: ${status}`, COMPONENT);
    }
    // History limits: successful (default 3) and failed (default 1) jobs are pruned oldest first.
    const failed = finished.filter((j) => j.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True'));
    const succeeded = finished.filter((j) => !failed.includes(j));
    for (const [list, limit] of [[succeeded, cj.spec?.successfulJobsHistoryLimit ?? 3], [failed, cj.spec?.failedJobsHistoryLimit ?? 1]] as const) {
      for (const job of list.slice(0, Math.max(0, list.length - limit))) {
        this.ctx.store.delete(resourceTypes.jobs, namespace, job.metadata.name, { propagationPolicy: 'Background' });
        emitEvent(this.ctx, stored, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`, COMPONENT);
      }
    }

    const schedule = parseCron(cj.spec?.schedule ?? '');
    if (!schedule) {
      emitEvent(this.ctx, stored, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec?.schedule}"`, COMPONENT);
      return;
    }
    const last = cj.status?.lastScheduleTime ? Date.parse(cj.status.lastScheduleTime) : Date.parse(stored.metadata.creationTimestamp ?? '') || now;
    const due = nextRun(schedule, last);
    let lastScheduleTime = cj.status?.lastScheduleTime;
    const created: Array<{ name: string; uid: string }> = [];
    if (due !== undefined && due <= now && !cj.spec?.suspend) {
      const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
      if (policy === 'Forbid' && active.length) {
        emitEvent(this.ctx, stored, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', COMPONENT);
      } else {
        if (policy === 'Replace') for (const job of active) this.ctx.store.delete(resourceTypes.jobs, namespace, job.metadata.name, { propagationPolicy: 'Background' });
        const jobName = `${name}-${Math.floor(due / 60_000)}`;
        try {
          const template = cj.spec?.jobTemplate ?? {};
          const job = this.ctx.store.create(resourceTypes.jobs, {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: {
              name: jobName,
              namespace,
              labels: { ...template.metadata?.labels },
              annotations: { ...template.metadata?.annotations, 'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(due).toISOString().replace('.000Z', 'Z') },
              ownerReferences: [ownerReference(stored, resourceTypes.cronjobs)],
            },
            spec: structuredClone(template.spec ?? {}),
          });
          created.push({ name: jobName, uid: job.metadata.uid! });
          emitEvent(this.ctx, stored, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`, COMPONENT);
        } catch (err) {
          if (!(err instanceof StatusError)) throw err;
          if (err.code !== 409) emitEvent(this.ctx, stored, 'Warning', 'FailedCreate', `Error creating job: ${err.message}`, COMPONENT);
        }
      }
      lastScheduleTime = rfc3339(due);
    }
    const next = nextRun(schedule, Math.max(now, due ?? now));
    if (next !== undefined) this.queue.addAfter(key, next - now);
    const stillActive = [...active.map((j) => ({ name: j.metadata.name, uid: j.metadata.uid! })), ...created].filter((j) => this.ctx.store.get(resourceTypes.jobs, namespace, j.name));
    this.ctx.store.mutate(resourceTypes.cronjobs, namespace, name!, (obj) => {
      const status = (obj.status ?? {}) as Record<string, unknown>;
      if (lastScheduleTime) status.lastScheduleTime = lastScheduleTime;
      if (stillActive.length) status.active = stillActive.map((j) => ({ kind: 'Job', namespace, name: j.name, uid: j.uid, apiVersion: 'batch/v1' }));
      else delete status.active;
      const success = succeeded[succeeded.length - 1];
      if (success?.status?.completionTime) status.lastSuccessfulTime = success.status.completionTime;
      obj.status = status;
    });
  }
}
