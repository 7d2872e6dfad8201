import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KUBELET_NODE_FLAGS, kubeletHostNames } from '@kite/kubelet';
import { cleanupAfterEach, startProcess, tempDir } from '../support/processes.js';
import { kubeletBin, removeNodeLeftovers } from './node.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('a kubelet whose pod CIDR is already in use on the machine', () => {
  const cleanups = cleanupAfterEach();

  it('refuses to start, naming the CIDR and the interface, and creates no bridge', async () => {
    const hex = randomBytes(3).toString('hex');
    // Another cluster's node, a VPN, a docker network: here a bridge with an address (a dummy
    // interface needs a kernel module this machine may lack).
    const iface = `kitetb${hex}`;
    const { stdout } = await run('ip', ['-4', '-o', 'addr']);
    const used = new Set([...stdout.matchAll(/inet 10\.247\.(\d+)\./g)].map((m) => Number(m[1])));
    const third = [...Array(256).keys()].map((i) => (parseInt(hex, 16) + i) % 256).find((n) => !used.has(n));
    const podCIDR = `10.247.${third}.0/24`;
    await run('ip', ['link', 'add', iface, 'type', 'bridge']);
    cleanups.push(() => run('ip', ['link', 'delete', iface]));
    await run('ip', ['addr', 'add', `10.247.${third}.5/24`, 'dev', iface]);

    const tmp = await tempDir('pod-cidr');
    cleanups.push(tmp.remove);
    const node = `kite-t-${hex}`;
    const rootDir = path.join(tmp.dir, 'kubelet');
    cleanups.push(() => removeNodeLeftovers(node, rootDir));
    // Refused before it dials the apiserver, so none is needed.
    const kubelet = startProcess(process.execPath, [
      ...KUBELET_NODE_FLAGS,
      kubeletBin,
      '--node-name', node,
      '--apiserver', '127.0.0.1:1',
      '--root-dir', rootDir,
      '--pod-cidr', podCIDR,
      '--streaming-listen', '127.0.0.1:0',
      '--metrics-listen', '127.0.0.1:0',
    ]);
    cleanups.push(() => kubelet.stop('SIGKILL'));
    expect(await kubelet.exited).toBe(1);
    expect(kubelet.output()).toContain(`kite-kubelet: --pod-cidr ${podCIDR}: interface ${iface} already has address 10.247.${third}.5/24 in it`);
    await expect(run('ip', ['link', 'show', kubeletHostNames(node, rootDir).bridge])).rejects.toThrow();
  });
});
