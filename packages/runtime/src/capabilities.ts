import { access, constants, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RuntimeCapabilities } from './types.js';

/** Absolute paths of the host programs the runtime drives; missing ones are undefined. */
export interface HostTools {
  sh: string;
  env: string;
  setpriv?: string;
  nsenter?: string;
  unshare?: string;
  ip?: string;
  mount?: string;
  script?: string;
  stty?: string;
}

/** Where kite may create cgroups: v1 has one root per controller, v2 one unified root. */
export type CgroupLayout =
  | { version: 1; memory?: string; cpu?: string }
  | { version: 2; root: string; memory: boolean; cpu: boolean };

export interface Probe {
  capabilities: RuntimeCapabilities;
  tools: HostTools;
  cgroups?: CgroupLayout;
}

const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;
const CGROUP_FS = '/sys/fs/cgroup';

/** Looks once at what this machine lets us isolate; everything missing is said in words. */
export async function probeCapabilities(opts: { podCIDR?: string }): Promise<Probe> {
  const limitations: string[] = [];
  const tools = await findTools();
  const caps = await effectiveCapabilities();
  const sysAdmin = (caps & (1n << CAP_SYS_ADMIN)) !== 0n;
  const netAdmin = (caps & (1n << CAP_NET_ADMIN)) !== 0n;

  const nsTools = tools.setpriv && tools.nsenter && tools.unshare && tools.mount;
  const mounts = sysAdmin && Boolean(nsTools);
  if (!sysAdmin) limitations.push('no CAP_SYS_ADMIN: containers share the node\'s mounts and PIDs');
  else if (!nsTools) limitations.push('setpriv, nsenter, unshare or mount missing: containers share the node\'s mounts and PIDs');

  let network = mounts && netAdmin && Boolean(tools.ip);
  if (mounts && !network) limitations.push('no CAP_NET_ADMIN or no ip(8): pods use the host network');
  if (network && !opts.podCIDR) {
    network = false;
    limitations.push('no podCIDR for this node: pods use the host network');
  }

  const cgroups = await probeCgroups();
  const memoryLimits = cgroups ? (cgroups.version === 1 ? Boolean(cgroups.memory) : cgroups.memory) : false;
  const cpuQuota = cgroups ? (cgroups.version === 1 ? Boolean(cgroups.cpu) : cgroups.cpu) : false;
  if (!memoryLimits) limitations.push('memory cgroup not writable: memory limits are not enforced');
  if (!cpuQuota) limitations.push('cpu cgroup not writable: CPU limits are not enforced');

  return {
    capabilities: { network, mounts, pid: mounts, memoryLimits, cpuQuota, limitations },
    tools,
    cgroups,
  };
}

async function effectiveCapabilities(): Promise<bigint> {
  // Root inside a container may still lack capabilities, so CapEff decides, not the UID.
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
    return m ? BigInt(`0x${m[1]}`) : 0n;
  } catch {
    return 0n;
  }
}

async function findTools(): Promise<HostTools> {
  const dirs = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  const find = async (name: string): Promise<string | undefined> => {
    for (const dir of dirs) {
      const p = path.join(dir, name);
      try {
        await access(p, constants.X_OK);
        return p;
      } catch {
        // keep looking
      }
    }
    return undefined;
  };
  const [sh, env, setpriv, nsenter, unshare, ip, mount, script, stty] = await Promise.all(
    ['sh', 'env', 'setpriv', 'nsenter', 'unshare', 'ip', 'mount', 'script', 'stty'].map(find),
  );
  return { sh: sh ?? '/bin/sh', env: env ?? '/usr/bin/env', setpriv, nsenter, unshare, ip, mount, script, stty };
}

async function writableDir(dir: string): Promise<boolean> {
  try {
    await mkdir(path.join(dir, 'kite'), { recursive: true });
    await access(path.join(dir, 'kite'), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function probeCgroups(): Promise<CgroupLayout | undefined> {
  // A unified-only machine has cgroup.controllers at the top; a hybrid one keeps v1 controllers there.
  if (await exists(path.join(CGROUP_FS, 'cgroup.controllers'))) {
    if (!(await writableDir(CGROUP_FS))) return undefined;
    const available = (await readFile(path.join(CGROUP_FS, 'cgroup.controllers'), 'utf8')).split(/\s+/);
    return { version: 2, root: CGROUP_FS, memory: available.includes('memory'), cpu: available.includes('cpu') };
  }
  const memDir = path.join(CGROUP_FS, 'memory');
  const cpuDir = path.join(CGROUP_FS, 'cpu');
  const memory = (await exists(path.join(memDir, 'memory.limit_in_bytes'))) && (await writableDir(memDir)) ? memDir : undefined;
  const cpu = (await exists(path.join(cpuDir, 'cpu.cfs_quota_us'))) && (await writableDir(cpuDir)) ? cpuDir : undefined;
  if (!memory && !cpu) return undefined;
  return { version: 1, memory, cpu };
}
