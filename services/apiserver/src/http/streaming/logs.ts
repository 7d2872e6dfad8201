import type http from 'node:http';
import type { Metadata } from '@grpc/grpc-js';
import type { KubeletLogsRequest } from '@kite/proto';
import { badRequest } from '../../errors.js';
import type { Registry } from '../../registry/registry.js';
import { kubeletError, type KubeletClients } from './kubelet-client.js';
import { resolveTarget } from './target.js';

function integer(q: URLSearchParams, key: string, min: number): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw badRequest(`invalid ${key}: ${JSON.stringify(v)}`);
  if (n < min) throw badRequest(`PodLogOptions "" is invalid: ${key}: Invalid value: ${n}: must be greater than ${min === 0 ? 'or equal to 0' : String(min - 1)}`);
  return n;
}

const flag = (q: URLSearchParams, key: string): boolean => q.get(key) === 'true' || q.get(key) === '1';

/** PodLogOptions from the query, checked as Kubernetes does. */
export function logOptions(q: URLSearchParams, now = Date.now()): Omit<KubeletLogsRequest, 'target'> {
  const o: Omit<KubeletLogsRequest, 'target'> = { follow: flag(q, 'follow'), timestamps: flag(q, 'timestamps'), previous: flag(q, 'previous') };
  const tail = integer(q, 'tailLines', 0);
  if (tail !== undefined) o.tail_lines = tail;
  const limit = integer(q, 'limitBytes', 1);
  if (limit !== undefined) o.limit_bytes = limit;
  const sinceSeconds = integer(q, 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime !== null) throw badRequest('PodLogOptions "" is invalid: []: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (sinceSeconds !== undefined) o.since_time = new Date(now - sinceSeconds * 1000).toISOString();
  if (sinceTime !== null && sinceTime !== '') {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw badRequest(`invalid sinceTime: ${JSON.stringify(sinceTime)}`);
    o.since_time = new Date(t).toISOString();
  }
  return o;
}

/**
 * `GET …/pods/x/log`: the kubelet's log stream as text/plain. Headers go out once the kubelet
 * has accepted the request, so its refusals still reach kubectl as a Status.
 */
export async function serveLogs(
  registry: Registry,
  kubelets: KubeletClients,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  namespace: string,
  name: string,
  q: URLSearchParams,
): Promise<void> {
  if (req.method !== 'GET') throw badRequest(`method ${req.method ?? ''} is not supported for pods/log`);
  const opts = logOptions(q);
  const t = await resolveTarget(registry, namespace, name, q.get('container'), true);
  if (t.kubelet === undefined) {
    // Kubernetes answers an unscheduled pod's log with an empty body.
    res.writeHead(200, { 'content-type': 'text/plain' });
    return void res.end();
  }
  const call = kubelets.get(t.kubelet).Logs({ ...opts, target: { namespace, pod: name, container: t.container } });
  await new Promise<void>((resolve, reject) => {
    let started = false;
    let settled = false;
    const begin = (): void => {
      if (started) return;
      started = true;
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private' });
    };
    // Only the kubelet's own "accepted" header counts: a refusal also arrives as (trailers-only) metadata.
    call.on('metadata', (md: Metadata) => {
      if (md.get('kite-logs-accepted').length > 0) begin();
    });
    call.on('data', (chunk: { data: Buffer }) => {
      begin();
      if (!res.write(chunk.data)) {
        call.pause();
        res.once('drain', () => call.resume());
      }
    });
    // grpc-js ends the stream even when the call failed; the status (reported first) tells which.
    let ok = false;
    call.on('status', (st: { code: number }) => (ok = st.code === 0));
    call.on('end', () => {
      if (settled || !ok) return;
      settled = true;
      begin();
      res.end();
      resolve();
    });
    call.on('error', (err) => {
      if (settled) return;
      settled = true;
      if (started) {
        res.end();
        return resolve();
      }
      reject(kubeletError(err));
    });
    res.on('close', () => {
      if (!res.writableFinished) call.cancel();
    });
  });
}
