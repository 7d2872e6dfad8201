import { KindIndex, type KindDef } from '@kite/api';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import type { KObject } from '../object.js';
import { objectFilter } from './selectable-fields.js';

const kinds = new KindIndex();
const kind = (apiVersion: string, k: string): KindDef => {
  const def = kinds.kind(apiVersion, k);
  if (def === undefined) throw new Error(`no kind ${apiVersion} ${k}`);
  return def;
};
const POD = kind('v1', 'Pod');
const EVENT = kind('v1', 'Event');
const SECRET = kind('v1', 'Secret');
const NODE = kind('v1', 'Node');
const NAMESPACE = kind('v1', 'Namespace');
const REPLICASET = kind('apps/v1', 'ReplicaSet');
const JOB = kind('batch/v1', 'Job');

const obj = (name: string, labels: Record<string, string> | undefined, rest: Record<string, unknown> = {}): KObject => ({
  metadata: { name, namespace: 'default', ...(labels === undefined ? {} : { labels }) },
  ...rest,
});

/** Names of the objects the filter keeps. */
const kept = (k: KindDef, objects: KObject[], labelSelector: string | null, fieldSelector: string | null): string[] => {
  const f = objectFilter(k, labelSelector, fieldSelector);
  return objects.filter(f).map((o) => o.metadata.name as string);
};

describe('objectFilter: label selectors', () => {
  const objects = [
    obj('prod-web', { env: 'prod', app: 'web', tier: '3' }),
    obj('dev-web', { env: 'dev', app: 'web', tier: '1' }),
    obj('test-db', { env: 'test', app: 'db' }),
    obj('bare', undefined),
    obj('empty-env', { env: '' }),
  ];
  // Selectors as they arrive after URLSearchParams decoding (kubectl -l ...).
  const cases: Array<[string, string | null, string[]]> = [
    ['no selector', null, ['prod-web', 'dev-web', 'test-db', 'bare', 'empty-env']],
    ['empty selector', '', ['prod-web', 'dev-web', 'test-db', 'bare', 'empty-env']],
    ['=', 'env=prod', ['prod-web']],
    ['==', 'env==prod', ['prod-web']],
    ['!= also keeps objects without the label', 'env!=prod', ['dev-web', 'test-db', 'bare', 'empty-env']],
    ['in', 'env in (prod,dev)', ['prod-web', 'dev-web']],
    ['notin also keeps objects without the label', 'env notin (prod,dev)', ['test-db', 'bare', 'empty-env']],
    ['exists', 'env', ['prod-web', 'dev-web', 'test-db', 'empty-env']],
    ['does not exist', '!env', ['bare']],
    ['= with an empty value', 'env=', ['empty-env']],
    ['gt', 'tier>2', ['prod-web']],
    ['lt', 'tier<2', ['dev-web']],
    ['requirements are ANDed', 'app=web,env!=prod', ['dev-web']],
    ['kubectl example: in and != together', 'env in (prod,dev),app!=z', ['prod-web', 'dev-web']],
    ['spaces around operators', 'env = prod , app in ( web )', ['prod-web']],
    ['qualified keys', 'app.kubernetes.io/name=web', []],
  ];
  it.each(cases)('%s: %s', (_title, selector, want) => {
    expect(kept(POD, objects, selector, null)).toEqual(want);
  });

  const bad = ['env in (', 'env in ()', 'env notin prod', '!', 'a b', 'env=prod,', 'bad key=x', 'env=has space', 'tier>x', 'x/y/z=1'];
  it.each(bad)('%s is a 400 BadRequest', (selector) => {
    let err: unknown;
    try {
      objectFilter(POD, selector, null);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 400, reason: 'BadRequest' });
  });

  // parseSelector's own messages already begin "unable to parse requirement: "; Kubernetes says it once.
  it.each([
    ['env in (', "unable to parse requirement: found 'end of string', expected: identifier"],
    ['a b', 'unable to parse requirement: found '],
    ['bad key=x', 'unable to parse requirement: found '],
  ])('%j: the message says "unable to parse requirement" once', (selector, start) => {
    let message = '';
    try {
      objectFilter(POD, selector, null);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.startsWith(start)).toBe(true);
    expect(message.match(/unable to parse requirement/g)).toHaveLength(1);
  });
});

