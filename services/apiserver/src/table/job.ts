import { ageColumn, containersColumn, imagesColumn, nameColumn } from './common-columns.js';
import { humanDuration, since } from './duration.js';
import { creation, deleting, int, name, obj, objList, optInt, time, type Obj } from './fields.js';
import { containerCells, formatLabelSelector } from './format.js';
import { column, type TablePrinter } from './types.js';

/** The first condition of `type` decides (hasJobCondition). */
function condition(job: Obj, type: string): boolean {
  const c = objList(obj(job, 'status').conditions).find((x) => x.type === type);
  return c !== undefined && c.status === 'True';
}

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running, in that precedence. */
export function jobStatus(job: Obj): string {
  if (condition(job, 'Complete')) return 'Complete';
  if (condition(job, 'Failed')) return 'Failed';
  if (deleting(job)) return 'Terminating';
  if (condition(job, 'Suspended')) return 'Suspended';
  if (condition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `succeeded/completions`; a work-queue job (no completions) reads `n/1`, or `n/1 of p` when parallel. */
export function jobCompletions(job: Obj): string {
  const spec = obj(job, 'spec');
  const succeeded = int(obj(job, 'status').succeeded);
  const completions = optInt(spec.completions);
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = optInt(spec.parallelism) ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Start to completion, or start to now while running; empty before the job starts. */
export function jobDuration(job: Obj, now: Date): string {
  const status = obj(job, 'status');
  const start = time(status.startTime);
  if (start === undefined) return '';
  const end = time(status.completionTime);
  return humanDuration((end ?? now.getTime()) - start);
}

export const jobPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Status of the job.'),
    column(
      'Completions',
      'string',
      'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.',
    ),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column(
      'Selector',
      'string',
      'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      { wide: true },
    ),
  ],
  row: (job, now) => [
    name(job),
    jobStatus(job),
    jobCompletions(job),
    jobDuration(job, now),
    since(creation(job), now),
    ...containerCells(obj(job, 'spec', 'template')),
    formatLabelSelector(obj(job, 'spec').selector),
  ],
};
