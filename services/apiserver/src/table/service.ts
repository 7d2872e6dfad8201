import { ageColumn, nameColumn } from './common-columns.js';
import { since } from './duration.js';
import { creation, int, list, name, obj, objList, str, type Obj } from './fields.js';
import { formatLabels, joinHostPort } from './format.js';
import { column, type TablePrinter } from './types.js';

const serviceColumns = [
  nameColumn,
  column(
    'Type',
    'string',
    'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  ),
  column(
    'Cluster-IP',
    'string',
    'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  ),
  column(
    'External-IP',
    'string',
    'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
  ),
  column('Port(s)', 'string', 'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies'),
  ageColumn,
  column(
    'Selector',
    'string',
    'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
    { wide: true },
  ),
];

/** Load-balancer ingress IPs (or hostnames), sorted and unique. The server prints wide, so never clipped. */
function loadBalancerAddresses(svc: Obj): string[] {
  const out = new Set<string>();
  for (const ing of objList(obj(svc, 'status', 'loadBalancer').ingress)) {
    const addr = str(ing.ip) || str(ing.hostname);
    if (addr !== '') out.add(addr);
  }
  return [...out].sort();
}

export function serviceExternalIP(svc: Obj, type: string): string {
  const externalIPs = list(obj(svc, 'spec').externalIPs).map(str);
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(svc), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(obj(svc, 'spec').externalName);
    default:
      return '<unknown>';
  }
}

export function servicePorts(svc: Obj): string {
  const ports = objList(obj(svc, 'spec').ports).map((p) => {
    // Servers default protocol to TCP.
    const protocol = str(p.protocol) || 'TCP';
    return int(p.nodePort) > 0 ? `${int(p.port)}:${int(p.nodePort)}/${protocol}` : `${int(p.port)}/${protocol}`;
  });
  return ports.length === 0 ? '<none>' : ports.join(',');
}

export const servicePrinter: TablePrinter = {
  columns: serviceColumns,
  row(svc, now) {
    const spec = obj(svc, 'spec');
    // Servers default type to ClusterIP and clusterIPs from clusterIP; read stored objects that lack either.
    const type = str(spec.type) || 'ClusterIP';
    const clusterIPs = list(spec.clusterIPs).map(str);
    const clusterIP = clusterIPs[0] ?? str(spec.clusterIP);
    return [name(svc), type, clusterIP === '' ? '<none>' : clusterIP, serviceExternalIP(svc, type), servicePorts(svc), since(creation(svc), now), formatLabels(spec.selector)];
  },
};

const MAX_ENDPOINTS = 3;

/** `ip:port` for every ready address and port, the first three then `+ N more...` (formatEndpoints). */
export function formatEndpoints(ep: Obj): string {
  const subsets = objList(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addresses = objList(ss.addresses).map((a) => str(a.ip));
    const ports = objList(ss.ports);
    // A headless service without ports lists bare addresses.
    const entries = ports.length === 0 ? [addresses] : ports.map((p) => addresses.map((ip) => joinHostPort(ip, int(p.port))));
    for (const group of entries) {
      count += group.length;
      for (const entry of group) {
        if (shown.length === MAX_ENDPOINTS) {
          more = true;
          break;
        }
        shown.push(entry);
      }
    }
  }
  const text = shown.join(',');
  return more ? `${text} + ${count - MAX_ENDPOINTS} more...` : text;
}

export const endpointsPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column(
      'Endpoints',
      'string',
      'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.',
    ),
    ageColumn,
  ],
  row: (ep, now) => [name(ep), formatEndpoints(ep), since(creation(ep), now)],
};
