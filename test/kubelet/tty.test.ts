import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlBinary } from '../support/kubectl.js';
import { waitFor, type Cleanup } from '../support/processes.js';
import { startNodeCluster, type NodeCluster } from './node.js';

const isRoot = process.getuid?.() === 0;
const q = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

const cleanups: Cleanup[] = [];
let c: NodeCluster;

beforeAll(async () => {
  if (isRoot) c = await startNodeCluster(cleanups);
}, 90_000);

afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}, 60_000);

/**
 * Runs a shell command on a pseudo-terminal (`script`), as a user at a terminal would: what it
 * prints so far, a way to type, and its exit code.
 */
function atTerminal(command: string): { output: () => string; type: (s: string) => void; exited: Promise<number | null>; kill: () => void } {
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: c.kubectl.dir } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { output: () => out, type: (s) => void child.stdin.write(s), exited, kill: () => void child.kill('SIGKILL') };
}

// kubectl run -it makes a pod with stdin, stdinOnce and tty, then attaches: the container's shell
// must get a terminal (prompt, echo, tty), kubectl's size, and end the pod with its exit code.
describe.skipIf(!isRoot).each([29, 33])('kubectl 1.%i run -it against kite-kubelet', (minor) => {
  it('gives the shell a terminal and ends the pod with its exit code', async () => {
    const pod = `tty-${minor}`;
    const kubectl = [kubectlBinary(minor), '--kubeconfig', c.kubectl.kubeconfig, '--cache-dir', path.join(c.kubectl.dir, 'cache')].map(q).join(' ');
    const overrides = JSON.stringify({ apiVersion: 'v1', spec: { nodeName: c.node } });
    // A size of its own: kubectl sends it on attach, and the new size makes busybox sh redraw its
    // prompt, printed before anyone was attached (as on Kubernetes).
    const term = atTerminal(`stty cols 100 rows 30; ${kubectl} run -it ${pod} --image=busybox --restart=Never --overrides=${q(overrides)} -- sh`);
    try {
      await waitFor('the prompt', () => (term.output().includes('/ # ') ? true : undefined), 45_000);
      // kubectl sends the size one larger first (to force a redraw), then the real one.
      term.type('for i in $(seq 100); do [ "$(stty size)" = "30 100" ] && break; sleep 0.05; done; stty size; tty; exit 3\r');
      expect(await term.exited).toBe(3);
    } finally {
      term.kill();
    }
    const out = term.output();
    expect(out).toMatch(/\n30 100\r?\n/);
    expect(out).toMatch(/\/dev\/pts\/\d+/);
    expect(out).toContain(`pod default/${pod} terminated (Error)`);
    const status = JSON.parse(await c.kubectl.ok(['get', 'pod', pod, '-o', 'jsonpath={.status}']));
    expect(status.phase).toBe('Failed');
    expect(status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    const spec = JSON.parse(await c.kubectl.ok(['get', 'pod', pod, '-o', 'jsonpath={.spec.containers[0]}']));
    expect(spec).toMatchObject({ stdin: true, stdinOnce: true, tty: true });
    await c.kubectl.ok(['delete', 'pod', pod, '--timeout=20s']);
  });
});
