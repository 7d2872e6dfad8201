import { describe, expect, it } from 'vitest';
import { blockingDependents, dependentAction, type OwnerState } from './gc.js';
import type { OwnerReference } from './types.js';

const ref = (uid: string, block = false): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, ...(block ? { blockOwnerDeletion: true } : {}) });
const refs = (...xs: Array<[string, OwnerState, boolean?]>): Array<{ ref: OwnerReference; state: OwnerState }> => xs.map(([uid, state, block]) => ({ ref: ref(uid, block), state }));

describe('garbage collector decisions', () => {
  it.each<[string, ReturnType<typeof refs>, ReturnType<typeof dependentAction>]>([
    ['no owners: never touched', [], { kind: 'none' }],
    ['every owner alive', refs(['a', 'solid'], ['b', 'solid']), { kind: 'none' }],
    ['the only owner is gone: background delete', refs(['a', 'dangling']), { kind: 'delete', propagationPolicy: 'Background' }],
    ['every owner gone', refs(['a', 'dangling'], ['b', 'dangling']), { kind: 'delete', propagationPolicy: 'Background' }],
    ['one owner gone, one alive: drop the reference', refs(['a', 'dangling'], ['b', 'solid']), { kind: 'patch', remove: ['a'], unblock: [] }],
    ['the owner waits in the foreground: delete in the foreground', refs(['a', 'waiting', true]), { kind: 'delete', propagationPolicy: 'Foreground' }],
    ['a foreground owner and a live one: unblock the waiting owner', refs(['a', 'waiting', true], ['b', 'solid']), { kind: 'patch', remove: [], unblock: ['a'] }],
    ['a non-blocking reference to a foreground owner with a live one: nothing', refs(['a', 'waiting', false], ['b', 'solid']), { kind: 'none' }],
    ['an owner of unknown kind counts as alive', refs(['a', 'dangling'], ['x', 'unknown']), { kind: 'patch', remove: ['a'], unblock: [] }],
  ])('%s', (_name, input, want) => expect(dependentAction(input)).toEqual(want));

  it('only dependents with blockOwnerDeletion hold a foreground owner', () => {
    const deps = [
      { metadata: { name: 'x', ownerReferences: [ref('o', true)] } },
      { metadata: { name: 'y', ownerReferences: [ref('o', false)] } },
      { metadata: { name: 'z', ownerReferences: [ref('other', true)] } },
    ];
    expect(blockingDependents('o', deps).map((d) => d.metadata.name)).toEqual(['x']);
  });
});
