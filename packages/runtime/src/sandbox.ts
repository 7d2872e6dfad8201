import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './command.js';
import type { Sandbox, SandboxSpec } from './types.js';

/** Marks a pod directory as the runtime's, so recovery never deletes anything else under pods/. */
export const SANDBOX_STATE = 'sandbox.json';

export interface SandboxState {
  sandbox: Sandbox;
  spec: SandboxSpec;
}

export function podDir(rootDir: string, uid: string): string {
  return path.join(rootDir, 'pods', uid);
}

/** /etc/hosts as the kubelet writes it: localhost, the pod's own names, then hostAliases. */
export function renderHosts(spec: SandboxSpec, ip: string, clusterDomain = 'cluster.local'): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  if (spec.subdomain) {
    lines.push(`${ip}\t${spec.hostname}.${spec.subdomain}.${spec.namespace}.svc.${clusterDomain}\t${spec.hostname}`);
  } else {
    lines.push(`${ip}\t${spec.hostname}`);
  }
  lines.push(...aliasLines(spec));
  return `${lines.join('\n')}\n`;
}

function aliasLines(spec: SandboxSpec): string[] {
  if (!spec.hostAliases?.length) return [];
  return ['', '# Entries added by HostAliases.', ...spec.hostAliases.map((a) => `${a.ip}\t${a.hostnames.join('\t')}`)];
}

/** Writes the pod directory with etc-hosts, etc-hostname and the state file. */
export async function writePodDir(sandbox: Sandbox, spec: SandboxSpec): Promise<void> {
  await mkdir(sandbox.dir, { recursive: true });
  let hosts: string;
  if (spec.hostNetwork) {
    // A host-network pod sees the node's names, as in Kubernetes, plus its aliases.
    const nodeHosts = await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n');
    hosts = `${nodeHosts.trimEnd()}\n${aliasLines(spec).join('\n')}\n`;
  } else {
    hosts = renderHosts(spec, sandbox.ip);
  }
  await writeFile(path.join(sandbox.dir, 'etc-hosts'), hosts, { mode: 0o644 });
  await writeFile(path.join(sandbox.dir, 'etc-hostname'), `${spec.hostname}\n`, { mode: 0o644 });
  const state: SandboxState = { sandbox, spec };
  await writeFile(path.join(sandbox.dir, SANDBOX_STATE), JSON.stringify(state));
}

export async function readPodState(dir: string): Promise<SandboxState | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, SANDBOX_STATE), 'utf8')) as SandboxState;
  } catch {
    return undefined;
  }
}

/** UIDs of pod directories the runtime made (they hold the state file). */
export async function podDirUids(rootDir: string): Promise<string[]> {
  const base = path.join(rootDir, 'pods');
  const uids: string[] = [];
  for (const name of await readdir(base).catch(() => [] as string[])) {
    if ((await readPodState(path.join(base, name))) !== undefined) uids.push(name);
  }
  return uids;
}

/** Unmounts everything at or below `dir` (deepest first), then deletes it. */
export async function removePodDir(dir: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const prefix = `${path.resolve(dir)}/`;
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => p === path.resolve(dir) || p.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await run('umount', ['-l', p]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}

function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
