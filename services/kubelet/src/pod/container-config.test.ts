import { describe, expect, it } from 'vitest';
import { containerSpec, SERVICE_ACCOUNT_PATH } from './container-config.js';
import type { Container, Pod } from './types.js';
import { VolumeError } from './volume-files.js';

const sandbox = { uid: 'u', ip: '10.0.0.2', dir: '/pods/u', isolated: true };
const image = { image: 'docker.io/library/busybox:latest', entrypoint: [], cmd: ['sh'], env: { PATH: '/usr/bin:/bin', IMG: 'yes' }, mounts: [{ hostPath: '/img/conf', containerPath: '/etc/img.conf', readOnly: true }], pathPrefix: ['/opt/busybox/bin'] };

function spec(c: Partial<Container>, extra: { sa?: string; term?: string } = {}) {
  const container: Container = { name: 'app', image: 'busybox', ...c };
  const pod: Pod = { metadata: { name: 'web-0', namespace: 'ns' }, spec: { containers: [container] } };
  return containerSpec({
    pod,
    container,
    sandbox,
    attempt: 2,
    image,
    env: new Map([['SUB', 'logs'], ['IMG', 'overridden']]),
    volumes: new Map([['data', '/pods/u/.volumes/data']]),
    logPath: '/pods/u/app/2.log',
    ...(extra.sa !== undefined ? { serviceAccountDir: extra.sa } : {}),
    ...(extra.term !== undefined ? { terminationLog: extra.term } : {}),
  });
}

describe('containerSpec', () => {
  it('merges env (image, PATH with the catalog prefix, HOSTNAME, then the pod) and takes the image argv', () => {
    const s = spec({});
    expect(s.argv).toEqual(['sh']);
    expect(s.env).toEqual({ PATH: '/opt/busybox/bin:/usr/bin:/bin', IMG: 'overridden', HOSTNAME: 'web-0', SUB: 'logs' });
    expect(s).toMatchObject({ name: 'app', attempt: 2, logPath: '/pods/u/app/2.log' });
  });

  it.each([
    ['plain', { name: 'data', mountPath: '/data' }, { hostPath: '/pods/u/.volumes/data', containerPath: '/data', readOnly: false }],
    ['subPath, read-only', { name: 'data', mountPath: '/cfg', subPath: 'conf/app', readOnly: true }, { hostPath: '/pods/u/.volumes/data/conf/app', containerPath: '/cfg', readOnly: true }],
    ['subPathExpr', { name: 'data', mountPath: '/l', subPathExpr: '$(SUB)/x' }, { hostPath: '/pods/u/.volumes/data/logs/x', containerPath: '/l', readOnly: false }],
  ])('volume mount: %s', (_name, m, want) => {
    expect(spec({ volumeMounts: [m] }).mounts).toEqual([image.mounts[0], want]);
  });

  it.each([
    ['escaping subPath', { name: 'data', mountPath: '/x', subPath: '../etc' }, "subPath \"../etc\" must be a relative path without '..'"],
    ['unknown volume', { name: 'nope', mountPath: '/x' }, 'volume "nope" is not set up'],
  ])('rejects %s', (_name, m, message) => {
    expect(() => spec({ volumeMounts: [m] })).toThrow(new VolumeError(message));
  });

  it('mounts the service account directory and the termination log unless the container covers them', () => {
    const mounts = spec({}, { sa: '/pods/u/.volumes/.serviceaccount', term: '/pods/u/.containers/app/termination-log.2' }).mounts;
    expect(mounts.slice(1)).toEqual([
      { hostPath: '/pods/u/.volumes/.serviceaccount', containerPath: SERVICE_ACCOUNT_PATH, readOnly: true },
      { hostPath: '/pods/u/.containers/app/termination-log.2', containerPath: '/dev/termination-log', readOnly: false },
    ]);
    const own = spec({ volumeMounts: [{ name: 'data', mountPath: '/var/run/secrets/' }] }, { sa: '/sa' }).mounts;
    expect(own.map((m) => m.containerPath)).toEqual(['/etc/img.conf', '/var/run/secrets/']);
  });

  it('turns limits into runtime figures', () => {
    expect(spec({ resources: { limits: { memory: '64Mi', cpu: '250m' } } })).toMatchObject({ memoryLimitBytes: 64 * 1024 * 1024, cpuLimitMillis: 250 });
    const none = spec({ resources: { requests: { memory: '1Gi' } } });
    expect(none.memoryLimitBytes).toBeUndefined();
    expect(none.cpuLimitMillis).toBeUndefined();
  });

  it('passes stdin, stdinOnce and tty on (kubectl run -it), and leaves them out when unset', () => {
    expect(spec({ stdin: true, stdinOnce: true, tty: true })).toMatchObject({ stdin: true, stdinOnce: true, tty: true });
    const plain = spec({});
    expect([plain.stdin, plain.stdinOnce, plain.tty]).toEqual([undefined, undefined, undefined]);
  });
});
