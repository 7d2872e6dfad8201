import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PodWorkers } from './pod/workers.js';
import type { PodWorker } from './pod/worker.js';
import { LookupError, type LogLocation, type LogLocator, type LogRef, type PodLookup, type PodRef, type RunningContainer } from './streaming-contract.js';

function worker(workers: PodWorkers, ref: PodRef): PodWorker {
  const w = workers.byName(ref.namespace, ref.name)[0];
  if (w === undefined) throw new LookupError('NotFound', `pods "${ref.name}" not found`);
  return w;
}

/** The container a request means: the named one, else the default-container annotation, else the only one. */
function containerName(w: PodWorker, ref: PodRef): { name: string; init: boolean } {
  const spec = w.pod.spec;
  const init = (spec.initContainers ?? []).map((c) => c.name);
  const app = spec.containers.map((c) => c.name);
  let name = ref.container;
  if (name === undefined || name === '') {
    const dflt = w.pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    if (dflt !== undefined && app.includes(dflt)) name = dflt;
    else if (app.length === 1) name = app[0] as string;
    else
      throw new LookupError(
        'ContainerRequired',
        `a container name must be specified for pod ${ref.name}, choose one of: [${app.join(' ')}]${init.length > 0 ? ` or one of the init containers: [${init.join(' ')}]` : ''}`,
      );
  }
  if (app.includes(name)) return { name, init: false };
  if (init.includes(name)) return { name, init: true };
  throw new LookupError('NotFound', `container ${name} is not valid for pod ${ref.name}`);
}

function waitingReason(w: PodWorker, name: string, init: boolean): string {
  const rec = (init ? w.rec.init : w.rec.app).get(name);
  return rec?.state.waiting?.reason ?? 'ContainerCreating';
}

/** PodLookup and LogLocator over the kubelet's pod workers (its own state, never the apiserver). */
export function streamingLookups(workers: PodWorkers): { pods: PodLookup; logs: LogLocator } {
  const pods: PodLookup = {
    find(ref: PodRef, requireRunning: boolean): RunningContainer {
      const w = worker(workers, ref);
      if (w.sandbox === undefined || !w.rec.sandboxReady) throw new LookupError('NotRunning', `pod ${ref.name} does not have a host assigned or is not running`);
      // Port-forward targets the pod's network, not a container: no name needed.
      if (!requireRunning && (ref.container === undefined || ref.container === '')) return { sandbox: w.sandbox, podUID: w.uid, container: '' };
      const { name, init } = containerName(w, ref);
      const inst = w.instances.get(name);
      const running = inst !== undefined && inst.running;
      if (requireRunning && !running) {
        throw new LookupError('NotRunning', inst === undefined ? `container ${name} in pod ${ref.name} is waiting to start: ${waitingReason(w, name, init)}` : `container ${name} is not running`);
      }
      return { sandbox: w.sandbox, podUID: w.uid, container: name, ...(running ? { containerID: inst.id } : {}) };
    },
  };
  const logs: LogLocator = {
    locate(ref: LogRef): LogLocation {
      const w = worker(workers, ref);
      const { name, init } = containerName(w, ref);
      const inst = w.instances.get(name);
      if (ref.previous === true) {
        const attempt = inst !== undefined ? inst.attempt - 1 : -1;
        const p = path.join(w.dir, name, `${attempt}.log`);
        if (attempt < 0 || !existsSync(p)) throw new LookupError('NotRunning', `previous terminated container "${name}" in pod "${ref.name}" not found`);
        return { path: p, container: name, running: false };
      }
      if (inst === undefined) {
        const rec = (init ? w.rec.init : w.rec.app).get(name);
        // Restarted kubelet, container not started again yet: the log of its last instance.
        const last = rec !== undefined ? path.join(w.dir, name, `${rec.restartCount}.log`) : undefined;
        if (last !== undefined && existsSync(last)) return { path: last, container: name, running: false };
        throw new LookupError('NotRunning', `container "${name}" in pod "${ref.name}" is waiting to start: ${waitingReason(w, name, init)}`);
      }
      return { path: inst.logPath, container: name, running: inst.running };
    },
  };
  return { pods, logs };
}
