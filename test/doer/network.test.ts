import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../src/cluster/types.js';
import { ago, deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj } from './fixtures.js';
import { diagnoseExample, endpoints, exampleExists, ingress, notReadyStatus, service } from './controller-fixtures.js';

const web = (options: Parameters<typeof deployment>[1] = {}) =>
  deployment('web', {
    namespace: 'shop',
    replicas: 2,
    podSpec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.4.2', ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }], resources: { requests: { cpu: '100m' } } }] },
    ...options,
  });

/** web Deployment + Service web (80 → 8080) + Endpoints, all healthy. */
function healthyShop(svcPorts = [{ port: 80, targetPort: 8080 as number | string }]) {
  const app = web();
  const svc = service('web', 'shop', { app: 'web' }, svcPorts);
  return { app, svc, objects: [...healthyNodes(), ...app.all, svc, endpoints(svc, app.pods, [{ port: 8080 }])] };
}

describe('network.service-no-endpoints', () => {
  function unreadyShop() {
    const app = web({
      podStatus: notReadyStatus('web', 'ghcr.io/acme/web:1.4.2'),
      podSpec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.4.2', ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }], readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 3 } }] },
    });
    const svc = service('web', 'shop', { app: 'web' }, [{ port: 80, targetPort: 8080 }]);
    const ing = ingress('web', 'shop', [{ host: 'shop.example.com', service: 'web', port: 80 }]);
    return { app, svc, ing, objects: [...healthyNodes(), ...app.all, svc, endpoints(svc, app.pods, [{ port: 8080 }]), ing] };
  }

  it('points at the pods\' workload, depends on the pods, and lists the Ingress in front', () => {
    const { app, objects } = unreadyShop();
    const [d] = detect('network.service-no-endpoints', objects);
    expect(d.resource).toEqual({ kind: 'Service', namespace: 'shop', name: 'web' });
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.dependsOn).toContainEqual({ kind: 'Pod', namespace: 'shop', name: app.pods[0].metadata.name });
    expect(d.affected).toContainEqual({ kind: 'Ingress', namespace: 'shop', name: 'web' });
    expect(d.evidence.join('\n')).toContain('notReadyAddresses=[10.244.1.10 (Pod web-7d9f8b6c5d-abcde)');
  });

  it('folds into the readiness-probe finding that explains the unready pods', () => {
    const { app, objects } = unreadyShop();
    const probe = (p: Pod) => obj('Event', 'v1', `${p.metadata.name}.probe`, 'shop', {
      involvedObject: { kind: 'Pod', namespace: 'shop', name: p.metadata.name, uid: p.metadata.uid },
      reason: 'Unhealthy', type: 'Warning', count: 40, message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      firstTimestamp: ago(2000), lastTimestamp: ago(20), source: { component: 'kubelet' },
    });
    const report = diagnoseObjects([...objects, ...app.pods.map(probe)]);
    const first = firstFindingFor(report, 'Ingress', 'web');
    expect(first?.scenario).not.toBe('network.service-no-endpoints');
    expect(report.findings.map((f) => f.scenario)).not.toContain('network.service-no-endpoints');
    expect(first?.evidence.some((l) => l.startsWith('↳ Service shop/web'))).toBe(true);
  });

  it('stays quiet for ready pods, pods still starting and scaled-to-zero workloads', () => {
    expect(detect('network.service-no-endpoints', healthyShop().objects)).toEqual([]);
    const starting = web({ podStatus: notReadyStatus('web') });
    for (const p of starting.pods) p.metadata.creationTimestamp = ago(20);
    const svc = service('web', 'shop', { app: 'web' }, [{ port: 80, targetPort: 8080 }]);
    expect(detect('network.service-no-endpoints', [...starting.all, svc, endpoints(svc, starting.pods, [{ port: 8080 }])])).toEqual([]);
    const idle = web({ replicas: 0 });
    expect(detect('network.service-no-endpoints', [...idle.all, svc, endpoints(svc, [], [])])).toEqual([]);
  });
});

