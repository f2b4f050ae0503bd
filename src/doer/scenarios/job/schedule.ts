/**
 * CronJob schedules judged from the spec and status alone (no events needed): schedules that
 * stopped firing, deadlines the controller cannot meet, Jobs that never get going.
 */
import { displayName, refOf } from '../../../cluster/state.js';
import type { Job } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, isActivePod, kubectl, label } from '../util.js';
import { pushTo } from '../network/lookup.js';
import { isFinished } from './jobs.js';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

/** Go duration strings as @every takes them: "1h30m", "90s". */
function goDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (unit === 'h' ? HOUR : unit === 'm' ? MINUTE : 1), 0);
}

/** `*` → undefined (every), `*\/N` → N, anything else (values, lists, ranges) → 0 (specific). */
function step(field: string): number | undefined {
  if (field === '*' || field === '?') return undefined;
  const m = /^\*\/(\d+)$/.exec(field);
  return m ? Number(m[1]) : 0;
}

/**
 * The longest gap between two runs of a cron schedule, as an upper bound good enough to tell
 * "late" from "stopped". Undefined when the expression is not understood.
 */
export function maxScheduleGapSeconds(schedule: string): number | undefined {
  const expr = schedule.trim().replace(/^(CRON_TZ|TZ)=\S+\s+/, '');
  const descriptors: Record<string, number> = { '@yearly': 366 * DAY, '@annually': 366 * DAY, '@monthly': 31 * DAY, '@weekly': 7 * DAY, '@daily': DAY, '@midnight': DAY, '@hourly': HOUR };
  if (descriptors[expr] !== undefined) return descriptors[expr];
  if (expr.startsWith('@every ')) return goDuration(expr.slice(7).trim());
  const fields = expr.split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, dom, month, dow] = fields.map(step);
  if (month !== undefined) return 366 * DAY;
  if (dom !== undefined) return 31 * DAY;
  if (dow !== undefined) return 7 * DAY;
  if (hour === 0) return DAY;
  const hourGap = hour === undefined ? HOUR : hour * HOUR;
  if (minute === undefined) return hour === undefined ? MINUTE : hourGap;
  if (minute > 0 && hour === undefined) return minute * MINUTE;
  return hourGap;
}

/** Missing this many consecutive runs is not lateness any more. */
const MISSED_RUNS = 3;

const notScheduling: Scenario = {
  id: 'job.cronjob-not-scheduling',
  category: 'job',
  severity: 'warning',
  needs: ['CronJob'],
  title: 'CronJob stopped creating Jobs',
  description:
    'status.lastScheduleTime (or the creation time, if it never ran) is more than three schedule periods old on an ' +
    'unsuspended CronJob with no active Job: the controller is not starting it (too many missed starts, invalid ' +
    'schedule or time zone, controller-manager down, clock skew). Evidence: the schedule, lastScheduleTime and the age. ' +
    'Fix: see the CronJob\'s events; setting startingDeadlineSeconds lets the controller resume after long outages.',
  detect(state) {
    const detections: Detection[] = [];
    for (const cron of state.cronJobs) {
      if (cron.spec?.suspend || (cron.status?.active ?? []).length > 0) continue;
      const gap = maxScheduleGapSeconds(cron.spec?.schedule ?? '');
      if (gap === undefined) continue;
      // The newest Job it created also proves a run (status may lag or be missing in a snapshot).
      const newestJob = state.children<Job>(cron).reduce<string | undefined>((latest, j) => {
        const t = j.metadata.creationTimestamp;
        return t && (!latest || Date.parse(t) > Date.parse(latest)) ? t : latest;
      }, undefined);
      const candidates = [cron.status?.lastScheduleTime, newestJob].filter((t): t is string => !!t);
      const since = candidates.sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? cron.metadata.creationTimestamp;
      const idle = ageSeconds(state, since);
      if (!Number.isFinite(idle) || idle < MISSED_RUNS * gap + 10 * MINUTE) continue;
      const ref = refOf(cron);
      // A controller warning since the last run names the reason; those scenarios report it.
      const sinceMs = Date.parse(since ?? '') || 0;
      if (state.eventsFor(ref).some((e) => e.type === 'Warning' && Date.parse(e.lastTimestamp ?? e.eventTime ?? '') > sinceMs)) continue;
      const hours = Math.round(idle / 360) / 10;
      detections.push({
        resource: ref,
        rootCause: ref,
        title: `CronJob ${displayName(ref)} has not scheduled a Job for ${hours}h (schedule "${cron.spec?.schedule}")`,
        explanation:
          `With schedule "${cron.spec?.schedule}" it should run at least every ${Math.round(gap / 60)} minutes, but the last run was scheduled ` +
          `${cron.status?.lastScheduleTime ? `at ${cron.status.lastScheduleTime}` : 'never (since creation)'}; the controller is not starting it.`,
        evidence: [
          `${label(ref)}: spec.schedule="${cron.spec?.schedule}" suspend=false startingDeadlineSeconds=${cron.spec?.startingDeadlineSeconds ?? '<unset>'}; ` +
            `status.lastScheduleTime=${cron.status?.lastScheduleTime ?? '<never>'} (${hours}h ago), status.active=[]`,
        ],
        remediation: [kubectl(ref.namespace, `describe cronjob ${ref.name}  # controller events`), kubectl(ref.namespace, `patch cronjob ${ref.name} -p '{"spec":{"startingDeadlineSeconds":200}}'`)],
        confidence: 0.7,
      });
    }
    return detections;
  },
};

