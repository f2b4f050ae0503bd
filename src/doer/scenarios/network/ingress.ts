/** Ingresses whose backends, class or TLS secrets point at things that do not exist. */
import type { ClusterState, IngressBackend } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { Ingress, ObjectRef, Service } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { eventLine, kubectl, label } from '../util.js';

function route(b: IngressBackend): string {
  return `${b.host ?? '*'}${b.path ?? ''} → Service ${b.serviceName}:${b.port ?? '<none>'}`;
}

/** Recent events about the Ingress from its controller (e.g. ingress-nginx "Sync" warnings). */
function controllerEvents(state: ClusterState, ingress: Ingress): string[] {
  return state.eventsFor(refOf(ingress)).filter((e) => e.type === 'Warning').slice(0, 3).map((e) => eventLine(ingress, e));
}

/** Groups per key so one missing object is one detection listing every Ingress that needs it. */
function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

interface BrokenBackend {
  ingress: Ingress;
  backend: IngressBackend;
  service?: Service;
}

function backends(state: ClusterState): BrokenBackend[] {
  const result: BrokenBackend[] = [];
  for (const ingress of state.ingresses) {
    for (const backend of state.ingressBackends(ingress)) {
      result.push({ ingress, backend, service: state.get<Service>('Service', ingress.metadata.namespace, backend.serviceName) });
    }
  }
  return result;
}

function servicePortMatches(service: Service, port: number | string | undefined): boolean {
  if (port === undefined || service.spec?.type === 'ExternalName') return true;
  const ports = service.spec?.ports ?? [];
  return typeof port === 'number' || /^\d+$/.test(port) ? ports.some((p) => p.port === Number(port)) : ports.some((p) => p.name === port);
}

const ingressServiceMissing: Scenario = {
  id: 'network.ingress-service-missing',
  category: 'network',
  severity: 'critical',
  needs: ['Ingress', 'Service'],
  title: 'Ingress routes to a Service that does not exist',
  description:
    'An Ingress rule or default backend names a Service that is not in the Ingress\'s namespace, so the controller ' +
    'answers 503 (ingress-nginx logs "service ... does not exist"). Evidence: the Ingress backend and the absent ' +
    'Service. Fix: create the Service, or correct the backend name (Services must be in the same namespace).',
  detect(state) {
    const missing = backends(state).filter((b) => !b.service);
    return groupBy(missing, (b) => `${b.ingress.metadata.namespace}/${b.backend.serviceName}`).map((group): Detection => {
      const first = group[0];
      const ns = first.ingress.metadata.namespace ?? 'default';
      const svc: ObjectRef = { kind: 'Service', namespace: ns, name: first.backend.serviceName };
      const ingresses = [...new Map(group.map((b) => [b.ingress.metadata.name, refOf(b.ingress)])).values()];
      const elsewhere = state.services.filter((s) => s.metadata.name === svc.name && s.metadata.namespace !== ns).map(refOf);
      return {
        resource: ingresses[0],
        rootCause: svc,
        affected: ingresses.slice(1),
        title: `Service ${displayName(svc)} routed to by Ingress ${ingresses[0].name} does not exist`,
        explanation:
          `${ingresses.map((i) => label(i)).join(', ')} send traffic to Service "${svc.name}", which does not exist in namespace ${ns}` +
          `${elsewhere.length ? ` (a Service of that name exists in ${elsewhere.map((e) => e.namespace).join(', ')}; Ingress backends must be in the same namespace)` : ''}.`,
        evidence: [
          ...group.map((b) => `${label(b.ingress)}: ${route(b.backend)}; Service "${svc.name}" not found in namespace ${ns}`),
          ...group.flatMap((b) => controllerEvents(state, b.ingress)),
        ],
        remediation: [
          kubectl(ns, `expose deployment <name> --name=${svc.name} --port=<port>  # or create the Service from its manifest`),
          kubectl(ns, `edit ingress ${ingresses[0].name}  # or point the backend at an existing Service`),
        ],
        confidence: 0.9,
      };
    });
  },
};

