import type { Obj } from './fields.js';

/** meta/v1 TableColumnDefinition. Go marshals every field, so `format` and `priority` are never omitted. */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0 = always shown; 1 = `-o wide` only. */
  priority: number;
}

export type Cell = string | number | boolean;

/** meta/v1 TableRowCondition: Kubernetes marks finished pods' rows `Completed`. */
export interface TableRowCondition {
  type: 'Completed';
  status: 'True';
  reason: string;
  message: string;
}

/**
 * Columns and cells for one kind. The apiserver prints as Kubernetes' server does: always the
 * wide form, one cell per column, and kubectl drops priority > 0 columns unless `-o wide`.
 */
export interface TablePrinter {
  columns: readonly ColumnDefinition[];
  row(obj: Obj, now: Date): Cell[];
  conditions?(obj: Obj): TableRowCondition[] | undefined;
}

export function column(name: string, type: ColumnDefinition['type'], description: string, opts: { wide?: boolean; format?: string } = {}): ColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.wide ? 1 : 0 };
}
