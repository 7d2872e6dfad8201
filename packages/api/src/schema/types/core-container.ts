import { f, mergeList, struct, T, type FieldDef, type StructDef } from '../dsl.js';
import { core, coreRef, embedded } from './core-common.js';

const atomic = { listType: 'atomic' } as const;

/**
 * Container's fields, shared with EphemeralContainer, which embeds the same set (as
 * EphemeralContainerCommon, field numbers identical) under its own proto field 1.
 */
function containerFields(n: (field: number) => number): Record<string, FieldDef> {
  return {
    name: f(n(1), T.string, { required: true }),
    image: f(n(2), T.string),
    command: f(n(3), T.list(T.string), atomic),
    args: f(n(4), T.list(T.string), atomic),
    workingDir: f(n(5), T.string),
    ports: mergeList(n(6), coreRef('ContainerPort'), 'containerPort', { listMapKeys: ['containerPort', 'protocol'] }),
    envFrom: f(n(19), T.list(coreRef('EnvFromSource')), atomic),
    env: mergeList(n(7), coreRef('EnvVar'), 'name'),
    resources: f(n(8), coreRef('ResourceRequirements')),
    resizePolicy: f(n(23), T.list(coreRef('ContainerResizePolicy')), atomic),
    restartPolicy: f(n(24), T.enumOf('Always', 'OnFailure', 'Never'), { pointer: true }),
    restartPolicyRules: f(n(25), T.list(coreRef('ContainerRestartRule')), atomic),
    volumeMounts: mergeList(n(9), coreRef('VolumeMount'), 'mountPath'),
    volumeDevices: mergeList(n(21), coreRef('VolumeDevice'), 'devicePath'),
    livenessProbe: f(n(10), coreRef('Probe')),
    readinessProbe: f(n(11), coreRef('Probe')),
    startupProbe: f(n(22), coreRef('Probe')),
    lifecycle: f(n(12), coreRef('Lifecycle')),
    terminationMessagePath: f(n(13), T.string, { default: '/dev/termination-log' }),
    terminationMessagePolicy: f(n(20), T.enumOf('File', 'FallbackToLogsOnError'), { default: 'File' }),
    // Defaulted by the kind strategy: Always for a :latest (or missing) tag, IfNotPresent otherwise.
    imagePullPolicy: f(n(14), T.enumOf('Always', 'Never', 'IfNotPresent')),
    securityContext: f(n(15), coreRef('SecurityContext')),
    stdin: f(n(16), T.boolean),
    stdinOnce: f(n(17), T.boolean),
    tty: f(n(18), T.boolean),
  };
}

/** Env selectors embed LocalObjectReference, whose only field is `name`. */
const embeddedName = f(embedded(1, 1), T.string);