describe('network.cluster-dns-down', () => {
  function dns(ready: boolean) {
    const coredns = deployment('coredns', {
      namespace: 'kube-system', replicas: 2, labels: { 'k8s-app': 'kube-dns' },
      podSpec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' }] }] },
      ...(ready ? {} : { podStatus: notReadyStatus('coredns', 'registry.k8s.io/coredns/coredns:v1.11.1') }),
    });
    const svc = service('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, targetPort: 53 }, { name: 'dns-tcp', port: 53, targetPort: 53 }], { clusterIP: '10.96.0.10' });
    svc.metadata.labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' };
    return { coredns, objects: [...healthyNodes(), ...coredns.all, svc, endpoints(svc, coredns.pods, [{ name: 'dns', port: 53 }])] };
  }

  it('reports cluster DNS down with the CoreDNS Deployment as root cause', () => {
    const [d] = detect('network.cluster-dns-down', dns(false).objects);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'kube-system', name: 'coredns' });
    expect(d.title).toContain('kube-system/kube-dns');
    expect(detect('network.service-no-endpoints', dns(false).objects)).toEqual([]);
  });

  it('stays quiet when CoreDNS is ready', () => {
    expect(detect('network.cluster-dns-down', dns(true).objects)).toEqual([]);
  });
});

describe('network.service-selector-matches-nothing', () => {
  it('names the Service and the workload whose labels it nearly matches', () => {
    const app = web();
    const svc = service('web', 'shop', { app: 'web-frontend' }, [{ port: 80, targetPort: 8080 }]);
    const [d] = detect('network.service-selector-matches-nothing', [...healthyNodes(), ...app.all, svc, endpoints(svc, [], [])]);
    expect(d.rootCause).toEqual({ kind: 'Service', namespace: 'shop', name: 'web' });
    expect(d.evidence.join('\n')).toContain('Deployment shop/web: pod template labels app=web');
    expect(d.remediation[0]).toContain(`patch service web -p '{"spec":{"selector":{"app":"web"}}}'`);
  });

  it('stays quiet when the selector matches, and for Services without a selector', () => {
    expect(detect('network.service-selector-matches-nothing', healthyShop().objects)).toEqual([]);
    const manual = service('external-db', 'shop', undefined, [{ port: 5432 }]);
    expect(detect('network.service-selector-matches-nothing', [...healthyShop().objects, manual])).toEqual([]);
  });
});

describe('network.service-selects-wrong-pods', () => {
  /** Example 029's shape: Service gateway selects app=discovery, whose pods serve 8761 not 8888. */
  function wrongPods(selector: Record<string, string>) {
    const discovery = deployment('discovery', { namespace: 'dop', replicas: 1, podSpec: { containers: [{ name: 'discovery', image: 'acme/discovery:1', ports: [{ containerPort: 8761, protocol: 'TCP' }] }] } });
    const gateway = deployment('gateway', { namespace: 'dop', replicas: 1, podSpec: { containers: [{ name: 'gateway', image: 'acme/gateway:1', ports: [{ containerPort: 8888, protocol: 'TCP' }] }] } });
    const svc = service('gateway', 'dop', selector, [{ port: 14523, targetPort: 8888 }]);
    const selected = selector.app === 'discovery' ? discovery.pods : gateway.pods;
    const ing = ingress('gateway', 'dop', [{ host: 'open.example.com', service: 'gateway', port: 14523 }]);
    return [...healthyNodes(), ...discovery.all, ...gateway.all, svc, endpoints(svc, selected, [{ port: 8888 }]), ing];
  }

  it('names the Service as root cause, with the Ingress → Service → wrong pods chain', () => {
    const [d] = detect('network.service-selects-wrong-pods', wrongPods({ app: 'discovery' }));
    expect(d.resource).toEqual({ kind: 'Ingress', namespace: 'dop', name: 'gateway' });
    expect(d.rootCause).toEqual({ kind: 'Service', namespace: 'dop', name: 'gateway' });
    const evidence = d.evidence.join('\n');
    expect(evidence).toContain('selected pods declare container ports [8761], not 8888');
    expect(evidence).toContain('Deployment dop/gateway: pods labelled app=gateway declare containerPort 8888');
    expect(detect('network.service-target-port-mismatch', wrongPods({ app: 'discovery' }))).toEqual([]);
  });

  it('is the first finding for the Ingress in a full diagnosis', () => {
    const first = firstFindingFor(diagnoseObjects(wrongPods({ app: 'discovery' })), 'Ingress', 'gateway');
    expect(first?.category).toBe('network');
    expect(first?.rootCause).toEqual({ kind: 'Service', namespace: 'dop', name: 'gateway' });
  });

  it('stays quiet when the Service selects the pods that serve the port', () => {
    expect(detect('network.service-selects-wrong-pods', wrongPods({ app: 'gateway' }))).toEqual([]);
  });
});

