import { describe, expect, it } from 'vitest';
import type { KObject } from '../object.js';
import { toTable, wantsTable, type IncludeObject } from './table.js';

describe('wantsTable', () => {
  const cases: Array<[string, string | undefined, boolean]> = [
    // kubectl get (every version from 1.27 on)
    ['kubectl get', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', true],
    ['v1 only', 'application/json;as=Table;v=v1;g=meta.k8s.io', true],
    ['v1beta1 only', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io', true],
    ['parameters in another order, with spaces', 'application/json; g=meta.k8s.io; v=v1; as=Table', true],
    ['Table offered after plain JSON', 'application/json, application/json;as=Table;v=v1;g=meta.k8s.io', true],
    ['kubectl get -o yaml', 'application/json', false],
    ['no Accept header', undefined, false],
    ['anything', '*/*', false],
    ['PartialObjectMetadata is not a Table', 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,application/json', false],
    ['Table of another group', 'application/json;as=Table;v=v1;g=example.com', false],
    ['Table of an unknown version', 'application/json;as=Table;v=v2;g=meta.k8s.io', false],
    ['as=Table without its group', 'application/json;as=Table;v=v1', false],
    ['aggregated discovery', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', false],
  ];
  it.each(cases)('%s', (_title, accept, want) => {
    expect(wantsTable(accept)).toBe(want);
  });
});

describe('toTable', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const obj = (name: string, extra: Partial<KObject> = {}): KObject => ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', creationTimestamp: '2024-05-01T11:00:00Z', labels: { app: name } },
    spec: { size: 3 },
    ...extra,
  });
  const items = [obj('a'), obj('b')];
  const listMeta = { resourceVersion: '42', continue: 'tok' };

  it('is a meta.k8s.io/v1 Table carrying the list metadata', () => {
    const t = toTable('Widget', items, listMeta, 'Metadata', now);
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '42', continue: 'tok' } });
  });

  it('a kind without its own printer gets Name (format name, for `get all`) and Age', () => {
    const t = toTable('Widget', items, listMeta, 'None', now) as { columnDefinitions: Array<Record<string, unknown>>; rows: Array<{ cells: unknown[] }> };
    expect(t.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Age', 'string', '', 0],
    ]);
    expect(t.rows.map((r) => r.cells)).toEqual([
      ['a', '60m'],
      ['b', '60m'],
    ]);
  });

  it('uses the kind printer: a Pod gets kubectl columns', () => {
    const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', creationTimestamp: '2024-05-01T11:59:00Z' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } };
    const t = toTable('Pod', [pod], listMeta, 'None', now) as { columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> };
    expect(t.columnDefinitions.map((c) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(t.rows[0]?.cells.slice(0, 5)).toEqual(['web', '0/1', 'Pending', '0', '60s']);
  });

  const objects: Array<[IncludeObject, (o: KObject) => unknown]> = [
    ['None', () => undefined],
    ['Metadata', (o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })],
    ['Object', (o) => o],
  ];
  it.each(objects)('includeObject=%s', (include, want) => {
    const t = toTable('Widget', items, listMeta, include, now) as { rows: Array<{ object?: unknown }> };
    expect(t.rows.map((r) => r.object)).toEqual(items.map(want));
    // None must not put an `object` key on the wire at all.
    if (include === 'None') expect(JSON.stringify(t)).not.toContain('"object"');
  });

  it('no items: no rows, the columns still there', () => {
    const t = toTable('Widget', [], listMeta, 'Metadata', now) as { rows: unknown[]; columnDefinitions: unknown[] };
    expect(t.rows).toEqual([]);
    expect(t.columnDefinitions).toHaveLength(2);
  });
});
