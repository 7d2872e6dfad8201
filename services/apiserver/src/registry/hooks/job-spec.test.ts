import { describe, expect, it } from 'vitest';
import type { StatusCause } from '../../errors.js';
import type { KObject } from '../../object.js';
import { defaultJobSpec, validateJobSpec, validateJobSpecUpdate } from './job-spec.js';

type Obj = Record<string, unknown>;
const printed = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field}: ${c.message}`);

const job = (spec: Obj = {}, name = 'build', podSpec: Obj = {}): KObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'default' },
  spec: { completions: 1, parallelism: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }], initContainers: [{ name: 'setup', image: 'busybox' }], ...podSpec } }, ...spec },
});
const exitRule = (action: string, operator: string, values: unknown[], containerName?: string): Obj => ({ action, onExitCodes: { operator, values, ...(containerName ? { containerName } : {}) } });
const policy = (...rules: Obj[]): Obj => ({ podFailurePolicy: { rules } });

describe('job spec validation', () => {
  const cases: Array<[string, Obj, string[], string?, Obj?]> = [
    ['valid', {}, []],
    ['valid Indexed', { completionMode: 'Indexed', completions: 3, parallelism: 2 }, []],
    ['negative counts', { parallelism: -1, backoffLimit: -2, ttlSecondsAfterFinished: -3 }, [
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0',
      'spec.ttlSecondsAfterFinished: Invalid value: -3: must be greater than or equal to 0',
    ]],
    ['Indexed without completions', { completionMode: 'Indexed', completions: undefined, parallelism: 2 }, ['spec.completions: Required value: when completion mode is Indexed']],
    ['Indexed parallelism cap', { completionMode: 'Indexed', completions: 2, parallelism: 100_001 }, ['spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed']],
    ['Indexed job whose last hostname is no DNS label', { completionMode: 'Indexed', completions: 10 }, [`metadata.name: Invalid value: "${'a'.repeat(62)}": will not able to create pod with invalid DNS label: ${'a'.repeat(62)}-9`], 'a'.repeat(62)],
    ['backoffLimitPerIndex needs Indexed', { backoffLimitPerIndex: 1 }, ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode']],
    ['maxFailedIndexes needs backoffLimitPerIndex', { completionMode: 'Indexed', completions: 3, maxFailedIndexes: 1 }, ['spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified']],
    ['maxFailedIndexes at most completions', { completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 4 }, ['spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions']],
    ['podFailurePolicy with restartPolicy OnFailure', policy(exitRule('FailJob', 'In', [1])), ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified'], 'build', { restartPolicy: 'OnFailure' }],
    ['restartPolicy Always', {}, ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'], 'build', { restartPolicy: 'Always' }],
    ['a valid podFailurePolicy', policy(exitRule('FailJob', 'In', [1, 42], 'main'), exitRule('Ignore', 'NotIn', [0, 1], 'setup'), { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }), []],
    ['In with exit code 0', policy(exitRule('FailJob', 'In', [0, 1])), ['spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator']],
    ['unordered and repeated exit codes', policy(exitRule('Ignore', 'NotIn', [3, 1, 1])), [
      'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 1',
      'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,1,1]: must be ordered',
    ]],
    ['an unknown container', policy(exitRule('FailJob', 'In', [1], 'nope')), ['spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "nope": must be one of the container or initContainer names in the pod template']],
    ['FailIndex needs backoffLimitPerIndex', policy(exitRule('FailIndex', 'In', [1])), ['spec.podFailurePolicy.rules[0].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set']],
    ['a rule needs one requirement', policy({ action: 'Ignore' }), ['spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required']],
    ['not both requirements', policy({ ...exitRule('Ignore', 'In', [1]), onPodConditions: [{ type: 'DisruptionTarget' }] }), ['spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported']],
    ['too many rules', policy(...Array.from({ length: 21 }, () => exitRule('Count', 'In', [1]))), ['spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items']],
    ['podReplacementPolicy must be Failed with a podFailurePolicy', { ...policy(exitRule('FailJob', 'In', [1])), podReplacementPolicy: 'TerminatingOrFailed' }, ['spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"']],
  ];
  it.each(cases)('%s', (_title, spec, want, name, podSpec) => expect(printed(validateJobSpec(job(spec, name, podSpec)))).toEqual(want));
});

describe('job spec update validation', () => {
  const update = (oldSpec: Obj, newSpec: Obj): string[] => printed(validateJobSpecUpdate(job(newSpec), job(oldSpec)));
  it.each<[string, Obj, Obj, string[]]>([
    ['suspend and parallelism may change', { suspend: true }, { suspend: false, parallelism: 5 }, []],
    ['completions of a NonIndexed job are immutable', { completions: 2 }, { completions: 3 }, ['spec.completions: Invalid value: field is immutable']],
    ['an Indexed job scales completions with parallelism', { completionMode: 'Indexed', completions: 4, parallelism: 4 }, { completionMode: 'Indexed', completions: 2, parallelism: 2 }, []],
    ['but not alone', { completionMode: 'Indexed', completions: 4, parallelism: 4 }, { completionMode: 'Indexed', completions: 2, parallelism: 4 }, ['spec.completions: Invalid value: 2: can only be modified in tandem with spec.parallelism']],
    ['completionMode, podFailurePolicy and backoffLimitPerIndex are immutable', { completionMode: 'NonIndexed' }, { completionMode: 'Indexed', ...policy(exitRule('Ignore', 'In', [1])), backoffLimitPerIndex: 1 }, [
      'spec.completionMode: Invalid value: field is immutable',
      'spec.podFailurePolicy: Invalid value: field is immutable',
      'spec.backoffLimitPerIndex: Invalid value: field is immutable',
    ]],
  ])('%s', (_title, oldSpec, newSpec, want) => expect(update(oldSpec, newSpec)).toEqual(want));
});

describe('job spec defaults', () => {
  it.each<[string, Obj, Obj]>([
    ['plain', {}, { backoffLimit: 6, podReplacementPolicy: 'TerminatingOrFailed' }],
    ['backoffLimitPerIndex lifts the job-wide limit', { backoffLimitPerIndex: 2 }, { backoffLimit: 2147483647 }],
    ['a podFailurePolicy replaces only failed pods', policy(), { podReplacementPolicy: 'Failed' }],
    ['set values stay', { backoffLimit: 1, podReplacementPolicy: 'Failed' }, { backoffLimit: 1, podReplacementPolicy: 'Failed' }],
  ])('%s', (_title, spec, want) => {
    const s = { ...spec };
    defaultJobSpec(s);
    expect(s).toMatchObject(want);
  });
});