/** Container, EphemeralContainer and their parts: ports, env, resources, mounts, probes, lifecycle hooks. */
export const coreContainerTypes: StructDef[] = [
  struct(core('Container'), containerFields((n) => n)),
  struct(core('EphemeralContainer'), {
    ...containerFields((n) => embedded(1, n)),
    targetContainerName: f(2, T.string),
  }),
  struct(core('ContainerPort'), {
    name: f(1, T.string),
    hostPort: f(2, T.int32),
    containerPort: f(3, T.int32, { required: true }),
    protocol: f(4, T.enumOf('TCP', 'UDP', 'SCTP'), { default: 'TCP' }),
    hostIP: f(5, T.string),
  }),
  struct(core('EnvVar'), {
    name: f(1, T.string, { required: true }),
    value: f(2, T.string),
    valueFrom: f(3, coreRef('EnvVarSource')),
  }),
  struct(core('EnvVarSource'), {
    fieldRef: f(1, coreRef('ObjectFieldSelector')),
    resourceFieldRef: f(2, coreRef('ResourceFieldSelector')),
    configMapKeyRef: f(3, coreRef('ConfigMapKeySelector')),
    secretKeyRef: f(4, coreRef('SecretKeySelector')),
    fileKeyRef: f(5, coreRef('FileKeySelector')),
  }),
  struct(core('ObjectFieldSelector'), {
    apiVersion: f(1, T.string, { default: 'v1' }),
    fieldPath: f(2, T.string, { required: true }),
  }),
  struct(core('ResourceFieldSelector'), {
    containerName: f(1, T.string),
    resource: f(2, T.string, { required: true }),
    divisor: f(3, T.quantity),
  }),
  struct(core('ConfigMapKeySelector'), {
    name: embeddedName,
    key: f(2, T.string, { required: true }),
    optional: f(3, T.boolean, { pointer: true }),
  }),
  struct(core('SecretKeySelector'), {
    name: embeddedName,
    key: f(2, T.string, { required: true }),
    optional: f(3, T.boolean, { pointer: true }),
  }),
  struct(core('FileKeySelector'), {
    volumeName: f(1, T.string, { required: true }),
    path: f(2, T.string, { required: true }),
    key: f(3, T.string, { required: true }),
    optional: f(4, T.boolean, { pointer: true, default: false }),
  }),
  struct(core('EnvFromSource'), {
    prefix: f(1, T.string),
    configMapRef: f(2, coreRef('ConfigMapEnvSource')),
    secretRef: f(3, coreRef('SecretEnvSource')),
  }),
  struct(core('ConfigMapEnvSource'), {
    name: embeddedName,
    optional: f(2, T.boolean, { pointer: true }),
  }),
  struct(core('SecretEnvSource'), {
    name: embeddedName,
    optional: f(2, T.boolean, { pointer: true }),
  }),
  struct(core('ResourceRequirements'), {
    limits: f(1, T.map(T.quantity)),
    requests: f(2, T.map(T.quantity)),
    claims: f(3, T.list(coreRef('ResourceClaim')), { listType: 'map', listMapKeys: ['name'] }),
  }),
  struct(core('ResourceClaim'), {
    name: f(1, T.string, { required: true }),
    request: f(2, T.string),
  }),
  struct(core('ContainerResizePolicy'), {
    resourceName: f(1, T.string, { required: true }),
    restartPolicy: f(2, T.enumOf('NotRequired', 'RestartContainer'), { required: true }),
  }),
  struct(core('ContainerRestartRule'), {
    action: f(1, T.enumOf('Restart'), { required: true }),
    exitCodes: f(2, coreRef('ContainerRestartRuleOnExitCodes')),
  }),
  struct(core('ContainerRestartRuleOnExitCodes'), {
    operator: f(1, T.enumOf('In', 'NotIn'), { required: true }),
    values: f(2, T.list(T.int32), { listType: 'set' }),
  }),
  struct(core('VolumeMount'), {
    name: f(1, T.string, { required: true }),
    readOnly: f(2, T.boolean),
    recursiveReadOnly: f(7, T.enumOf('Disabled', 'IfPossible', 'Enabled'), { pointer: true }),
    mountPath: f(3, T.string, { required: true }),
    subPath: f(4, T.string),
    mountPropagation: f(5, T.enumOf('None', 'HostToContainer', 'Bidirectional'), { pointer: true }),
    subPathExpr: f(6, T.string),
  }),
  struct(core('VolumeDevice'), {
    name: f(1, T.string, { required: true }),
    devicePath: f(2, T.string, { required: true }),
  }),
  // The action fields belong to ProbeHandler, which Probe embeds as its proto field 1.
  struct(core('Probe'), {
    exec: f(embedded(1, 1), coreRef('ExecAction')),
    httpGet: f(embedded(1, 2), coreRef('HTTPGetAction')),
    tcpSocket: f(embedded(1, 3), coreRef('TCPSocketAction')),
    grpc: f(embedded(1, 4), coreRef('GRPCAction')),
    initialDelaySeconds: f(2, T.int32),
    timeoutSeconds: f(3, T.int32, { default: 1 }),
    periodSeconds: f(4, T.int32, { default: 10 }),
    successThreshold: f(5, T.int32, { default: 1 }),
    failureThreshold: f(6, T.int32, { default: 3 }),
    terminationGracePeriodSeconds: f(7, T.int64, { pointer: true }),
  }),
  struct(core('ExecAction'), {
    command: f(1, T.list(T.string), { ...atomic, required: true }),
  }),
  struct(core('HTTPGetAction'), {
    path: f(1, T.string, { default: '/' }),
    port: f(2, T.intOrString, { required: true }),
    host: f(3, T.string),
    scheme: f(4, T.enumOf('HTTP', 'HTTPS'), { default: 'HTTP' }),
    httpHeaders: f(5, T.list(coreRef('HTTPHeader')), atomic),
  }),
  struct(core('HTTPHeader'), {
    name: f(1, T.string, { required: true }),
    value: f(2, T.string),
  }),
  struct(core('TCPSocketAction'), {
    port: f(1, T.intOrString, { required: true }),
    host: f(2, T.string),
  }),
  struct(core('GRPCAction'), {
    port: f(1, T.int32, { required: true }),
    service: f(2, T.string, { pointer: true, default: '' }),
  }),
  struct(core('Lifecycle'), {
    postStart: f(1, coreRef('LifecycleHandler')),
    preStop: f(2, coreRef('LifecycleHandler')),
    stopSignal: f(3, T.string, { pointer: true }),
  }),
  struct(core('LifecycleHandler'), {
    exec: f(1, coreRef('ExecAction')),
    httpGet: f(2, coreRef('HTTPGetAction')),
    tcpSocket: f(3, coreRef('TCPSocketAction')),
    sleep: f(4, coreRef('SleepAction')),
  }),
  struct(core('SleepAction'), {
    seconds: f(1, T.int64),
  }),
];
