import { describe, expect, it } from 'vitest';
import type { ConfigSource } from './env.js';
import { referencedObjects, VolumeError, volumeFiles } from './volume-files.js';
import type { Pod, Volume } from './types.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const source: ConfigSource = {
  configMap: (_ns, name) => (name === 'cfg' ? { metadata: { name }, data: { 'app.conf': 'port=80', 'log.conf': 'level=info' }, binaryData: { 'blob.bin': b64('\x00\x01') } } : undefined),
  secret: (_ns, name) => (name === 'tls' ? { metadata: { name }, data: { 'tls.crt': b64('CERT'), 'tls.key': b64('KEY') } } : undefined),
};

const pod: Pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { b: '2', a: '1' }, annotations: { note: 'say "hi"' } },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox', resources: { limits: { memory: '32Mi', cpu: '500m' } } }] },
};
const ctx = { source, field: { pod, hostIP: '127.0.0.1', podIP: '10.0.0.9' }, node: { cpuMillis: 2000n, memoryBytes: 1n << 30n, ephemeralStorageBytes: 0n } };

const files = (v: Omit<Volume, 'name'>): Array<[string, string, string]> =>
  volumeFiles(pod, { name: 'v', ...v } as Volume, ctx)
    .map((f) => [f.path, f.data.toString('utf8'), f.mode.toString(8)] as [string, string, string])
    .sort((x, y) => x[0].localeCompare(y[0]));

describe('volumeFiles', () => {
  it.each([
    ['configMap: every key, default mode 0644', { configMap: { name: 'cfg' } }, [['app.conf', 'port=80', '644'], ['blob.bin', '\x00\x01', '644'], ['log.conf', 'level=info', '644']]],
    ['configMap: items rename, mode beats defaultMode', { configMap: { name: 'cfg', defaultMode: 0o600, items: [{ key: 'app.conf', path: 'conf/app' }, { key: 'log.conf', path: 'log', mode: 0o400 }] } }, [['conf/app', 'port=80', '600'], ['log', 'level=info', '400']]],
    ['configMap: optional and missing', { configMap: { name: 'gone', optional: true } }, []],
    ['secret: decoded', { secret: { secretName: 'tls', defaultMode: 0o400 } }, [['tls.crt', 'CERT', '400'], ['tls.key', 'KEY', '400']]],
    [
      'downwardAPI: fields and resources',
      {
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
            { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
            { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
            { path: 'mem', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } },
            { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } },
          ],
        },
      },
      [['annotations', 'note="say \\"hi\\""', '644'], ['cpu', '500', '644'], ['labels', 'a="1"\nb="2"', '644'], ['mem', '32', '644'], ['name', 'p', '644']],
    ],
    [
      'projected: sources together with one defaultMode',
      { projected: { defaultMode: 0o440, sources: [{ configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'app.conf' }] } }, { secret: { name: 'tls', items: [{ key: 'tls.key', path: 'key' }] } }, { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] } },
      [['app.conf', 'port=80', '440'], ['key', 'KEY', '440'], ['ns', 'ns', '440']],
    ],
  ] as const)('%s', (_name, v, want) => {
    expect(files(v as unknown as Omit<Volume, 'name'>)).toEqual(want);
  });

  it.each([
    ['missing configMap', { configMap: { name: 'gone' } }, 'configmap "gone" not found'],
    ['missing secret', { secret: { secretName: 'gone' } }, 'secret "gone" not found'],
    ['missing key', { configMap: { name: 'cfg', items: [{ key: 'nope', path: 'x' }] } }, 'configmap references non-existent config key: nope'],
  ] as const)('%s → VolumeError', (_name, v, message) => {
    expect(() => files(v as unknown as Omit<Volume, 'name'>)).toThrow(new VolumeError(message));
  });

  it('lists the ConfigMaps and Secrets a pod refers to', () => {
    const p: Pod = {
      metadata: { name: 'p', namespace: 'ns' },
      spec: {
        volumes: [{ name: 'a', configMap: { name: 'cfg' } }, { name: 'b', projected: { sources: [{ secret: { name: 'tls' } }] } }],
        containers: [{ name: 'c', image: 'x', envFrom: [{ secretRef: { name: 'env' } }], env: [{ name: 'E', valueFrom: { configMapKeyRef: { name: 'k', key: 'x' } } }] }],
      },
    };
    expect([...referencedObjects(p)].sort()).toEqual(['ConfigMap/ns/cfg', 'ConfigMap/ns/k', 'Secret/ns/env', 'Secret/ns/tls']);
  });
});
