/** Jobs that failed (backoff limit, deadline, pod failure policy, failed indexes) or can never run. */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { CronJob, Job, Pod } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { containersOf, eventLine, eventsMatching, kubectl, label, statusLine } from '../util.js';
import { conditionOf, conditionText } from '../network/lookup.js';

export function isFinished(job: Job): boolean {
  return (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

function startOf(job: Job): number {
  return Date.parse(job.status?.startTime ?? job.metadata.creationTimestamp ?? '') || 0;
}

/**
 * The CronJob's newest Job, by start time. Older failed Jobs kept by failedJobsHistoryLimit are
 * history, not a current problem, once a newer run exists.
 */
const newestCache = new WeakMap<ClusterState, Map<string, Job>>();
function newestJobOf(state: ClusterState, cronJob: CronJob): Job | undefined {
  let index = newestCache.get(state);
  if (!index) {
    index = new Map();
    for (const job of state.jobs) {
      const owner = state.controllerRef(job);
      if (owner?.kind !== 'CronJob') continue;
      const key = `${owner.namespace}/${owner.name}`;
      const current = index.get(key);
      if (!current || startOf(job) > startOf(current)) index.set(key, job);
    }
    newestCache.set(state, index);
  }
  return index.get(`${cronJob.metadata.namespace}/${cronJob.metadata.name}`);
}

/** True when this failed Job is the current state of its CronJob (no newer run, no later success). */
function isCurrent(state: ClusterState, job: Job): boolean {
  const owner = state.owner(job);
  if (owner?.kind !== 'CronJob') return true;
  const cron = owner as CronJob;
  const newest = newestJobOf(state, cron);
  if (newest && newest !== job) return false;
  const lastSuccess = Date.parse(cron.status?.lastSuccessfulTime ?? '') || 0;
  return lastSuccess <= startOf(job);
}

/** How the Job's failed pods ended: exit code, reason and message of each terminated container. */
export function failedPodLines(state: ClusterState, job: Job): string[] {
  const pods = state.podsOf(job).filter((p) => p.status?.phase === 'Failed' || containersOf(p).some((c) => c.status?.lastState?.terminated || c.status?.state?.terminated));
  const lines: string[] = [];
  for (const pod of pods.slice(0, 3)) {
    for (const c of containersOf(pod)) {
      const t = c.status?.state?.terminated ?? c.status?.lastState?.terminated;
      if (!t || t.exitCode === 0) continue;
      lines.push(statusLine(pod, `container ${c.name} terminated: ${t.reason ?? ''} exitCode=${t.exitCode}${t.message ? ` message=${t.message.trim().slice(0, 200)}` : ''}`));
    }
  }
  return lines;
}

/** Waiting reasons that are normal steps of starting, not failures. */
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

function hasSpecificPodFailure(pod: Pod): boolean {
  return containersOf(pod).some((c) => {
    const waiting = c.status?.state?.waiting?.reason;
    const ended = c.status?.state?.terminated ?? c.status?.lastState?.terminated;
    return (waiting !== undefined && !STARTING.has(waiting)) || ended?.reason === 'OOMKilled';
  });
}

interface FailureKind {
  id: string;
  reasons: string[];
  title: string;
  description: string;
  fix: (job: Job) => string;
}

function jobFailedScenario(kind: FailureKind): Scenario {
  return {
    id: kind.id,
    category: 'job',
    severity: 'critical',
    title: kind.title,
    description: kind.description,
    needs: ['Job'],
    detect(state) {
      const detections: Detection[] = [];
      for (const job of state.jobs) {
        const failed = conditionOf(job, 'Failed');
        if (failed?.status !== 'True' || !kind.reasons.includes(failed.reason ?? '') || !isCurrent(state, job)) continue;
        const ref = refOf(job);
        const workload = state.workloadOf(job);
        const pods: Pod[] = state.podsOf(job);
        const events = eventsMatching(state, job, kind.reasons).slice(0, 1).map((e) => eventLine(job, e));
        detections.push({
          resource: ref,
          rootCause: workload,
          affected: pods.map(refOf),
          title: `Job ${displayName(ref)} failed: ${failed.reason}`,
          explanation:
            `${workload.kind === 'CronJob' ? `The latest run of CronJob ${workload.name} ` : 'The Job '}failed with ${failed.reason}` +
            `${failed.message ? ` ("${failed.message}")` : ''} after ${job.status?.failed ?? 0} failed pod(s); its work was not done.`,
          evidence: [
            `${label(ref)}: ${conditionText(failed)}`,
            `${label(ref)}: spec.backoffLimit=${job.spec?.backoffLimit ?? 6} activeDeadlineSeconds=${job.spec?.activeDeadlineSeconds ?? '<none>'} status.failed=${job.status?.failed ?? 0} status.succeeded=${job.status?.succeeded ?? 0}`,
            ...events,
            ...failedPodLines(state, job),
          ],
          remediation: [kubectl(ref.namespace, `logs job/${ref.name}`), kind.fix(job)],
          // When the pods show a specific failure (OOMKilled, image pull, config error) the pod-level
          // finding names the cause more precisely; rank this one just below it.
          confidence: pods.some(hasSpecificPodFailure) ? 0.8 : 0.95,
        });
      }
      return detections;
    },
  };
}

const backoffLimitExceeded = jobFailedScenario({
  id: 'job.backoff-limit-exceeded',
  reasons: ['BackoffLimitExceeded'],
  title: 'Job failed: backoff limit reached',
  description:
    'The Job controller marked the Job Failed with reason BackoffLimitExceeded ("Job has reached the specified backoff ' +
    'limit"): its pods failed spec.backoffLimit times. Evidence: the Failed condition and the exit codes of the failed ' +
    'pods. Fix what makes the container fail (logs of the failed pods), then re-run; for a CronJob only the latest run ' +
    'counts.',
  fix: (job) => kubectl(job.metadata.namespace, `get pods -l job-name=${job.metadata.name}  # then fix the command/config, delete and re-create the Job`),
});

const deadlineExceeded = jobFailedScenario({
  id: 'job.deadline-exceeded',
  reasons: ['DeadlineExceeded'],
  title: 'Job failed: active deadline exceeded',
  description:
    'The Job ran longer than spec.activeDeadlineSeconds and was terminated with reason DeadlineExceeded ("Job was active ' +
    'longer than specified deadline"). Evidence: the Failed condition and the deadline. Fix: raise activeDeadlineSeconds ' +
    'or find why the work is slow or stuck (pods Pending, waiting on a dependency).',
  fix: (job) => kubectl(job.metadata.namespace, `get job ${job.metadata.name} -o jsonpath='{.spec.activeDeadlineSeconds}'  # raise it in the Job/CronJob template if the work legitimately takes longer`),
});

const podFailurePolicy = jobFailedScenario({
  id: 'job.pod-failure-policy-failed-job',
  reasons: ['PodFailurePolicy'],
  title: 'Job failed by its pod failure policy',
  description:
    'A FailJob rule of spec.podFailurePolicy matched a failed pod ("Container x for pod ns/p failed with exit code N ' +
    'matching FailJob rule at index i"), failing the Job at once. Evidence: the Failed condition naming the container ' +
    'and exit code. Fix the failure that exit code signals, or the rule.',
  fix: (job) => kubectl(job.metadata.namespace, `get job ${job.metadata.name} -o jsonpath='{.spec.podFailurePolicy}'`),
});

const failedIndexes = jobFailedScenario({
  id: 'job.failed-indexes',
  reasons: ['FailedIndexes', 'MaxFailedIndexesExceeded'],
  title: 'Indexed Job failed: indexes exhausted their per-index backoff',
  description:
    'An Indexed Job with backoffLimitPerIndex failed (reason FailedIndexes or MaxFailedIndexesExceeded): some indexes ' +
    'failed more than their per-index limit. Evidence: the Failed condition and status.failedIndexes. Fix the failing ' +
    'indexes\' cause (their pods\' logs).',
  fix: (job) => kubectl(job.metadata.namespace, `get job ${job.metadata.name} -o jsonpath='{.status.failedIndexes}'`),
});

const parallelismZero: Scenario = {
  id: 'job.parallelism-zero',
  category: 'job',
  severity: 'warning',
  needs: ['Job'],
  title: 'Job has parallelism 0 and will never run',
  description:
    'spec.parallelism is 0 on an unfinished, unsuspended Job: the controller creates no pods, so the Job never ' +
    'progresses (often a templating mistake). Evidence: spec.parallelism and status. Fix: set parallelism ≥ 1.',
  detect(state) {
    return state.jobs
      .filter((j) => j.spec?.parallelism === 0 && !j.spec?.suspend && !isFinished(j))
      .map((job): Detection => {
        const ref = refOf(job);
        return {
          resource: ref,
          rootCause: state.workloadOf(job),
          title: `Job ${displayName(ref)} has spec.parallelism=0`,
          explanation: 'With parallelism 0 the Job controller runs no pods, so the Job stays active forever without doing any work.',
          evidence: [`${label(ref)}: spec.parallelism=0 spec.completions=${job.spec?.completions ?? 1} status.active=${job.status?.active ?? 0}`],
          remediation: [kubectl(ref.namespace, `patch job ${ref.name} -p '{"spec":{"parallelism":1}}'`)],
          confidence: 0.9,
        };
      });
  },
};

export const jobFailureScenarios: Scenario[] = [backoffLimitExceeded, deadlineExceeded, podFailurePolicy, failedIndexes, parallelismZero];
