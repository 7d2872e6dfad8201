import type { StatusCause } from '../../errors.js';
import { isObject } from '../../object.js';

/** Reads a nested field of a JSON object without trusting its shape. */
export function at(obj: unknown, ...keys: Array<string | number>): unknown {
  let v: unknown = obj;
  for (const k of keys) {
    if (typeof k === 'number') v = Array.isArray(v) ? v[k] : undefined;
    else v = isObject(v) ? v[k] : undefined;
  }
  return v;
}

export const records = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? v.filter(isObject) : []);

export const immutable = (field: string): StatusCause => ({ reason: 'FieldValueInvalid', message: 'Invalid value: field is immutable', field });

export const forbiddenField = (field: string, why: string): StatusCause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${why}`, field });

export const unsupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  field,
});

export const duplicate = (field: string, value: unknown): StatusCause => ({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(value)}`, field });

/** Go's `%v` of a map, as Kubernetes prints label maps in messages. */
export const goMap = (m: Record<string, string>): string => `map[string]string{${Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
