import path from 'node:path';
import { Quantity } from '@kite/api';
import type { Logger } from '@kite/common';
import type { VolumeOps } from '../deps.js';
import type { Pod, Volume } from './types.js';
import { generatedKind, VolumeError, volumeFiles, type VolumeContext } from './volume-files.js';

/** Holds secrets, so it lives on tmpfs and never touches the disk. */
const onTmpfs = (v: Volume): boolean => v.secret !== undefined || (v.projected?.sources ?? []).some((s) => s.secret !== undefined);

/**
 * A pod's volumes on the node, under `<pod dir>/.volumes/<name>` (a dot cannot start a
 * container name, so these never meet the per-container log directories). Generated volumes
 * (configMap, secret, downwardAPI, projected) are rewritten atomically on `refresh`, so running
 * containers see updates as they do on Kubernetes.
 */
export class PodVolumes {
  private readonly dirs = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly podDir: string,
    private readonly ops: VolumeOps,
    private readonly context: () => VolumeContext,
    private readonly log: Logger,
  ) {}

  /** Host directory (or file, for hostPath) of each volume set up so far. */
  get hostDirs(): ReadonlyMap<string, string> {
    return this.dirs;
  }

  /** Sets up every volume not set up yet; throws VolumeError naming the first that fails. */
  setup(pod: Pod): Promise<void> {
    return this.serial(async () => {
      for (const v of pod.spec.volumes ?? []) {
        if (this.dirs.has(v.name)) continue;
        try {
          this.dirs.set(v.name, await this.setupOne(pod, v));
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          throw new VolumeError(`MountVolume.SetUp failed for volume ${JSON.stringify(v.name)} : ${why}`);
        }
      }
    });
  }

  /** Rewrites the generated volumes from the current ConfigMaps, Secrets and pod fields. */
  refresh(pod: Pod): Promise<void> {
    return this.serial(async () => {
      for (const v of pod.spec.volumes ?? []) {
        const dir = this.dirs.get(v.name);
        if (dir === undefined || generatedKind(v) === undefined) continue;
        try {
          await this.ops.writeAtomicDir(dir, volumeFiles(pod, v, this.context()), { tmpfs: onTmpfs(v) });
        } catch (err) {
          this.log.warn({ err, volume: v.name }, 'volume not updated');
        }
      }
    });
  }

  /**
   * `/var/run/secrets/kubernetes.io/serviceaccount` for pods that did not opt out: the
   * `namespace` file scripts read. Kubernetes' ServiceAccount admission adds this as a projected
   * volume (with a token); until kite's apiserver does, the kubelet provides the part it can.
   * Undefined when the pod mounts something there itself or opted out.
   */
  serviceAccount(pod: Pod): Promise<string | undefined> {
    return this.serial(async () => {
      if (pod.spec.automountServiceAccountToken === false) return undefined;
      const dir = path.join(this.podDir, '.volumes', '.serviceaccount');
      if (this.dirs.get('.serviceaccount') !== dir) {
        await this.ops.writeAtomicDir(dir, [{ path: 'namespace', data: Buffer.from(pod.metadata.namespace ?? 'default'), mode: 0o644 }], {});
        this.dirs.set('.serviceaccount', dir);
      }
      return dir;
    });
  }

  teardown(): Promise<void> {
    return this.serial(async () => {
      await this.ops.unmountUnder(this.podDir);
      this.dirs.clear();
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async setupOne(pod: Pod, v: Volume): Promise<string> {
    const dir = path.join(this.podDir, '.volumes', v.name);
    if (v.emptyDir !== undefined) {
      const size = v.emptyDir.sizeLimit;
      const opts: { medium?: 'Memory'; sizeLimitBytes?: number } = {};
      if (v.emptyDir.medium === 'Memory') opts.medium = 'Memory';
      if (size !== undefined) opts.sizeLimitBytes = Number(Quantity.parse(String(size)).units);
      return this.ops.makeEmptyDir(dir, opts);
    }
    if (v.hostPath !== undefined) {
      await this.ops.checkHostPath(v.hostPath.path, v.hostPath.type);
      return v.hostPath.path;
    }
    if (generatedKind(v) !== undefined) {
      await this.ops.writeAtomicDir(dir, volumeFiles(pod, v, this.context()), { tmpfs: onTmpfs(v) });
      return dir;
    }
    const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
    throw new VolumeError(`volume type ${kind} is not supported by kite`);
  }
}
