/** The one place the kubelet starts engineer D's streaming server (logs, exec, attach, port-forward). */
import { startStreamingServer, type StreamingServer, type StreamingServerOptions } from './streaming/server.js';

export type { StreamingServer };

export function startStreaming(o: StreamingServerOptions): Promise<StreamingServer> {
  return startStreamingServer(o);
}
