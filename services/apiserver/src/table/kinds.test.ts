import { describe, expect, it } from 'vitest';
import type { Obj } from './fields.js';
import { defaultPrinter, tableFor } from './index.js';
import { revisionController } from './controller-revision.js';
import { jobCompletions, jobDuration, jobStatus } from './job.js';
import { formatEndpoints, serviceExternalIP } from './service.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-05-01T11:57:00Z'; // 3m old
const meta = (name: string, extra: Obj = {}): Obj => ({ name, namespace: 'default', uid: 'u-1', resourceVersion: '42', creationTimestamp: created, ...extra });
const template = {
  metadata: { labels: { app: 'web' } },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx:1.25' },
      { name: 'exporter', image: 'nginx/nginx-prometheus-exporter:1.1' },
    ],
  },
};

/** [title, kind, object, expected cells, expected column names] */
const cases: Array<[string, string, Obj, unknown[], string[]]> = [
  [
    'Namespace',
    'Namespace',
    { kind: 'Namespace', metadata: meta('team-a', { namespace: undefined }), status: { phase: 'Active' } },
    ['team-a', 'Active', '3m'],
    ['Name', 'Status', 'Age'],
  ],
  [
    'ConfigMap counts data and binaryData',
    'ConfigMap',
    { kind: 'ConfigMap', metadata: meta('app-config'), data: { 'app.yaml': 'x: 1', LOG_LEVEL: 'info' }, binaryData: { 'logo.png': 'iVBORw0=' } },
    ['app-config', 3, '3m'],
    ['Name', 'Data', 'Age'],
  ],
  [
    'Secret',
    'Secret',
    { kind: 'Secret', metadata: meta('registry'), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30=' } },
    ['registry', 'kubernetes.io/dockerconfigjson', 1, '3m'],
    ['Name', 'Type', 'Data', 'Age'],
  ],
  [
    'ServiceAccount',
    'ServiceAccount',
    { kind: 'ServiceAccount', metadata: meta('default') },
    ['default', 0, '3m'],
    ['Name', 'Secrets', 'Age'],
  ],
  [
    'ClusterIP Service',
    'Service',
    {
      kind: 'Service',
      metadata: meta('web'),
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.12', clusterIPs: ['10.96.0.12'], selector: { app: 'web', tier: 'fe' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] },
    },
    ['web', 'ClusterIP', '10.96.0.12', '<none>', '80/TCP,53/UDP', '3m', 'app=web,tier=fe'],
    ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
  ],
  [
    'NodePort Service',
    'Service',
    { kind: 'Service', metadata: meta('web-np'), spec: { type: 'NodePort', clusterIPs: ['10.96.4.4'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } },
    ['web-np', 'NodePort', '10.96.4.4', '<none>', '80:30080/TCP', '3m', '<none>'],
    ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
  ],
  [
    'headless Service without ports, defaults filled',
    'Service',
    { kind: 'Service', metadata: meta('db'), spec: { clusterIP: 'None', selector: { app: 'db' } } },
    ['db', 'ClusterIP', 'None', '<none>', '<none>', '3m', 'app=db'],
    ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
  ],
  [
    'ExternalName Service',
    'Service',
    { kind: 'Service', metadata: meta('search'), spec: { type: 'ExternalName', externalName: 'search.example.com' } },
    ['search', 'ExternalName', '<none>', 'search.example.com', '<none>', '3m', '<none>'],
    ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
  ],
  [
    'Endpoints',
    'Endpoints',
    { kind: 'Endpoints', metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.9' }], ports: [{ port: 8080, protocol: 'TCP' }] }] },
    ['web', '10.244.1.5:8080,10.244.2.9:8080', '3m'],
    ['Name', 'Endpoints', 'Age'],
  ],
  [
    'Event from the kubelet',
    'Event',
    {
      kind: 'Event',
      metadata: meta('web-1.17c0a3b2d1e4f5a6'),
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath: 'spec.containers{nginx}' },
      reason: 'Pulled',
      message: 'Container image "nginx:1.25" already present on machine\n',
      source: { component: 'kubelet', host: 'kite-worker-1' },
      firstTimestamp: '2024-05-01T11:40:00Z',
      lastTimestamp: '2024-05-01T11:58:30Z',
      count: 4,
      type: 'Normal',
    },
    ['90s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{nginx}', 'kubelet, kite-worker-1', 'Container image "nginx:1.25" already present on machine', '20m', 4, 'web-1.17c0a3b2d1e4f5a6'],
    ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name'],
  ],
  [
    'Event written through events.k8s.io (eventTime, series, reporting controller)',
    'Event',
    {
      kind: 'Event',
      metadata: meta('web.abc'),
      involvedObject: { kind: 'Deployment', name: 'web' },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-7d4b9 to 3',
      eventTime: '2024-05-01T11:50:00.123456Z',
      series: { count: 7, lastObservedTime: '2024-05-01T11:59:00.000000Z' },
      reportingComponent: 'deployment-controller',
      type: 'Normal',
    },
    ['60s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up replica set web-7d4b9 to 3', '9m59s', 7, 'web.abc'],
    ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name'],
  ],
  [
    'singleton Event without timestamps or count',
    'Event',
    { kind: 'Event', metadata: meta('x'), involvedObject: { kind: 'Node' }, reason: 'Starting', message: ' ', type: 'Normal' },
    ['<unknown>', 'Normal', 'Starting', 'node', '', '', '', '<unknown>', 1, 'x'],
    ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name'],
  ],
  [
    'Deployment mid-rollout',
    'Deployment',
    {
      kind: 'Deployment',
      metadata: meta('web'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
      status: { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 },
    },
    ['web', '3/3', 2, 3, '3m', 'nginx,exporter', 'nginx:1.25,nginx/nginx-prometheus-exporter:1.1', 'app=web'],
    ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
  ],
  [
    'new Deployment with no status, replicas defaulted',
    'Deployment',
    { kind: 'Deployment', metadata: meta('api'), spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, template } },
    ['api', '0/1', 0, 0, '3m', 'nginx,exporter', 'nginx:1.25,nginx/nginx-prometheus-exporter:1.1', '<invalid>'],
    ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
  ],
  [
    'ReplicaSet',
    'ReplicaSet',
    {
      kind: 'ReplicaSet',
      metadata: meta('web-7d4b9'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9' } }, template },
      status: { replicas: 3, readyReplicas: 2 },
    },
    ['web-7d4b9', 3, 3, 2, '3m', 'nginx,exporter', 'nginx:1.25,nginx/nginx-prometheus-exporter:1.1', 'app=web,pod-template-hash=7d4b9'],
    ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector'],
  ],
  [
    'ReplicaSet scaled to zero',
    'ReplicaSet',
    { kind: 'ReplicaSet', metadata: meta('web-old'), spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 0 } },
    ['web-old', 0, 0, 0, '3m', 'nginx,exporter', 'nginx:1.25,nginx/nginx-prometheus-exporter:1.1', 'app=web'],
    ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector'],
  ],
  [
    'DaemonSet',
    'DaemonSet',
    {
      kind: 'DaemonSet',
      metadata: meta('node-exporter'),
      spec: {
        selector: { matchLabels: { app: 'node-exporter' } },
        template: { metadata: { labels: { app: 'node-exporter' } }, spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'exporter', image: 'prom/node-exporter:v1.8.0' }] } },
      },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    },
    ['node-exporter', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '3m', 'exporter', 'prom/node-exporter:v1.8.0', 'app=node-exporter'],
    ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers', 'Images', 'Selector'],
  ],
  [
    'StatefulSet',
    'StatefulSet',
    { kind: 'StatefulSet', metadata: meta('db'), spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template }, status: { replicas: 3, readyReplicas: 1 } },
    ['db', '1/3', '3m', 'nginx,exporter', 'nginx:1.25,nginx/nginx-prometheus-exporter:1.1'],
    ['Name', 'Ready', 'Age', 'Containers', 'Images'],
  ],
  [
    'ControllerRevision of a DaemonSet',
    'ControllerRevision',
    {
      kind: 'ControllerRevision',
      metadata: meta('agent-7c9f', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u-2', controller: true }] }),
      data: { spec: { template: { $patch: 'replace' } } },
      revision: 3,
    },
    ['agent-7c9f', 'daemonset.apps/agent', 3, '3m'],
    ['Name', 'Controller', 'Revision', 'Age'],
  ],
  [
    'ControllerRevision without a controller',
    'ControllerRevision',
    { kind: 'ControllerRevision', metadata: meta('orphan', { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u-3' }] }), revision: 1 },
    ['orphan', '<none>', 1, '3m'],
    ['Name', 'Controller', 'Revision', 'Age'],
  ],
  [
    'Job running',
    'Job',
    {
      kind: 'Job',
      metadata: meta('backup'),
      spec: { completions: 3, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } }, template: { spec: { containers: [{ name: 'backup', image: 'busybox:1.36' }] } } },
      status: { startTime: '2024-05-01T11:57:30Z', active: 1, succeeded: 1 },
    },
    ['backup', 'Running', '1/3', '2m30s', '3m', 'backup', 'busybox:1.36', 'batch.kubernetes.io/controller-uid=u-1'],
    ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector'],
  ],
  [
    'Lease',
    'Lease',
    { kind: 'Lease', metadata: meta('kite-worker-1', { namespace: 'kube-node-lease' }), spec: { holderIdentity: 'kite-worker-1', leaseDurationSeconds: 40 } },
    ['kite-worker-1', 'kite-worker-1', '3m'],
    ['Name', 'Holder', 'Age'],
  ],
  [
    'Lease with no holder',
    'Lease',
    { kind: 'Lease', metadata: meta('kite-scheduler'), spec: {} },
    ['kite-scheduler', '', '3m'],
    ['Name', 'Holder', 'Age'],
  ],
  ['any other kind: name and age', 'PriorityClass', { kind: 'PriorityClass', metadata: meta('high') }, ['high', '3m'], ['Name', 'Age']],
];

describe('tableFor', () => {
  it.each(cases)('%s', (_title, kind, o, cells, columnNames) => {
    const printer = tableFor(kind);
    expect(printer.columns.map((c) => c.name)).toEqual(columnNames);
    expect(printer.row(o, now)).toEqual(cells);
  });

  it('falls back to name and age for unknown kinds', () => {
    expect(tableFor('Widget')).toBe(defaultPrinter);
    expect(tableFor('pod')).toBe(defaultPrinter); // kinds are case-sensitive
  });

  const kinds = ['Pod', 'Node', 'Namespace', 'Event', 'ConfigMap', 'Secret', 'Service', 'Endpoints', 'ServiceAccount', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ControllerRevision', 'Job', 'Lease', 'Other'];
  it.each(kinds)('%s: one cell per column even for an empty object, a format:name Name column, full definitions', (kind) => {
    const printer = tableFor(kind);
    expect(printer.row({}, now)).toHaveLength(printer.columns.length);
    const nameCol = printer.columns.find((c) => c.name === 'Name');
    expect(nameCol?.format).toBe('name');
    for (const c of printer.columns) {
      expect(Object.keys(c).sort()).toEqual(['description', 'format', 'name', 'priority', 'type']);
      expect(c.description.length).toBeGreaterThan(0);
      if (c.name !== 'Name') expect(c.format).toBe('');
    }
  });

  it('marks exactly the wide-only columns with priority 1', () => {
    const wide = (kind: string): string[] =>
      tableFor(kind)
        .columns.filter((c) => c.priority === 1)
        .map((c) => c.name);
    expect(wide('Service')).toEqual(['Selector']);
    expect(wide('Deployment')).toEqual(['Containers', 'Images', 'Selector']);
    expect(wide('DaemonSet')).toEqual(['Containers', 'Images', 'Selector']);
    expect(wide('StatefulSet')).toEqual(['Containers', 'Images']);
    expect(wide('Job')).toEqual(['Containers', 'Images', 'Selector']);
    expect(wide('Event')).toEqual(['Subobject', 'Source', 'First Seen', 'Count', 'Name']);
    expect(wide('Secret')).toEqual([]);
  });
});

describe('service external IP', () => {
  const svc = (type: string, spec: Obj, status: Obj = {}): Obj => ({ spec: { type, ...spec }, status });
  const cases: Array<[string, Obj, string, string]> = [
    ['ClusterIP with externalIPs', svc('ClusterIP', { externalIPs: ['1.2.3.4', '5.6.7.8'] }), 'ClusterIP', '1.2.3.4,5.6.7.8'],
    ['LoadBalancer waiting for an address', svc('LoadBalancer', {}), 'LoadBalancer', '<pending>'],
    [
      'LoadBalancer ingress sorted, de-duplicated, hostnames, unclipped',
      svc('LoadBalancer', {}, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'a1b2c3d4e5f6.elb.example.com' }, { ip: '203.0.113.9' }] } }),
      'LoadBalancer',
      '203.0.113.9,a1b2c3d4e5f6.elb.example.com',
    ],
    ['LoadBalancer ingress then externalIPs', svc('LoadBalancer', { externalIPs: ['9.9.9.9'] }, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } }), 'LoadBalancer', '203.0.113.9,9.9.9.9'],
    ['unknown type', svc('Weird', {}), 'Weird', '<unknown>'],
  ];
  it.each(cases)('%s', (_name, s, type, want) => {
    expect(serviceExternalIP(s, type)).toBe(want);
  });
});

