import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { KUBELET_NODE_FLAGS } from './paths.js';

it('runs the bin directly with the same node flags supervisors use', () => {
  const shebang = readFileSync(new URL('./bin.ts', import.meta.url), 'utf8').split('\n')[0];
  expect(shebang).toBe(`#!/usr/bin/env -S node ${KUBELET_NODE_FLAGS.join(' ')}`);
});
