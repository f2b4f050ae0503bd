import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { maxScheduleGapSeconds } from '../../src/doer/scenarios/job/schedule.js';
import { ago, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj, ownerRef } from './fixtures.js';
import { cronJob, diagnoseExample, exampleExists, job, jobCondition, jobPod } from './controller-fixtures.js';

type Json = Record<string, unknown>;

/** Messages from pkg/controller/job/job_controller.go and pod_failure_policy.go. */
const FAILURES = {
  'job.backoff-limit-exceeded': ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
  'job.deadline-exceeded': ['DeadlineExceeded', 'Job was active longer than specified deadline'],
  'job.pod-failure-policy-failed-job': ['PodFailurePolicy', 'Container main for pod batch/etl-x7k2p failed with exit code 42 matching FailJob rule at index 0'],
  'job.failed-indexes': ['FailedIndexes', 'Job has failed indexes'],
} as const;

function failedJob(reason: string, message: string, owner?: KubeObject, startedAgo = 1800) {
  const j = job('etl', 'batch', { owner, startedAgo, status: { failed: 3, conditions: [jobCondition('Failed', reason, message)] } });
  const pod = jobPod(j, 'etl-x7k2p', 42);
  return { job: j, objects: [j, pod, event(j, 'Warning', reason, message, { component: 'job-controller' })] };
}

describe.each(Object.entries(FAILURES))('%s', (id, [reason, message]) => {
  it('names the Job, quoting the condition and the failed pod\'s exit code', () => {
    const [d] = detect(id, [...healthyNodes(), ...failedJob(reason, message).objects]);
    expect(d.rootCause).toEqual({ kind: 'Job', namespace: 'batch', name: 'etl' });
    expect(d.evidence[0]).toBe(`Job batch/etl: status.conditions[Failed]=True ${reason}: ${message}`);
    expect(d.evidence.join('\n')).toContain('Pod batch/etl-x7k2p: container main terminated: Error exitCode=42');
  });

  it('stays quiet for a completed Job and for a failure with another reason', () => {
    const done = job('etl', 'batch', { status: { succeeded: 1, conditions: [jobCondition('Complete')] } });
    expect(detect(id, [done, jobPod(done, 'etl-x7k2p', 0)])).toEqual([]);
    const other = reason === 'DeadlineExceeded' ? FAILURES['job.backoff-limit-exceeded'] : FAILURES['job.deadline-exceeded'];
    expect(detect(id, failedJob(other[0], other[1]).objects)).toEqual([]);
  });
});

describe('job failures under a CronJob', () => {
  it('names the CronJob for its latest failed run', () => {
    const cron = cronJob('nightly-report', 'batch');
    const { objects } = failedJob('BackoffLimitExceeded', 'Job has reached the specified backoff limit', cron);
    const [d] = detect('job.backoff-limit-exceeded', [cron, ...objects]);
    expect(d.rootCause).toEqual({ kind: 'CronJob', namespace: 'batch', name: 'nightly-report' });
  });

  it('ignores an old failed run once a newer run succeeded', () => {
    const cron = cronJob('nightly-report', 'batch', {}, { lastScheduleTime: ago(300), lastSuccessfulTime: ago(200) });
    const { objects } = failedJob('BackoffLimitExceeded', 'Job has reached the specified backoff limit', cron, 86400);
    const newer = job('etl-2', 'batch', { owner: cron, startedAgo: 300, status: { succeeded: 1, conditions: [jobCondition('Complete', undefined, undefined, 200)] } });
    expect(detect('job.backoff-limit-exceeded', [cron, ...objects, newer])).toEqual([]);
  });

  it('is the first finding for the CronJob in a full diagnosis', () => {
    const cron = cronJob('nightly-report', 'batch');
    const report = diagnoseObjects([...healthyNodes(), cron, ...failedJob('DeadlineExceeded', 'Job was active longer than specified deadline', cron).objects]);
    const first = firstFindingFor(report, 'CronJob', 'nightly-report');
    expect(first?.category).toBe('job');
    expect(first?.rootCause).toEqual({ kind: 'CronJob', namespace: 'batch', name: 'nightly-report' });
  });
});

