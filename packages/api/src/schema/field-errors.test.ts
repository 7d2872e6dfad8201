import { describe, expect, it } from 'vitest';
import {
  aggregateMessage,
  decodeErrorMessage,
  fieldError,
  fieldErrorString,
  goQuote,
  goValueString,
  invalidMessage,
  patchInvalidError,
  statusCauses,
  strictDecodingMessage,
  unknownFieldMessage,
} from './field-errors.js';

describe('field errors', () => {
  it.each([
    [fieldError.required('spec.containers[0].image'), 'FieldValueRequired', 'spec.containers[0].image: Required value'],
    [fieldError.required('spec.selector', 'must be set'), 'FieldValueRequired', 'spec.selector: Required value: must be set'],
    [fieldError.invalid('spec.replicas', -1, 'must be greater than or equal to 0'), 'FieldValueInvalid', 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [fieldError.invalid('metadata.name', 'A_b', 'a lowercase RFC 1123 subdomain'), 'FieldValueInvalid', 'metadata.name: Invalid value: "A_b": a lowercase RFC 1123 subdomain'],
    [fieldError.invalid('spec.x', null), 'FieldValueInvalid', 'spec.x: Invalid value: null'],
    [
      fieldError.notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']),
      'FieldValueNotSupported',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ],
    [fieldError.duplicate('spec.containers[1].name', 'web'), 'FieldValueDuplicate', 'spec.containers[1].name: Duplicate value: "web"'],
    [fieldError.forbidden('spec.nodeName', 'may not be changed'), 'FieldValueForbidden', 'spec.nodeName: Forbidden: may not be changed'],
    [fieldError.tooLong('metadata.labels', 63), 'FieldValueTooLong', 'metadata.labels: Too long: must have at most 63 bytes'],
    [fieldError.tooMany('spec.items', 12, 10), 'FieldValueTooMany', 'spec.items: Too many: 12: must have at most 10 items'],
    [fieldError.notFound('spec.volumes[0]', 'data'), 'FieldValueNotFound', 'spec.volumes[0]: Not found: "data"'],
  ])('%j prints as Kubernetes does', (err, type, text) => {
    expect(err.type).toBe(type);
    expect(fieldErrorString(err)).toBe(text);
  });

  it('quotes like Go strconv.Quote', () => {
    expect(goQuote('a"b\\c\nd\te\x01')).toBe('"a\\"b\\\\c\\nd\\te\\x01"');
    expect(goQuote('héllo ✓')).toBe('"héllo ✓"');
  });

  it.each([
    [{ spec: { replicas: 3, paused: true } }, 'map[spec:map[paused:true replicas:3]]'],
    [{ b: [1, 'x', null], a: 0.5 }, 'map[a:0.5 b:[1 x <nil>]]'],
    [{ f: 1234567.5, g: 0.00001, h: 123456.5 }, 'map[f:1.2345675e+06 g:1e-05 h:123456.5]'],
    [{}, 'map[]'],
  ])('goValueString(%j) prints like Go %%v', (v, text) => {
    expect(goValueString(v)).toBe(text);
  });

  it('aggregates one error bare and several in brackets, dropping duplicates', () => {
    const a = fieldError.required('spec.a');
    const b = fieldError.required('spec.b');
    expect(aggregateMessage([a])).toBe('spec.a: Required value');
    expect(aggregateMessage([a, b, a])).toBe('[spec.a: Required value, spec.b: Required value]');
  });

  it('builds the 422 message kubectl prints', () => {
    const errs = [fieldError.required('spec.containers[0].image'), fieldError.notSupported('spec.restartPolicy', 'X', ['Always'])];
    expect(invalidMessage('Pod', 'x', errs.slice(0, 1))).toBe('Pod "x" is invalid: spec.containers[0].image: Required value');
    expect(invalidMessage('Pod', 'x', errs)).toBe(
      'Pod "x" is invalid: [spec.containers[0].image: Required value, spec.restartPolicy: Unsupported value: "X": supported values: "Always"]',
    );
    expect(invalidMessage('Deployment', 'web', errs.slice(0, 1), 'apps')).toBe('Deployment.apps "web" is invalid: spec.containers[0].image: Required value');
    expect(invalidMessage('Pod', 'x', [])).toBe('Pod "x" is invalid');
    expect(statusCauses(errs)).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' },
      { reason: 'FieldValueNotSupported', message: 'Unsupported value: "X": supported values: "Always"', field: 'spec.restartPolicy' },
    ]);
  });

  it('builds the 400 strict decoding and decode messages', () => {
    expect(unknownFieldMessage('spec.foo')).toBe('unknown field "spec.foo"');
    expect(strictDecodingMessage('Pod', 'v1', ['spec.foo', 'spec.containers[0].bar'])).toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo", unknown field "spec.containers[0].bar"',
    );
    expect(decodeErrorMessage('Deployment', 'v1', 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32')).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
  });

  it('builds the 422 a patch gets for unknown fields', () => {
    const { message, error } = patchInvalidError(goValueString({ spec: { foo: 1 } }), 'strict decoding error: unknown field "spec.foo"');
    expect(message).toBe(' "" is invalid: patch: Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"');
    expect(error).toEqual({ type: 'FieldValueInvalid', field: 'patch', message: 'Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"' });
  });
});
