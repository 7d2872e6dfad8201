import { describe, expect, it } from 'vitest';
import type { StatusCause } from '../../errors.js';
import type { KObject } from '../../object.js';
import type { KindHooks } from '../strategy.js';
import { controllerRevisionHooks, daemonSetHooks, deploymentHooks, jobHooks, replicaSetHooks, statefulSetHooks } from './workloads.js';

type Obj = Record<string, unknown>;

const printed = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field}: ${c.message}`);

function workload(kind: string, spec: Obj = {}, meta: Obj = {}): KObject {
  return {
    apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: { name: 'web', namespace: 'default', ...meta },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Always', containers: [{ name: 'app', image: 'nginx:1.25' }] } },
      ...spec,
    },
  };
}
const specOf = (o: KObject): Obj => o.spec as Obj;
const template = (labels: Obj | undefined, podSpec: Obj = {}): Obj => ({
  metadata: labels === undefined ? {} : { labels },
  spec: { restartPolicy: 'Always', containers: [{ name: 'app', image: 'nginx:1.25' }], ...podSpec },
});

describe('deployment validation', () => {
  const v = (spec: Obj): string[] => printed(deploymentHooks.validate?.(workload('Deployment', spec)) ?? []);
  const cases: Array<[string, Obj, string[]]> = [
    ['valid', {}, []],
    ['selector by expression', { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }, []],
    ['template with more labels than the selector', { template: template({ app: 'web', tier: 'front' }) }, []],
    ['zero replicas', { replicas: 0 }, []],
    ['missing selector', { selector: undefined }, ['spec.selector: Required value']],
    [
      'selector does not match the template labels',
      { template: template({ app: 'api' }) },
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`'],
    ],
    ['template without labels', { template: template(undefined) }, ['spec.template.metadata.labels: Invalid value: map[string]string{}: `selector` does not match template `labels`']],
    ['negative replicas', { replicas: -1 }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [
      'missing template',
      { template: undefined },
      ['spec.template.metadata.labels: Invalid value: map[string]string{}: `selector` does not match template `labels`', 'spec.template: Required value'],
    ],
    ['restartPolicy other than Always', { template: template({ app: 'web' }, { restartPolicy: 'Never' }) }, ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['pod spec problems are reported under spec.template.spec', { template: template({ app: 'web' }, { containers: [{ name: 'app' }] }) }, ['spec.template.spec.containers[0].image: Required value']],
  ];
  it.each(cases)('%s', (_title, spec, want) => {
    expect(v(spec)).toEqual(want);
  });

  it('an empty selector is invalid', () => {
    const causes = deploymentHooks.validate?.(workload('Deployment', { selector: {} })) ?? [];
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'spec.selector' });
    expect(causes[0]?.message).toMatch(/: empty selector is invalid for deployment$/);
  });

  it.each([
    ['an unknown operator', { matchExpressions: [{ key: 'app', operator: 'Bogus', values: ['x'] }] }],
    ['In without values', { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }],
    ['a bad label value', { matchLabels: { app: 'not valid!' } }],
  ])('a malformed selector is invalid: %s', (_title, selector) => {
    const causes = deploymentHooks.validate?.(workload('Deployment', { selector })) ?? [];
    expect(causes.length).toBeGreaterThan(0);
    expect(causes[0]).toMatchObject({ reason: 'FieldValueInvalid' });
    expect(causes[0]?.field).toMatch(/^spec\.selector/);
  });

  // Regression (a kite bug, fixed): Kubernetes prints the labels with Go's %#v, which sorts map keys; kite prints them in
  // the order they were written.
  it('the mismatch message lists template labels sorted by key', () => {
    expect(v({ template: template({ tier: 'front', app: 'api' }) })).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api", "tier":"front"}: `selector` does not match template `labels`',
    ]);
  });

  const updates: Array<[string, Obj, string[]]> = [
    ['same selector, other replicas', { replicas: 5 }, []],
    ['template change', { template: template({ app: 'web', v: '2' }) }, []],
    ['selector change', { selector: { matchLabels: { app: 'web', v: '2' } } }, ['spec.selector: Invalid value: field is immutable']],
  ];
  it.each(updates)('update: %s', (_title, spec, want) => {
    expect(printed(deploymentHooks.validateUpdate?.(workload('Deployment', spec), workload('Deployment')) ?? [])).toEqual(want);
  });
});

