/**
 * Field errors and the error messages the apiserver builds from them. kubectl prints these
 * messages verbatim, so their wording follows k8s.io/apimachinery (`field.Error`,
 * `errors.NewInvalid`) and k8s.io/apiserver (decode and strict-decoding errors).
 */

/** `field.ErrorType` as it appears in a Status cause's `reason`. */
export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueTypeInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueForbidden'
  | 'FieldValueNotFound'
  | 'InternalError';

export interface FieldError {
  readonly type: FieldErrorType;
  /** Kubernetes field path: `spec.containers[0].image`, `metadata.labels[app]`. */
  readonly field: string;
  /** The error without its field (`Required value`, `Unsupported value: "X": supported values: …`); a Status cause's `message`. */
  readonly message: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
};

/** Go's strconv.Quote, which field errors and apiserver messages use for values. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if ((c >= 0x80 && c < 0xa0) || c === 0xfeff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** A float64 as Go's `%v` prints it: shortest digits, exponent form below 1e-4 and from 1e6. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return '0';
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 6) {
    const sign = e < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(n);
}

/**
 * A decoded JSON value as Go's `%v` prints a `map[string]interface{}` holding it (integers
 * preserved as int64, as the apiserver's patch decoding does): `map[spec:map[replicas:3]]`.
 */
export function goValueString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v).toString() : goFloat(v);
  if (Array.isArray(v)) return `[${v.map(goValueString).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return `map[${keys.map((k) => `${k}:${goValueString(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** A bad value the way `field.Error` prints it: strings quoted, numbers and booleans bare. */
function badValueText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goFloatOrInt(value);
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function goFloatOrInt(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : goFloat(n);
}

function body(type: FieldErrorType, value: unknown, detail: string, showValue: boolean): string {
  let s = TYPE_TEXT[type];
  if (showValue) s += `: ${badValueText(value)}`;
  return detail === '' ? s : `${s}: ${detail}`;
}

const mk = (type: FieldErrorType, field: string, message: string): FieldError => ({ type, field, message });

/** Constructors mirroring k8s.io/apimachinery/pkg/util/validation/field. */
export const fieldError = {
  required: (field: string, detail = ''): FieldError => mk('FieldValueRequired', field, body('FieldValueRequired', undefined, detail, false)),
  invalid: (field: string, value: unknown, detail = ''): FieldError => mk('FieldValueInvalid', field, body('FieldValueInvalid', value, detail, true)),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError =>
    mk(
      'FieldValueNotSupported',
      field,
      body('FieldValueNotSupported', value, supported.length === 0 ? '' : `supported values: ${supported.map(goQuote).join(', ')}`, true),
    ),
  duplicate: (field: string, value: unknown): FieldError => mk('FieldValueDuplicate', field, body('FieldValueDuplicate', value, '', true)),
  notFound: (field: string, value: unknown): FieldError => mk('FieldValueNotFound', field, body('FieldValueNotFound', value, '', true)),
  forbidden: (field: string, detail: string): FieldError => mk('FieldValueForbidden', field, body('FieldValueForbidden', undefined, detail, false)),
  tooLong: (field: string, maxBytes: number): FieldError =>
    mk('FieldValueTooLong', field, body('FieldValueTooLong', undefined, `must have at most ${maxBytes} bytes`, false)),
  tooMany: (field: string, actual: number, max: number): FieldError =>
    mk('FieldValueTooMany', field, body('FieldValueTooMany', actual, `must have at most ${max} items`, true)),
  internal: (field: string, detail: string): FieldError => mk('InternalError', field, body('InternalError', undefined, detail, false)),
  /** A value of the wrong JSON type; `message` is the decoder's text, which names the field. */
  typeInvalid: (field: string, message: string): FieldError => mk('FieldValueTypeInvalid', field, message),
};

/** `field.Error.Error()`: `spec.containers[0].image: Required value`. */
export function fieldErrorString(e: FieldError): string {
  return e.field === '' ? e.message : `${e.field}: ${e.message}`;
}

/** `ErrorList.ToAggregate().Error()`: duplicates dropped; one error bare, several in brackets. */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const seen = new Set<string>();
  for (const e of errors) seen.add(fieldErrorString(e));
  const msgs = [...seen];
  return msgs.length === 1 ? (msgs[0] as string) : `[${msgs.join(', ')}]`;
}

/** `GroupKind.String()`: `Pod`, `Deployment.apps`. */
function qualifiedKind(kind: string, group: string): string {
  return group === '' ? kind : `${kind}.${group}`;
}

/** The message of a 422 Invalid: `Pod "x" is invalid: [spec.containers[0].image: Required value, …]`. */
export function invalidMessage(kind: string, name: string, errors: readonly FieldError[], group = ''): string {
  const head = `${qualifiedKind(kind, group)} ${goQuote(name)} is invalid`;
  return errors.length === 0 ? head : `${head}: ${aggregateMessage(errors)}`;
}

/** The Status `details.causes` of a 422 Invalid. */
export function statusCauses(errors: readonly FieldError[]): { reason: FieldErrorType; message: string; field: string }[] {
  return errors.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
}

/** One strict-decoding complaint, also the text of a `Warning: unknown field …` under Warn. */
export function unknownFieldMessage(path: string): string {
  return `unknown field ${goQuote(path)}`;
}

/** `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`. */
export function strictDecodingError(unknown: readonly string[]): string {
  return `strict decoding error: ${unknown.map(unknownFieldMessage).join(', ')}`;
}

/**
 * A body the apiserver could not decode into its type (400 BadRequest), as create/update
 * report it: `Pod in version "v1" cannot be handled as a Pod: <cause>`. `bodyKind`/`version`
 * come from the request body; `intoKind` is the handler's kind.
 */
export function decodeErrorMessage(bodyKind: string, version: string, cause: string, intoKind = bodyKind): string {
  return `${bodyKind} in version ${goQuote(version)} cannot be handled as a ${intoKind}: ${cause}`;
}

/** The 400 for unknown fields under `fieldValidation=Strict` on create/update. */
export function strictDecodingMessage(bodyKind: string, version: string, unknown: readonly string[], intoKind = bodyKind): string {
  return decodeErrorMessage(bodyKind, version, strictDecodingError(unknown), intoKind);
}

/**
 * The 422 a patch gets when its result fails to decode: apiserver reports it as
 * `field.Invalid("patch", <value>, <detail>)` under an empty kind and name. `value` is the
 * patch map in Go's `%+v` (strategic merge: use `goValueString`) or the patched object's JSON
 * (JSON and merge patches).
 */
export function patchInvalidError(value: string, detail: string): { message: string; error: FieldError } {
  const error = fieldError.invalid('patch', value, detail);
  return { message: invalidMessage('', '', [error]), error };
}
