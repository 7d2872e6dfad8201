import { describe, expect, it } from 'vitest';
import { fstabField, mountPlan } from './container-mounts.js';
import type { ContainerSpec, MountSpec } from './types.js';

const ctx = { tmpDir: '/k/pod/containers/c/tmp', devDir: '/k/pod/containers/c/dev' };

function spec(mounts: MountSpec[], opts: { netns?: boolean; path?: string } = {}): ContainerSpec {
  return {
    sandbox: { uid: 'u', ip: '10.0.0.2', dir: '/k/pod', isolated: true, ...(opts.netns === false ? {} : { netns: '/run/netns/x' }) },
    name: 'c',
    attempt: 0,
    argv: ['true'],
    env: opts.path !== undefined ? { PATH: opts.path } : {},
    mounts,
    logPath: '/k/pod/c/0.log',
  };
}

/** The fstab's lines as [source, target, options]. */
const lines = (fstab: string): string[][] =>
  fstab
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([s, t, , o]) => [s as string, t as string, o as string]);

const dirs = new Set(['/vol/data', '/vol/conf', '/vol/whole-tmp', '/tmp/kubelet/images/busybox-bin']);
const isDir = (p: string): boolean => dirs.has(p);

describe('mountPlan', () => {
  const cases: Array<{ name: string; mounts: MountSpec[]; opts?: { netns?: boolean; path?: string }; has: string[][]; lacks?: string[]; files: string[]; tmpDir: boolean; last: string[] }> = [
    {
      name: 'a pod with its own network: hosts, hostname, the private /dev, then /tmp last',
      mounts: [],
      has: [
        ['/k/pod/etc-hosts', '/etc/hosts', 'bind'],
        ['/k/pod/etc-hostname', '/etc/hostname', 'bind'],
        ['/dev/null', '/k/pod/containers/c/dev/null', 'bind'],
        ['/dev/pts', '/k/pod/containers/c/dev/pts', 'rbind'],
        ['shm', '/k/pod/containers/c/dev/shm', 'mode=1777,size=65536k,nosuid,nodev'],
        ['/k/pod/containers/c/dev', '/dev', 'rbind'],
      ],
      // A link to pts/ptmx, made beforehand: the node's ptmx bound alone cannot open a pty.
      lacks: ['/dev/ptmx'],
      files: [],
      tmpDir: true,
      last: ['/k/pod/containers/c/tmp', '/tmp', 'rbind'],
    },
    {
      name: 'a host-network pod keeps the node hostname',
      mounts: [],
      opts: { netns: false },
      has: [['/k/pod/etc-hosts', '/etc/hosts', 'bind']],
      lacks: ['/etc/hostname'],
      files: [],
      tmpDir: true,
      last: ['/k/pod/containers/c/tmp', '/tmp', 'rbind'],
    },
    {
      name: 'directories get mkdir at mount time, files a mount point beforehand (under /dev: in the /dev dir)',
      mounts: [
        { hostPath: '/vol/data', containerPath: '/srv/data/', readOnly: false },
        { hostPath: '/vol/conf', containerPath: '/etc/app', readOnly: true },
        { hostPath: '/k/pod/tl', containerPath: '/dev/termination-log', readOnly: false },
      ],
      has: [
        ['/vol/data', '/srv/data', 'bind,X-mount.mkdir'],
        ['/vol/conf', '/etc/app', 'bind,X-mount.mkdir,ro'],
        ['/k/pod/tl', '/dev/termination-log', 'bind'],
      ],
      files: ['/k/pod/containers/c/dev/termination-log'],
      tmpDir: true,
      last: ['/k/pod/containers/c/tmp', '/tmp', 'rbind'],
    },
    {
      name: 'a file inside an earlier volume gets its mount point in that volume on the node',
      mounts: [
        { hostPath: '/vol/data', containerPath: '/srv', readOnly: false },
        { hostPath: '/vol/file', containerPath: '/srv/conf/app.ini', readOnly: true },
      ],
      has: [['/vol/file', '/srv/conf/app.ini', 'bind,ro']],
      files: ['/vol/data/conf/app.ini'],
      tmpDir: true,
      last: ['/k/pod/containers/c/tmp', '/tmp', 'rbind'],
    },
    {
      name: 'volumes under /tmp are staged in the private /tmp dir, bound before it goes over /tmp',
      mounts: [
        { hostPath: '/vol/conf', containerPath: '/tmp/conf', readOnly: true },
        { hostPath: '/vol/file', containerPath: '/tmp/x/f', readOnly: false },
      ],
      has: [
        ['/vol/conf', '/k/pod/containers/c/tmp/conf', 'bind,X-mount.mkdir,ro'],
        ['/vol/file', '/k/pod/containers/c/tmp/x/f', 'bind'],
      ],
      files: ['/k/pod/containers/c/tmp/x/f'],
      tmpDir: true,
      last: ['/k/pod/containers/c/tmp', '/tmp', 'rbind'],
    },
    {
      name: 'a volume at /tmp replaces the private one, read-only if asked',
      mounts: [{ hostPath: '/vol/whole-tmp', containerPath: '/tmp', readOnly: true }],
      has: [],
      lacks: ['/k/pod/containers/c/tmp'],
      files: [],
      tmpDir: false,
      last: ['/vol/whole-tmp', '/tmp', 'rbind,ro'],
    },
    {
      name: "PATH directories on the node's /tmp stay visible, read-only",
      mounts: [],
      opts: { path: '/tmp/kubelet/images/busybox-bin:/tmp/kubelet/one-file:/usr/bin' },
      has: [
        ['/tmp/kubelet/images/busybox-bin', '/k/pod/containers/c/tmp/kubelet/images/busybox-bin', 'bind,X-mount.mkdir,ro'],
        ['/tmp/kubelet/one-file', '/k/pod/containers/c/tmp/kubelet/one-file', 'bind,ro'],
      ],
      lacks: ['/usr/bin'],
      files: ['/k/pod/containers/c/tmp/kubelet/one-file'],
      tmpDir: true,
      last: ['/k/pod/containers/c/tmp', '/tmp', 'rbind'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = mountPlan(spec(c.mounts, c.opts), ctx, isDir);
      const got = lines(plan.fstab);
      for (const want of c.has) expect(got).toContainEqual(want);
      for (const target of c.lacks ?? []) expect(got.map((l) => [l[0], l[1]]).flat()).not.toContain(target);
      expect(got[got.length - 1]).toEqual(c.last);
      expect(plan.files).toEqual(c.files);
      expect(plan.tmpDir !== undefined).toBe(c.tmpDir);
      // Nothing is bound onto /dev's contents after /dev itself is in place, except volumes.
      expect(got.findIndex((l) => l[1] === '/dev')).toBeGreaterThan(got.findIndex((l) => l[0] === 'shm'));
    });
  }

  it('escapes white space and backslashes in paths as fstab octal', () => {
    expect(fstabField('/a b\tc\\d\ne')).toBe('/a\\040b\\011c\\134d\\012e');
    const plan = mountPlan(spec([{ hostPath: '/vol/my data', containerPath: '/srv/my data', readOnly: false }]), ctx, isDir);
    expect(plan.fstab).toContain('/vol/my\\040data /srv/my\\040data none bind 0 0');
  });
});
