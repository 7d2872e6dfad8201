import { Informer, type KiteClient, type KubeObject, type Target } from '@kite/client';
import type { Logger } from '@kite/common';

/**
 * One informer per kind, shared by every controller that reads it (client-go's
 * SharedInformerFactory): a pod cache is kept once however many controllers look at pods.
 */
export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private started = false;

  constructor(
    private readonly client: KiteClient,
    private readonly log: Logger,
  ) {}

  for<T extends KubeObject>(target: Target): Informer<T> {
    const key = `${target.apiVersion}/${target.kind}`;
    let inf = this.informers.get(key);
    if (inf === undefined) {
      inf = new Informer(this.client, target, {}, { warn: (o, m) => this.log.warn(o, m) });
      this.informers.set(key, inf);
      if (this.started) inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  stop(): void {
    for (const inf of this.informers.values()) inf.stop();
  }

  synced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }
}
