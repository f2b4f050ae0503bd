/** CronJobs that do not start their Jobs: missed schedules, invalid schedules, Forbid blocked, suspended. */
import { displayName, refOf } from '../../../cluster/state.js';
import type { CronJob, Event, Job } from '../../../cluster/types.js';
import type { Detection, Scenario, Severity } from '../../types.js';
import { ageSeconds, eventLine, eventsMatching, kubectl, label } from '../util.js';
import { isFinished } from './jobs.js';

function eventTime(e: Event): number {
  return Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '') || 0;
}

function scheduleLine(cron: CronJob): string {
  const spec = cron.spec;
  return (
    `${label(cron)}: spec.schedule="${spec?.schedule}"${spec?.timeZone ? ` timeZone=${spec.timeZone}` : ''} ` +
    `startingDeadlineSeconds=${spec?.startingDeadlineSeconds ?? '<unset>'} concurrencyPolicy=${spec?.concurrencyPolicy ?? 'Allow'} ` +
    `suspend=${spec?.suspend ?? false}; status.lastScheduleTime=${cron.status?.lastScheduleTime ?? '<never>'}`
  );
}

interface CronEventKind {
  id: string;
  reasons: string[];
  pattern?: RegExp;
  severity: Severity;
  /** Severity for particular reasons (e.g. the old controller stops scheduling entirely). */
  severityByReason?: Record<string, Severity>;
  title: string;
  description: string;
  explain: (cron: CronJob, event: Event) => string;
  fix: (cron: CronJob) => string[];
}

/**
 * A CronJob controller warning that is still current: newer than the last Job the CronJob
 * managed to schedule (once a run is scheduled again, the old warning is history).
 */
function cronEventScenario(kind: CronEventKind): Scenario {
  return {
    id: kind.id,
    category: 'job',
    severity: kind.severity,
    title: kind.title,
    description: kind.description,
    needs: ['CronJob'],
    detect(state) {
      const detections: Detection[] = [];
      for (const cron of state.cronJobs) {
        const events = eventsMatching(state, cron, kind.reasons, kind.pattern);
        const lastScheduled = Date.parse(cron.status?.lastScheduleTime ?? '') || 0;
        const current = events.filter((e) => eventTime(e) > lastScheduled);
        if (current.length === 0) continue;
        const ref = refOf(cron);
        detections.push({
          resource: ref,
          rootCause: ref,
          affected: [],
          title: `CronJob ${displayName(ref)}: ${kind.title.toLowerCase()}`,
          explanation: kind.explain(cron, current[0]),
          evidence: [...current.slice(0, 2).map((e) => eventLine(cron, e)), scheduleLine(cron)],
          remediation: kind.fix(cron),
          confidence: 0.9,
          severity: kind.severityByReason?.[current[0].reason ?? ''],
        });
      }
      return detections;
    },
  };
}

const tooManyMissed = cronEventScenario({
  id: 'job.cronjob-too-many-missed-starts',
  // Current controller: TooManyMissedTimes "too many missed start times: N. Set or decrease ...";
  // the pre-1.21 controller: FailedNeedsStart "Cannot determine if job needs to be started: Too many missed start time (> 100). ..."
  reasons: ['TooManyMissedTimes', 'FailedNeedsStart'],
  pattern: /too many missed start time/i,
  severity: 'warning',
  severityByReason: { FailedNeedsStart: 'critical' },
  title: 'Too many missed start times',
  description:
    'The CronJob controller counted more than 100 missed schedules since status.lastScheduleTime (controller or control ' +
    'plane down, clock skew, or a long suspension) with spec.startingDeadlineSeconds unset. Older controllers then refuse ' +
    'to start the CronJob at all ("Cannot determine if job needs to be started: Too many missed start time (> 100). Set ' +
    'or decrease .spec.startingDeadlineSeconds or check clock skew."); newer ones warn (TooManyMissedTimes). Fix: set ' +
    'spec.startingDeadlineSeconds (e.g. 200) so only recent misses count.',
  explain: (cron) =>
    `The controller gave up computing the missed runs since ${cron.status?.lastScheduleTime ?? 'the CronJob was created'} because there are more than 100 of them` +
    ` and spec.startingDeadlineSeconds is ${cron.spec?.startingDeadlineSeconds ?? 'unset'}, so no new Job is started.`,
  fix: (cron) => [kubectl(cron.metadata.namespace, `patch cronjob ${cron.metadata.name} -p '{"spec":{"startingDeadlineSeconds":200}}'`)],
});

