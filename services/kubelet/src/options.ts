import { isIP } from 'node:net';
import os from 'node:os';
import { Quantity } from '@kite/api';
import { OptionsError, parseDuration, parseHostPort, type HostPort } from '@kite/common';
import { machineCapacity } from './node/machine.js';
import type { Taint } from './node/node-object.js';

/** kite-kubelet's settings as given on the command line or in the environment. */
export interface KubeletOptions {
  /** The Node's name. Default: the host name. */
  nodeName?: string;
  /** The apiserver's kite.v1 gRPC address. Default 127.0.0.1:6444. */
  apiserver?: string;
  /** State directory: pod directories and logs (`pods/`), the runtime's state (`runtime/`). Default .kite/kubelet. */
  rootDir?: string;
  /** Timing profile: `kubernetes` (upstream defaults) or `fast` (seconds, for local use). Default kubernetes. */
  profile?: string;
  /** Lease renewal interval. Default 10s (fast: 1s). */
  nodeLeaseRenewInterval?: string;
  /** Lease duration the node lifecycle controller judges by. Default 40 (fast: 4). */
  nodeLeaseDurationSeconds?: string | number;
  /** How often node status is computed and written when changed. Default 10s (fast: 1s). */
  nodeStatusUpdateFrequency?: string;
  /** How often node status is written even when unchanged. Default 5m (fast: 10s). */
  nodeStatusReportFrequency?: string;
  /** First CrashLoopBackOff delay. Default 10s (fast: 1s). */
  crashBackoffInitial?: string;
  /** Longest CrashLoopBackOff delay. Default 5m (fast: 10s). */
  crashBackoffMax?: string;
  /** A container that ran this long restarts without delay. Default 10m (fast: 10s). */
  crashBackoffReset?: string;
  /** The node's pod CIDR (IPv4): where pod IPs come from. */
  podCidr?: string;
  /**
   * The whole cluster's pod network (IPv4, containing --pod-cidr). Kubelets on one machine given
   * the same one put their node bridges on one shared bridge: their pods reach each other by pod IP.
   */
  clusterCidr?: string;
  /** Extra node labels, `k=v,k2=v2`. */
  nodeLabels?: string;
  /** Taints to register with, `key=value:Effect,key:Effect`. */
  registerWithTaints?: string;
  /** Capacity; defaults from the machine (pods 110). */
  capacityCpu?: string;
  capacityMemory?: string;
  capacityPods?: string | number;
  /** A YAML or JSON file of extra image catalog entries. */
  imageCatalog?: string;
  /** Streaming (logs, exec, attach, port-forward) gRPC address. Default 127.0.0.1:10250. */
  streamingListen?: string;
  /** /healthz, /readyz and /metrics address. Default 127.0.0.1:10248. */
  metricsListen?: string;
  /** The address the Node reports (InternalIP, pods' hostIP), which the apiserver dials for streaming. Default 127.0.0.1. */
  nodeIp?: string;
  /** Container log rotation. Defaults 10Mi and 5. */
  containerLogMaxSize?: string;
  containerLogMaxFiles?: string | number;
}

export interface CompiledKubeletOptions {
  nodeName: string;
  apiserver: string;
  rootDir: string;
  profile: 'kubernetes' | 'fast';
  leaseRenewMs: number;
  leaseDurationSeconds: number;
  statusUpdateMs: number;
  statusReportMs: number;
  backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
  podCIDR?: string;
  /** Canonical (`10.244.0.0/16`); only with podCIDR, which it contains. */
  clusterCIDR?: string;
  labels: Record<string, string>;
  taints: Taint[];
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
  imageCatalog?: string;
  streamingListen: HostPort;
  metricsListen: HostPort;
  nodeIP: string;
  logMaxBytes: number;
  logMaxFiles: number;
}