describe('job.parallelism-zero', () => {
  it('flags an active Job that can never run a pod', () => {
    const [d] = detect('job.parallelism-zero', [job('etl', 'batch', { spec: { parallelism: 0 } })]);
    expect(d.evidence[0]).toContain('spec.parallelism=0');
  });

  it('stays quiet for suspended or finished Jobs', () => {
    expect(detect('job.parallelism-zero', [job('etl', 'batch', { spec: { parallelism: 0, suspend: true } })])).toEqual([]);
    expect(detect('job.parallelism-zero', [job('etl', 'batch', { spec: { parallelism: 0 }, status: { conditions: [jobCondition('Complete')] } })])).toEqual([]);
  });
});

/** CronJob controller events, as cronjob_controllerv2.go and the pre-1.21 controller record them. */
const CRON_EVENTS: Array<[string, string, string, Json]> = [
  ['job.cronjob-too-many-missed-starts', 'TooManyMissedTimes', 'too many missed start times: 1234. Set or decrease .spec.startingDeadlineSeconds or check clock skew', {}],
  ['job.cronjob-too-many-missed-starts', 'FailedNeedsStart', 'Cannot determine if job needs to be started: Too many missed start time (> 100). Set or decrease .spec.startingDeadlineSeconds or check clock skew.', {}],
  ['job.cronjob-missed-schedule', 'MissSchedule', 'Missed scheduled time to start a job: Sat, 28 Nov 2026 09:55:00 +0000', { startingDeadlineSeconds: 5 }],
  ['job.cronjob-invalid-schedule', 'UnparseableSchedule', 'unparseable schedule: "*/5 * * *" : expected exactly 5 fields, found 4: */5 * * *', { schedule: '*/5 * * *' }],
  ['job.cronjob-invalid-schedule', 'UnknownTimeZone', 'invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus', { timeZone: 'Mars/Olympus' }],
  ['job.cronjob-create-failed', 'FailedCreate', 'Error creating job: jobs.batch "report-29401234" is forbidden: exceeded quota: batch-quota, requested: count/jobs.batch=1, used: count/jobs.batch=20, limited: count/jobs.batch=20', {}],
];

describe.each(CRON_EVENTS)('%s (%s)', (id, reason, message, spec) => {
  const withEvent = (lastScheduleAgo: number) => {
    const cron = cronJob('report', 'batch', spec, { lastScheduleTime: ago(lastScheduleAgo) });
    return [cron, event(cron, 'Warning', reason, message, { component: 'cronjob-controller', count: 12, secondsAgo: 60 })];
  };

  it('names the CronJob, quoting the controller event', () => {
    const [d] = detect(id, withEvent(86400));
    expect(d.rootCause).toEqual({ kind: 'CronJob', namespace: 'batch', name: 'report' });
    expect(d.evidence[0]).toContain(`${reason} (x12): ${message}`);
  });

  it('stays quiet once a run was scheduled after the warning', () => {
    expect(detect(id, withEvent(10))).toEqual([]);
  });
});