describe('replicated kinds share the selector rules', () => {
  const all: Array<[string, KindHooks]> = [
    ['ReplicaSet', replicaSetHooks],
    ['DaemonSet', daemonSetHooks],
    ['StatefulSet', statefulSetHooks],
  ];
  it.each(all)('%s: mismatch, Always-only restart policy, immutable selector', (kind, hooks) => {
    expect(printed(hooks.validate?.(workload(kind, { template: template({ app: 'api' }) })) ?? [])).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`',
    ]);
    expect(printed(hooks.validate?.(workload(kind, { template: template({ app: 'web' }, { restartPolicy: 'OnFailure' }) })) ?? [])).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
    expect(hooks.validateUpdate?.(workload(kind, { selector: { matchLabels: { app: 'x' } } }), workload(kind))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: field is immutable', field: 'spec.selector' },
    ]);
  });

  it.each(all)('%s starts with an empty status', (kind, hooks) => {
    expect(hooks.initialStatus?.(workload(kind))).toEqual({});
  });
});

describe('workload defaults', () => {
  const defaulted = (hooks: KindHooks, kind: string, spec: Obj = {}): Obj => {
    const o = workload(kind, spec);
    hooks.defaults?.(o);
    return specOf(o);
  };

  it('the pod template gets image pull policies', () => {
    const spec = defaulted(deploymentHooks, 'Deployment', { template: template({ app: 'web' }, { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx:1.25' }] }) });
    expect(((spec.template as Obj).spec as Obj).containers).toEqual([
      { name: 'a', image: 'nginx', imagePullPolicy: 'Always' },
      { name: 'b', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' },
    ]);
  });

  const cases: Array<[string, KindHooks, string, Obj, string, unknown]> = [
    ['Deployment: RollingUpdate 25%/25%', deploymentHooks, 'Deployment', {}, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }],
    ['Deployment: a chosen maxSurge is kept', deploymentHooks, 'Deployment', { strategy: { rollingUpdate: { maxSurge: 1 } } }, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } }],
    ['Deployment: Recreate has no rollingUpdate', deploymentHooks, 'Deployment', { strategy: { type: 'Recreate' } }, 'strategy', { type: 'Recreate' }],
    ['DaemonSet: RollingUpdate 1/0', daemonSetHooks, 'DaemonSet', {}, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }],
    ['DaemonSet: OnDelete', daemonSetHooks, 'DaemonSet', { updateStrategy: { type: 'OnDelete' } }, 'updateStrategy', { type: 'OnDelete' }],
    ['StatefulSet: RollingUpdate partition 0', statefulSetHooks, 'StatefulSet', {}, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }],
    ['StatefulSet: PVC retention', statefulSetHooks, 'StatefulSet', {}, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' }],
  ];
  it.each(cases)('%s', (_title, hooks, kind, spec, field, want) => {
    expect(defaulted(hooks, kind, spec)[field]).toEqual(want);
  });
});

describe('job', () => {
  const UID = '7f8e2c1a-1111-4222-8333-444455556666';
  const job = (spec: Obj = {}, meta: Obj = { uid: UID, name: 'build' }): KObject => {
    const o = workload('Job', { replicas: undefined, selector: undefined, template: template({ team: 'ci' }, { restartPolicy: 'Never' }), ...spec }, meta);
    delete specOf(o).replicas;
    delete specOf(o).selector;
    for (const [k, v] of Object.entries(spec)) if (v !== undefined) specOf(o)[k] = v;
    return o;
  };
  const defaulted = (o: KObject): Obj => {
    jobHooks.defaults?.(o);
    return specOf(o);
  };

  it('selects its pods by its own uid and labels the template with uid and name', () => {
    const spec = defaulted(job());
    expect(spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': UID } });
    expect((spec.template as { metadata: Obj }).metadata.labels).toEqual({
      team: 'ci',
      'batch.kubernetes.io/controller-uid': UID,
      'batch.kubernetes.io/job-name': 'build',
      'controller-uid': UID,
      'job-name': 'build',
    });
  });

  it('a generated selector passes the job’s own validation and the template still matches it', () => {
    const o = job();
    jobHooks.defaults?.(o);
    expect(jobHooks.validate?.(o)).toEqual([]);
  });

  it('manualSelector keeps the user selector and labels untouched', () => {
    const spec = defaulted(job({ manualSelector: true, selector: { matchLabels: { team: 'ci' } } }));
    expect(spec.selector).toEqual({ matchLabels: { team: 'ci' } });
    expect((spec.template as { metadata: Obj }).metadata.labels).toEqual({ team: 'ci' });
  });

  it('no uid yet (before prepareForCreate): nothing generated', () => {
    expect(defaulted(job({}, { name: 'build' })).selector).toBeUndefined();
  });

  it('defaults run again on update do not change an existing selector', () => {
    const o = job();
    jobHooks.defaults?.(o);
    const before = structuredClone(o);
    jobHooks.defaults?.(o);
    expect(o).toEqual(before);
  });

  // Regression (a kite bug, fixed): without manualSelector, Kubernetes' generateSelector adds the controller-uid label to a
  // selector the user wrote (and the uid/name labels to the template); kite leaves that selector
  // as written, so the job's pods are not tied to this job.
  it('a user selector without manualSelector still gets the controller-uid', () => {
    const spec = defaulted(job({ selector: { matchLabels: { team: 'ci' } } }));
    expect(spec.selector).toEqual({ matchLabels: { team: 'ci', 'batch.kubernetes.io/controller-uid': UID } });
  });

  const counts: Array<[string, Obj, Obj]> = [
    ['neither set: 1 and 1', {}, { completions: 1, parallelism: 1 }],
    ['parallelism only: completions stay unset (work queue)', { parallelism: 3 }, { parallelism: 3 }],
    ['completions only: parallelism 1', { completions: 5 }, { completions: 5, parallelism: 1 }],
  ];
  it.each(counts)('completions/parallelism: %s', (_title, spec, want) => {
    const got = defaulted(job(spec));
    expect({ completions: got.completions, parallelism: got.parallelism }).toEqual({ completions: undefined, ...want });
  });

  const restart: Array<[string, string, string[]]> = [
    ['Never', 'Never', []],
    ['OnFailure', 'OnFailure', []],
    // Kubernetes reports the (often defaulted) Always as missing rather than unsupported.
    ['Always is not allowed', 'Always', ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
    // Reported twice, as Kubernetes does: once by the pod spec's rules, once by the job's.
    [
      'an unknown value',
      'Sometimes',
      [
        'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"',
      ],
    ],
  ];
  it.each(restart)('restartPolicy %s', (_title, policy, want) => {
    const o = job({ template: template({ team: 'ci' }, { restartPolicy: policy }) });
    expect(printed(jobHooks.validate?.(o) ?? [])).toEqual(want);
  });

  it('starts with an empty status', () => {
    expect(jobHooks.initialStatus?.(job())).toEqual({});
  });

  it('selector and template are immutable', () => {
    const old = job();
    jobHooks.defaults?.(old);
    const changed = structuredClone(old);
    specOf(changed).selector = { matchLabels: { other: 'x' } };
    ((specOf(changed).template as Obj).spec as Obj).restartPolicy = 'OnFailure';
    expect(printed(jobHooks.validateUpdate?.(changed, old) ?? [])).toEqual(['spec.selector: Invalid value: field is immutable', 'spec.template: Invalid value: field is immutable']);
    const scaled = structuredClone(old);
    specOf(scaled).parallelism = 4;
    expect(jobHooks.validateUpdate?.(scaled, old)).toEqual([]);
  });
});

describe('controllerrevision validation', () => {
  const revision = (extra: Obj): KObject => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-abc', namespace: 'default' }, ...extra });
  const data = { spec: { template: { $patch: 'replace', spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
  const cases: Array<[string, Obj, string[]]> = [
    ['valid', { data, revision: 2 }, []],
    ['any JSON will do for data', { data: 'opaque', revision: 0 }, []],
    ['data is mandatory', { revision: 1 }, ['data: Required value: data is mandatory']],
    ['negative revision', { data, revision: -1 }, ['revision: Invalid value: -1: must be greater than or equal to 0']],
  ];
  it.each(cases)('%s', (_title, extra, want) => {
    expect(printed(controllerRevisionHooks.validate?.(revision(extra)) ?? [])).toEqual(want);
  });

  it('data is immutable, the revision number is not', () => {
    const old = revision({ data, revision: 1 });
    expect(controllerRevisionHooks.validateUpdate?.(revision({ data, revision: 3 }), old)).toEqual([]);
    expect(printed(controllerRevisionHooks.validateUpdate?.(revision({ data: { spec: {} }, revision: 1 }), old) ?? [])).toEqual(['data: Invalid value: field is immutable']);
  });
});
