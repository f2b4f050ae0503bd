import { ClusterState, refKey, sameRef } from '../cluster/state.js';
import type { ObjectRef } from '../cluster/types.js';
import type { Detection, DiagnosisReport, Finding, ReportSource, Scenario, Severity } from './types.js';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
/** Evidence lines kept per finding; a root cause behind 300 pods does not need 300 quotes. */
const MAX_EVIDENCE = 12;

interface Draft extends Finding {
  consequence: boolean;
  dependsOn: ObjectRef[];
  /** refKeys of everything this finding explains, including owners of affected pods. */
  covers: Set<string>;
  /** refKeys of `affected`, so a root cause behind 100,000 pods merges in linear time. */
  affectedKeys: Set<string>;
  mergedInto?: Draft;
  extraEvidence: number;
}

export interface DiagnoseOptions {
  source: ReportSource;
  generatedAt?: Date;
  notes?: string[];
}

/** Detect → resolve → group by root cause → fold consequences into their causes → rank. */
export function diagnose(state: ClusterState, scenarios: readonly Scenario[], options: DiagnoseOptions): DiagnosisReport {
  const notes = [...(options.notes ?? []), ...missingKindNotes(state, scenarios)];
  const drafts = new Map<string, Draft>();
  for (const scenario of scenarios) {
    if (scenario.needs?.some((kind) => !state.hasKind(kind))) continue;
    for (const detection of scenario.detect(state)) addDetection(drafts, scenario, detection, state);
  }
  const findings = foldConsequences([...drafts.values()], state)
    .map(toFinding)
    .sort(compareFindings);
  return {
    apiVersion: 'nakhoda.io/v1alpha1',
    kind: 'DiagnosisReport',
    source: options.source,
    generatedAt: (options.generatedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    summary: summarise(findings, state.objectCount),
    findings,
    notes,
  };
}

function addDetection(drafts: Map<string, Draft>, scenario: Scenario, d: Detection, state: ClusterState): void {
  const key = `${scenario.id}|${refKey(d.rootCause)}`;
  const existing = drafts.get(key);
  if (existing) {
    addAffected(existing, [d.resource, ...(d.affected ?? [])], state);
    addEvidence(existing, d.evidence);
    existing.dependsOn.push(...(d.dependsOn ?? []));
    existing.confidence = Math.max(existing.confidence, d.confidence);
    existing.severity = moreSevere(existing.severity, d.severity ?? scenario.severity);
    return;
  }
  const draft: Draft = {
    scenario: scenario.id,
    category: scenario.category,
    severity: d.severity ?? scenario.severity,
    resource: d.resource,
    rootCause: d.rootCause,
    affected: [],
    confidence: d.confidence,
    title: d.title,
    explanation: d.explanation,
    evidence: [],
    remediation: d.remediation,
    consequence: !!scenario.consequence,
    dependsOn: [...(d.dependsOn ?? [])],
    covers: new Set([refKey(d.rootCause)]),
    affectedKeys: new Set(),
    extraEvidence: 0,
  };
  addAffected(draft, [d.resource, ...(d.affected ?? [])], state);
  addEvidence(draft, d.evidence);
  drafts.set(key, draft);
}

function addAffected(draft: Draft, refs: ObjectRef[], state: ClusterState): void {
  for (const ref of refs) {
    const key = refKey(ref);
    if (draft.affectedKeys.has(key)) continue;
    draft.affectedKeys.add(key);
    draft.affected.push(ref);
    draft.covers.add(key);
    // A broken pod also explains its ReplicaSet's and Deployment's symptoms (stuck rollout, unavailable).
    const obj = state.find(ref);
    if (obj) for (const owner of state.ownerChain(obj)) draft.covers.add(refKey(owner));
  }
}

function addEvidence(draft: Draft, lines: string[]): void {
  for (const line of lines) {
    if (draft.evidence.includes(line)) continue;
    if (draft.evidence.length < MAX_EVIDENCE) draft.evidence.push(line);
    else draft.extraEvidence += 1;
  }
}

function moreSevere(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b;
}

/**
 * A consequence (Service without endpoints, stuck rollout, Ingress 503) becomes a link in the
 * chain of the finding that explains it, instead of a finding of its own. Repeated until no
 * more folds, so Ingress → Service → pods → probe collapses into the probe finding.
 */
function foldConsequences(drafts: Draft[], state: ClusterState): Draft[] {
  let changed = true;
  while (changed) {
    changed = false;
    for (const c of drafts) {
      if (!c.consequence || c.mergedInto) continue;
      const target = findExplainer(c, drafts);
      if (!target) continue;
      c.mergedInto = target;
      addAffected(target, c.affected, state);
      addEvidence(target, c.evidence.map((line) => (line.startsWith('↳') ? line : `↳ ${line}`)));
      target.dependsOn.push(...c.dependsOn);
      target.severity = moreSevere(target.severity, c.severity);
      changed = true;
    }
  }
  return drafts.filter((d) => !d.mergedInto);
}

function findExplainer(c: Draft, drafts: Draft[]): Draft | undefined {
  const wanted = [...c.dependsOn, c.resource].map(refKey);
  let best: Draft | undefined;
  for (const f of drafts) {
    if (f === c || f.mergedInto) continue;
    // A best-practice (info) finding about the same object does not explain an active failure.
    if (f.severity === 'info' && c.severity !== 'info') continue;
    if (f.consequence) {
      // Only into a strictly deeper consequence: one this finding depends on.
      if (!c.dependsOn.some((ref) => sameRef(ref, f.resource))) continue;
      if (f.dependsOn.some((ref) => sameRef(ref, c.resource))) continue;
    } else if (!wanted.some((key) => f.covers.has(key))) {
      continue;
    }
    if (!best || compareFindings(f, best) < 0) best = f;
  }
  return best;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    b.confidence - a.confidence ||
    b.affected.length - a.affected.length ||
    a.scenario.localeCompare(b.scenario) ||
    refKey(a.rootCause).localeCompare(refKey(b.rootCause))
  );
}

