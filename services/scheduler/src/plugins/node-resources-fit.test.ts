import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../framework/objects.js';
import { podRequests } from '../framework/resources.js';
import { Code } from '../framework/status.js';
import { freshState, info, makeNode, makePod, nodeWith } from '../testing.js';
import { nodeResourcesFit } from './node-resources-fit.js';

const c = (name: string, requests: Record<string, string>, restartPolicy?: string): Container => ({ name, resources: { requests }, ...(restartPolicy ? { restartPolicy } : {}) });

describe('pod requests as Kubernetes computes them', () => {
  it.each<[string, Partial<Pod['spec']>, { milliCPU: number; memory: number }]>([
    ['sum of app containers', { containers: [c('a', { cpu: '100m', memory: '1Mi' }), c('b', { cpu: '200m', memory: '2Mi' })] }, { milliCPU: 300, memory: 3 * 2 ** 20 }],
    ['a larger init container wins', { containers: [c('a', { cpu: '100m' })], initContainers: [c('i', { cpu: '500m' })] }, { milliCPU: 500, memory: 0 }],
    ['init is the max of inits, not their sum', { containers: [c('a', { cpu: '100m' })], initContainers: [c('i1', { cpu: '300m' }), c('i2', { cpu: '400m' })] }, { milliCPU: 400, memory: 0 }],
    ['per resource: cpu from init, memory from apps', { containers: [c('a', { cpu: '100m', memory: '1Gi' })], initContainers: [c('i', { cpu: '1', memory: '1Mi' })] }, { milliCPU: 1000, memory: 2 ** 30 }],
    ['sidecars add to the apps and to later inits', { containers: [c('a', { cpu: '100m' })], initContainers: [c('s', { cpu: '200m' }, 'Always'), c('i', { cpu: '250m' })] }, { milliCPU: 450, memory: 0 }],
    ['overhead is added', { containers: [c('a', { cpu: '100m' })], overhead: { cpu: '50m' } }, { milliCPU: 150, memory: 0 }],
  ])('%s', (_name, spec, want) => {
    const r = podRequests(makePod('p', spec));
    expect({ milliCPU: r.milliCPU, memory: r.memory }).toEqual(want);
  });

  it('substitutes 100m and 200Mi for missing requests when scoring', () => {
    const r = podRequests(makePod('p', { containers: [c('a', { cpu: '50m' }), { name: 'b' }] }), true);
    expect({ milliCPU: r.milliCPU, memory: r.memory }).toEqual({ milliCPU: 150, memory: 2 * 200 * 2 ** 20 });
  });
});

describe('NodeResourcesFit filter', () => {
  const used = makePod('used', {}, { requests: { cpu: '3', memory: '6Gi', 'example.com/gpu': '1' } });
  it.each<[string, Record<string, string> | undefined, string, Code, string[]]>([
    ['fits in what is left', { cpu: '1', memory: '2Gi' }, '110', Code.Success, []],
    ['cpu short, but the node could hold it empty', { cpu: '1500m' }, '110', Code.Unschedulable, ['Insufficient cpu']],
    ['bigger than the whole node', { cpu: '5' }, '110', Code.UnschedulableAndUnresolvable, ['Insufficient cpu']],
    ['cpu and memory short', { cpu: '2', memory: '3Gi' }, '110', Code.Unschedulable, ['Insufficient cpu', 'Insufficient memory']],
    ['extended resource short', { 'example.com/gpu': '1' }, '110', Code.Unschedulable, ['Insufficient example.com/gpu']],
    ['extended resource the node lacks', { 'other.io/fpga': '1' }, '110', Code.UnschedulableAndUnresolvable, ['Insufficient other.io/fpga']],
    ['pod count full', undefined, '1', Code.Unschedulable, ['Too many pods']],
    ['pod count full and cpu short', { cpu: '2' }, '1', Code.Unschedulable, ['Too many pods', 'Insufficient cpu']],
    ['a pod requesting nothing fits a full node', undefined, '110', Code.Success, []],
  ])('%s', (_name, requests, pods, code, reasons) => {
    const node = nodeWith(makeNode('n', { cpu: '4', memory: '8Gi', pods, extra: { 'example.com/gpu': '1' } }), [used]);
    const s = nodeResourcesFit.filter(freshState(), info(makePod('p', {}, requests ? { requests } : {})), node);
    expect(s.code).toBe(code);
    expect(s.reasons).toEqual(reasons);
  });
});

describe('NodeResourcesFit score (LeastAllocated)', () => {
  it.each<[string, string, string, Pod[], number]>([
    // ((4000-1000)*100/4000 + (8Gi-2Gi)*100/8Gi) / 2 = (75 + 75) / 2
    ['quarter used after placing', '4', '8Gi', [], 75],
    ['half the node already used', '4', '8Gi', [makePod('e', {}, { requests: { cpu: '1', memory: '2Gi' } })], 50],
    ['over capacity scores 0 for that resource', '1', '8Gi', [], 37],
  ])('%s', (_name, cpu, memory, existing, want) => {
    const pod = info(makePod('p', {}, { requests: { cpu: '1', memory: '2Gi' } }));
    expect(nodeResourcesFit.score(freshState(), pod, nodeWith(makeNode('n', { cpu, memory }), existing))).toBe(want);
  });
});
