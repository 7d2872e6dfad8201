import { f, kindStruct, mergeList, struct, T, type StructDef } from '../dsl.js';
import { META } from './meta.js';

/** core/v1 Service and Endpoints and their parts (k8s.io/api/core/v1/types.go). */
const c = (n: string): string => `io.k8s.api.core.v1.${n}`;
const m = (n: string): string => `${META}.${n}`;

const protocol = T.enumOf('TCP', 'UDP', 'SCTP');
const trafficPolicy = T.enumOf('Cluster', 'Local');

export const serviceTypes: StructDef[] = [
  kindStruct(c('Service'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    spec: f(2, T.ref(c('ServiceSpec'))),
    status: f(3, T.ref(c('ServiceStatus'))),
  }),
  struct(c('ServiceSpec'), {
    // Keyed by port and protocol: one port number may be served over both TCP and UDP.
    ports: mergeList(1, T.ref(c('ServicePort')), 'port', { listMapKeys: ['port', 'protocol'] }),
    selector: f(2, T.stringMap),
    clusterIP: f(3, T.string),
    clusterIPs: f(18, T.list(T.string), { listType: 'atomic' }),
    type: f(4, T.enumOf('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'), { default: 'ClusterIP' }),
    externalIPs: f(5, T.list(T.string), { listType: 'atomic' }),
    sessionAffinity: f(7, T.enumOf('None', 'ClientIP'), { default: 'None' }),
    loadBalancerIP: f(8, T.string),
    loadBalancerSourceRanges: f(9, T.list(T.string), { listType: 'atomic' }),
    externalName: f(10, T.string),
    // Defaulted to Cluster only for NodePort and LoadBalancer services; the strategy does that.
    externalTrafficPolicy: f(11, trafficPolicy),
    healthCheckNodePort: f(12, T.int32),
    publishNotReadyAddresses: f(13, T.boolean),
    sessionAffinityConfig: f(14, T.ref(c('SessionAffinityConfig'))),
    ipFamilies: f(19, T.list(T.enumOf('IPv4', 'IPv6')), { listType: 'atomic' }),
    ipFamilyPolicy: f(17, T.enumOf('SingleStack', 'PreferDualStack', 'RequireDualStack'), { pointer: true }),
    allocateLoadBalancerNodePorts: f(20, T.boolean, { pointer: true }),
    loadBalancerClass: f(21, T.string, { pointer: true }),
    // Not defaulted for ExternalName services, so left to the strategy.
    internalTrafficPolicy: f(22, trafficPolicy, { pointer: true }),
    trafficDistribution: f(23, T.enumOf('PreferClose', 'PreferSameZone', 'PreferSameNode'), { pointer: true }),
  }),
  struct(c('ServicePort'), {
    name: f(1, T.string),
    protocol: f(2, protocol, { default: 'TCP' }),
    appProtocol: f(6, T.string, { pointer: true }),
    port: f(3, T.int32, { required: true }),
    // Defaults to the value of `port`, which the schema cannot express.
    targetPort: f(4, T.intOrString),
    nodePort: f(5, T.int32),
  }),
  struct(c('SessionAffinityConfig'), {
    clientIP: f(1, T.ref(c('ClientIPConfig'))),
  }),
  struct(c('ClientIPConfig'), {
    // 10800 only when sessionAffinity is ClientIP; the strategy applies it.
    timeoutSeconds: f(1, T.int32, { pointer: true }),
  }),
  struct(c('ServiceStatus'), {
    loadBalancer: f(1, T.ref(c('LoadBalancerStatus'))),
    conditions: mergeList(2, T.ref(m('Condition')), 'type'),
  }),
  struct(c('LoadBalancerStatus'), {
    ingress: f(1, T.list(T.ref(c('LoadBalancerIngress'))), { listType: 'atomic' }),
  }),
  struct(c('LoadBalancerIngress'), {
    ip: f(1, T.string),
    hostname: f(2, T.string),
    ipMode: f(3, T.enumOf('VIP', 'Proxy'), { pointer: true }),
    ports: f(4, T.list(T.ref(c('PortStatus'))), { listType: 'atomic' }),
  }),
  struct(c('PortStatus'), {
    port: f(1, T.int32),
    protocol: f(2, protocol),
    error: f(3, T.string, { pointer: true }),
  }),
  kindStruct(c('Endpoints'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    subsets: f(2, T.list(T.ref(c('EndpointSubset'))), { listType: 'atomic' }),
  }),
  struct(c('EndpointSubset'), {
    addresses: f(1, T.list(T.ref(c('EndpointAddress'))), { listType: 'atomic' }),
    notReadyAddresses: f(2, T.list(T.ref(c('EndpointAddress'))), { listType: 'atomic' }),
    ports: f(3, T.list(T.ref(c('EndpointPort'))), { listType: 'atomic' }),
  }),
  struct(c('EndpointAddress'), {
    ip: f(1, T.string, { required: true }),
    hostname: f(3, T.string),
    nodeName: f(4, T.string, { pointer: true }),
    targetRef: f(2, T.ref(c('ObjectReference'))),
  }),
  struct(c('EndpointPort'), {
    name: f(1, T.string),
    port: f(2, T.int32, { required: true }),
    protocol: f(3, protocol, { default: 'TCP' }),
    appProtocol: f(4, T.string, { pointer: true }),
  }),
];