const ingressServicePortMissing: Scenario = {
  id: 'network.ingress-service-port-missing',
  category: 'network',
  severity: 'critical',
  needs: ['Ingress', 'Service'],
  title: 'Ingress backend port is not a port of the Service',
  description:
    'The Ingress backend\'s service.port.number (or name, or old servicePort) is not among the Service\'s ports, so the ' +
    'controller has no upstream for that path and answers 503. Evidence: the backend port and the Service\'s ports. Fix ' +
    'the port in the Ingress (it is the Service port, not the container port).',
  detect(state) {
    const broken = backends(state).filter((b) => b.service && !servicePortMatches(b.service, b.backend.port));
    return groupBy(broken, (b) => `${b.ingress.metadata.namespace}/${b.ingress.metadata.name}`).map((group): Detection => {
      const ingress = refOf(group[0].ingress);
      const ns = ingress.namespace ?? 'default';
      return {
        resource: ingress,
        rootCause: ingress,
        affected: group.map((b) => refOf(b.service!)),
        title: `Ingress ${displayName(ingress)} routes to a port its Service does not expose`,
        explanation: group
          .map((b) => `Service ${b.backend.serviceName} exposes [${(b.service!.spec?.ports ?? []).map((p) => (p.name ? `${p.port}/${p.name}` : p.port)).join(', ')}], not ${b.backend.port}`)
          .join('; ') + '.',
        evidence: group.map(
          (b) => `${label(ingress)}: ${route(b.backend)}; ${label(b.service!)} spec.ports=[${(b.service!.spec?.ports ?? []).map((p) => `${p.name ? `${p.name}:` : ''}${p.port}`).join(', ')}]`,
        ),
        remediation: [kubectl(ns, `edit ingress ${ingress.name}  # set backend.service.port to ${group.map((b) => b.service!.spec?.ports?.[0]?.port).join('/')}`)],
        confidence: 0.9,
      };
    });
  },
};

const ingressClassMissing: Scenario = {
  id: 'network.ingress-class-missing',
  category: 'network',
  severity: 'warning',
  needs: ['Ingress', 'IngressClass'],
  title: 'Ingress names an IngressClass that does not exist',
  description:
    'spec.ingressClassName names an IngressClass that is not installed, so no controller picks the Ingress up: it gets ' +
    'no address and serves nothing. Evidence: the class name, the IngressClasses that exist and the empty ' +
    'status.loadBalancer. Fix the class name or install the controller.',
  detect(state) {
    const existing = state.list('IngressClass').map((c) => c.metadata.name);
    // An Ingress with an address is served by some controller, whatever its class says.
    const orphans = state.ingresses.filter((i) => i.spec?.ingressClassName && !existing.includes(i.spec.ingressClassName) && !hasAddress(i));
    return groupBy(orphans, (i) => i.spec!.ingressClassName!).map((group): Detection => {
      const className = group[0].spec!.ingressClassName!;
      const refs = group.map(refOf);
      return {
        resource: refs[0],
        rootCause: { kind: 'IngressClass', name: className },
        affected: refs.slice(1),
        title: `IngressClass "${className}" does not exist`,
        explanation: `${refs.map((r) => label(r)).join(', ')} ask for IngressClass "${className}"; installed classes are [${existing.join(', ') || 'none'}], so no controller serves them.`,
        evidence: group.map((i) => `${label(i)}: spec.ingressClassName=${className}, status.loadBalancer.ingress=${JSON.stringify(i.status?.loadBalancer?.ingress ?? [])}`),
        remediation: [
          kubectl(refs[0].namespace, `patch ingress ${refs[0].name} --type=merge -p '{"spec":{"ingressClassName":"${existing[0] ?? '<class>'}"}}'`),
          'or install the ingress controller that provides this class: kubectl get ingressclass',
        ],
        confidence: 0.85,
      };
    });
  },
};

function hasAddress(ingress: Ingress): boolean {
  return (ingress.status?.loadBalancer?.ingress ?? []).length > 0;
}

