import type { PolicyName } from './policies.js';

/**
 * Published openb results of the FGD authors' simulator (means over seeds 42..51, from
 * openb/REFERENCE.md): allocation % at 100% and 130% arrived. Used to show replay fidelity.
 */
const PUBLISHED: Record<string, Partial<Record<PolicyName, readonly [number, number]>>> = {
  default: {
    random: [86.3, 87.47],
    dotprod: [90.62, 90.85],
    packing: [91.78, 92.0],
    bestfit: [92.86, 93.08],
    fgd: [95.23, 95.39],
  },
  cpu050: { bestfit: [93.56, 93.79], fgd: [95.0, 95.21] },
  multigpu20: { bestfit: [93.73, 93.93], fgd: [95.53, 95.65] },
  gpushare40: { bestfit: [91.44, 91.69], fgd: [93.96, 94.15] },
  gpuspec10: { bestfit: [93.1, 93.31], fgd: [94.66, 94.95] },
};

/** The published [alloc@100%, alloc@130%] for a trace file name such as `openb_pod_list_cpu050`. */
export function publishedAllocation(trace: string, policy: PolicyName): readonly [number, number] | undefined {
  const variant = /openb_pod_list_([a-z0-9]+)$/.exec(trace)?.[1];
  return variant ? PUBLISHED[variant]?.[policy] : undefined;
}