/** The CronJob controller re-syncs roughly every 10 seconds; shorter deadlines miss runs. */
const CONTROLLER_PERIOD_SECONDS = 10;

const deadlineTooShort: Scenario = {
  id: 'job.cronjob-starting-deadline-too-short',
  category: 'job',
  severity: 'warning',
  needs: ['CronJob'],
  title: 'CronJob startingDeadlineSeconds is shorter than the controller\'s sync period',
  description:
    'With spec.startingDeadlineSeconds below 10 the CronJob controller, which checks schedules about every 10 seconds, ' +
    'often finds the start time already past its deadline and skips the run (MissSchedule). Evidence: the field. Fix: ' +
    'use at least tens of seconds (minutes for safety).',
  detect(state) {
    return state.cronJobs
      .filter((c) => c.spec?.startingDeadlineSeconds !== undefined && c.spec.startingDeadlineSeconds < CONTROLLER_PERIOD_SECONDS && !c.spec.suspend)
      .map((c): Detection => {
        const ref = refOf(c);
        return {
          resource: ref,
          rootCause: ref,
          title: `CronJob ${displayName(ref)} has startingDeadlineSeconds=${c.spec!.startingDeadlineSeconds}`,
          explanation: `A run that the controller notices more than ${c.spec!.startingDeadlineSeconds}s late is skipped, and it only checks about every ${CONTROLLER_PERIOD_SECONDS}s.`,
          evidence: [`${label(ref)}: spec.startingDeadlineSeconds=${c.spec!.startingDeadlineSeconds} status.lastScheduleTime=${c.status?.lastScheduleTime ?? '<never>'}`],
          remediation: [kubectl(ref.namespace, `patch cronjob ${ref.name} -p '{"spec":{"startingDeadlineSeconds":300}}'`)],
          confidence: 0.8,
        };
      });
  },
};

/** A Job with no running pod this long after it started is stuck, not starting. */
const STUCK_SECONDS = 900;

