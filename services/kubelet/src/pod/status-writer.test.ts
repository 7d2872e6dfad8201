import { KiteApiError, type KiteClient } from '@kite/client';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { StatusWriter } from './status-writer.js';
import type { Pod } from './types.js';

const pod = (uid: string, rv: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid, resourceVersion: rv }, spec: { containers: [] }, status: { phase: 'Pending' } });
const conflict = (): KiteApiError => new KiteApiError('the object has been modified', 409, 'Conflict');

function client(script: { conflicts: number; freshUid: string }): { client: KiteClient; writes: Array<{ rv: string; phase: string }> } {
  const writes: Array<{ rv: string; phase: string }> = [];
  let left = script.conflicts;
  return {
    writes,
    client: {
      async updateStatus(p: Pod) {
        writes.push({ rv: p.metadata.resourceVersion as string, phase: p.status?.phase as string });
        if (left-- > 0) throw conflict();
        return { ...p, metadata: { ...p.metadata, resourceVersion: String(Number(p.metadata.resourceVersion) + 1) } };
      },
      async get() {
        return pod(script.freshUid, '50');
      },
    } as unknown as KiteClient,
  };
}

describe('StatusWriter', () => {
  it('writes only changes, conditionally, and retries a conflict against the fresh pod', async () => {
    const c = client({ conflicts: 1, freshUid: 'u1' });
    const w = new StatusWriter(c.client, pino({ level: 'silent' }), 1);
    w.set(pod('u1', '7'), { phase: 'Pending' });
    await w.flush();
    expect(c.writes).toEqual([]);
    w.set(pod('u1', '7'), { phase: 'Running' });
    await w.flush();
    expect(c.writes).toEqual([{ rv: '7', phase: 'Running' }, { rv: '50', phase: 'Running' }]);
    w.set(pod('u1', '7'), { phase: 'Running' });
    await w.flush();
    expect(c.writes).toHaveLength(2);
  });

  it('never writes onto a re-created pod of the same name', async () => {
    const c = client({ conflicts: 5, freshUid: 'someone-else' });
    const w = new StatusWriter(c.client, pino({ level: 'silent' }), 1);
    w.set(pod('u1', '7'), { phase: 'Running' });
    await w.flush();
    expect(c.writes).toEqual([{ rv: '7', phase: 'Running' }]);
  });
});
