import type { KubeObject } from './store/index.js';

/** A permissive structural schema: the simulator stores custom resources as given. */
const anyObject = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function crd(
  group: string,
  version: string,
  kind: string,
  plural: string,
  scope: 'Namespaced' | 'Cluster',
  shortNames: string[],
  columns: Array<{ name: string; type: string; jsonPath: string }>,
): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), shortNames },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: anyObject },
          subresources: { status: {} },
          additionalPrinterColumns: columns,
        },
      ],
    },
  };
}

/**
 * The Volcano CRDs the simulator installs at start, as a cluster running Volcano has them:
 * PodGroup (gangs), Queue, and HyperNode (network topology tiers).
 */
export const volcanoCrds: KubeObject[] = [
  crd('scheduling.volcano.sh', 'v1beta1', 'PodGroup', 'podgroups', 'Namespaced', ['pg', 'podgroup-v1beta1'], [
    { name: 'STATUS', type: 'string', jsonPath: '.status.phase' },
    { name: 'minMember', type: 'integer', jsonPath: '.spec.minMember' },
    { name: 'RUNNINGS', type: 'integer', jsonPath: '.status.running' },
  ]),
  crd('scheduling.volcano.sh', 'v1beta1', 'Queue', 'queues', 'Cluster', ['q', 'queue-v1beta1'], [
    { name: 'PARENT', type: 'string', jsonPath: '.spec.parent' },
  ]),
  crd('topology.volcano.sh', 'v1alpha1', 'HyperNode', 'hypernodes', 'Cluster', ['hn'], [
    { name: 'TIER', type: 'string', jsonPath: '.spec.tier' },
    { name: 'NODECOUNT', type: 'integer', jsonPath: '.status.nodeCount' },
  ]),
];
