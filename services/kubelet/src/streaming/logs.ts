import * as grpc from '@grpc/grpc-js';
import type { KubeletLogsRequest } from '@kite/proto';
import { readLogs } from '@kite/runtime';
import type { LogLocator } from '../streaming-contract.js';
import { toGrpcError } from './errors.js';

/** Response header meaning "found the log, lines follow"; an error's trailers-only response lacks it. */
const LOGS_ACCEPTED = 'kite-logs-accepted';
import { waitDrain } from './flow.js';

/**
 * Streams one container's log file. A follow ends when the reader does: the caller goes away
 * (cancel), or the container's writer closes the file for good.
 */
export async function serveLogs(locator: LogLocator, call: grpc.ServerWritableStream<KubeletLogsRequest, { data: Buffer }>): Promise<void> {
  const abort = new AbortController();
  call.on('cancelled', () => abort.abort());
  call.on('close', () => abort.abort());
  try {
    const req = call.request;
    const t = req.target ?? { namespace: '', pod: '', container: '' };
    const ref: Parameters<LogLocator['locate']>[0] = { namespace: t.namespace, name: t.pod, previous: req.previous === true };
    if (t.container !== '') ref.container = t.container;
    const loc = locator.locate(ref);
    // Tells the apiserver the request is good, so it can answer 200 before any line exists.
    const accepted = new grpc.Metadata();
    accepted.set(LOGS_ACCEPTED, '1');
    call.sendMetadata(accepted);
    const opts: Parameters<typeof readLogs>[1] = { follow: req.follow === true && loc.running, timestamps: req.timestamps === true };
    if (req.tail_lines !== undefined && req.tail_lines !== null) opts.tailLines = Number(req.tail_lines);
    if (req.limit_bytes !== undefined && req.limit_bytes !== null) opts.limitBytes = Number(req.limit_bytes);
    if (req.since_time) opts.sinceTime = new Date(req.since_time);
    for await (const chunk of readLogs(loc.path, opts, abort.signal)) {
      if (abort.signal.aborted) break;
      if (!call.write({ data: chunk })) await waitDrain(call, abort.signal);
    }
    if (!abort.signal.aborted) call.end();
  } catch (err) {
    if (!abort.signal.aborted) call.emit('error', toGrpcError(err));
  }
}