function toFinding(d: Draft): Finding {
  const evidence = d.extraEvidence > 0 ? [...d.evidence, `… and ${d.extraEvidence} more like these`] : d.evidence;
  return {
    scenario: d.scenario,
    category: d.category,
    severity: d.severity,
    resource: d.resource,
    rootCause: d.rootCause,
    affected: d.affected,
    confidence: Math.round(d.confidence * 100) / 100,
    title: d.title,
    explanation: d.explanation,
    evidence,
    remediation: d.remediation,
  };
}

function missingKindNotes(state: ClusterState, scenarios: readonly Scenario[]): string[] {
  const missing = new Set<string>();
  let skipped = 0;
  for (const s of scenarios) {
    const absent = (s.needs ?? []).filter((kind) => !state.hasKind(kind));
    absent.forEach((kind) => missing.add(kind));
    if (absent.length > 0) skipped += 1;
  }
  if (skipped === 0) return [];
  const kinds = [...missing].sort().join(', ');
  return [`input has no ${kinds} objects; ${skipped} ${skipped === 1 ? 'scenario that needs them' : 'scenarios that need them'} could not be evaluated`];
}

/** Keep findings that touch a namespace, a category or an object, as the CLI filters ask. */
export function filterFindings(
  findings: Finding[],
  filter: { categories?: string[]; resource?: { kind: string; name: string }; namespace?: string },
): Finding[] {
  return findings.filter((f) => {
    if (filter.categories?.length && !filter.categories.includes(f.category)) return false;
    const refs = [f.resource, f.rootCause, ...f.affected];
    if (filter.namespace && !refs.some((r) => r.namespace === filter.namespace)) return false;
    if (filter.resource) {
      const want = filter.resource;
      if (!refs.some((r) => r.kind.toLowerCase() === want.kind.toLowerCase() && r.name === want.name)) return false;
    }
    return true;
  });
}

export function summarise(findings: Finding[], objects: number): DiagnosisReport['summary'] {
  const summary = { critical: 0, warning: 0, info: 0, objects };
  for (const f of findings) summary[f.severity] += 1;
  return summary;
}

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] <= SEVERITY_RANK[threshold];
}
