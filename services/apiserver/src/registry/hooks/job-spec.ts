import { qualifiedNameError } from '@kite/api';
import type { StatusCause } from '../../errors.js';
import { isObject, jsonEqual, type KObject } from '../../object.js';
import { dnsLabelError, invalidValue, required } from '../validate-meta.js';
import { at, duplicate, immutable, records, unsupported } from './util.js';

/** Kubernetes' limits on Indexed Jobs (pkg/apis/batch/validation) that keep completedIndexes and failedIndexes short. */
const MAX_PARALLELISM_INDEXED = 100_000;
const MAX_FAILED_INDEXES = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_HIGH_COMPLETIONS = 10_000;
const MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10_000;
const MAX_RULES = 20;
const MAX_EXIT_CODES = 255;
const MAX_CONDITION_PATTERNS = 20;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const tooMany = (field: string, n: number, max: number): StatusCause => ({ reason: 'FieldValueTooMany', message: `Too many: ${n}: must have at most ${max} items`, field });
/** field.Invalid with field.OmitValueType: the message names no value. */
const invalidNoValue = (field: string, why: string): StatusCause => ({ reason: 'FieldValueInvalid', message: `Invalid value: ${why}`, field });

/** SetDefaults_Job's defaults that depend on other fields. */
export function defaultJobSpec(spec: Record<string, unknown>): void {
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2 ** 31 - 1 : 6;
  spec.podReplacementPolicy ??= isObject(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
}

function podFailurePolicyCauses(spec: Record<string, unknown>, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const rules = records(at(spec, 'podFailurePolicy', 'rules'));
  if (rules.length > MAX_RULES) causes.push(tooMany(`${path}.rules`, rules.length, MAX_RULES));
  const tpl = at(spec, 'template', 'spec');
  const containers = new Set([...records(at(tpl, 'containers')), ...records(at(tpl, 'initContainers'))].map((c) => c.name));
  rules.forEach((rule, i) => {
    const rp = `${path}.rules[${i}]`;
    if (rule.action === 'FailIndex' && spec.backoffLimitPerIndex == null) causes.push(invalidValue(`${rp}.action`, rule.action, 'requires the backoffLimitPerIndex to be set'));
    const onExit = rule.onExitCodes;
    if (isObject(onExit)) {
      const ep = `${rp}.onExitCodes`;
      if (onExit.containerName != null && !containers.has(onExit.containerName))
        causes.push(invalidValue(`${ep}.containerName`, onExit.containerName, 'must be one of the container or initContainer names in the pod template'));
      const values = Array.isArray(onExit.values) ? (onExit.values as unknown[]) : [];
      if (values.length > MAX_EXIT_CODES) causes.push(tooMany(`${ep}.values`, values.length, MAX_EXIT_CODES));
      const seen = new Set<unknown>();
      values.forEach((v, j) => {
        if (onExit.operator === 'In' && v === 0) causes.push(invalidValue(`${ep}.values[${j}]`, v, 'must not be 0 for the In operator'));
        if (seen.has(v)) causes.push(duplicate(`${ep}.values[${j}]`, v));
        seen.add(v);
      });
      if (values.some((v, j) => j > 0 && (num(values[j - 1]) ?? 0) > (num(v) ?? 0))) causes.push(invalidValue(`${ep}.values`, values, 'must be ordered'));
    }
    const patterns = records(rule.onPodConditions);
    if (patterns.length > MAX_CONDITION_PATTERNS) causes.push(tooMany(`${rp}.onPodConditions`, patterns.length, MAX_CONDITION_PATTERNS));
    patterns.forEach((p, j) => {
      const why = typeof p.type === 'string' ? qualifiedNameError(p.type) : undefined;
      if (why !== undefined) causes.push(invalidValue(`${rp}.onPodConditions[${j}].type`, p.type, why));
    });
    if (isObject(onExit) && patterns.length > 0) causes.push(invalidNoValue(rp, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!isObject(onExit) && patterns.length === 0) causes.push(invalidNoValue(rp, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return causes;
}

function indexedCauses(job: KObject, spec: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  const completions = num(spec.completions);
  const parallelism = num(spec.parallelism);
  const maxFailed = num(spec.maxFailedIndexes);
  if (spec.completions == null) causes.push(required('spec.completions', 'when completion mode is Indexed'));
  if (parallelism !== undefined && parallelism > MAX_PARALLELISM_INDEXED)
    causes.push(invalidValue('spec.parallelism', parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
  if (completions !== undefined && maxFailed !== undefined && maxFailed > completions) causes.push(invalidValue('spec.maxFailedIndexes', maxFailed, 'must be less than or equal to completions'));
  if (maxFailed !== undefined && maxFailed > MAX_FAILED_INDEXES) causes.push(invalidValue('spec.maxFailedIndexes', maxFailed, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
  if (completions !== undefined && completions > COMPLETIONS_SOFT_LIMIT && spec.backoffLimitPerIndex != null) {
    const high = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
    if (maxFailed === undefined) causes.push(required('spec.maxFailedIndexes', `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
    if (parallelism !== undefined && parallelism > PARALLELISM_HIGH_COMPLETIONS) causes.push(invalidValue('spec.parallelism', parallelism, `must be less than or equal to ${PARALLELISM_HIGH_COMPLETIONS} ${high}`));
    if (maxFailed !== undefined && maxFailed > MAX_FAILED_INDEXES_HIGH_COMPLETIONS)
      causes.push(invalidValue('spec.maxFailedIndexes', maxFailed, `must be less than or equal to ${MAX_FAILED_INDEXES_HIGH_COMPLETIONS} ${high}`));
  }
  // Pods of the highest index get hostname <job>-<completions-1>, which must be a DNS label.
  const name = job.metadata.name;
  if (typeof name === 'string' && completions !== undefined && completions > 0) {
    const host = `${name}-${completions - 1}`;
    if (dnsLabelError(host) !== undefined) causes.push(invalidValue('metadata.name', name, `will not able to create pod with invalid DNS label: ${host}`));
  }
  return causes;
}

/** validateJobSpec's rules for what the schema cannot say: counts, Indexed Jobs, backoffLimitPerIndex, podFailurePolicy, restartPolicy. */
export function validateJobSpec(job: KObject): StatusCause[] {
  const spec = isObject(job.spec) ? job.spec : {};
  const causes: StatusCause[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    const v = num(spec[f]);
    if (v !== undefined && v < 0) causes.push(invalidValue(`spec.${f}`, v, 'must be greater than or equal to 0'));
  }
  if (spec.maxFailedIndexes != null && spec.backoffLimitPerIndex == null) causes.push(required('spec.backoffLimitPerIndex', 'when maxFailedIndexes is specified'));
  if (spec.completionMode === 'Indexed') causes.push(...indexedCauses(job, spec));
  else {
    if (spec.backoffLimitPerIndex != null) causes.push(invalidValue('spec.backoffLimitPerIndex', spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (spec.maxFailedIndexes != null) causes.push(invalidValue('spec.maxFailedIndexes', spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  const hasPolicy = isObject(spec.podFailurePolicy);
  if (hasPolicy) causes.push(...podFailurePolicyCauses(spec, 'spec.podFailurePolicy'));
  if (hasPolicy && spec.podReplacementPolicy != null && spec.podReplacementPolicy !== 'Failed') causes.push(unsupported('spec.podReplacementPolicy', spec.podReplacementPolicy, ['Failed']));
  const rp = at(spec, 'template', 'spec', 'restartPolicy');
  const rpField = 'spec.template.spec.restartPolicy';
  if (rp === undefined || rp === '' || rp === 'Always') causes.push(required(rpField, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') causes.push(unsupported(rpField, rp, ['OnFailure', 'Never']));
  else if (hasPolicy && rp !== 'Never') causes.push(invalidValue(rpField, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return causes;
}

/**
 * ValidateJobSpecUpdate's immutable fields. completions may change only for an Indexed Job, and
 * only together with parallelism (elastic Indexed Jobs).
 */
export function validateJobSpecUpdate(job: KObject, old: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const completions = at(job, 'spec', 'completions');
  if (!jsonEqual(completions, at(old, 'spec', 'completions'))) {
    if (at(job, 'spec', 'completionMode') !== 'Indexed') causes.push(immutable('spec.completions'));
    else if (completions != null && completions !== at(job, 'spec', 'parallelism')) causes.push(invalidValue('spec.completions', completions, 'can only be modified in tandem with spec.parallelism'));
  }
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) if (!jsonEqual(at(job, 'spec', f), at(old, 'spec', f))) causes.push(immutable(`spec.${f}`));
  return causes;
}