describe('endpoints', () => {
  const cases: Array<[string, Obj, string]> = [
    ['no subsets', {}, '<none>'],
    ['an empty subset', { subsets: [{}] }, ''],
    ['headless without ports lists bare IPs', { subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }] }, '10.0.0.1,10.0.0.2'],
    [
      'every address for every port, three shown then a count',
      {
        subsets: [
          { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] },
          { addresses: [{ ip: 'fd00::5' }], ports: [{ port: 8080 }] },
        ],
      },
      '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...',
    ],
    ['IPv6 in brackets', { subsets: [{ addresses: [{ ip: 'fd00::5' }], ports: [{ port: 8080 }] }] }, '[fd00::5]:8080'],
    ['not-ready addresses are not listed', { subsets: [{ notReadyAddresses: [{ ip: '10.0.0.3' }], ports: [{ port: 80 }] }] }, ''],
  ];
  it.each(cases)('%s', (_name, ep, want) => {
    expect(formatEndpoints(ep)).toBe(want);
  });
});

describe('job', () => {
  const job = (spec: Obj, status: Obj, metadata: Obj = {}): Obj => ({ metadata, spec, status });
  const cond = (type: string, status = 'True'): Obj => ({ type, status });

  const statuses: Array<[string, Obj, string]> = [
    ['no conditions', job({}, {}), 'Running'],
    ['complete', job({}, { conditions: [cond('SuccessCriteriaMet'), cond('Complete')] }), 'Complete'],
    ['failed', job({}, { conditions: [cond('FailureTarget'), cond('Failed')] }), 'Failed'],
    ['failure target only', job({}, { conditions: [cond('FailureTarget')] }), 'FailureTarget'],
    ['suspended', job({ suspend: true }, { conditions: [cond('Suspended')] }), 'Suspended'],
    ['resumed (Suspended False)', job({}, { conditions: [cond('Suspended', 'False')] }), 'Running'],
    ['being deleted', job({}, { conditions: [cond('Suspended')] }, { deletionTimestamp: '2024-05-01T11:59:00Z' }), 'Terminating'],
    ['complete wins over deletion', job({}, { conditions: [cond('Complete')] }, { deletionTimestamp: '2024-05-01T11:59:00Z' }), 'Complete'],
  ];
  it.each(statuses)('status: %s', (_name, j, want) => {
    expect(jobStatus(j)).toBe(want);
  });

  const completions: Array<[string, Obj, string]> = [
    ['fixed completions', job({ completions: 5, parallelism: 2 }, { succeeded: 2 }), '2/5'],
    ['work queue, one worker', job({ parallelism: 1 }, { succeeded: 0 }), '0/1'],
    ['work queue, parallel', job({ parallelism: 4 }, { succeeded: 1 }), '1/1 of 4'],
    ['nothing set', job({}, {}), '0/1'],
  ];
  it.each(completions)('completions: %s', (_name, j, want) => {
    expect(jobCompletions(j)).toBe(want);
  });

  const durations: Array<[string, Obj, string]> = [
    ['not started', job({}, {}), ''],
    ['running since 45s', job({}, { startTime: '2024-05-01T11:59:15Z' }), '45s'],
    ['finished in 3m20s', job({}, { startTime: '2024-05-01T10:00:00Z', completionTime: '2024-05-01T10:03:20Z' }), '3m20s'],
  ];
  it.each(durations)('duration: %s', (_name, j, want) => {
    expect(jobDuration(j, now)).toBe(want);
  });
});

describe('controller revision controller', () => {
  const owned = (ref: Obj): Obj => ({ metadata: { ownerReferences: [{ uid: 'u', name: 'x', controller: true, ...ref }] } });
  const cases: Array<[string, Obj, string]> = [
    ['apps group', owned({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web' }), 'statefulset.apps/web'],
    ['core group: the kind alone', owned({ apiVersion: 'v1', kind: 'Pod' }), 'pod/x'],
    ['no kind, no group: the name alone', owned({ apiVersion: 'v1', kind: '' }), 'x'],
    ['no references', {}, '<none>'],
  ];
  it.each(cases)('%s', (_name, cr, want) => {
    expect(revisionController(cr)).toBe(want);
  });
});
