import { applyDefaults, dropUnknownFields, validateStructure, type KindDef, type SchemaRegistry } from '@kite/api';
import type { StatusCause } from '../errors.js';
import type { KObject } from '../object.js';
import type { SchemaCheck } from './resource.js';

/** The schema's verdict on a body, as the registry needs it. */
export function schemaCheck(schema: SchemaRegistry): SchemaCheck {
  return {
    check(kind: KindDef, obj: KObject) {
      const r = validateStructure(schema, kind.type, obj, 'Strict');
      const typeErrors: StatusCause[] = [];
      const invalid: StatusCause[] = [];
      for (const e of r.errors) (e.type === 'FieldValueTypeInvalid' ? typeErrors : invalid).push({ reason: e.type, message: e.message, field: e.field });
      return { unknown: r.unknown, typeErrors, invalid };
    },
    defaults: (kind, obj) => applyDefaults(schema, kind.type, obj),
    prune: (kind, obj) => dropUnknownFields(schema, kind.type, obj) as KObject,
  };
}
