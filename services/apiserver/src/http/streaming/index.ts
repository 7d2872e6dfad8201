import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@kite/common';
import { ApiError } from '../../errors.js';
import type { Registry } from '../../registry/registry.js';
import { KubeletClients } from './kubelet-client.js';
import { serveLogs } from './logs.js';
import { createUpgradeHandler } from './upgrade.js';

/**
 * pods/log, pods/exec, pods/attach and pods/portforward: the apiserver ends the client's
 * protocol and relays plain bytes to the pod's kubelet over kite.v1 KubeletStreaming.
 */
export class Streaming {
  private readonly kubelets = new KubeletClients();
  private readonly upgrades;

  constructor(
    private readonly registry: Registry,
    log: Logger,
  ) {
    this.upgrades = createUpgradeHandler({ registry, kubelets: this.kubelets, log: log.child({ component: 'streaming' }) });
  }

  /** A streaming subresource requested without an upgrade: logs, or a refusal saying what to do. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, sub: string, namespace: string, name: string, q: URLSearchParams): Promise<void> {
    if (sub === 'log') return serveLogs(this.registry, this.kubelets, req, res, namespace, name, q);
    throw new ApiError(400, 'BadRequest', `Upgrade request required: pods/${sub} needs a WebSocket (v5.channel.k8s.io${sub === 'portforward' ? ' or SPDY/3.1+portforward.k8s.io' : ''}) or SPDY/3.1 upgrade`);
  }

  /** The http server's 'upgrade' event. */
  readonly upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => this.upgrades.handle(req, socket, head);

  close(): void {
    this.upgrades.close();
    this.kubelets.close();
  }
}
