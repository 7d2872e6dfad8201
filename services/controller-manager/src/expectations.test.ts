import { describe, expect, it } from 'vitest';
import { Expectations } from './expectations.js';

describe('controller expectations', () => {
  it('waits for every expected creation and deletion to be observed', () => {
    const e = new Expectations();
    expect(e.satisfied('k')).toBe(true);
    e.expect('k', 2, ['a']);
    expect(e.satisfied('k')).toBe(false);
    e.creationObserved('k');
    e.creationFailed('k');
    expect(e.satisfied('k')).toBe(false);
    e.deletionObserved('k', 'other');
    expect(e.satisfied('k')).toBe(false);
    e.deletionObserved('k', 'a');
    // A second observation of the same deletion does not count twice.
    e.deletionObserved('k', 'a');
    expect(e.satisfied('k')).toBe(true);
  });

  it('expires, so a lost event cannot wedge a controller', () => {
    let now = 0;
    const e = new Expectations(1000, () => now);
    e.expect('k', 1);
    now = 999;
    expect(e.satisfied('k')).toBe(false);
    now = 1001;
    expect(e.satisfied('k')).toBe(true);
  });
});