const jobNotProgressing: Scenario = {
  id: 'job.no-running-pods',
  category: 'job',
  severity: 'warning',
  consequence: true,
  needs: ['Job'],
  title: 'Job has no running pod',
  description:
    'An unfinished, unsuspended Job started more than 15 minutes ago and none of its pods is running or has succeeded: ' +
    'they are Pending, cannot be created or cannot start. A consequence of the pods\' own problem (scheduling, image, ' +
    'quota...), into which it folds; on its own it points at the Job\'s workload.',
  detect(state) {
    const detections: Detection[] = [];
    for (const job of state.jobs) {
      if (isFinished(job) || job.spec?.suspend || job.spec?.parallelism === 0) continue;
      if (ageSeconds(state, job.status?.startTime ?? job.metadata.creationTimestamp) < STUCK_SECONDS) continue;
      const pods = state.podsOf(job);
      if (pods.some((p) => p.status?.phase === 'Running' || p.status?.phase === 'Succeeded')) continue;
      const ref = refOf(job);
      const waiting = pods.filter(isActivePod);
      detections.push({
        resource: ref,
        rootCause: state.workloadOf(job),
        affected: waiting.map(refOf),
        dependsOn: [ref, ...waiting.map(refOf)],
        title: `Job ${displayName(ref)} has had no running pod for ${Math.round(ageSeconds(state, job.status?.startTime ?? job.metadata.creationTimestamp) / 60)} minutes`,
        explanation: `${waiting.length ? `Its ${waiting.length} pod(s) are ${[...new Set(waiting.map((p) => p.status?.phase ?? 'Unknown'))].join('/')}` : 'It has no pods'}, so the Job makes no progress.`,
        evidence: [
          `${label(ref)}: status.startTime=${job.status?.startTime ?? '<none>'} active=${job.status?.active ?? 0} succeeded=${job.status?.succeeded ?? 0} failed=${job.status?.failed ?? 0}`,
          ...waiting.slice(0, 3).map((p) => `Pod ${p.metadata.namespace}/${p.metadata.name}: phase=${p.status?.phase ?? 'Unknown'}`),
        ],
        remediation: [kubectl(ref.namespace, `describe job ${ref.name}`), kubectl(ref.namespace, `get pods -l job-name=${ref.name}`)],
        confidence: 0.6,
      });
    }
    return detections;
  },
};

/** Finished Jobs a namespace may keep before they are clutter for the API server and for people. */
const FINISHED_JOBS_LIMIT = 50;

const finishedJobsPileUp: Scenario = {
  id: 'job.finished-jobs-not-cleaned-up',
  category: 'job',
  severity: 'info',
  needs: ['Job'],
  title: 'Finished Jobs are never cleaned up',
  description:
    'More than 50 finished Jobs without ttlSecondsAfterFinished (and not owned by a CronJob, whose history limits clean ' +
    'up) sit in one namespace, with their pods: they load the API server and etcd and hide the Jobs that matter. ' +
    'Evidence: the count. Fix: set ttlSecondsAfterFinished in the Job template and delete the old Jobs.',
  detect(state) {
    const byNamespace = new Map<string, Job[]>();
    for (const job of state.jobs) {
      if (!isFinished(job) || job.spec?.ttlSecondsAfterFinished !== undefined || state.controllerRef(job)?.kind === 'CronJob') continue;
      const ns = job.metadata.namespace ?? 'default';
      pushTo(byNamespace, ns, job);
    }
    return [...byNamespace.entries()]
      .filter(([, jobs]) => jobs.length > FINISHED_JOBS_LIMIT)
      .map(([ns, jobs]): Detection => {
        const owners = [...new Map(jobs.map((j) => [state.workloadOf(j).name, state.workloadOf(j)])).values()];
        return {
          resource: refOf(jobs[0]),
          rootCause: owners.length === 1 ? owners[0] : refOf(jobs[0]),
          affected: jobs.slice(1, 20).map(refOf),
          title: `${jobs.length} finished Jobs without ttlSecondsAfterFinished in namespace ${ns}`,
          explanation: 'Nothing deletes these Jobs or their pods; they accumulate until someone cleans up by hand.',
          evidence: [`namespace ${ns}: ${jobs.length} finished Jobs, e.g. ${jobs.slice(0, 3).map((j) => j.metadata.name).join(', ')}; none sets spec.ttlSecondsAfterFinished`],
          remediation: [kubectl(ns, `delete jobs --field-selector status.successful=1`), 'set spec.ttlSecondsAfterFinished (e.g. 86400) where the Jobs are created'],
          confidence: 0.9,
        };
      });
  },
};

export const scheduleScenarios: Scenario[] = [notScheduling, deadlineTooShort, jobNotProgressing, finishedJobsPileUp];