const ingressWithoutClass: Scenario = {
  id: 'network.ingress-without-class',
  category: 'network',
  severity: 'warning',
  needs: ['Ingress', 'IngressClass'],
  title: 'Ingress names no class and there is no default IngressClass',
  description:
    'The Ingress has neither spec.ingressClassName nor the kubernetes.io/ingress.class annotation, and no IngressClass ' +
    'is marked default (ingressclass.kubernetes.io/is-default-class: "true"); current controllers (ingress-nginx ≥ 1.0, ' +
    'Traefik, ...) then ignore it, so it gets no address. Evidence: the missing class, the installed classes and the ' +
    'empty status. Fix: set spec.ingressClassName, or mark one IngressClass as default.',
  detect(state) {
    const classes = state.list('IngressClass');
    if (classes.length === 0 || classes.some((c) => c.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true')) return [];
    return state.ingresses
      .filter((i) => !i.spec?.ingressClassName && !i.metadata.annotations?.['kubernetes.io/ingress.class'] && !hasAddress(i))
      .map((i): Detection => {
        const ref = refOf(i);
        return {
          resource: ref,
          rootCause: ref,
          title: `Ingress ${displayName(ref)} has no ingress class, and no IngressClass is the default`,
          explanation: `No controller claims an Ingress without a class when no default class exists; installed classes: ${classes.map((c) => c.metadata.name).join(', ')}.`,
          evidence: [`${label(ref)}: spec.ingressClassName=<unset>, no kubernetes.io/ingress.class annotation, status.loadBalancer.ingress=[]`, ...classes.map((c) => `IngressClass ${c.metadata.name}: not marked default`)],
          remediation: [kubectl(ref.namespace, `patch ingress ${ref.name} --type=merge -p '{"spec":{"ingressClassName":"${classes[0].metadata.name}"}}'`)],
          confidence: 0.75,
        };
      });
  },
};

const ingressTlsSecretMissing: Scenario = {
  id: 'network.ingress-tls-secret-missing',
  category: 'network',
  severity: 'warning',
  needs: ['Ingress', 'Secret'],
  title: 'Ingress TLS secret does not exist',
  description:
    'spec.tls[].secretName names a Secret missing from the Ingress\'s namespace; the controller serves its default ' +
    '(self-signed) certificate for those hosts, so clients fail TLS verification. Evidence: the tls entry and the absent ' +
    'Secret. Fix: create the kubernetes.io/tls Secret (or the cert-manager Certificate that issues it).',
  detect(state) {
    const missing: Array<{ ingress: Ingress; secret: string; hosts: string[] }> = [];
    for (const ingress of state.ingresses) {
      for (const tls of ingress.spec?.tls ?? []) {
        if (tls.secretName && !state.secret(ingress.metadata.namespace, tls.secretName)) missing.push({ ingress, secret: tls.secretName, hosts: tls.hosts ?? [] });
      }
    }
    return groupBy(missing, (m) => `${m.ingress.metadata.namespace}/${m.secret}`).map((group): Detection => {
      const ns = group[0].ingress.metadata.namespace ?? 'default';
      const refs = group.map((m) => refOf(m.ingress));
      return {
        resource: refs[0],
        rootCause: { kind: 'Secret', namespace: ns, name: group[0].secret },
        affected: refs.slice(1),
        title: `TLS Secret ${ns}/${group[0].secret} for Ingress ${refs[0].name} does not exist`,
        explanation: `The Ingress terminates TLS for ${group.flatMap((m) => m.hosts).join(', ') || 'its hosts'} with Secret "${group[0].secret}", which does not exist; the controller falls back to its default certificate.`,
        evidence: group.map((m) => `${label(m.ingress)}: spec.tls[].secretName=${m.secret} hosts=[${m.hosts.join(', ')}]; Secret not found`),
        remediation: [kubectl(ns, `create secret tls ${group[0].secret} --cert=tls.crt --key=tls.key`)],
        confidence: 0.8,
      };
    });
  },
};

export const ingressScenarios: Scenario[] = [ingressServiceMissing, ingressServicePortMissing, ingressClassMissing, ingressWithoutClass, ingressTlsSecretMissing];
