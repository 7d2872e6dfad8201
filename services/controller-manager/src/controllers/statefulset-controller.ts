import { selectorFromObject, type Selector } from '@kite/api';
import { TerminalError, isAlreadyExists, type Informer, type ReconcileResult } from '@kite/client';
import { claim } from '../claim.js';
import { Controller, type ControllerContext } from '../controller.js';
import { deleteRevisions, syncRevision, withRevision } from '../history-control.js';
import { sameStatus, templateHash } from '../logic/hash.js';
import { currentRevisionName, historyToTrim, revisionName } from '../logic/history.js';
import { controllerRef } from '../logic/pods.js';
import { POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL, planStatefulSet, statefulSetStatus } from '../logic/statefulset.js';
import { CONTROLLERREVISION, POD, STATEFULSET, type ControllerRevision, type Pod, type StatefulSet } from '../objects.js';
import { inNamespace, resolveControllerRef } from '../owner-index.js';
import { deletePod, podFromTemplate } from '../pod-control.js';

/**
 * StatefulSets: stable identities `<set>-<ordinal>`, ordered start and stop, rolling updates.
 * Each template is a ControllerRevision; pods and status name revisions, as Kubernetes' do.
 */
export class StatefulSetController extends Controller {
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;

  constructor(ctx: ControllerContext) {
    super('statefulset', ctx);
    this.sets = ctx.informers.for<StatefulSet>(STATEFULSET);
    this.pods = ctx.informers.for<Pod>(POD);
    this.revisions = ctx.informers.for<ControllerRevision>(CONTROLLERREVISION);
    this.sets.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s) });
    const ownedEvent = (o: Pod | ControllerRevision): void => {
      const s = resolveControllerRef(this.sets, 'StatefulSet', o);
      if (s) this.enqueue(s);
    };
    this.pods.addEventHandler({ onAdd: ownedEvent, onUpdate: (_o, p) => ownedEvent(p), onDelete: ownedEvent });
    this.revisions.addEventHandler({ onAdd: ownedEvent, onUpdate: (_o, r) => ownedEvent(r), onDelete: ownedEvent });
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const sts = this.sets.get(key);
    if (sts === undefined) return;
    let selector: Selector;
    try {
      selector = selectorFromObject(sts.spec.selector);
    } catch (err) {
      throw new TerminalError(`invalid selector: ${(err as Error).message}`);
    }
    const candidates = inNamespace(this.pods, sts.metadata.namespace).filter((p) => controllerRef(p) === undefined || controllerRef(p)?.uid === sts.metadata.uid);
    const pods = await claim(this.ctx.client, sts, STATEFULSET, selector, candidates, POD);
    const mine = inNamespace(this.revisions, sts.metadata.namespace).filter((r) => controllerRef(r) === undefined || controllerRef(r)?.uid === sts.metadata.uid);
    let revisions = await claim(this.ctx.client, sts, STATEFULSET, selector, mine, CONTROLLERREVISION);
    const collisionCount = typeof sts.status?.collisionCount === 'number' ? sts.status.collisionCount : 0;
    let revision = revisionName(sts.metadata.name as string, templateHash(sts.spec.template, collisionCount));
    if (sts.metadata.deletionTimestamp === undefined) {
      const update = await syncRevision(this.ctx.client, sts, STATEFULSET, revisions);
      revisions = withRevision(revisions, update);
      revision = update.metadata.name as string;
    }
    const current = currentRevisionName(sts.status?.currentRevision, revisions, revision);
    if (sts.metadata.deletionTimestamp === undefined) {
      for (const action of planStatefulSet(sts, pods, revision)) {
        if (action.kind === 'wait') break;
        if (action.kind === 'delete') {
          this.ctx.events.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${action.pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`);
          await deletePod(this.ctx.client, action.pod);
        } else await this.create(sts, action.ordinal, revision);
      }
    }
    const status = { ...(sts.status ?? {}), ...statefulSetStatus(sts, pods, revision, this.ctx.now(), current) };
    if (!sameStatus(sts.status, status)) await this.ctx.client.updateStatus<StatefulSet>({ ...sts, ...STATEFULSET, status });
    if (sts.metadata.deletionTimestamp === undefined) {
      const live = new Set([status.currentRevision, status.updateRevision, ...pods.map((p) => p.metadata.labels?.[REVISION_LABEL] ?? '')]);
      await deleteRevisions(this.ctx.client, historyToTrim(revisions, live, sts.spec.revisionHistoryLimit ?? 10));
    }
  }

  private async create(sts: StatefulSet, ordinal: number, revision: string): Promise<void> {
    const name = `${sts.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(sts.spec.template, sts, STATEFULSET, {
      name,
      labels: { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision },
      spec: { hostname: name, ...(sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {}) },
    });
    try {
      await this.ctx.client.create(pod);
      this.ctx.events.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`);
    } catch (err) {
      // The identity is still held (by a pod our cache has not seen yet): try again when it shows.
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
