import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { kubectlBinary, kubectlFor, type Kubectl } from '../support/kubectl.js';
import { startApiServer, startKiteStore, startProcess, tempDir, waitFor, type Cleanup, type Proc } from '../support/processes.js';
import { TestNode } from './test-node.js';

const isRoot = process.getuid?.() === 0;
const BUSYBOX = '/usr/bin/busybox';
const VERSIONS = [29, 32, 33];

/** Runs a shell command under `script`, i.e. on a pseudo-terminal; resolves with what it printed. */
function runScript(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    child.stdin.end();
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject)
      .setTimeout(10_000, function (this: http.ClientRequest) {
        this.destroy(new Error(`GET ${url} timed out`));
      });
  });
}

// The pods run in real network and mount namespaces (ProcessRuntime), which needs root.
describe.skipIf(!isRoot)('kubectl logs, exec, cp, attach, port-forward through the apiserver to a kubelet', () => {
  const cleanups: Cleanup[] = [];
  let apiUrl = '';
  let node: TestNode;
  const ns = 'default';
  const tag = randomBytes(2).toString('hex');
  const web = `web-${tag}`;
  const two = `two-${tag}`;
  const logger = `logger-${tag}`;
  const restarted = `restarted-${tag}`;
  const ticker = `ticker-${tag}`;

  beforeAll(async () => {
    try {
      const { dir, remove } = await tempDir('streaming');
      cleanups.push(remove);
      const store = await startKiteStore(dir);
      cleanups.push(() => store.stop());
      const api = await startApiServer([store.endpoint]);
      cleanups.push(() => api.stop());
      apiUrl = api.url;
      node = await TestNode.start(apiUrl);
      cleanups.push(() => node.close());
      const www = `mkdir -p /tmp/www && echo hello through the tunnel > /tmp/www/index.html && exec ${BUSYBOX} httpd -f -p 80 -h /tmp/www`;
      await node.runPod(ns, web, [{ name: 'web', argv: [BUSYBOX, 'sh', '-c', www] }]);
      await node.runPod(ns, two, [
        { name: 'a', argv: [BUSYBOX, 'sh', '-c', 'echo from a; exec sleep 3600'] },
        { name: 'b', argv: [BUSYBOX, 'sh', '-c', 'echo from b; exec sleep 3600'] },
      ]);
      await node.runPod(ns, logger, [{ name: 'c', argv: [BUSYBOX, 'sh', '-c', 'for i in 1 2 3 4 5; do echo line $i; done; exec sleep 3600'] }]);
      await node.runPod(ns, restarted, [{ name: 'c', argv: [BUSYBOX, 'sh', '-c', 'echo first life'] }]);
      await node.restart(ns, restarted, { name: 'c', argv: [BUSYBOX, 'sh', '-c', 'echo second life; exec sleep 3600'] });
      await node.runPod(ns, ticker, [{ name: 'c', argv: [BUSYBOX, 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done'] }]);
      // Logs are read from files the runtime writes as output arrives; wait until they hold it.
      await node.runPod(ns, `done-${tag}`, [{ name: 'c', argv: [BUSYBOX, 'true'] }]);
      await node.reportPhase(ns, `done-${tag}`, 'Succeeded');
      const logOf = async (pod: string, q = ''): Promise<string> => (await httpGet(`${apiUrl}/api/v1/namespaces/${ns}/pods/${pod}/log${q}`)).body;
      await waitFor('the pods\' logs', async () =>
        (await logOf(restarted)) === 'second life\n' && (await logOf(logger)).endsWith('line 5\n') && (await logOf(two, '?container=b')) === 'from b\n' ? true : undefined,
      );
    } catch (err) {
      for (const c of cleanups.splice(0).reverse()) await c();
      throw err;
    }
  }, 90_000);

  afterAll(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('refuses a log without a container name when the pod has several, as Kubernetes does', async () => {
    const r = await httpGet(`${apiUrl}/api/v1/namespaces/${ns}/pods/${two}/log`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: `a container name must be specified for pod ${two}, choose one of: [a b]` });
  });

  it('answers an unscheduled pod: empty log, exec refused with 400', async () => {
    const pending = `pending-${tag}`;
    const res = await fetch(`${apiUrl}/api/v1/namespaces/${ns}/pods`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pending }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }),
    });
    expect(res.status).toBe(201);
    expect(await httpGet(`${apiUrl}/api/v1/namespaces/${ns}/pods/${pending}/log`)).toEqual({ status: 200, body: '' });
    const k = await kubectlFor(apiUrl, kubectlBinary(33));
    try {
      const r = await k(['exec', pending, '--', 'true']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`pod ${pending} does not have a host assigned`);
    } finally {
      await k.remove();
    }
  });

  /** Opens a WebSocket like kubectl; resolves with the chosen protocol and every message, or the refusal. */
  function wsExec(pod: string, query: string, protocols: string[]): Promise<{ protocol?: string; messages: Buffer[]; refused?: { status: number; body: string } }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${apiUrl.replace('http', 'ws')}/api/v1/namespaces/${ns}/pods/${pod}/exec?${query}`, protocols);
      const messages: Buffer[] = [];
      ws.on('message', (m: Buffer) => messages.push(m));
      ws.on('close', () => resolve({ protocol: ws.protocol, messages }));
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ messages, refused: { status: res.statusCode ?? 0, body } }));
      });
      ws.on('error', reject);
    });
  }

  it('speaks v4.channel.k8s.io to clients that ask for it (no close channel)', async () => {
    const r = await wsExec(web, 'command=echo&command=hi&stdout=true&stderr=true', ['v4.channel.k8s.io']);
    expect(r.protocol).toBe('v4.channel.k8s.io');
    const byChannel = (c: number): string => Buffer.concat(r.messages.filter((m) => m[0] === c).map((m) => m.subarray(1))).toString();
    expect(byChannel(1)).toBe('hi\n');
    expect(JSON.parse(byChannel(3))).toEqual({ metadata: {}, status: 'Success' });
  });

  it.each([
    ['an unsupported subprotocol', web, ['channel.k8s.io'], /none of the offered subprotocols/],
    ['a completed pod', `done-${tag}`, ['v5.channel.k8s.io'], /cannot exec into a container in a completed pod; current phase is Succeeded/],
  ])('refuses %s before upgrading, with a Status', async (_what, pod, protocols, message) => {
    const r = await wsExec(pod, 'command=true&stdout=true', protocols);
    expect(r.refused?.status).toBe(400);
    expect(JSON.parse(r.refused?.body ?? '{}')).toMatchObject({ kind: 'Status', code: 400, message: expect.stringMatching(message) as string });
  });

  describe.each(VERSIONS)('kubectl 1.%i', (minor) => {
    let k: Kubectl;
    const procs: Proc[] = [];
    beforeAll(async () => {
      k = await kubectlFor(apiUrl, kubectlBinary(minor));
    });
    afterAll(async () => {
      for (const p of procs) await p.stop('SIGKILL');
      await k.remove();
    });

    it('exec relays stdout and stderr separately', async () => {
      const r = await k(['exec', web, '--', 'sh', '-c', 'echo to-out; echo to-err >&2']);
      expect(r).toMatchObject({ code: 0, stdout: 'to-out\n' });
      expect(r.stderr).toContain('to-err');
    });

    it.each([
      ['exit 3', 3],
      ['exit 0', 0],
      ['kill -9 $$', 137],
    ])('exec propagates the exit code of `%s`', async (script, code) => {
      const r = await k(['exec', web, '--', 'sh', '-c', script]);
      expect(r.code).toBe(code);
      if (code !== 0) expect(r.stderr).toContain(`command terminated with exit code ${code}`);
    });

    it('exec -i feeds stdin until EOF', async () => {
      const r = await k(['exec', '-i', web, '--', 'sh', '-c', 'tr a-z A-Z; echo done'], { stdin: 'hello stdin\nsecond line\n' });
      expect(r).toMatchObject({ code: 0, stdout: 'HELLO STDIN\nSECOND LINE\ndone\n' });
    });

    it('exec -it gives the command a terminal of the client\'s size', async () => {
      // `script` gives kubectl a pseudo-terminal, which -t requires; its size travels on the resize
      // channel and lands asynchronously, so the command waits for it.
      const kubectl = `${kubectlBinary(minor)} --kubeconfig ${k.kubeconfig} --cache-dir ${path.join(k.dir, 'cache')}`;
      const inner = `stty cols 123 rows 45; ${kubectl} exec -it ${web} -- sh -c 'for i in $(seq 100); do s=$(stty size); [ "$s" = "45 123" ] && break; sleep 0.05; done; tty; echo $s'`;
      const r = await runScript(inner);
      expect(r).toMatch(/\/dev\/pts\/\d+\r?\n45 123/);
    });

    it('exec kills the command when the client goes away', async () => {
      const pidFile = `/tmp/exec-pid-${minor}`;
      const p = startProcess(kubectlBinary(minor), ['--kubeconfig', k.kubeconfig, '--cache-dir', path.join(k.dir, 'cache'), 'exec', web, '--', 'sh', '-c', `echo $$ > ${pidFile}; echo started; exec sleep 300`], { HOME: k.dir });
      procs.push(p);
      await waitFor('the command to start', () => (p.output().includes('started') ? true : undefined));
      const pid = (await k.ok(['exec', web, '--', 'cat', pidFile])).trim();
      await p.stop('SIGKILL');
      await waitFor('the command to be killed', async () => ((await k.ok(['exec', web, '--', 'sh', '-c', `kill -0 ${pid} 2>/dev/null && echo alive || echo gone`])).trim() === 'gone' ? true : undefined));
    });

    it('exec -c picks the container; an unknown one is refused by the apiserver', async () => {
      expect(await k.ok(['exec', two, '-c', 'b', '--', 'sh', '-c', 'echo in b'])).toBe('in b\n');
      const r = await k(['exec', two, '-c', 'nope', '--', 'true']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`container nope is not valid for pod ${two}`);
    });

    it('exec into a missing pod is NotFound', async () => {
      const r = await k(['exec', `missing-${tag}`, '--', 'true']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`pods "missing-${tag}" not found`);
    });

    it('cp copies a file into the pod and back', async () => {
      const { dir, remove } = await tempDir(`cp-${minor}`);
      try {
        // Several MB: far past SPDY's default 64 KiB window, so a stall in either direction shows.
        const payload = `line one\n${randomBytes(3_000_000).toString('base64')}\nlast\n`;
        await writeFile(path.join(dir, 'in.txt'), payload);
        await k.ok(['cp', path.join(dir, 'in.txt'), `${web}:/tmp/copied-${minor}.txt`]);
        expect(await k.ok(['exec', web, '--', 'cat', `/tmp/copied-${minor}.txt`]) === payload).toBe(true);
        await k.ok(['cp', `${web}:/tmp/copied-${minor}.txt`, path.join(dir, 'out.txt')]);
        expect((await readFile(path.join(dir, 'out.txt'), 'utf8')) === payload).toBe(true);
      } finally {
        await remove();
      }
    });

    it('attach -i joins the container\'s own stdin and stdout', async () => {
      const pod = `att-${minor}-${tag}`;
      await node.runPod(ns, pod, [{ name: 'c', argv: [BUSYBOX, 'sh', '-c', 'read line; echo got $line; exit 0'], stdin: true }]);
      const r = await k(['attach', '-i', pod], { stdin: 'hello attach\n' });
      expect(r.stdout).toContain('got hello attach');
    });

    it('logs picks a container, tails, and stamps', async () => {
      expect(await k.ok(['logs', two, '-c', 'b'])).toBe('from b\n');
      expect(await k.ok(['logs', logger, '--tail', '2'])).toBe('line 4\nline 5\n');
      const stamped = await k.ok(['logs', logger, '--timestamps', '--tail', '1']);
      expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line 5\n$/);
      expect(await k.ok(['logs', logger, '--limit-bytes', '7'])).toBe('line 1\n');
      expect(await k.ok(['logs', logger, '--since', '1h'])).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    });

    it('logs --previous reads the instance before the last restart', async () => {
      expect(await k.ok(['logs', restarted, '--previous'])).toBe('first life\n');
      expect(await k.ok(['logs', restarted])).toBe('second life\n');
      const r = await k(['logs', two, '-c', 'a', '--previous']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`previous terminated container "a" in pod "${two}" not found`);
    });

    it('logs -f streams new lines as they are written', async () => {
      const p = startProcess(kubectlBinary(minor), ['--kubeconfig', k.kubeconfig, '--cache-dir', path.join(k.dir, 'cache'), 'logs', '-f', ticker], { HOME: k.dir });
      procs.push(p);
      const first = await waitFor('a tick', () => /tick (\d+)/.exec(p.output()) ?? undefined);
      await waitFor('a later tick', () => (new RegExp(`tick ${Number(first[1]) + 2}\\n`).test(p.output()) ? true : undefined));
      expect(p.child.exitCode).toBeNull();
    });

    it('port-forward carries HTTP to the pod port, connection after connection', async () => {
      const p = startProcess(kubectlBinary(minor), ['--kubeconfig', k.kubeconfig, '--cache-dir', path.join(k.dir, 'cache'), 'port-forward', `pod/${web}`, ':80'], { HOME: k.dir });
      procs.push(p);
      const m = await waitFor('port-forward to listen', () => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(p.output()) ?? undefined);
      const url = `http://127.0.0.1:${m[1]}/index.html`;
      for (let i = 0; i < 3; i++) expect(await httpGet(url)).toEqual({ status: 200, body: 'hello through the tunnel\n' });
      await k.ok(['exec', web, '--', 'sh', '-c', `head -c 3000000 /dev/urandom | base64 > /tmp/www/big-${minor}`]);
      const big = await httpGet(`http://127.0.0.1:${m[1]}/big-${minor}`);
      expect(big.status).toBe(200);
      expect(big.body.length).toBe(Math.ceil(3_000_000 / 3) * 4 + Math.ceil((Math.ceil(3_000_000 / 3) * 4) / 76));
    });

    it('port-forward to a closed port reports the kubelet error, and kubectl gives up', async () => {
      const p = startProcess(kubectlBinary(minor), ['--kubeconfig', k.kubeconfig, '--cache-dir', path.join(k.dir, 'cache'), 'port-forward', `pod/${web}`, ':81'], { HOME: k.dir });
      procs.push(p);
      const m = await waitFor('port-forward to listen', () => /Forwarding from 127\.0\.0\.1:(\d+) -> 81/.exec(p.output()) ?? undefined);
      await expect(httpGet(`http://127.0.0.1:${m[1]}/`)).rejects.toThrow();
      // Since 1.23 kubectl ends the whole port-forward when a forwarded connection fails.
      expect(await p.exited).not.toBe(0);
      expect(p.output()).toMatch(/an error occurred forwarding \d+ -> 81: error forwarding port 81 to pod [0-9a-f-]+: failed to connect to localhost:81 inside the pod's network: connect ECONNREFUSED/);
    });
  });
});