describe('network.service-target-port-mismatch', () => {
  it('flags a targetPort no selected container declares', () => {
    const { objects } = healthyShop([{ port: 80, targetPort: 80 }]);
    const [d] = detect('network.service-target-port-mismatch', objects);
    expect(d.rootCause).toEqual({ kind: 'Service', namespace: 'shop', name: 'web' });
    expect(d.evidence.join('\n')).toContain('declare container ports [8080/http], not 80');
  });

  it('stays quiet when one of several ports matches, a container declares no ports (sidecar), or nothing is declared', () => {
    expect(detect('network.service-target-port-mismatch', healthyShop([{ port: 80, targetPort: 8080 }, { port: 9090, targetPort: 9090 }]).objects)).toEqual([]);
    const withExporter = deployment('api', { namespace: 'shop', podSpec: { containers: [{ name: 'api', image: 'acme/api:3', ports: [{ containerPort: 8080 }] }, { name: 'exporter', image: 'prom/statsd-exporter:v0.27.1' }] } });
    expect(detect('network.service-target-port-mismatch', [...withExporter.all, service('api-metrics', 'shop', { app: 'api' }, [{ port: 9102, targetPort: 9102 }])])).toEqual([]);
    const bare = deployment('bare', { namespace: 'shop', podSpec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    expect(detect('network.service-target-port-mismatch', [...bare.all, service('bare', 'shop', { app: 'bare' }, [{ port: 80, targetPort: 9000 }])])).toEqual([]);
  });
});

describe('network.service-named-port-missing', () => {
  it('flags a named targetPort that no container port carries', () => {
    const { objects } = healthyShop([{ port: 80, targetPort: 'web-http' }]);
    const [d] = detect('network.service-named-port-missing', objects);
    expect(d.rootCause).toEqual({ kind: 'Service', namespace: 'shop', name: 'web' });
    expect(d.title).toContain('targets port web-http');
  });

  it('stays quiet when the name exists', () => {
    expect(detect('network.service-named-port-missing', healthyShop([{ port: 80, targetPort: 'http' }]).objects)).toEqual([]);
  });
});

describe('network.ingress-service-missing / ingress-service-port-missing', () => {
  const withIngress = (svcName: string, port: number | string) => {
    const { objects } = healthyShop();
    return [...objects, ingress('shop', 'shop', [{ host: 'shop.example.com', service: svcName, port }])];
  };

  it('names the missing Service as root cause', () => {
    const [d] = detect('network.ingress-service-missing', withIngress('web-svc', 80));
    expect(d.resource).toEqual({ kind: 'Ingress', namespace: 'shop', name: 'shop' });
    expect(d.rootCause).toEqual({ kind: 'Service', namespace: 'shop', name: 'web-svc' });
    expect(d.evidence[0]).toContain('shop.example.com/ → Service web-svc:80; Service "web-svc" not found');
  });

  it('names the Ingress when its backend port is not a Service port', () => {
    const [d] = detect('network.ingress-service-port-missing', withIngress('web', 8080));
    expect(d.rootCause).toEqual({ kind: 'Ingress', namespace: 'shop', name: 'shop' });
    expect(d.evidence[0]).toContain('spec.ports=[80]');
    expect(detect('network.ingress-service-port-missing', withIngress('web', 'grpc'))).toHaveLength(1);
  });

  it('stays quiet for a correct backend (by number or by port name)', () => {
    expect(detect('network.ingress-service-missing', withIngress('web', 80))).toEqual([]);
    expect(detect('network.ingress-service-port-missing', withIngress('web', 80))).toEqual([]);
    const named = healthyShop([{ port: 80, targetPort: 8080 }]);
    (named.svc.spec as { ports: Array<{ name?: string }> }).ports[0].name = 'http';
    expect(detect('network.ingress-service-port-missing', [...named.objects, ingress('shop', 'shop', [{ service: 'web', port: 'http' }])])).toEqual([]);
  });
});

describe('network.ingress-class-missing', () => {
  const nginxClass = obj('IngressClass', 'networking.k8s.io/v1', 'nginx', undefined, { spec: { controller: 'k8s.io/ingress-nginx' } });

  it('names the missing IngressClass', () => {
    const { objects } = healthyShop();
    const ing = ingress('shop', 'shop', [{ service: 'web', port: 80 }], { ingressClassName: 'nginx-internal' });
    (ing.status as { loadBalancer: unknown }).loadBalancer = {};
    const [d] = detect('network.ingress-class-missing', [...objects, nginxClass, ing]);
    expect(d.rootCause).toEqual({ kind: 'IngressClass', name: 'nginx-internal' });
    expect(d.explanation).toContain('installed classes are [nginx]');
  });

  it('stays quiet for an Ingress that a controller serves anyway (it has an address)', () => {
    const served = ingress('shop', 'shop', [{ service: 'web', port: 80 }], { ingressClassName: 'nginx-internal' });
    expect(detect('network.ingress-class-missing', [...healthyShop().objects, nginxClass, served])).toEqual([]);
  });

  it('stays quiet when the class exists, and is not evaluated when IngressClasses were not read', () => {
    const { objects } = healthyShop();
    expect(detect('network.ingress-class-missing', [...objects, nginxClass, ingress('shop', 'shop', [{ service: 'web', port: 80 }])])).toEqual([]);
    const report = diagnoseObjects([...objects, ingress('shop', 'shop', [{ service: 'web', port: 80 }], { ingressClassName: 'other' })]);
    expect(report.findings.map((f) => f.scenario)).not.toContain('network.ingress-class-missing');
  });
});

describe('network.ingress-tls-secret-missing', () => {
  const secret = (name: string): KubeObject => obj('Secret', 'v1', name, 'shop', { type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } });
  const tlsIngress = () => ingress('shop', 'shop', [{ host: 'shop.example.com', service: 'web', port: 80 }], { tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }] });

  it('names the missing TLS Secret', () => {
    const [d] = detect('network.ingress-tls-secret-missing', [...healthyShop().objects, secret('other'), tlsIngress()]);
    expect(d.rootCause).toEqual({ kind: 'Secret', namespace: 'shop', name: 'shop-tls' });
    expect(d.remediation[0]).toBe('kubectl -n shop create secret tls shop-tls --cert=tls.crt --key=tls.key');
  });

  it('stays quiet when the Secret exists', () => {
    expect(detect('network.ingress-tls-secret-missing', [...healthyShop().objects, secret('shop-tls'), tlsIngress()])).toEqual([]);
  });
});