describe('objectFilter: field selectors', () => {
  const pods = [
    obj('running-on-a', { app: 'web' }, { spec: { nodeName: 'node-a', restartPolicy: 'Always', schedulerName: 'default-scheduler' }, status: { phase: 'Running', podIP: '10.0.0.5' } }),
    obj('pending', { app: 'web' }, { spec: { restartPolicy: 'Never' }, status: { phase: 'Pending' } }),
    obj('done-on-b', { app: 'batch' }, { spec: { nodeName: 'node-b', hostNetwork: true }, status: { phase: 'Succeeded' } }),
  ];
  const podCases: Array<[string, string, string[]]> = [
    ['spec.nodeName', 'spec.nodeName=node-a', ['running-on-a']],
    ['unscheduled pods (the scheduler\u2019s query)', 'spec.nodeName=', ['pending']],
    ['status.phase', 'status.phase=Running', ['running-on-a']],
    ['status.phase !=', 'status.phase!=Running', ['pending', 'done-on-b']],
    ['kubectl delete --field-selector with two terms', 'status.phase!=Running,status.phase!=Pending', ['done-on-b']],
    ['status.phase ==', 'status.phase==Succeeded', ['done-on-b']],
    ['spec.restartPolicy', 'spec.restartPolicy=Never', ['pending']],
    ['spec.hostNetwork defaults to false', 'spec.hostNetwork=false', ['running-on-a', 'pending']],
    ['spec.hostNetwork true', 'spec.hostNetwork=true', ['done-on-b']],
    ['status.podIP', 'status.podIP=10.0.0.5', ['running-on-a']],
    ['metadata.name (kubectl waiters)', 'metadata.name=pending', ['pending']],
    ['metadata.namespace', 'metadata.namespace=default', ['running-on-a', 'pending', 'done-on-b']],
    ['metadata.namespace of another namespace', 'metadata.namespace=kube-system', []],
  ];
  it.each(podCases)('pods: %s', (_title, selector, want) => {
    expect(kept(POD, pods, null, selector)).toEqual(want);
  });

  it('label and field selectors together', () => {
    expect(kept(POD, pods, 'app=web', 'status.phase=Pending')).toEqual(['pending']);
  });

  const involved = (name: string, kind: string, uid: string): Record<string, unknown> => ({ involvedObject: { kind, name, namespace: 'default', uid, apiVersion: 'v1' } });
  const events = [
    obj('web.1', undefined, { ...involved('web', 'Pod', 'u-web'), reason: 'Scheduled', type: 'Normal', source: { component: 'default-scheduler' } }),
    obj('web.2', undefined, { ...involved('web', 'Pod', 'u-web-old'), reason: 'Killing', type: 'Normal', source: { component: 'kubelet' } }),
    obj('db.1', undefined, { ...involved('db', 'Deployment', 'u-db'), reason: 'ScalingReplicaSet', type: 'Warning', reportingComponent: 'deployment-controller' }),
  ];
  const eventCases: Array<[string, string, string[]]> = [
    // kubectl describe's exact query
    ['describe', 'involvedObject.name=web,involvedObject.namespace=default,involvedObject.uid=u-web', ['web.1']],
    ['involvedObject.kind', 'involvedObject.kind=Deployment', ['db.1']],
    ['involvedObject.apiVersion', 'involvedObject.apiVersion=v1', ['web.1', 'web.2', 'db.1']],
    ['reason', 'reason=Killing', ['web.2']],
    ['type', 'type=Warning', ['db.1']],
    ['source is source.component', 'source=kubelet', ['web.2']],
    ['reportingComponent', 'reportingComponent=deployment-controller', ['db.1']],
  ];
  it.each(eventCases)('events: %s', (_title, selector, want) => {
    expect(kept(EVENT, events, null, selector)).toEqual(want);
  });

  it('secrets: type', () => {
    const secrets = [obj('tls', undefined, { type: 'kubernetes.io/tls' }), obj('opaque', undefined, { type: 'Opaque' })];
    expect(kept(SECRET, secrets, null, 'type=kubernetes.io/tls')).toEqual(['tls']);
    expect(kept(SECRET, secrets, null, 'type!=kubernetes.io/tls')).toEqual(['opaque']);
  });

  const other: Array<[string, KindDef, KObject[], string, string[]]> = [
    ['nodes: spec.unschedulable defaults to false', NODE, [obj('a', undefined, { spec: { unschedulable: true } }), obj('b', undefined, { spec: {} })], 'spec.unschedulable=false', ['b']],
    ['namespaces: status.phase', NAMESPACE, [obj('a', undefined, { status: { phase: 'Terminating' } }), obj('b', undefined, { status: { phase: 'Active' } })], 'status.phase=Active', ['b']],
    ['replicasets: status.replicas (0 when unset)', REPLICASET, [obj('a', undefined, { status: { replicas: 3 } }), obj('b', undefined, { status: {} })], 'status.replicas=0', ['b']],
    ['jobs: status.successful reads status.succeeded', JOB, [obj('a', undefined, { status: { succeeded: 1 } }), obj('b', undefined, { status: {} })], 'status.successful=1', ['a']],
  ];
  it.each(other)('%s', (_title, k, objects, selector, want) => {
    expect(kept(k, objects, null, selector)).toEqual(want);
  });

  const unsupported: Array<[string, KindDef, string, string]> = [
    ['a pod field Kubernetes does not index', POD, 'spec.containers=x', 'spec.containers'],
    ['an event field on a pod', POD, 'involvedObject.name=x', 'involvedObject.name'],
    ['a pod field on a secret', SECRET, 'status.phase=x', 'status.phase'],
    ['metadata.namespace on a cluster-scoped kind', NODE, 'metadata.namespace=default', 'metadata.namespace'],
    ['the second term is checked too', POD, 'status.phase=Running,spec.bogus=1', 'spec.bogus'],
  ];
  it.each(unsupported)('%s: 400 field label not supported', (_title, k, selector, field) => {
    let err: unknown;
    try {
      objectFilter(k, null, selector);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect((err as Error).message).toContain(`field label not supported: ${field}`);
  });

  const malformed = ['status.phase', 'status.phase=a=b', '=Running', 'status.phase!Running'];
  it.each(malformed)('%s is a 400 BadRequest', (selector) => {
    let err: unknown;
    try {
      objectFilter(POD, null, selector);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect((err as Error).message).toContain("can't understand");
  });
});