describe('job.cronjob-blocked-by-running-job', () => {
  function forbid(startedAgo: number) {
    const cron = cronJob('sync', 'batch', { concurrencyPolicy: 'Forbid' });
    const running = job('sync-29401200', 'batch', { owner: cron, startedAgo, status: { active: 1 } });
    (cron.status as Json).active = [{ kind: 'Job', namespace: 'batch', name: running.metadata.name, uid: running.metadata.uid, apiVersion: 'batch/v1' }];
    return [cron, running];
  }

  it('names the CronJob blocked by its long-running Job', () => {
    const objects = forbid(3 * 86400);
    const skipped = event(objects[0], 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', { component: 'cronjob-controller', count: 800 });
    const [d] = detect('job.cronjob-blocked-by-running-job', [...objects, skipped]);
    expect(d.rootCause).toEqual({ kind: 'CronJob', namespace: 'batch', name: 'sync' });
    expect(d.dependsOn).toContainEqual({ kind: 'Job', namespace: 'batch', name: 'sync-29401200' });
    expect(d.evidence.join('\n')).toContain('Not starting job because prior execution is running and concurrency policy is Forbid');
  });

  it('stays quiet while the current run is young and no start was skipped', () => {
    expect(detect('job.cronjob-blocked-by-running-job', forbid(120))).toEqual([]);
  });
});

describe('job.suspended', () => {
  it('reports a suspended CronJob as info', () => {
    const [d] = detect('job.suspended', [cronJob('report', 'batch', { suspend: true })]);
    expect(d.rootCause).toEqual({ kind: 'CronJob', namespace: 'batch', name: 'report' });
    expect(diagnoseObjects([cronJob('report', 'batch', { suspend: true })]).summary).toMatchObject({ critical: 0, warning: 0 });
  });

  it('stays quiet for active CronJobs and finished suspended Jobs', () => {
    expect(detect('job.suspended', [cronJob('report', 'batch'), job('done', 'batch', { spec: { suspend: true }, status: { conditions: [jobCondition('Complete')] } })])).toEqual([]);
  });
});

describe.skipIf(!exampleExists('043-job-cronjob-too-many-missed-start-times'))('shared example 043', () => {
  it('diagnoses the CronJob that stopped scheduling', () => {
    const { report, label } = diagnoseExample('043-job-cronjob-too-many-missed-start-times');
    const first = firstFindingFor(report, label.symptom!.kind, label.symptom!.name);
    expect(first?.category).toBe(label.category);
    expect(label.rootCause).toContainEqual(first?.rootCause);
  });
});

describe('job.cronjob-not-scheduling', () => {
  it.each([
    ['*/5 * * * *', 300], ['0 * * * *', 3600], ['0 */6 * * *', 21600], ['30 2 * * *', 86400], ['0 3 * * 1', 7 * 86400],
    ['CRON_TZ=Europe/Paris 0 2 * * *', 86400], ['@hourly', 3600], ['@every 1h30m', 5400],
  ])('reads the period of "%s" as at most %ss', (schedule, seconds) => {
    expect(maxScheduleGapSeconds(schedule)).toBe(seconds);
  });

  it('flags a CronJob whose last run is many periods old', () => {
    const cron = cronJob('sync', 'batch', { schedule: '*/10 * * * *' }, { lastScheduleTime: ago(3 * 86400) });
    const [d] = detect('job.cronjob-not-scheduling', [cron]);
    expect(d.rootCause).toEqual({ kind: 'CronJob', namespace: 'batch', name: 'sync' });
    expect(d.evidence[0]).toContain('status.lastScheduleTime=' + ago(3 * 86400) + ' (72h ago)');
  });

  it('stays quiet for a daily job that ran this morning, a suspended one, and when a controller warning already explains it', () => {
    expect(detect('job.cronjob-not-scheduling', [cronJob('backup', 'batch', { schedule: '0 2 * * *' }, { lastScheduleTime: ago(8 * 3600) })])).toEqual([]);
    expect(detect('job.cronjob-not-scheduling', [cronJob('sync', 'batch', { schedule: '*/10 * * * *', suspend: true }, { lastScheduleTime: ago(3 * 86400) })])).toEqual([]);
    const cron = cronJob('sync', 'batch', { schedule: '*/10 * * * *' }, { lastScheduleTime: ago(3 * 86400) });
    const warned = event(cron, 'Warning', 'TooManyMissedTimes', 'too many missed start times: 432. Set or decrease .spec.startingDeadlineSeconds or check clock skew', { component: 'cronjob-controller' });
    expect(detect('job.cronjob-not-scheduling', [cron, warned])).toEqual([]);
  });
});

describe('job.cronjob-starting-deadline-too-short', () => {
  it('flags a deadline under the controller\'s 10s sync', () => {
    expect(detect('job.cronjob-starting-deadline-too-short', [cronJob('tick', 'batch', { startingDeadlineSeconds: 5 })])[0].evidence[0]).toContain('spec.startingDeadlineSeconds=5');
  });

  it('stays quiet for a deadline of minutes or none', () => {
    expect(detect('job.cronjob-starting-deadline-too-short', [cronJob('tick', 'batch', { startingDeadlineSeconds: 300 }), cronJob('tock', 'batch')])).toEqual([]);
  });
});

describe('job.no-running-pods', () => {
  const pendingPod = (j: KubeObject) => obj('Pod', 'v1', 'etl-q2w3e', 'batch', { spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: ago(3000) }] } }, { ownerReferences: [ownerRef(j)], labels: { 'job-name': 'etl' }, creationTimestamp: ago(3000) });

  it('reports a Job whose only pod has been Pending for long, depending on it', () => {
    const j = job('etl', 'batch', { startedAgo: 3000, status: { active: 1 } });
    const [d] = detect('job.no-running-pods', [j, pendingPod(j)]);
    expect(d.rootCause).toEqual({ kind: 'Job', namespace: 'batch', name: 'etl' });
    expect(d.dependsOn).toContainEqual({ kind: 'Pod', namespace: 'batch', name: 'etl-q2w3e' });
  });

  it('stays quiet for a running or just-started Job', () => {
    const running = job('etl', 'batch', { startedAgo: 3000, status: { active: 1 } });
    const pod = obj('Pod', 'v1', 'etl-r1', 'batch', { spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] }, status: { phase: 'Running' } }, { ownerReferences: [ownerRef(running)] });
    expect(detect('job.no-running-pods', [running, pod])).toEqual([]);
    const fresh = job('etl', 'batch', { startedAgo: 30, status: { active: 1 } });
    expect(detect('job.no-running-pods', [fresh, pendingPod(fresh)])).toEqual([]);
  });
});

