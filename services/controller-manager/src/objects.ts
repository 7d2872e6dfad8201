import type { KubeObject } from '@kite/client';

/** The few fields of each kind the controllers read; everything else rides along untouched. */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string;
  lastHeartbeatTime?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: PodSpec;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] }; [k: string]: unknown }; [k: string]: unknown };
  tolerations?: Toleration[];
  containers?: Array<{ name: string; image?: string; ports?: ContainerPort[]; [k: string]: unknown }>;
  hostname?: string;
  subdomain?: string;
  restartPolicy?: string;
  [k: string]: unknown;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: {
    phase?: string;
    conditions?: Condition[];
    podIP?: string;
    podIPs?: Array<{ ip: string }>;
    startTime?: string;
    containerStatuses?: Array<{ name: string; restartCount?: number; ready?: boolean; state?: Record<string, unknown> }>;
    [k: string]: unknown;
  };
}

export interface ReplicaSet extends KubeObject {
  spec: { replicas?: number; minReadySeconds?: number; selector: LabelSelector; template: PodTemplate };
  status?: {
    replicas?: number;
    fullyLabeledReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    conditions?: Condition[];
  };
}

export type IntOrString = number | string;

export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplate;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: Condition[];
    collisionCount?: number;
  };
}

export interface PodFailurePolicyRule {
  action: string;
  onExitCodes?: { containerName?: string; operator: string; values: number[] };
  onPodConditions?: Array<{ type: string; status?: string }>;
}

export interface Job extends KubeObject {
  spec: {
    parallelism?: number;
    completions?: number;
    completionMode?: string;
    backoffLimit?: number;
    backoffLimitPerIndex?: number;
    maxFailedIndexes?: number;
    podFailurePolicy?: { rules: PodFailurePolicyRule[] };
    podReplacementPolicy?: string;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    suspend?: boolean;
    selector?: LabelSelector;
    template: PodTemplate;
  };
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    ready?: number;
    terminating?: number;
    startTime?: string;
    completionTime?: string;
    completedIndexes?: string;
    failedIndexes?: string;
    conditions?: Condition[];
    uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
  };
}

export interface DaemonSet extends KubeObject {
  spec: {
    selector: LabelSelector;
    template: PodTemplate;
    minReadySeconds?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } };
    revisionHistoryLimit?: number;
  };
  status?: Record<string, unknown>;
}

export interface StatefulSet extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplate;
    serviceName?: string;
    podManagementPolicy?: string;
    minReadySeconds?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: IntOrString } };
    ordinals?: { start?: number };
    revisionHistoryLimit?: number;
  };
  status?: Record<string, unknown>;
}

/** A snapshot of a DaemonSet's or StatefulSet's template; `data` is whatever its owner put there. */
export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision?: number;
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: IntOrString;
}

export interface Service extends KubeObject {
  spec: { selector?: Record<string, string>; ports?: ServicePort[]; type?: string; clusterIP?: string; publishNotReadyAddresses?: boolean };
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: Array<{ name?: string; port: number; protocol: string }>;
}

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

export interface Node extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; taints?: Taint[]; unschedulable?: boolean; [k: string]: unknown };
  status?: { conditions?: Condition[]; [k: string]: unknown };
}

export interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string };
}

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: Condition[] };
}

export const POD = { apiVersion: 'v1', kind: 'Pod' } as const;
export const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
export const SERVICE = { apiVersion: 'v1', kind: 'Service' } as const;
export const ENDPOINTS = { apiVersion: 'v1', kind: 'Endpoints' } as const;
export const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' } as const;
export const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;
export const REPLICASET = { apiVersion: 'apps/v1', kind: 'ReplicaSet' } as const;
export const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
export const DAEMONSET = { apiVersion: 'apps/v1', kind: 'DaemonSet' } as const;
export const STATEFULSET = { apiVersion: 'apps/v1', kind: 'StatefulSet' } as const;
export const CONTROLLERREVISION = { apiVersion: 'apps/v1', kind: 'ControllerRevision' } as const;
export const JOB = { apiVersion: 'batch/v1', kind: 'Job' } as const;