describe.skipIf(!exampleExists('029-network-ingress-502-service-selects-wrong-pods'))('shared example 029', () => {
  it('diagnoses the Ingress 502 as the Service selecting the wrong pods', () => {
    const { report, label } = diagnoseExample('029-network-ingress-502-service-selects-wrong-pods');
    const first = firstFindingFor(report, label.symptom!.kind, label.symptom!.name);
    expect(first?.category).toBe(label.category);
    expect(label.rootCause).toContainEqual(first?.rootCause);
    expect(report.summary.critical + report.summary.warning).toBe(1);
  });
});


describe('network.networkpolicy-denies-service-traffic', () => {
  const denyAll = obj('NetworkPolicy', 'networking.k8s.io/v1', 'default-deny', 'shop', { spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  const allowWeb = obj('NetworkPolicy', 'networking.k8s.io/v1', 'allow-web', 'shop', {
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] },
  });

  it('names the default-deny policy isolating the Service\'s pods, with the Ingress → Service → pods chain', () => {
    const { objects } = healthyShop();
    const ing = ingress('web', 'shop', [{ host: 'shop.example.com', service: 'web', port: 80 }]);
    const [d] = detect('network.networkpolicy-denies-service-traffic', [...objects, ing, denyAll]);
    expect(d.resource).toEqual({ kind: 'Ingress', namespace: 'shop', name: 'web' });
    expect(d.rootCause).toEqual({ kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny' });
    expect(d.evidence[0]).toBe('Ingress shop/web → Service shop/web → Deployment shop/web ← NetworkPolicy shop/default-deny: ingress denied');
  });

  it('stays quiet when another policy allows ingress to the pods', () => {
    expect(detect('network.networkpolicy-denies-service-traffic', [...healthyShop().objects, denyAll, allowWeb])).toEqual([]);
  });
});

describe('network.networkpolicy-blocks-dns', () => {
  const egressOnlyDb = (ports: Array<Record<string, unknown>>) =>
    obj('NetworkPolicy', 'networking.k8s.io/v1', 'web-egress', 'shop', {
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'postgres' } } }], ports }] },
    });

  it('names the egress policy that leaves out port 53', () => {
    const [d] = detect('network.networkpolicy-blocks-dns', [...healthyShop().objects, egressOnlyDb([{ protocol: 'TCP', port: 5432 }])]);
    expect(d.resource).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.rootCause).toEqual({ kind: 'NetworkPolicy', namespace: 'shop', name: 'web-egress' });
    expect(d.remediation[0]).toContain('{protocol: UDP, port: 53}');
  });

  it('stays quiet when DNS is allowed', () => {
    expect(detect('network.networkpolicy-blocks-dns', [...healthyShop().objects, egressOnlyDb([{ protocol: 'TCP', port: 5432 }, { protocol: 'UDP', port: 53 }])])).toEqual([]);
  });
});

