import { labelValueError, qualifiedNameError, type KindDef } from '@kite/api';
import type { StatusCause } from '../errors.js';
import type { ObjectMeta } from '../object.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Kinds whose names become DNS labels (hostnames, namespaces), as Kubernetes validates them. */
const LABEL_NAMED = new Set(['Namespace']);

export function dns1035Error(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  if (!DNS_1035.test(v))
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  return undefined;
}

export const invalidValue = (field: string, value: unknown, why: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
  field,
});

export const required = (field: string, why?: string): StatusCause => ({
  reason: 'FieldValueRequired',
  message: why === undefined ? 'Required value' : `Required value: ${why}`,
  field,
});

export function dnsLabelError(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  if (!DNS_LABEL.test(v))
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  return undefined;
}

export function dnsSubdomainError(v: string): string | undefined {
  if (v.length > 253) return 'must be no more than 253 characters';
  if (!DNS_SUBDOMAIN.test(v))
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  return undefined;
}

export function validateMetadata(kind: KindDef, m: ObjectMeta): StatusCause[] {
  const causes: StatusCause[] = [];
  if (m.name === undefined || m.name === '') causes.push(required('metadata.name', 'name or generateName is required'));
  else {
    const why = kind.kind === 'Service' ? dns1035Error(m.name) : LABEL_NAMED.has(kind.kind) ? dnsLabelError(m.name) : dnsSubdomainError(m.name);
    if (why !== undefined) causes.push(invalidValue('metadata.name', m.name, why));
  }
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    const keyWhy = qualifiedNameError(k);
    if (keyWhy !== undefined) causes.push(invalidValue('metadata.labels', k, keyWhy));
    if (typeof v !== 'string') causes.push(invalidValue(`metadata.labels`, v, 'must be a string'));
    else {
      const valWhy = labelValueError(v);
      if (valWhy !== undefined) causes.push(invalidValue('metadata.labels', v, valWhy));
    }
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    const keyWhy = qualifiedNameError(k.toLowerCase());
    if (keyWhy !== undefined) causes.push(invalidValue('metadata.annotations', k, keyWhy));
    annotationBytes += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (annotationBytes > MAX_ANNOTATIONS_BYTES)
    causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes`, field: 'metadata.annotations' });
  return causes;
}