const missedSchedule = cronEventScenario({
  id: 'job.cronjob-missed-schedule',
  reasons: ['MissSchedule'],
  severity: 'warning',
  title: 'Missed its scheduled start',
  description:
    'The controller saw a scheduled time later than startingDeadlineSeconds allows and skipped it ("Missed scheduled ' +
    'time to start a job: <time>"), typically because the deadline is shorter than the controller\'s sync delay or a ' +
    'Forbid policy held the slot. Evidence: MissSchedule events newer than the last scheduled run. Fix: raise ' +
    'startingDeadlineSeconds (≥ 10s; minutes for safety).',
  explain: (cron, e) => `${e.message ?? 'A start was missed'}; with startingDeadlineSeconds=${cron.spec?.startingDeadlineSeconds ?? '<unset>'} the run was skipped.`,
  fix: (cron) => [kubectl(cron.metadata.namespace, `patch cronjob ${cron.metadata.name} -p '{"spec":{"startingDeadlineSeconds":300}}'`)],
});

const invalidSchedule = cronEventScenario({
  id: 'job.cronjob-invalid-schedule',
  reasons: ['UnparseableSchedule', 'InvalidSchedule', 'UnParseableCronJobSchedule', 'UnknownTimeZone'],
  severity: 'critical',
  title: 'Schedule or time zone cannot be parsed',
  description:
    'The controller cannot parse spec.schedule or spec.timeZone (events UnparseableSchedule "unparseable schedule: ...", ' +
    'InvalidSchedule, UnknownTimeZone "invalid timeZone: ..."), so the CronJob never runs. Evidence: those events and ' +
    'the spec. Fix the cron expression (5 fields, standard syntax) or the IANA time zone name.',
  explain: (cron, e) => `The schedule "${cron.spec?.schedule}" is rejected by the controller (${e.message ?? e.reason}), so no Job is ever created.`,
  fix: (cron) => [kubectl(cron.metadata.namespace, `patch cronjob ${cron.metadata.name} -p '{"spec":{"schedule":"*/5 * * * *"}}'  # your intended schedule, 5 fields`)],
});

const createFailed = cronEventScenario({
  id: 'job.cronjob-create-failed',
  reasons: ['FailedCreate'],
  pattern: /Error creating job/i,
  severity: 'warning',
  title: 'Cannot create its Jobs',
  description:
    'The CronJob controller\'s Job creation is refused by the API server (FailedCreate "Error creating job: ..."): ' +
    'quota on Jobs, an admission webhook or policy, an invalid job template. Evidence: the events newer than the last ' +
    'scheduled run. Fix what the quoted error names.',
  explain: (_cron, e) => `Every scheduled run fails to create its Job: ${e.message ?? ''}`,
  fix: (cron) => [kubectl(cron.metadata.namespace, `describe cronjob ${cron.metadata.name}`)],
});

/** Running longer than this with Forbid means the next runs are being skipped for a long time. */
const FORBID_STUCK_SECONDS = 6 * 3600;

