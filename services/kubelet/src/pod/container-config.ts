import path from 'node:path';
import { Quantity } from '@kite/api';
import type { ContainerSpec, MountSpec, Sandbox } from '@kite/runtime';
import type { ResolvedImage } from '../deps.js';
import { commandLine } from './env.js';
import { expandVars } from './expand.js';
import { VolumeError } from './volume-files.js';
import type { Container, Pod } from './types.js';

export interface ContainerInputs {
  pod: Pod;
  container: Container;
  sandbox: Sandbox;
  attempt: number;
  image: ResolvedImage;
  env: Map<string, string>;
  /** Host directory of each volume, by name. */
  volumes: ReadonlyMap<string, string>;
  logPath: string;
  /** Host file bind-mounted at terminationMessagePath, when the runtime can mount. */
  terminationLog?: string;
  /** Host directory for /var/run/secrets/kubernetes.io/serviceaccount, unless the container mounts its own. */
  serviceAccountDir?: string;
}

export const SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

function quantity(v: string | number | undefined): Quantity | undefined {
  return v === undefined ? undefined : Quantity.parse(String(v));
}

/** PATH with the image's extra program directories first, as the catalog asks. */
function imagePath(image: ResolvedImage): string | undefined {
  const base = image.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  return image.pathPrefix.length > 0 ? [...image.pathPrefix, base].join(':') : image.env.PATH;
}

/**
 * The runtime's ContainerSpec for one instance of a container: argv from the image and
 * command/args, env (image's, then the pod's), volume mounts with subPath, resources.
 */
export function containerSpec(i: ContainerInputs): ContainerSpec {
  const { pod, container: c } = i;
  const env: Record<string, string> = { ...i.image.env };
  const p = imagePath(i.image);
  if (p !== undefined) env.PATH = p;
  env.HOSTNAME = pod.spec.hostname ?? (pod.metadata.name as string);
  for (const [k, v] of i.env) env[k] = v;

  const mounts: MountSpec[] = [...i.image.mounts];
  for (const m of c.volumeMounts ?? []) {
    const dir = i.volumes.get(m.name);
    if (dir === undefined) throw new VolumeError(`volume ${JSON.stringify(m.name)} is not set up`);
    const sub = m.subPathExpr !== undefined && m.subPathExpr !== '' ? expandVars(m.subPathExpr, (n) => i.env.get(n)) : (m.subPath ?? '');
    if (sub.split('/').includes('..') || path.isAbsolute(sub)) throw new VolumeError(`subPath ${JSON.stringify(sub)} must be a relative path without '..'`);
    mounts.push({ hostPath: sub !== '' ? path.join(dir, sub) : dir, containerPath: m.mountPath, readOnly: m.readOnly === true });
  }
  const covered = (c.volumeMounts ?? []).some((m) => SERVICE_ACCOUNT_PATH === m.mountPath.replace(/\/+$/, '') || SERVICE_ACCOUNT_PATH.startsWith(`${m.mountPath.replace(/\/+$/, '')}/`));
  if (i.serviceAccountDir !== undefined && !covered) mounts.push({ hostPath: i.serviceAccountDir, containerPath: SERVICE_ACCOUNT_PATH, readOnly: true });
  if (i.terminationLog !== undefined) mounts.push({ hostPath: i.terminationLog, containerPath: c.terminationMessagePath ?? '/dev/termination-log', readOnly: false });

  const spec: ContainerSpec = {
    sandbox: i.sandbox,
    name: c.name,
    attempt: i.attempt,
    argv: commandLine(i.image, c, i.env),
    env,
    mounts,
    logPath: i.logPath,
  };
  if (i.image.createdAtStart !== undefined) spec.createdAtStart = i.image.createdAtStart;
  const wd = c.workingDir !== undefined && c.workingDir !== '' ? c.workingDir : i.image.workingDir;
  if (wd !== undefined) spec.workingDir = wd;
  const mem = quantity(c.resources?.limits?.memory);
  if (mem !== undefined && mem.units > 0n) spec.memoryLimitBytes = Number(mem.units);
  const cpu = quantity(c.resources?.limits?.cpu);
  if (cpu !== undefined && cpu.milli > 0n) spec.cpuLimitMillis = Number(cpu.milli);
  if (c.stdin === true) spec.stdin = true;
  if (c.stdinOnce === true) spec.stdinOnce = true;
  if (c.tty === true) spec.tty = true;
  return spec;
}
