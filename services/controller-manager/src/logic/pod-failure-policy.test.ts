import { describe, expect, it } from 'vitest';
import { matchPodFailurePolicy, type PolicyMatch } from './pod-failure-policy.js';
import { pod } from './testing.js';
import type { Job, Pod, PodFailurePolicyRule } from './types.js';

const job = (rules: PodFailurePolicyRule[], perIndex = false): Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'default', uid: 'uid-j' },
  spec: {
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main' }, { name: 'side' }] } },
    podFailurePolicy: { rules },
    ...(perIndex ? { completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: 1 } : {}),
  },
});

/** A failed pod whose containers ended with the given exit codes (undefined: still running). */
function failed(exits: Record<string, number | undefined>, o: { init?: Record<string, number>; conditions?: Array<{ type: string; status: string }> } = {}): Pod {
  const p = pod({ name: 'p', phase: 'Failed', ready: false });
  const status = (name: string, code: number | undefined): Record<string, unknown> => ({ name, restartCount: 0, state: code === undefined ? { running: {} } : { terminated: { exitCode: code } } });
  p.status = {
    ...p.status,
    containerStatuses: Object.entries(exits).map(([n, c]) => status(n, c)) as NonNullable<Pod['status']>['containerStatuses'],
    ...(o.init ? { initContainerStatuses: Object.entries(o.init).map(([n, c]) => status(n, c)) } : {}),
    ...(o.conditions ? { conditions: o.conditions } : {}),
  };
  return p;
}

const exitRule = (action: string, operator: string, values: number[], containerName?: string): PodFailurePolicyRule => ({ action, onExitCodes: { operator, values, ...(containerName ? { containerName } : {}) } });
const condRule = (action: string, type: string, status?: string): PodFailurePolicyRule => ({ action, onPodConditions: [{ type, ...(status ? { status } : {}) }] });
const failJob = (c: string, code: number, i: number): PolicyMatch => ({ action: 'FailJob', counts: true, failJobMessage: `Container ${c} for pod default/p failed with exit code ${code} matching FailJob rule at index ${i}` });

describe('podFailurePolicy', () => {
  it.each<[string, PodFailurePolicyRule[], Pod, PolicyMatch]>([
    ['no rule matches: counted', [exitRule('FailJob', 'In', [42])], failed({ main: 1 }), { counts: true }],
    ['FailJob on an exit code In the list', [exitRule('FailJob', 'In', [1, 42])], failed({ main: 42 }), failJob('main', 42, 0)],
    ['Ignore: not counted', [exitRule('Ignore', 'In', [137])], failed({ main: 137 }), { action: 'Ignore', counts: false }],
    ['Count: counted', [exitRule('Count', 'In', [2])], failed({ main: 2 }), { action: 'Count', counts: true }],
    ['NotIn matches other codes', [exitRule('FailJob', 'NotIn', [0, 1])], failed({ main: 3 }), failJob('main', 3, 0)],
    ['NotIn passes listed codes', [exitRule('FailJob', 'NotIn', [1])], failed({ main: 1 }), { counts: true }],
    ['exit code 0 never matches, even NotIn', [exitRule('FailJob', 'NotIn', [1])], failed({ main: 0, side: 1 }), { counts: true }],
    ['running containers have no exit code', [exitRule('FailJob', 'NotIn', [5])], failed({ main: undefined }), { counts: true }],
    ['containerName narrows the match', [exitRule('FailJob', 'In', [3], 'side')], failed({ main: 3, side: 0 }), { counts: true }],
    ['containerName names the container that failed', [exitRule('FailJob', 'In', [3], 'side')], failed({ main: 0, side: 3 }), failJob('side', 3, 0)],
    ['init containers count too', [exitRule('FailJob', 'In', [9])], failed({ main: undefined }, { init: { setup: 9 } }), failJob('setup', 9, 0)],
    ['the first matching rule decides', [exitRule('Ignore', 'In', [1]), exitRule('FailJob', 'In', [1])], failed({ main: 1 }), { action: 'Ignore', counts: false }],
    ['later rules apply when earlier ones do not match', [exitRule('Ignore', 'In', [2]), exitRule('FailJob', 'In', [1])], failed({ main: 1 }), failJob('main', 1, 1)],
    ['Ignore on a pod condition (status True by default)', [condRule('Ignore', 'DisruptionTarget')], failed({ main: 1 }, { conditions: [{ type: 'DisruptionTarget', status: 'True' }] }), { action: 'Ignore', counts: false }],
    ['a condition with another status does not match', [condRule('Ignore', 'DisruptionTarget')], failed({ main: 1 }, { conditions: [{ type: 'DisruptionTarget', status: 'False' }] }), { counts: true }],
    [
      'FailJob on a pod condition',
      [condRule('FailJob', 'ConfigIssue', 'True')],
      failed({ main: 1 }, { conditions: [{ type: 'ConfigIssue', status: 'True' }] }),
      { action: 'FailJob', counts: true, failJobMessage: 'Pod default/p has condition ConfigIssue matching FailJob rule at index 0' },
    ],
    ['FailIndex without backoffLimitPerIndex is passed over', [exitRule('FailIndex', 'In', [1]), exitRule('Ignore', 'In', [1])], failed({ main: 1 }), { action: 'Ignore', counts: false }],
  ])('%s', (_name, rules, p, want) => expect(matchPodFailurePolicy(job(rules), p)).toEqual(want));

  it('FailIndex applies with backoffLimitPerIndex', () => {
    expect(matchPodFailurePolicy(job([exitRule('FailIndex', 'In', [1])], true), failed({ main: 1 }))).toEqual({ action: 'FailIndex', counts: true });
  });
});
