import { describe, expect, it } from 'vitest';
import { fitErrorMessage } from './fit-error.js';
import { Status } from './status.js';

const statuses = (...s: Array<[string, Status]>): Map<string, Status> => new Map(s);

describe('FailedScheduling message (FitError.Error)', () => {
  it.each<[string, Parameters<typeof fitErrorMessage>[0], string]>([
    [
      'reasons counted over nodes, sorted as strings',
      {
        numAllNodes: 3,
        nodeStatuses: statuses(['n1', Status.unschedulable('Insufficient cpu')], ['n2', Status.unresolvable("node(s) didn't match Pod's node affinity/selector")], ['n3', Status.unresolvable("node(s) didn't match Pod's node affinity/selector")]),
        postFilterMsg: 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      },
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    ],
    [
      'one node with two reasons counts both',
      { numAllNodes: 1, nodeStatuses: statuses(['n1', Status.unschedulable('Insufficient cpu', 'Insufficient memory')]) },
      '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.',
    ],
    [
      'byte order puts "10 …" before "2 …", as Go sort.Strings does',
      {
        numAllNodes: 12,
        nodeStatuses: new Map([
          ...Array.from({ length: 10 }, (_, i) => [`a${i}`, Status.unschedulable('Too many pods')] as [string, Status]),
          ['b0', Status.unschedulable('Insufficient cpu')],
          ['b1', Status.unschedulable('Insufficient cpu')],
        ]),
      },
      '0/12 nodes are available: 10 Too many pods, 2 Insufficient cpu.',
    ],
    ['a PreFilter rejection replaces the per-node reasons', { numAllNodes: 2, nodeStatuses: statuses(['n1', Status.unresolvable('x')]), preFilterMsg: 'no claims' }, '0/2 nodes are available: no claims.'],
  ])('%s', (_name, d, want) => {
    expect(fitErrorMessage(d)).toBe(want);
  });
});
