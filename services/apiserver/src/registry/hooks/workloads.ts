import { selectorFromObject, SelectorError } from '@kite/api';
import type { StatusCause } from '../../errors.js';
import { isObject, jsonEqual, type KObject } from '../../object.js';
import type { KindHooks } from '../strategy.js';
import { invalidValue, required } from '../validate-meta.js';
import { defaultJobSpec, validateJobSpec, validateJobSpecUpdate } from './job-spec.js';
import { defaultPodSpec, validatePodSpec } from './pod.js';
import { at, goMap, immutable, unsupported } from './util.js';

/** The selector must exist, be valid, select the template's labels, and never change. */
function validateSelector(obj: KObject): StatusCause[] {
  const sel = at(obj, 'spec', 'selector');
  const labels = (at(obj, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<string, string>;
  if (!isObject(sel)) return [required('spec.selector')];
  let selector;
  try {
    selector = selectorFromObject(sel as Parameters<typeof selectorFromObject>[0]);
  } catch (err) {
    if (err instanceof SelectorError) return [invalidValue('spec.selector', sel, err.message)];
    throw err;
  }
  if (selector.requirements.length === 0) return [invalidValue('spec.selector', sel, 'empty selector is invalid for deployment')];
  if (!selector.matches(labels)) return [{ reason: 'FieldValueInvalid', message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``, field: 'spec.template.metadata.labels' }];
  return [];
}

/** The template's pod spec; `allowedRestart` undefined leaves restartPolicy to the caller. */
function templateCauses(obj: KObject, allowedRestart?: string[]): StatusCause[] {
  const tpl = at(obj, 'spec', 'template');
  if (!isObject(tpl)) return [required('spec.template')];
  const causes = validatePodSpec(tpl.spec, 'spec.template.spec');
  const rp = at(tpl, 'spec', 'restartPolicy');
  if (allowedRestart !== undefined && rp !== undefined && !allowedRestart.includes(rp as string)) causes.push(unsupported('spec.template.spec.restartPolicy', rp, allowedRestart));
  return causes;
}

const selectorImmutable = (obj: KObject, old: KObject): StatusCause[] =>
  jsonEqual(at(obj, 'spec', 'selector'), at(old, 'spec', 'selector')) ? [] : [immutable('spec.selector')];

function replicated(extraDefaults?: (spec: Record<string, unknown>) => void): KindHooks {
  return {
    defaults(obj) {
      const spec = (obj.spec ??= {}) as Record<string, unknown>;
      defaultPodSpec(at(spec, 'template', 'spec'));
      extraDefaults?.(spec);
    },
    initialStatus: () => ({}),
    validate: (obj) => {
      const causes = [...validateSelector(obj), ...templateCauses(obj, ['Always'])];
      const replicas = at(obj, 'spec', 'replicas');
      if (typeof replicas === 'number' && replicas < 0) causes.push(invalidValue('spec.replicas', replicas, 'must be greater than or equal to 0'));
      return causes;
    },
    validateUpdate: selectorImmutable,
  };
}

export const deploymentHooks = replicated((spec) => {
  const strategy = (spec.strategy ??= { type: 'RollingUpdate' }) as Record<string, unknown>;
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {}) as Record<string, unknown>;
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
});

export const replicaSetHooks = replicated();

export const daemonSetHooks = replicated((spec) => {
  const strategy = (spec.updateStrategy ??= { type: 'RollingUpdate' }) as Record<string, unknown>;
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {}) as Record<string, unknown>;
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
});

export const statefulSetHooks = replicated((spec) => {
  const strategy = (spec.updateStrategy ??= { type: 'RollingUpdate' }) as Record<string, unknown>;
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') (strategy.rollingUpdate ??= { partition: 0 });
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
});

/** Jobs select their pods by the job's own uid unless the user chose a selector. */
export const jobHooks: KindHooks = {
  defaults(job) {
    const spec = (job.spec ??= {}) as Record<string, unknown>;
    defaultPodSpec(at(spec, 'template', 'spec'));
    if (spec.completions === undefined && spec.parallelism === undefined) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    spec.parallelism ??= 1;
    defaultJobSpec(spec);
    const uid = job.metadata.uid;
    if (spec.manualSelector !== true && uid !== undefined) {
      const sel = (spec.selector ??= {}) as { matchLabels?: Record<string, string> };
      sel.matchLabels = { ...(sel.matchLabels ?? {}), 'batch.kubernetes.io/controller-uid': uid };
      const tpl = (spec.template ??= {}) as Record<string, unknown>;
      const meta = (tpl.metadata ??= {}) as Record<string, unknown>;
      meta.labels = {
        ...((meta.labels as Record<string, string> | undefined) ?? {}),
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': job.metadata.name as string,
        'controller-uid': uid,
        'job-name': job.metadata.name as string,
      };
    }
  },
  initialStatus: () => ({}),
  validate: (job) => [...templateCauses(job), ...validateJobSpec(job)],
  validateUpdate: (job, old) => {
    const causes = [...validateJobSpecUpdate(job, old), ...selectorImmutable(job, old)];
    if (!jsonEqual(at(job, 'spec', 'template'), at(old, 'spec', 'template'))) causes.push(immutable('spec.template'));
    return causes;
  },
};

/** ValidateControllerRevision: data is mandatory and, once written, immutable; revision is non-negative. */
export const controllerRevisionHooks: KindHooks = {
  validate: (cr) => {
    const causes: StatusCause[] = [];
    if (cr.data === undefined || cr.data === null) causes.push(required('data', 'data is mandatory'));
    if (typeof cr.revision === 'number' && cr.revision < 0) causes.push(invalidValue('revision', cr.revision, 'must be greater than or equal to 0'));
    return causes;
  },
  validateUpdate: (cr, old) => (jsonEqual(cr.data, old.data) ? [] : [immutable('data')]),
};