describe('network.loadbalancer-pending', () => {
  const lb = (created: number) => {
    const svc = service('web', 'shop', { app: 'web' }, [{ port: 80, targetPort: 8080 }], { type: 'LoadBalancer' });
    svc.metadata.creationTimestamp = ago(created);
    return svc;
  };

  it('quotes the service controller\'s error', () => {
    const svc = lb(1200);
    const failed = event(svc, 'Warning', 'SyncLoadBalancerFailed', "Error syncing load balancer: failed to ensure load balancer: googleapi: Error 403: Quota 'IN_USE_ADDRESSES' exceeded. Limit: 8.0 in region us-central1.", { component: 'service-controller', count: 5 });
    const [d] = detect('network.loadbalancer-pending', [svc, failed]);
    expect(d.rootCause).toEqual({ kind: 'Service', namespace: 'shop', name: 'web' });
    expect(d.evidence[1]).toContain("Quota 'IN_USE_ADDRESSES' exceeded");
  });

  it('stays quiet while the load balancer is being created, and once it has an address', () => {
    expect(detect('network.loadbalancer-pending', [lb(60)])).toEqual([]);
    const ready = lb(1200);
    (ready.status as { loadBalancer: unknown }).loadBalancer = { ingress: [{ ip: '203.0.113.20' }] };
    expect(detect('network.loadbalancer-pending', [ready])).toEqual([]);
  });
});

