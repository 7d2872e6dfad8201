import { OptionsError } from '@kite/common';
import { describe, expect, it } from 'vitest';
import { compileKubeletOptions, parseLabels, parseTaints } from './options.js';

describe('compileKubeletOptions', () => {
  it('takes its figures from the profile unless a flag says otherwise', () => {
    const k = compileKubeletOptions({ nodeName: 'n1' });
    expect(k).toMatchObject({ profile: 'kubernetes', leaseRenewMs: 10_000, leaseDurationSeconds: 40, statusUpdateMs: 10_000, statusReportMs: 300_000, backoff: { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 }, pods: 110 });
    const f = compileKubeletOptions({ nodeName: 'n1', profile: 'fast', crashBackoffMax: '30s' });
    expect(f).toMatchObject({ leaseRenewMs: 1000, leaseDurationSeconds: 4, backoff: { initialMs: 1000, maxMs: 30_000, resetAfterMs: 10_000 } });
  });

  it('reads capacity, labels, taints and addresses', () => {
    const k = compileKubeletOptions({ nodeName: 'Node-1', capacityCpu: '1500m', capacityMemory: '2Gi', capacityPods: '20', podCidr: '10.244.1.0/24', nodeLabels: 'zone=a,example.com/role=edge', registerWithTaints: 'dedicated=gpu:NoSchedule,spot:PreferNoSchedule', streamingListen: ':0' });
    expect(k).toMatchObject({ nodeName: 'node-1', cpuMillis: 1500, memoryBytes: 2 * 1024 ** 3, pods: 20, podCIDR: '10.244.1.0/24', labels: { zone: 'a', 'example.com/role': 'edge' }, streamingListen: { host: '127.0.0.1', port: 0 } });
    expect(k.taints).toEqual([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'spot', effect: 'PreferNoSchedule' }]);
  });

  it('takes --cluster-cidr with a --pod-cidr inside it', () => {
    expect(compileKubeletOptions({ nodeName: 'n1', podCidr: '10.244.1.0/24', clusterCidr: '10.244.0.0/16' })).toMatchObject({ podCIDR: '10.244.1.0/24', clusterCIDR: '10.244.0.0/16' });
    expect(compileKubeletOptions({ nodeName: 'n1', podCidr: '10.244.1.0/24', clusterCidr: ' 10.244.1.0/24 ' }).clusterCIDR).toBe('10.244.1.0/24');
    expect(compileKubeletOptions({ nodeName: 'n1', podCidr: '10.244.1.0/24', clusterCidr: '' }).clusterCIDR).toBeUndefined();
  });

  it.each([
    [undefined, '127.0.0.1'],
    ['172.28.0.11', '172.28.0.11'],
    [' 10.0.0.5 ', '10.0.0.5'],
    ['fd00::b', 'fd00::b'],
  ])('--node-ip %j advertises %s', (nodeIp, want) => {
    expect(compileKubeletOptions({ nodeName: 'n1', ...(nodeIp !== undefined ? { nodeIp } : {}) }).nodeIP).toBe(want);
  });

  it.each([
    [{ profile: 'slow' }, '--profile must be kubernetes or fast'],
    [{ nodeName: 'bad_name' }, '--node-name must be a DNS subdomain'],
    [{ podCidr: '10.0.0.0' }, '--pod-cidr must be an IPv4 CIDR'],
    [{ podCidr: '10.244.1.0/24', clusterCidr: '10.244.0.0' }, '--cluster-cidr must be an IPv4 CIDR, got "10.244.0.0"'],
    [{ podCidr: '10.244.1.0/24', clusterCidr: '10.244.1.0/16' }, '--cluster-cidr 10.244.1.0/16: host bits are set (did you mean 10.244.0.0/16?)'],
    [{ podCidr: '10.244.1.0/24', clusterCidr: '0.0.0.0/0' }, '--cluster-cidr 0.0.0.0/0: the prefix must be /8 or longer'],
    [{ podCidr: '10.245.1.0/24', clusterCidr: '10.244.0.0/16' }, '--cluster-cidr 10.244.0.0/16 does not contain --pod-cidr 10.245.1.0/24'],
    [{ podCidr: '10.244.0.0/16', clusterCidr: '10.244.1.0/24' }, '--cluster-cidr 10.244.1.0/24 does not contain --pod-cidr 10.244.0.0/16'],
    [{ clusterCidr: '10.244.0.0/16' }, '--cluster-cidr needs --pod-cidr'],
    [{ capacityPods: '0' }, '--capacity-pods must be a positive integer'],
    [{ nodeLeaseRenewInterval: 'soon' }, '--node-lease-renew-interval: invalid duration'],
    [{ crashBackoffInitial: '1m', crashBackoffMax: '10s' }, '--crash-backoff-max must not be shorter'],
    [{ nodeLabels: 'bad key=x' }, '--node-labels: invalid label key'],
    [{ registerWithTaints: 'k=v:Sometimes' }, '--register-with-taints:'],
    [{ nodeIp: 'node-1' }, '--node-ip must be an IPv4 or IPv6 address, got "node-1"'],
    [{ nodeIp: '10.0.0.256' }, '--node-ip must be an IPv4 or IPv6 address'],
    [{ nodeIp: '[fd00::b]' }, '--node-ip must be an IPv4 or IPv6 address'],
    [{ nodeIp: '' }, '--node-ip must be an IPv4 or IPv6 address'],
  ])('rejects %j', (o, message) => {
    expect(() => compileKubeletOptions({ nodeName: 'n', ...o })).toThrow(OptionsError);
    expect(() => compileKubeletOptions({ nodeName: 'n', ...o })).toThrow(message);
  });

  it('parses empty label and taint lists', () => {
    expect(parseLabels('')).toEqual({});
    expect(parseTaints(' ')).toEqual([]);
  });
});
