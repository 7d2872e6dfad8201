import type { Controller, ControllerContext } from '../controller.js';
import type { ControllerName } from '../options.js';
import { DaemonSetController } from './daemonset-controller.js';
import { DeploymentController } from './deployment-controller.js';
import { EndpointsController } from './endpoints-controller.js';
import { GarbageCollector } from './garbage-collector.js';
import { JobController } from './job-controller.js';
import { NamespaceController } from './namespace-controller.js';
import { NodeIpamController } from './node-ipam-controller.js';
import { NodeLifecycleController } from './node-lifecycle-controller.js';
import { PodGcController } from './pod-gc-controller.js';
import { ReplicaSetController } from './replicaset-controller.js';
import { StatefulSetController } from './statefulset-controller.js';

/** Explicit registration: each controller name and how to build it. */
export const controllerFactories: Record<ControllerName, (ctx: ControllerContext) => Controller> = {
  replicaset: (ctx) => new ReplicaSetController(ctx),
  deployment: (ctx) => new DeploymentController(ctx),
  job: (ctx) => new JobController(ctx),
  daemonset: (ctx) => new DaemonSetController(ctx),
  statefulset: (ctx) => new StatefulSetController(ctx),
  endpoint: (ctx) => new EndpointsController(ctx),
  garbagecollector: (ctx) => new GarbageCollector(ctx),
  namespace: (ctx) => new NamespaceController(ctx),
  nodelifecycle: (ctx) => new NodeLifecycleController(ctx),
  nodeipam: (ctx) => new NodeIpamController(ctx),
  podgc: (ctx) => new PodGcController(ctx),
};
