import { invalid, type KubeObject, type ResourceType, type StatusCause } from './types.js';

type Cause = Required<StatusCause>;

const subdomain = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const subdomainPattern = new RegExp(`^${subdomain}$`);
const labelPattern = new RegExp(`^${label}$`);

/** Resources whose names must be RFC 1123 labels (they become DNS labels), as in the real API server. */
const labelNamedResources = new Set(['namespaces', 'services']);

/**
 * The API server's validation, for the fields the simulator's users trip over: names, pod
 * containers, workload selectors. Throws a 422 Invalid StatusError with one cause per field.
 */
export function validateObject(type: ResourceType, obj: KubeObject): void {
  const causes: Cause[] = [];
  const name = obj.metadata.name ?? '';
  if (!name) causes.push(required('metadata.name', 'name or generateName is required'));
  else causes.push(...validateName(type, name));
  const spec = obj.spec as Record<string, unknown> | undefined;
  if (type.group === '' && type.resource === 'pods') causes.push(...validatePodSpec(spec, 'spec'));
  if (type.group === 'apps' && ['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(type.resource)) {
    causes.push(...validateWorkload(spec));
  }
  if (causes.length) throw invalid(type, name, causes);
}

function validateName(type: ResourceType, name: string): Cause[] {
  if (labelNamedResources.has(type.resource) && type.group === '') {
    if (name.length > 63 || !labelPattern.test(name)) {
      return [
        invalidValue(
          'metadata.name',
          name,
          `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${label}')`,
        ),
      ];
    }
    return [];
  }
  if (name.length > 253 || !subdomainPattern.test(name)) {
    return [
      invalidValue(
        'metadata.name',
        name,
        `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${subdomain}')`,
      ),
    ];
  }
  return [];
}

function validatePodSpec(spec: Record<string, unknown> | undefined, path: string): Cause[] {
  const causes: Cause[] = [];
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(required(`${path}.containers`, ''));
    return causes;
  }
  containers.forEach((c: Record<string, unknown>, i: number) => {
    if (!c?.name) causes.push(required(`${path}.containers[${i}].name`, ''));
    if (!c?.image) causes.push(required(`${path}.containers[${i}].image`, ''));
  });
  return causes;
}

function validateWorkload(spec: Record<string, unknown> | undefined): Cause[] {
  const selector = spec?.selector as { matchLabels?: Record<string, string> } | undefined;
  const template = spec?.template as { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } | undefined;
  const causes: Cause[] = [];
  if (!selector) causes.push(required('spec.selector', ''));
  const labels = template?.metadata?.labels ?? {};
  const matchLabels = selector?.matchLabels ?? {};
  if (selector && !Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) {
    causes.push(invalidValue('spec.template.metadata.labels', goMap(labels), '`selector` does not match template `labels`'));
  }
  causes.push(...validatePodSpec(template?.spec, 'spec.template.spec'));
  return causes;
}

function required(field: string, detail: string): Cause {
  return { reason: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

function invalidValue(field: string, value: string, detail: string): Cause {
  const shown = value.startsWith('map[') ? value : JSON.stringify(value);
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${shown}: ${detail}` };
}

/** Go's %#v rendering of a map[string]string, which the real error messages contain. */
function goMap(labels: Record<string, string>): string {
  const entries = Object.keys(labels)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(labels[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}
