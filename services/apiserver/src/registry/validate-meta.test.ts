import { KindIndex, type KindDef } from '@kite/api';
import { describe, expect, it } from 'vitest';
import type { StatusCause } from '../errors.js';
import type { ObjectMeta } from '../object.js';
import { dnsLabelError, dnsSubdomainError, validateMetadata } from './validate-meta.js';

const kinds = new KindIndex();
const kind = (apiVersion: string, k: string): KindDef => {
  const def = kinds.kind(apiVersion, k);
  if (def === undefined) throw new Error(`no kind ${apiVersion} ${k}`);
  return def;
};
const POD = kind('v1', 'Pod');
const NAMESPACE = kind('v1', 'Namespace');
const SERVICE = kind('v1', 'Service');
const DEPLOYMENT = kind('apps/v1', 'Deployment');

const SUBDOMAIN_WHY =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_WHY =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** `field: message`, as kubectl prints each cause. */
const printed = (causes: StatusCause[]): string[] => causes.map((c) => `${c.field}: ${c.message}`);

describe('dnsLabelError / dnsSubdomainError', () => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ['web', undefined, undefined],
    ['web-1', undefined, undefined],
    ['123-abc', undefined, undefined],
    ['a'.repeat(63), undefined, undefined],
    ['a'.repeat(64), 'must be no more than 63 characters', undefined],
    ['a'.repeat(253), 'must be no more than 63 characters', undefined],
    ['a'.repeat(254), 'must be no more than 63 characters', 'must be no more than 253 characters'],
    ['web.example.com', LABEL_WHY, undefined],
    ['Web', LABEL_WHY, SUBDOMAIN_WHY],
    ['-web', LABEL_WHY, SUBDOMAIN_WHY],
    ['web-', LABEL_WHY, SUBDOMAIN_WHY],
    ['web_1', LABEL_WHY, SUBDOMAIN_WHY],
    ['web..x', LABEL_WHY, SUBDOMAIN_WHY],
    ['', LABEL_WHY, SUBDOMAIN_WHY],
  ];
  it.each(cases)('%s', (v, label, subdomain) => {
    expect(dnsLabelError(v)).toBe(label);
    expect(dnsSubdomainError(v)).toBe(subdomain);
  });
});

describe('validateMetadata', () => {
  const cases: Array<[string, KindDef, ObjectMeta, string[]]> = [
    ['a good pod', POD, { name: 'web-1', labels: { app: 'web', 'app.kubernetes.io/name': 'web', empty: '' }, annotations: { 'example.com/Note': 'any text at all' } }, []],
    ['no name', POD, {}, ['metadata.name: Required value: name or generateName is required']],
    ['empty name', POD, { name: '' }, ['metadata.name: Required value: name or generateName is required']],
    ['pod names are subdomains: dots allowed', POD, { name: 'web.v2' }, []],
    ['deployment names are subdomains', DEPLOYMENT, { name: 'web.v2' }, []],
    ['upper case', POD, { name: 'Web' }, [`metadata.name: Invalid value: "Web": ${SUBDOMAIN_WHY}`]],
    ['namespace names are labels: no dots', NAMESPACE, { name: 'team.a' }, [`metadata.name: Invalid value: "team.a": ${LABEL_WHY}`]],
    ['namespace name too long', NAMESPACE, { name: 'n'.repeat(64) }, [`metadata.name: Invalid value: "${'n'.repeat(64)}": must be no more than 63 characters`]],
    ['service names are labels: no dots', SERVICE, { name: 'web.v2' }, [expect.stringContaining('metadata.name: Invalid value: "web.v2": ') as unknown as string]],
    [
      'bad label key',
      POD,
      { name: 'p', labels: { '-bad': 'x' } },
      [`metadata.labels: Invalid value: "-bad": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`],
    ],
    ['label key with a bad prefix', POD, { name: 'p', labels: { 'Example.com/app': 'x' } }, ['metadata.labels: Invalid value: "Example.com/app": prefix part must be a lowercase RFC 1123 subdomain']],
    ['label key name too long', POD, { name: 'p', labels: { ['k'.repeat(64)]: 'x' } }, [`metadata.labels: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`]],
    ['label value too long', POD, { name: 'p', labels: { app: 'v'.repeat(64) } }, [`metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`]],
    ['label value with a space', POD, { name: 'p', labels: { app: 'my app' } }, [expect.stringMatching(/^metadata\.labels: Invalid value: "my app": a valid label must be an empty string/) as unknown as string]],
    ['label value not a string', POD, { name: 'p', labels: { replicas: 3 as unknown as string } }, ['metadata.labels: Invalid value: 3: must be a string']],
    ['annotation keys are checked case-insensitively, as Kubernetes lowercases them', POD, { name: 'p', annotations: { 'Example.COM/Key': 'x' } }, []],
    ['bad annotation key', POD, { name: 'p', annotations: { 'a/b/c': 'x' } }, [expect.stringMatching(/^metadata\.annotations: Invalid value: "a\/b\/c": a qualified name must consist/) as unknown as string]],
    [
      'every problem is reported',
      POD,
      { name: 'Bad', labels: { '-k': 'v v' } },
      [`metadata.name: Invalid value: "Bad": ${SUBDOMAIN_WHY}`, expect.stringContaining('"-k"') as unknown as string, expect.stringContaining('"v v"') as unknown as string],
    ],
  ];
  it.each(cases)('%s', (_title, k, meta, want) => {
    const causes = validateMetadata(k, meta);
    expect(printed(causes)).toEqual(want);
    for (const c of causes) expect(['FieldValueRequired', 'FieldValueInvalid']).toContain(c.reason);
  });

  // Regression (a kite bug, fixed): Services are named by DNS-1035 labels in Kubernetes (ValidateServiceName =
  // NameIsDNS1035Label): they must start with a letter, because the name becomes an environment
  // variable prefix and a DNS name. kite checks an RFC 1123 label and accepts "1web".
  it('service names must start with a letter (DNS-1035)', () => {
    expect(printed(validateMetadata(SERVICE, { name: '1web' }))).toEqual([
      `metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ]);
  });

  // Regression (a kite bug, fixed): Kubernetes caps the total size of annotations at 256 KiB (ValidateAnnotationsSize:
  // `metadata.annotations: Too long: must have at most 262144 bytes`, the error big
  // last-applied-configuration annotations hit); kite stores any size.
  it('annotations larger than 256 KiB in total are rejected', () => {
    const causes = validateMetadata(POD, { name: 'p', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(262_145) } });
    // The wording after "Too long:" changed across Kubernetes versions; the field and limit did not.
    expect(printed(causes)).toEqual([expect.stringMatching(/^metadata\.annotations: Too long: .*262144 bytes$/)]);
  });
});
