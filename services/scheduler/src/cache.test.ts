import { describe, expect, it } from 'vitest';
import { SchedulerCache } from './cache.js';
import { info, makeNode, makePod } from './testing.js';

describe('SchedulerCache', () => {
  it('counts an assumed pod at once, keeps it when the bind is confirmed, and drops it on forget', () => {
    const c = new SchedulerCache();
    c.setNode(makeNode('n1', { cpu: '1' }));
    const p = info(makePod('p', {}, { requests: { cpu: '400m' } }));
    c.assume(p, 'n1');
    expect(c.get('n1')?.requested.milliCPU).toBe(400);
    expect(c.isAssumed(p.uid)).toBe(true);
    // Confirmed through the informer: still counted once.
    c.addOrUpdatePod({ ...p.pod, spec: { ...p.pod.spec, nodeName: 'n1' } });
    expect(c.isAssumed(p.uid)).toBe(false);
    expect(c.get('n1')?.requested.milliCPU).toBe(400);
    c.forget(p.uid);
    expect(c.get('n1')?.requested.milliCPU).toBe(400);

    const q = info(makePod('q', {}, { requests: { cpu: '300m' } }));
    c.assume(q, 'n1');
    expect(c.get('n1')?.requested.milliCPU).toBe(700);
    c.forget(q.uid);
    expect(c.get('n1')?.requested.milliCPU).toBe(400);
    c.removePod(p.uid);
    expect(c.get('n1')?.requested.milliCPU).toBe(0);
    expect(c.get('n1')?.pods.size).toBe(0);
  });

  it('keeps pods of a node it has not seen (or that went away) and counts them when the node appears', () => {
    const c = new SchedulerCache();
    c.addOrUpdatePod(makePod('early', { nodeName: 'late' }, { requests: { cpu: '1' } }));
    expect(c.nodes).toHaveLength(0);
    c.setNode(makeNode('late'));
    expect(c.get('late')?.requested.milliCPU).toBe(1000);
    c.removeNode('late');
    expect(c.nodes).toHaveLength(0);
    c.setNode(makeNode('late'));
    expect(c.get('late')?.pods.size).toBe(1);
  });

  it('follows allocatable changes and namespace labels', () => {
    const c = new SchedulerCache();
    c.setNode(makeNode('n', { cpu: '1' }));
    c.setNode(makeNode('n', { cpu: '8' }));
    expect(c.get('n')?.allocatable.milliCPU).toBe(8000);
    expect(c.nodes).toHaveLength(1);
    c.setNamespace({ metadata: { name: 'prod', labels: { env: 'prod' } } });
    expect(c.namespaceLabels('prod')).toEqual({ env: 'prod' });
  });
});
