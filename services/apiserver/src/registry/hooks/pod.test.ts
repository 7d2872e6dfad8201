import { describe, expect, it } from 'vitest';
import type { StatusCause } from '../../errors.js';
import type { KObject } from '../../object.js';
import { defaultPodSpec, defaultPullPolicy, podHooks, qosClass, validatePodSpec } from './pod.js';

type Obj = Record<string, unknown>;

const hooks = podHooks({ defaultTolerationSeconds: 300 });
const printed = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field}: ${c.message}`);

function pod(spec: Obj = {}, meta: Obj = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...meta }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...spec } };
}

const specOf = (o: KObject): Obj => o.spec as Obj;

describe('defaultPullPolicy', () => {
  const cases: Array<[string, string]> = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', 'IfNotPresent'],
    ['library/nginx:1.25-alpine', 'IfNotPresent'],
    ['localhost:5000/x', 'Always'],
    ['localhost:5000/x:1', 'IfNotPresent'],
    ['localhost:5000/team/x:latest', 'Always'],
    ['registry.example.com:443/team/app', 'Always'],
    ['ghcr.io/org/app:v2', 'IfNotPresent'],
    ['busybox:LATEST', 'IfNotPresent'],
  ];
  it.each(cases)('%s → %s', (image, want) => {
    expect(defaultPullPolicy(image)).toBe(want);
  });

  // Regression (a kite bug, fixed): Kubernetes parses the reference: `name:latest@sha256:…` has tag "latest", so it is
  // Always; kite sees the digest first and answers IfNotPresent.
  it('a digest with an explicit :latest tag → Always', () => {
    expect(defaultPullPolicy('nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31')).toBe('Always');
  });
});

describe('defaultPodSpec', () => {
  it('fills imagePullPolicy in every container list, keeps one already set', () => {
    const spec = {
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [
        { name: 'app', image: 'nginx:1.25' },
        { name: 'side', image: 'envoy', imagePullPolicy: 'Never' },
      ],
      ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36' }],
    };
    defaultPodSpec(spec);
    expect([...spec.initContainers, ...spec.containers, ...spec.ephemeralContainers].map((c) => (c as Obj).imagePullPolicy)).toEqual([
      'Always',
      'IfNotPresent',
      'Never',
      'IfNotPresent',
    ]);
  });

  it('leaves a container without an image alone (validation reports it)', () => {
    const spec = { containers: [{ name: 'app' }] };
    defaultPodSpec(spec);
    expect(spec.containers[0]).toEqual({ name: 'app' });
  });

  it.each([undefined, null, 'x', []])('ignores a spec that is not an object: %j', (spec) => {
    expect(() => defaultPodSpec(spec)).not.toThrow();
  });
});

describe('qosClass', () => {
  const c = (resources: Obj | undefined): Obj => ({ name: 'c', image: 'x', ...(resources === undefined ? {} : { resources }) });
  const both = { cpu: '500m', memory: '128Mi' };
  const cases: Array<[string, Obj, string]> = [
    ['no resources', { containers: [c(undefined)] }, 'BestEffort'],
    ['empty resources', { containers: [c({})] }, 'BestEffort'],
    ['requests only', { containers: [c({ requests: { cpu: '100m' } })] }, 'Burstable'],
    ['limits equal requests for cpu and memory', { containers: [c({ requests: both, limits: both })] }, 'Guaranteed'],
    ['limits only: requests default to limits', { containers: [c({ limits: both })] }, 'Guaranteed'],
    ['limits only, one request given and equal', { containers: [c({ limits: both, requests: { cpu: '500m' } })] }, 'Guaranteed'],
    ['cpu limit only', { containers: [c({ limits: { cpu: '1' } })] }, 'Burstable'],
    ['requests below limits', { containers: [c({ requests: { cpu: '100m', memory: '128Mi' }, limits: both })] }, 'Burstable'],
    ['a number and the same string are the same quantity', { containers: [c({ requests: { cpu: 1, memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })] }, 'Guaranteed'],
    ['one guaranteed container and one without resources', { containers: [c({ limits: both }), c(undefined)] }, 'Burstable'],
    ['all containers guaranteed', { containers: [c({ limits: both }), c({ limits: { cpu: '1', memory: '1Gi' } })] }, 'Guaranteed'],
    ['an init container without limits spoils Guaranteed', { initContainers: [c(undefined)], containers: [c({ limits: both })] }, 'Burstable'],
    ['init container resources alone make it Burstable', { initContainers: [c({ requests: { memory: '64Mi' } })], containers: [c(undefined)] }, 'Burstable'],
    ['no spec at all', {}, 'BestEffort'],
  ];
  it.each(cases)('%s → %s', (_title, spec, want) => {
    expect(qosClass(spec)).toBe(want);
  });

  // Regression (a kite bug, fixed): Kubernetes compares quantities, not strings: 1 CPU is 1000m and 1Gi is 1024Mi.
  it.each([
    ['cpu "1" vs "1000m"', { cpu: '1', memory: '1Gi' }, { cpu: '1000m', memory: '1Gi' }],
    ['memory "1Gi" vs "1024Mi"', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1024Mi' }],
  ])('equal quantities written differently are Guaranteed: %s', (_title, requests, limits) => {
    expect(qosClass({ containers: [c({ requests, limits })] })).toBe('Guaranteed');
  });

  // Regression (a kite bug, fixed): only cpu and memory count for QoS, and zero requests are ignored (GetPodQOS);
  // kite counts any resource name and any value.
  it.each([
    ['only ephemeral-storage', { requests: { 'ephemeral-storage': '1Gi' } }],
    ['only an extended resource', { limits: { 'example.com/gpu': '1' } }],
    ['a zero cpu request', { requests: { cpu: '0' } }],
  ])('%s is BestEffort', (_title, resources) => {
    expect(qosClass({ containers: [c(resources)] })).toBe('BestEffort');
  });
});

describe('podHooks.defaults', () => {
  const defaulted = (spec: Obj = {}): Obj => {
    const p = pod(spec);
    hooks.defaults?.(p);
    return specOf(p);
  };
  const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

  it('service account, priority, service links and the image pull policy', () => {
    expect(defaulted()).toMatchObject({
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      enableServiceLinks: true,
      containers: [{ name: 'app', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' }],
    });
  });

  it.each([
    ['serviceAccountName set', { serviceAccountName: 'builder' }],
    ['only the deprecated serviceAccount set', { serviceAccount: 'builder' }],
  ])('keeps a chosen service account: %s', (_title, spec) => {
    expect(defaulted(spec)).toMatchObject({ serviceAccountName: 'builder', serviceAccount: 'builder' });
  });

  it('keeps explicit priority and enableServiceLinks', () => {
    expect(defaulted({ priority: 1000, enableServiceLinks: false })).toMatchObject({ priority: 1000, enableServiceLinks: false });
  });

  const tolerations: Array<[string, Obj[] | undefined, Obj[]]> = [
    ['none given: both added with the configured seconds', undefined, [notReady, unreachable]],
    ['user tolerations are kept, the defaults appended', [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, notReady, unreachable]],
    ['an own not-ready toleration is not duplicated', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }], [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }, unreachable]],
    ['an own toleration with no effect covers NoExecute', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, notReady]],
    ['a NoSchedule toleration does not cover NoExecute', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }], [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }, notReady, unreachable]],
    ['tolerate-everything covers both', [{ operator: 'Exists' }], [{ operator: 'Exists' }]],
  ];
  it.each(tolerations)('tolerations: %s', (_title, given, want) => {
    expect(defaulted(given === undefined ? {} : { tolerations: given }).tolerations).toEqual(want);
  });

  it('the default tolerations are added once, however often defaults run (create, then updates)', () => {
    const p = pod();
    hooks.defaults?.(p);
    hooks.defaults?.(p);
    hooks.defaults?.(p);
    expect(specOf(p).tolerations).toEqual([notReady, unreachable]);
  });

  it('uses the configured toleration seconds', () => {
    const p = pod();
    podHooks({ defaultTolerationSeconds: 42 }).defaults?.(p);
    expect((specOf(p).tolerations as Obj[]).map((t) => t.tolerationSeconds)).toEqual([42, 42]);
  });

  // Regression (a kite bug, fixed): the DefaultTolerationSeconds admission plugin treats an empty key as "every key"
  // (`len(toleration.Key) == 0`), whatever is written for it; kite recognises only an absent key,
  // so `key: ""` (as YAML and Go clients write it) gets two extra tolerations.
  it('an empty-string key with Exists tolerates everything', () => {
    expect(defaulted({ tolerations: [{ key: '', operator: 'Exists' }] }).tolerations).toEqual([{ key: '', operator: 'Exists' }]);
  });

  // Regression (a kite bug, fixed): Kubernetes' SetDefaults_Pod copies limits into requests that are not set, for
  // containers and init containers, so the stored pod (and the scheduler, which reads
  // requests) sees requests equal to the limits; kite stores no requests.
  it('requests default to limits', () => {
    const spec = defaulted({
      containers: [{ name: 'app', image: 'nginx:1.25', resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } } }],
      initContainers: [{ name: 'init', image: 'busybox', resources: { limits: { memory: '64Mi' } } }],
    });
    expect((spec.containers as Obj[])[0]?.resources).toEqual({ limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '128Mi' } });
    expect((spec.initContainers as Obj[])[0]?.resources).toEqual({ limits: { memory: '64Mi' }, requests: { memory: '64Mi' } });
  });
});

describe('podHooks.initialStatus', () => {
  it.each([
    ['BestEffort', pod()],
    ['Guaranteed', pod({ containers: [{ name: 'app', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] })],
    ['Burstable', pod({ containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '1' } } }] })],
  ])('Pending with qosClass %s', (qos, p) => {
    expect(hooks.initialStatus?.(p)).toEqual({ phase: 'Pending', qosClass: qos });
  });
});

describe('pod validation', () => {
  const NAME_WHY =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const cases: Array<[string, Obj, string[]]> = [
    ['a valid pod', { volumes: [{ name: 'data', emptyDir: {} }], containers: [{ name: 'app', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/d' }], ports: [{ containerPort: 80 }] }] }, []],
    ['no containers', { containers: [] }, ['spec.containers: Required value']],
    ['containers missing', { containers: undefined }, ['spec.containers: Required value']],
    ['missing image', { containers: [{ name: 'app' }] }, ['spec.containers[0].image: Required value']],
    ['blank image', { containers: [{ name: 'app', image: '  ' }] }, ['spec.containers[0].image: Required value']],
    ['missing container name', { containers: [{ image: 'nginx' }] }, ['spec.containers[0].name: Required value']],
    ['duplicate container names', { containers: [{ name: 'app', image: 'a' }, { name: 'app', image: 'b' }] }, ['spec.containers[1].name: Duplicate value: "app"']],
    ['an init container name reused by a container', { initContainers: [{ name: 'app', image: 'a' }], containers: [{ name: 'app', image: 'b' }] }, ['spec.containers[0].name: Duplicate value: "app"']],
    ['bad container name', { containers: [{ name: 'App_1', image: 'nginx' }] }, [`spec.containers[0].name: Invalid value: "App_1": ${NAME_WHY}`]],
    ['init container missing image', { initContainers: [{ name: 'init' }] }, ['spec.initContainers[0].image: Required value']],
    ['an ephemeral container needs no image here', { ephemeralContainers: [{ name: 'debug' }] }, []],
    ['volumeMount naming an undefined volume', { containers: [{ name: 'app', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }, ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    ['init container volumeMount naming an undefined volume', { initContainers: [{ name: 'init', image: 'x', volumeMounts: [{ name: 'cfg', mountPath: '/c' }] }] }, ['spec.initContainers[0].volumeMounts[0].name: Not found: "cfg"']],
    ['duplicate volume names', { volumes: [{ name: 'data' }, { name: 'data' }] }, ['spec.volumes[1].name: Duplicate value: "data"']],
    ['volume without a name', { volumes: [{ emptyDir: {} }] }, ['spec.volumes[0].name: Required value']],
    ['containerPort out of range', { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 70000 }] }] }, ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['bad restartPolicy', { restartPolicy: 'Sometimes' }, ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['a sidecar: an init container with restartPolicy Always', { initContainers: [{ name: 'proxy', image: 'busybox', restartPolicy: 'Always' }] }, []],
    ['an init container restartPolicy other than Always', { initContainers: [{ name: 'init', image: 'busybox', restartPolicy: 'Never' }] }, ['spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['a restartPolicy on an app container', { containers: [{ name: 'app', image: 'nginx', restartPolicy: 'Always' }] }, ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']],
    ['several problems at once', { containers: [{ name: 'a' }, { name: 'a', image: 'x' }] }, ['spec.containers[0].image: Required value', 'spec.containers[1].name: Duplicate value: "a"']],
  ];
  it.each(cases)('%s', (_title, spec, want) => {
    expect(printed(hooks.validate?.(pod(spec)) ?? [])).toEqual(want);
  });

  it('reasons are the Kubernetes cause types', () => {
    const causes = hooks.validate?.(pod({ restartPolicy: 'x', volumes: [{ name: 'v' }, { name: 'v' }], containers: [{ name: 'a', volumeMounts: [{ name: 'nope' }] }] })) ?? [];
    expect(causes.map((c) => c.reason).sort()).toEqual(['FieldValueDuplicate', 'FieldValueNotFound', 'FieldValueNotSupported', 'FieldValueRequired']);
  });

  it('validatePodSpec prefixes paths for pod templates', () => {
    expect(printed(validatePodSpec({ containers: [{ name: 'app' }] }, 'spec.template.spec'))).toEqual(['spec.template.spec.containers[0].image: Required value']);
  });

  // Regression (a kite bug, fixed): Kubernetes reports a zero containerPort as missing (`containerPort: Required value`),
  // not as out of range.
  it('containerPort 0 is a Required value', () => {
    expect(printed(hooks.validate?.(pod({ containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 0 }] }] })) ?? [])).toEqual([
      'spec.containers[0].ports[0].containerPort: Required value',
    ]);
  });
});

describe('pod update restrictions', () => {
  const FORBIDDEN_PREFIX = 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`';
  const base = (): KObject =>
    pod({
      containers: [{ name: 'app', image: 'nginx:1.25', command: ['nginx'] }],
      initContainers: [{ name: 'init', image: 'busybox:1.36' }],
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      terminationGracePeriodSeconds: 30,
      nodeName: 'node-a',
    });
  const edit = (change: (spec: Obj, o: KObject) => void): KObject => {
    const o = base();
    change(specOf(o), o);
    return o;
  };
  const containers = (s: Obj): Obj[] => s.containers as Obj[];

  const allowed: Array<[string, (s: Obj, o: KObject) => void]> = [
    ['nothing', () => undefined],
    ['a container image', (s) => ((containers(s)[0] as Obj).image = 'nginx:1.26')],
    ['an init container image', (s) => (((s.initContainers as Obj[])[0] as Obj).image = 'busybox:1.37')],
    ['activeDeadlineSeconds', (s) => (s.activeDeadlineSeconds = 60)],
    ['an added toleration', (s) => (s.tolerations as Obj[]).push({ key: 'x', operator: 'Exists' })],
    ['tolerationSeconds of an existing toleration', (s) => (((s.tolerations as Obj[])[0] as Obj).tolerationSeconds = 10)],
    ['labels and annotations (not spec)', (_s, o) => (o.metadata.labels = { a: 'b' })],
    ['status (not spec)', (_s, o) => (o.status = { phase: 'Running' })],
  ];
  it.each(allowed)('may change %s', (_title, change) => {
    expect(hooks.validateUpdate?.(edit(change), base())).toEqual([]);
  });

  const forbidden: Array<[string, (s: Obj) => void]> = [
    ['a command', (s) => ((containers(s)[0] as Obj).command = ['sh'])],
    ['resources', (s) => ((containers(s)[0] as Obj).resources = { limits: { cpu: '1' } })],
    ['a new container', (s) => containers(s).push({ name: 'side', image: 'envoy' })],
    ['the node', (s) => (s.nodeName = 'node-b')],
    ['the restart policy', (s) => (s.restartPolicy = 'Never')],
    ['a container name', (s) => ((containers(s)[0] as Obj).name = 'other')],
  ];
  it.each(forbidden)('may not change %s', (_title, change) => {
    const causes = hooks.validateUpdate?.(edit(change), base()) ?? [];
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ reason: 'FieldValueForbidden', field: 'spec' });
    expect(causes[0]?.message.startsWith(FORBIDDEN_PREFIX)).toBe(true);
  });

  // Regression (a kite bug, fixed): only additions to tolerations are allowed (validateOnlyAddedTolerations: `spec.tolerations:
  // Forbidden: existing toleration can not be modified except its tolerationSeconds`); kite ignores
  // tolerations entirely, so one can be removed or changed.
  it.each([
    ['removed', (s: Obj) => (s.tolerations = [])],
    ['changed', (s: Obj) => (((s.tolerations as Obj[])[0] as Obj).effect = 'NoSchedule')],
  ])('an existing toleration %s is forbidden', (_title, change) => {
    expect(printed(hooks.validateUpdate?.(edit(change), base()) ?? [])).toEqual(['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  });

  // Regression (a kite bug, fixed): terminationGracePeriodSeconds may only go from a negative value to 1; kite lets any
  // change through.
  it('terminationGracePeriodSeconds 30 → 10 is forbidden', () => {
    const causes = hooks.validateUpdate?.(edit((s) => (s.terminationGracePeriodSeconds = 10)), base()) ?? [];
    expect(causes.map((c) => c.field)).toEqual(['spec']);
  });

  it('terminationGracePeriodSeconds from negative to 1 is allowed', () => {
    const old = edit((s) => (s.terminationGracePeriodSeconds = -1));
    expect(hooks.validateUpdate?.(edit((s) => (s.terminationGracePeriodSeconds = 1)), old)).toEqual([]);
  });
});
