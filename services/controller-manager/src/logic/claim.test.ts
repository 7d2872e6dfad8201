import { describe, expect, it } from 'vitest';
import { selectorFromObject } from '@kite/api';
import { claimDecision } from './claim.js';
import { pod } from './testing.js';
import type { KubeObjectLike } from './types.js';

const owner = (deleting = false): KubeObjectLike => ({ metadata: { name: 'rs', uid: 'owner', ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) } });
const sel = selectorFromObject({ matchLabels: { app: 'web' } });
const mine = { kind: 'ReplicaSet', name: 'rs', uid: 'owner' };
const theirs = { kind: 'ReplicaSet', name: 'other', uid: 'other' };

describe('ownership claims', () => {
  it.each<[string, KubeObjectLike, ReturnType<typeof pod>, ReturnType<typeof claimDecision>]>([
    ['controlled and matching: own', owner(), pod({ labels: { app: 'web' }, owner: mine }), 'own'],
    ['controlled, no longer matching: release', owner(), pod({ labels: { app: 'db' }, owner: mine }), 'release'],
    ['controlled, not matching, owner deleting: keep for the GC', owner(true), pod({ labels: { app: 'db' }, owner: mine }), 'own'],
    ['orphan matching: adopt', owner(), pod({ labels: { app: 'web' } }), 'adopt'],
    ['orphan not matching: ignore', owner(), pod({ labels: { app: 'db' } }), 'ignore'],
    ['orphan matching, owner deleting: ignore', owner(true), pod({ labels: { app: 'web' } }), 'ignore'],
    ['orphan matching but deleting: ignore', owner(), pod({ labels: { app: 'web' }, deleting: true }), 'ignore'],
    ["someone else's: ignore", owner(), pod({ labels: { app: 'web' }, owner: theirs }), 'ignore'],
  ])('%s', (_name, o, p, want) => expect(claimDecision(o, sel, p)).toBe(want));
});
