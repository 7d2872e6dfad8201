import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@kite/common';
import { ProcessRuntime, type ContainerInfo, type Sandbox } from '@kite/runtime';
// The streaming server is tested here without the rest of the kubelet, which @kite/kubelet does not
// export; the contract comes from the same source so LookupError is the class the server checks.
/* eslint-disable no-restricted-imports */
import { startStreamingServer, type StreamingServer } from '../../services/kubelet/src/streaming/server.js';
import { LookupError, type LogLocator, type PodLookup } from '../../services/kubelet/src/streaming-contract.js';
/* eslint-enable no-restricted-imports */

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface ContainerState {
  name: string;
  attempts: Array<{ info: ContainerInfo; logPath: string; running: boolean }>;
}

interface PodState {
  uid: string;
  sandbox: Sandbox;
  containers: ContainerState[];
  defaultContainer?: string;
}

export interface ContainerRun {
  name: string;
  argv: string[];
  stdin?: boolean;
}

/**
 * A stand-in for the kubelet's pod side while only its streaming server is under test: a real
 * ProcessRuntime runs the containers, a Node object points the apiserver at the streaming
 * server, and pods are created bound to it and marked Running by hand.
 */
export class TestNode {
  readonly name: string;
  private readonly pods = new Map<string, PodState>();

  private constructor(
    readonly apiUrl: string,
    readonly runtime: ProcessRuntime,
    readonly rootDir: string,
    private server: StreamingServer | undefined,
    tag: string,
  ) {
    this.name = `kite-stream-${tag}`;
  }

  static async start(apiUrl: string): Promise<TestNode> {
    const tag = randomBytes(3).toString('hex');
    const rootDir = await mkdtemp(path.join(tmpdir(), `kite-stream-${tag}-`));
    const podCIDR = `10.244.${10 + (parseInt(tag, 16) % 80)}.0/24`;
    let runtime: ProcessRuntime | undefined;
    try {
      runtime = await ProcessRuntime.create({ rootDir, nodeName: `kite-stream-${tag}`, podCIDR });
      const node = new TestNode(apiUrl, runtime, rootDir, undefined, tag);
      node.server = await startStreamingServer({
        listen: { host: '127.0.0.1', port: 0 },
        runtime,
        pods: node.lookup,
        logs: node.locator,
        log: createLogger({ component: 'test-kubelet', level: 'warn' }),
      });
      await node.register();
      return node;
    } catch (err) {
      await runtime?.destroy();
      await rm(rootDir, { recursive: true, force: true });
      throw err;
    }
  }

  get streamingPort(): number {
    return (this.server as StreamingServer).port;
  }

  private async api(method: string, p: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.apiUrl}${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  private async register(): Promise<void> {
    const node = await this.api('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: this.name } });
    node.status = {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: this.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: this.streamingPort } },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node', lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() }],
    };
    await this.api('PUT', `/api/v1/nodes/${this.name}/status`, node);
  }

  /** Creates the pod bound to this node, starts its containers, and reports it Running. */
  async runPod(namespace: string, name: string, containers: ContainerRun[], annotations: Record<string, string> = {}): Promise<void> {
    const pod = await this.api('POST', `/api/v1/namespaces/${namespace}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, annotations },
      spec: { nodeName: this.name, containers: containers.map((c) => ({ name: c.name, image: 'busybox', stdin: c.stdin === true })) },
    });
    const uid = (pod.metadata as { uid: string }).uid;
    const sandbox = await this.runtime.createSandbox({ uid, namespace, name, hostname: name, hostNetwork: false });
    const state: PodState = { uid, sandbox, containers: [], defaultContainer: annotations['kubectl.kubernetes.io/default-container'] };
    this.pods.set(`${namespace}/${name}`, state);
    for (const c of containers) {
      const cs: ContainerState = { name: c.name, attempts: [] };
      state.containers.push(cs);
      await this.startAttempt(state, cs, c);
    }
    await this.reportRunning(namespace, name, pod);
  }

  /** Once the current instance has exited by itself, starts the next one (a "restart") with its own log file. */
  async restart(namespace: string, pod: string, c: ContainerRun): Promise<void> {
    const state = this.pods.get(`${namespace}/${pod}`) as PodState;
    const cs = state.containers.find((x) => x.name === c.name) as ContainerState;
    const last = cs.attempts.at(-1);
    if (last !== undefined) await this.runtime.wait(last.info.id);
    await this.startAttempt(state, cs, c);
  }

  private async startAttempt(state: PodState, cs: ContainerState, c: ContainerRun): Promise<void> {
    const attempt = cs.attempts.length;
    const logPath = path.join(this.rootDir, 'logs', state.uid, c.name, `${attempt}.log`);
    const info = await this.runtime.start({ sandbox: state.sandbox, name: c.name, attempt, argv: c.argv, env: { PATH }, mounts: [], logPath, stdin: c.stdin === true });
    const rec = { info, logPath, running: true };
    cs.attempts.push(rec);
    void this.runtime.wait(info.id).then(() => (rec.running = false));
  }

  private async reportRunning(namespace: string, name: string, pod: Record<string, unknown>): Promise<void> {
    const state = this.pods.get(`${namespace}/${name}`) as PodState;
    pod.status = {
      phase: 'Running',
      podIP: state.sandbox.ip,
      containerStatuses: state.containers.map((c) => ({
        name: c.name,
        image: 'busybox',
        imageID: '',
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: new Date().toISOString() } },
      })),
    };
    await this.api('PUT', `/api/v1/namespaces/${namespace}/pods/${name}/status`, pod);
  }

  async reportPhase(namespace: string, name: string, phase: string): Promise<void> {
    const pod = await this.api('GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
    (pod.status as Record<string, unknown>).phase = phase;
    await this.api('PUT', `/api/v1/namespaces/${namespace}/pods/${name}/status`, pod);
  }

  private pick(ref: { namespace: string; name: string; container?: string }): { pod: PodState; c: ContainerState } {
    const pod = this.pods.get(`${ref.namespace}/${ref.name}`);
    if (pod === undefined) throw new LookupError('NotFound', `pod ${ref.namespace}/${ref.name} is not on this node`);
    const wanted = ref.container ?? pod.defaultContainer ?? (pod.containers.length === 1 ? pod.containers[0]?.name : undefined);
    if (wanted === undefined) throw new LookupError('ContainerRequired', `a container name must be specified for pod ${ref.name}`);
    const c = pod.containers.find((x) => x.name === wanted);
    if (c === undefined) throw new LookupError('NotFound', `container ${wanted} is not valid for pod ${ref.name}`);
    return { pod, c };
  }

  readonly lookup: PodLookup = {
    find: (ref, requireRunning) => {
      const { pod, c } = this.pick(ref);
      const current = c.attempts.at(-1);
      if (requireRunning && !current?.running) throw new LookupError('NotRunning', `container ${c.name} is not running`);
      const found: ReturnType<PodLookup['find']> = { sandbox: pod.sandbox, podUID: pod.uid, container: c.name };
      if (current?.running) found.containerID = current.info.id;
      return found;
    },
  };

  readonly locator: LogLocator = {
    locate: (ref) => {
      const { c } = this.pick(ref);
      const a = ref.previous ? c.attempts.at(-2) : c.attempts.at(-1);
      if (a === undefined) throw new LookupError('NotRunning', `previous terminated container "${c.name}" in pod "${ref.name}" not found`);
      return { path: a.logPath, container: c.name, running: a.running };
    },
  };

  async close(): Promise<void> {
    await this.server?.close();
    await this.runtime.destroy();
    await rm(this.rootDir, { recursive: true, force: true });
  }
}