const PROFILES = {
  kubernetes: { leaseRenew: '10s', leaseDuration: 40, statusUpdate: '10s', statusReport: '5m', backoffInitial: '10s', backoffMax: '5m', backoffReset: '10m' },
  fast: { leaseRenew: '1s', leaseDuration: 4, statusUpdate: '1s', statusReport: '10s', backoffInitial: '1s', backoffMax: '10s', backoffReset: '10s' },
} as const;

function duration(flag: string, v: string): number {
  try {
    const ms = parseDuration(v);
    if (ms <= 0) throw new Error('must be positive');
    return ms;
  } catch (err) {
    throw new OptionsError(`--${flag}: ${(err as Error).message}`);
  }
}

function positiveInt(flag: string, v: string | number): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new OptionsError(`--${flag} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function quantity(flag: string, v: string): Quantity {
  try {
    return Quantity.parse(v);
  } catch (err) {
    throw new OptionsError(`--${flag}: ${(err as Error).message}`);
  }
}

function hostPort(flag: string, v: string): HostPort {
  try {
    return parseHostPort(v);
  } catch (err) {
    throw new OptionsError(`--${flag}: ${(err as Error).message}`);
  }
}

/** A bare IPv4 or IPv6 address: the apiserver dials it, so no host names and no brackets. */
function nodeIP(v: string): string {
  const ip = v.trim();
  if (isIP(ip) === 0) throw new OptionsError(`--node-ip must be an IPv4 or IPv6 address, got ${JSON.stringify(v)}`);
  return ip;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (!LABEL_KEY.test(key) || key.length > 316) throw new OptionsError(`--node-labels: invalid label key ${JSON.stringify(key)}`);
    if (!LABEL_VALUE.test(value) || value.length > 63) throw new OptionsError(`--node-labels: invalid label value ${JSON.stringify(value)} for ${key}`);
    out[key] = value;
  }
  return out;
}

/** `key=value:Effect` or `key:Effect`, comma-separated, as kubelet's --register-with-taints. */
export function parseTaints(text: string): Taint[] {
  const out: Taint[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(part);
    if (!m) throw new OptionsError(`--register-with-taints: ${JSON.stringify(part)} is not key[=value]:NoSchedule|PreferNoSchedule|NoExecute`);
    if (!LABEL_KEY.test(m[1] as string)) throw new OptionsError(`--register-with-taints: invalid taint key ${JSON.stringify(m[1])}`);
    out.push({ key: m[1] as string, ...(m[2] !== undefined && m[2] !== '' ? { value: m[2] } : {}), effect: m[3] as string });
  }
  return out;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/;

/** An IPv4 CIDR as its first address and prefix length; undefined if it is not one. */
function cidr(text: string): { base: number; prefix: number } | undefined {
  const m = CIDR.exec(text);
  if (!m || m.slice(1, 5).some((x) => Number(x) > 255)) return undefined;
  const addr = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = Number(m[5]);
  return { base: addr - (addr % 2 ** (32 - prefix)), prefix };
}

const formatIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** --cluster-cidr, checked against --pod-cidr (already checked); returns it canonical. */
function clusterCIDR(text: string, podCidr: string | undefined): string {
  const c = cidr(text.trim());
  if (!c) throw new OptionsError(`--cluster-cidr must be an IPv4 CIDR, got ${JSON.stringify(text)}`);
  const canonical = `${formatIp(c.base)}/${c.prefix}`;
  if (canonical !== text.trim()) throw new OptionsError(`--cluster-cidr ${text}: host bits are set (did you mean ${canonical}?)`);
  if (c.prefix < 8) throw new OptionsError(`--cluster-cidr ${text}: the prefix must be /8 or longer`);
  if (podCidr === undefined || podCidr === '') throw new OptionsError('--cluster-cidr needs --pod-cidr: without a pod CIDR, pods use the host network');
  const pod = cidr(podCidr) as { base: number; prefix: number };
  const inside = c.prefix <= pod.prefix && pod.base - (pod.base % 2 ** (32 - c.prefix)) === c.base;
  if (!inside) throw new OptionsError(`--cluster-cidr ${canonical} does not contain --pod-cidr ${podCidr}`);
  return canonical;
}

export function compileKubeletOptions(o: KubeletOptions): CompiledKubeletOptions {
  const profileName = o.profile ?? 'kubernetes';
  if (profileName !== 'kubernetes' && profileName !== 'fast') throw new OptionsError(`--profile must be kubernetes or fast, got ${JSON.stringify(profileName)}`);
  const p = PROFILES[profileName];
  const nodeName = (o.nodeName ?? os.hostname()).toLowerCase();
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(nodeName) || nodeName.length > 253)
    throw new OptionsError(`--node-name must be a DNS subdomain, got ${JSON.stringify(nodeName)}`);
  if (o.podCidr !== undefined && o.podCidr !== '' && cidr(o.podCidr) === undefined) throw new OptionsError(`--pod-cidr must be an IPv4 CIDR, got ${JSON.stringify(o.podCidr)}`);
  const machine = machineCapacity();
  const compiled: CompiledKubeletOptions = {
    nodeName,
    apiserver: o.apiserver ?? '127.0.0.1:6444',
    rootDir: o.rootDir ?? '.kite/kubelet',
    profile: profileName,
    leaseRenewMs: duration('node-lease-renew-interval', o.nodeLeaseRenewInterval ?? p.leaseRenew),
    leaseDurationSeconds: positiveInt('node-lease-duration-seconds', o.nodeLeaseDurationSeconds ?? p.leaseDuration),
    statusUpdateMs: duration('node-status-update-frequency', o.nodeStatusUpdateFrequency ?? p.statusUpdate),
    statusReportMs: duration('node-status-report-frequency', o.nodeStatusReportFrequency ?? p.statusReport),
    backoff: {
      initialMs: duration('crash-backoff-initial', o.crashBackoffInitial ?? p.backoffInitial),
      maxMs: duration('crash-backoff-max', o.crashBackoffMax ?? p.backoffMax),
      resetAfterMs: duration('crash-backoff-reset', o.crashBackoffReset ?? p.backoffReset),
    },
    labels: parseLabels(o.nodeLabels ?? ''),
    taints: parseTaints(o.registerWithTaints ?? ''),
    cpuMillis: o.capacityCpu !== undefined ? Number(quantity('capacity-cpu', o.capacityCpu).milli) : machine.cpuMillis,
    memoryBytes: o.capacityMemory !== undefined ? Number(quantity('capacity-memory', o.capacityMemory).units) : machine.memoryBytes,
    pods: positiveInt('capacity-pods', o.capacityPods ?? 110),
    streamingListen: hostPort('streaming-listen', o.streamingListen ?? '127.0.0.1:10250'),
    metricsListen: hostPort('metrics-listen', o.metricsListen ?? '127.0.0.1:10248'),
    nodeIP: nodeIP(o.nodeIp ?? '127.0.0.1'),
    logMaxBytes: Number(quantity('container-log-max-size', o.containerLogMaxSize ?? '10Mi').units),
    logMaxFiles: positiveInt('container-log-max-files', o.containerLogMaxFiles ?? 5),
  };
  if (compiled.backoff.maxMs < compiled.backoff.initialMs) throw new OptionsError('--crash-backoff-max must not be shorter than --crash-backoff-initial');
  if (compiled.leaseDurationSeconds * 1000 <= compiled.leaseRenewMs) throw new OptionsError('--node-lease-duration-seconds must be longer than --node-lease-renew-interval');
  if (o.podCidr !== undefined && o.podCidr !== '') compiled.podCIDR = o.podCidr;
  if (o.clusterCidr !== undefined && o.clusterCidr !== '') compiled.clusterCIDR = clusterCIDR(o.clusterCidr, o.podCidr);
  if (o.imageCatalog !== undefined && o.imageCatalog !== '') compiled.imageCatalog = o.imageCatalog;
  return compiled;
}