describe('network.externalname-invalid', () => {
  const external = (name: string) => service('payments', 'shop', undefined, [], { type: 'ExternalName', externalName: name });

  it.each(['10.20.30.40', 'https://api.payments.example.com', 'api.payments.example.com:443'])('flags externalName %s', (name) => {
    const [d] = detect('network.externalname-invalid', [external(name)]);
    expect(d.rootCause).toEqual({ kind: 'Service', namespace: 'shop', name: 'payments' });
    expect(d.evidence[0]).toContain(`spec.externalName=${name}`);
  });

  it('stays quiet for a host name', () => {
    expect(detect('network.externalname-invalid', [external('api.payments.example.com')])).toEqual([]);
  });
});

describe('network.statefulset-service-missing / statefulset-service-not-headless', () => {
  const set = obj('StatefulSet', 'apps/v1', 'zk', 'data', { spec: { replicas: 3, serviceName: 'zk-hs', selector: { matchLabels: { app: 'zk' } }, template: { metadata: { labels: { app: 'zk' } }, spec: { containers: [{ name: 'zk', image: 'zookeeper:3.9' }] } } } });
  const governing = (clusterIP: string) => service('zk-hs', 'data', { app: 'zk' }, [{ name: 'peer', port: 2888 }], { clusterIP });

  it('names the missing governing Service', () => {
    const [d] = detect('network.statefulset-service-missing', [set, service('other', 'data', { app: 'x' }, [{ port: 80 }])]);
    expect(d.rootCause).toEqual({ kind: 'Service', namespace: 'data', name: 'zk-hs' });
    expect(d.evidence).toEqual(['StatefulSet data/zk: spec.serviceName=zk-hs', 'Service data/zk-hs: not found']);
  });

  it('names a governing Service that has a cluster IP', () => {
    const [d] = detect('network.statefulset-service-not-headless', [set, governing('10.96.40.1')]);
    expect(d.evidence[1]).toBe('Service data/zk-hs: spec.clusterIP=10.96.40.1 (not None)');
  });

  it('stays quiet for a headless governing Service', () => {
    expect(detect('network.statefulset-service-missing', [set, governing('None')])).toEqual([]);
    expect(detect('network.statefulset-service-not-headless', [set, governing('None')])).toEqual([]);
  });
});

describe('network.dns-config-limits-exceeded', () => {
  it('groups the kubelet DNSConfigForming warnings by node (info)', () => {
    const app = web();
    const warn = event(app.pods[0], 'Warning', 'DNSConfigForming', 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.0.0.2 1.1.1.1 8.8.8.8', { count: 30 });
    const [d] = detect('network.dns-config-limits-exceeded', [...healthyNodes(), ...app.all, warn]);
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'node-1' });
    expect(diagnoseObjects([...healthyNodes(), ...app.all, warn]).summary).toMatchObject({ critical: 0, warning: 0 });
  });

  it('stays quiet without those warnings', () => {
    expect(detect('network.dns-config-limits-exceeded', healthyShop().objects)).toEqual([]);
  });
});

describe('network.ingress-without-class', () => {
  const classless = (withAddress: boolean) => {
    const ing = ingress('shop', 'shop', [{ service: 'web', port: 80 }]);
    delete (ing.spec as { ingressClassName?: string }).ingressClassName;
    if (!withAddress) (ing.status as { loadBalancer: unknown }).loadBalancer = {};
    return ing;
  };
  const nginx = (isDefault: boolean) =>
    obj('IngressClass', 'networking.k8s.io/v1', 'nginx', undefined, { spec: { controller: 'k8s.io/ingress-nginx' } }, isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {});

  it('names the Ingress that no controller claims', () => {
    const [d] = detect('network.ingress-without-class', [...healthyShop().objects, nginx(false), classless(false)]);
    expect(d.rootCause).toEqual({ kind: 'Ingress', namespace: 'shop', name: 'shop' });
    expect(d.remediation[0]).toContain('"ingressClassName":"nginx"');
  });

  it('stays quiet with a default IngressClass, or when a controller serves it anyway', () => {
    expect(detect('network.ingress-without-class', [...healthyShop().objects, nginx(true), classless(false)])).toEqual([]);
    expect(detect('network.ingress-without-class', [...healthyShop().objects, nginx(false), classless(true)])).toEqual([]);
  });
});

