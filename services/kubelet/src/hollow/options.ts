import { OptionsError } from '@kite/common';
import { compileKubeletOptions, type KubeletOptions } from '../options.js';
import type { HollowOptions } from './hollow-nodes.js';

/** The kubelet flags plus the two that turn on hollow mode. */
export interface HollowFlags extends KubeletOptions {
  hollowNodes?: string | number;
  nodeNamePrefix?: string;
}

const PREFIX = /^[a-z0-9]([-a-z0-9.]*[-a-z0-9])?$/;

/**
 * Hollow mode reads the ordinary kubelet flags with other defaults: scheduler_perf's node
 * (4 cpu, 32Gi, 110 pods) rather than the machine, and a 30 s / 40 s lease, since one process
 * renewing thousands of leases every 10 s would be most of the apiserver's work.
 */
export function compileHollowOptions(f: HollowFlags): HollowOptions & { apiserver: string } {
  const count = Number(f.hollowNodes);
  if (!Number.isSafeInteger(count) || count <= 0 || count > 100_000) throw new OptionsError(`--hollow-nodes must be an integer from 1 to 100000, got ${JSON.stringify(f.hollowNodes)}`);
  const prefix = f.nodeNamePrefix ?? 'hollow-';
  if (!PREFIX.test(prefix) || prefix.length > 200) throw new OptionsError(`--node-name-prefix must start a DNS subdomain (lower case letters, digits, '-', '.'), got ${JSON.stringify(prefix)}`);
  const c = compileKubeletOptions({
    ...f,
    nodeName: `${prefix}0`,
    capacityCpu: f.capacityCpu ?? '4',
    capacityMemory: f.capacityMemory ?? '32Gi',
    nodeLeaseRenewInterval: f.nodeLeaseRenewInterval ?? '30s',
    nodeLeaseDurationSeconds: f.nodeLeaseDurationSeconds ?? 40,
  });
  return {
    apiserver: c.apiserver,
    count,
    prefix,
    cpuMillis: c.cpuMillis,
    memoryBytes: c.memoryBytes,
    pods: c.pods,
    labels: c.labels,
    taints: c.taints,
    leaseRenewMs: c.leaseRenewMs,
    leaseDurationSeconds: c.leaseDurationSeconds,
    metricsListen: c.metricsListen,
    kubeletVersion: 'v1.32.0-kite',
    inFlight: 32,
  };
}