const forbidBlocked: Scenario = {
  id: 'job.cronjob-blocked-by-running-job',
  category: 'job',
  severity: 'warning',
  consequence: true,
  needs: ['CronJob', 'Job'],
  title: 'CronJob with concurrencyPolicy Forbid is blocked by a Job that never finishes',
  description:
    'concurrencyPolicy: Forbid skips every new run while the previous Job is active ("Not starting job because prior ' +
    'execution is running and concurrency policy is Forbid", reason JobAlreadyActive). A Job that hangs (no ' +
    'activeDeadlineSeconds) stops the schedule indefinitely. A consequence: when the Job\'s pods have their own finding ' +
    'it folds into it. Fix: set activeDeadlineSeconds in the job template and delete the stuck Job.',
  detect(state) {
    const detections: Detection[] = [];
    for (const cron of state.cronJobs) {
      if (cron.spec?.concurrencyPolicy !== 'Forbid' || !(cron.status?.active ?? []).length) continue;
      const active = (cron.status?.active ?? [])
        .map((a) => state.get<Job>('Job', a.namespace ?? cron.metadata.namespace, a.name ?? ''))
        .filter((j): j is Job => !!j && !isFinished(j));
      const skipped = eventsMatching(state, cron, 'JobAlreadyActive');
      const stuck = active.filter((j) => ageSeconds(state, j.status?.startTime ?? j.metadata.creationTimestamp) > FORBID_STUCK_SECONDS);
      if (stuck.length === 0 && (skipped.length === 0 || active.length === 0)) continue;
      const job = stuck[0] ?? active[0];
      const ref = refOf(cron);
      const pods = state.podsOf(job).map(refOf);
      const hours = Math.round(ageSeconds(state, job.status?.startTime ?? job.metadata.creationTimestamp) / 360) / 10;
      detections.push({
        resource: ref,
        rootCause: ref,
        affected: [refOf(job), ...pods],
        dependsOn: [refOf(job), ...pods],
        title: `CronJob ${displayName(ref)} is blocked by Job ${job.metadata.name}, active for ${hours}h`,
        explanation:
          `With concurrencyPolicy Forbid no new run starts while ${job.metadata.name} is active; it has been running for ${hours}h ` +
          `and has no activeDeadlineSeconds (${job.spec?.activeDeadlineSeconds ?? 'unset'}), so the schedule is effectively stopped.`,
        evidence: [scheduleLine(cron), `${label(job)}: status.startTime=${job.status?.startTime ?? '?'} active=${job.status?.active ?? 0}`, ...skipped.slice(0, 1).map((e) => eventLine(cron, e))],
        remediation: [
          kubectl(ref.namespace, `delete job ${job.metadata.name}`),
          kubectl(ref.namespace, `patch cronjob ${ref.name} -p '{"spec":{"jobTemplate":{"spec":{"activeDeadlineSeconds":3600}}}}'`),
        ],
        confidence: 0.75,
      });
    }
    return detections;
  },
};

const suspended: Scenario = {
  id: 'job.suspended',
  category: 'job',
  severity: 'info',
  title: 'CronJob or Job is suspended',
  description:
    'spec.suspend is true: a suspended CronJob schedules nothing, a suspended Job runs no pods. Usually deliberate, ' +
    'sometimes left over after maintenance. Evidence: spec.suspend and the last schedule time. Fix: ' +
    'kubectl patch ... -p \'{"spec":{"suspend":false}}\' when it should run.',
  detect(state) {
    const items = [...state.cronJobs.filter((c) => c.spec?.suspend), ...state.jobs.filter((j) => j.spec?.suspend && !isFinished(j) && state.owner(j)?.kind !== 'CronJob')];
    return items.map((obj): Detection => {
      const ref = refOf(obj);
      return {
        resource: ref,
        rootCause: ref,
        title: `${ref.kind} ${displayName(ref)} is suspended`,
        explanation: ref.kind === 'CronJob' ? 'No Job is created while the CronJob is suspended.' : 'The Job runs no pods while it is suspended.',
        evidence: [ref.kind === 'CronJob' ? scheduleLine(obj as CronJob) : `${label(ref)}: spec.suspend=true status.active=${(obj as Job).status?.active ?? 0}`],
        remediation: [kubectl(ref.namespace, `patch ${ref.kind.toLowerCase()} ${ref.name} -p '{"spec":{"suspend":false}}'`)],
        confidence: 0.9,
      };
    });
  },
};

export const cronJobScenarios: Scenario[] = [tooManyMissed, missedSchedule, invalidSchedule, createFailed, forbidBlocked, suspended];