describe('job.finished-jobs-not-cleaned-up', () => {
  const finished = (n: number, ttl?: number) =>
    Array.from({ length: n }, (_, i) => job(`report-${i}`, 'reports', { spec: ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }, status: { succeeded: 1, conditions: [jobCondition('Complete')] } }));

  it('reports a namespace full of finished Jobs without a TTL (info)', () => {
    const [d] = detect('job.finished-jobs-not-cleaned-up', finished(60));
    expect(d.title).toBe('60 finished Jobs without ttlSecondsAfterFinished in namespace reports');
  });

  it('stays quiet with a TTL or a handful of Jobs', () => {
    expect(detect('job.finished-jobs-not-cleaned-up', finished(60, 3600))).toEqual([]);
    expect(detect('job.finished-jobs-not-cleaned-up', finished(5))).toEqual([]);
  });
});

describe('job failures whose pods show a more specific cause', () => {
  it('rank below the pod-level finding (OOMKilled pods → the oom finding comes first for the Job)', () => {
    const j = job('etl', 'batch', { status: { failed: 3, conditions: [jobCondition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] } });
    const pods = [jobPod(j, 'etl-a', 137, 'OOMKilled'), jobPod(j, 'etl-b', 137, 'OOMKilled')];
    const report = diagnoseObjects([...healthyNodes(), j, ...pods]);
    expect(firstFindingFor(report, 'Job', 'etl')?.category).toBe('oom');
    expect(report.findings.map((f) => f.scenario)).toContain('job.backoff-limit-exceeded');
  });
});

describe('job.cronjob-not-scheduling reads runs from the Jobs too', () => {
  it('stays quiet when a recent Job proves a run even if status.lastScheduleTime lags', () => {
    const cron = cronJob('sync', 'batch', { schedule: '*/10 * * * *' }, { lastScheduleTime: ago(3 * 86400) });
    const recent = job('sync-29401190', 'batch', { owner: cron, startedAgo: 300, status: { succeeded: 1, conditions: [jobCondition('Complete', undefined, undefined, 200)] } });
    expect(detect('job.cronjob-not-scheduling', [cron, recent])).toEqual([]);
  });
});