describe('Services in front of batch pods', () => {
  it('are not reported while no run of the CronJob is active', () => {
    const cron = obj('CronJob', 'batch/v1', 'exporter', 'batch', {
      spec: { schedule: '*/15 * * * *', jobTemplate: { spec: { template: { metadata: { labels: { app: 'exporter' } }, spec: { containers: [{ name: 'exporter', image: 'acme/exporter:2', ports: [{ containerPort: 9100 }] }], restartPolicy: 'OnFailure' } } } } },
      status: { lastScheduleTime: ago(300) },
    });
    const svc = service('exporter', 'batch', { app: 'exporter' }, [{ port: 9100, targetPort: 9100 }]);
    const objects = [cron, svc, endpoints(svc, [], [])];
    expect(detect('network.service-selector-matches-nothing', objects)).toEqual([]);
    expect(detect('network.service-no-endpoints', objects)).toEqual([]);
  });
});

describe('network.apps-fail-name-resolution', () => {
  function dnsOutage(corednsReady: boolean) {
    const coredns = deployment('coredns', {
      namespace: 'kube-system', replicas: 2, labels: { 'k8s-app': 'kube-dns' },
      podSpec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }] }] },
      ...(corednsReady ? {} : { podStatus: notReadyStatus('coredns', 'registry.k8s.io/coredns/coredns:v1.11.1') }),
    });
    const dns = service('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, targetPort: 53 }], { clusterIP: '10.96.0.10' });
    const crashing = (i: number) => ({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: ago(900) }],
      containerStatuses: [{
        name: 'app', image: 'acme/orders:5', imageID: '', ready: false, restartCount: 9 + i, started: false,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=app pod=orders-7d9f8b6c5d-${i}` } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'panic: failed to connect to database: dial tcp: lookup postgres.data.svc.cluster.local on 10.96.0.10:53: read udp 10.244.1.7:41234->10.96.0.10:53: i/o timeout', startedAt: ago(120), finishedAt: ago(90) } },
      }],
    });
    const orders = deployment('orders', { namespace: 'shop', replicas: 2, podSpec: { containers: [{ name: 'app', image: 'acme/orders:5' }] }, podStatus: crashing });
    return [...healthyNodes(), ...coredns.all, dns, endpoints(dns, coredns.pods, [{ name: 'dns', port: 53 }]), ...orders.all];
  }

  it('names CoreDNS as the cause of the application crashes, with the lookup error quoted', () => {
    const [d] = detect('network.apps-fail-name-resolution', dnsOutage(false));
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'kube-system', name: 'coredns' });
    expect(d.affected).toContainEqual({ kind: 'Deployment', namespace: 'shop', name: 'orders' });
    expect(d.evidence.join('\n')).toContain('lookup postgres.data.svc.cluster.local on 10.96.0.10:53');
  });

  it('is the first finding for the crashing application', () => {
    const first = firstFindingFor(diagnoseObjects(dnsOutage(false)), 'Deployment', 'orders');
    expect(first?.category).toBe('network');
    expect(first?.rootCause).toEqual({ kind: 'Deployment', namespace: 'kube-system', name: 'coredns' });
  });

  it('stays quiet when cluster DNS is up (the lookup error is then the application\'s own)', () => {
    expect(detect('network.apps-fail-name-resolution', dnsOutage(true))).toEqual([]);
  });
});
