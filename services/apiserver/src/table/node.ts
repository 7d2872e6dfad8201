import { ageColumn, nameColumn } from './common-columns.js';
import { since } from './duration.js';
import { bool, creation, name, obj, objList, str, strMap, type Obj } from './fields.js';
import { column, type TablePrinter } from './types.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
/** The older form: the role as the value of one label. */
const ROLE_LABEL = 'kubernetes.io/role';

const ADDRESSES_DOC =
  "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

const columns = [
  nameColumn,
  column('Status', 'string', 'The status of the node'),
  column('Roles', 'string', 'The roles of the node'),
  ageColumn,
  column('Version', 'string', 'Kubelet Version reported by the node.'),
  column('Internal-IP', 'string', ADDRESSES_DOC, { wide: true }),
  column('External-IP', 'string', ADDRESSES_DOC, { wide: true }),
  column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', { wide: true }),
  column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", { wide: true }),
  column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', { wide: true }),
];

/** `Ready`, `NotReady` (False or Unknown), `Unknown` (no Ready condition), then `SchedulingDisabled` if cordoned. */
export function nodeStatus(node: Obj): string {
  // The last Ready condition wins, as printNode collects conditions into a map.
  const ready = objList(obj(node, 'status').conditions)
    .filter((c) => c.type === 'Ready')
    .at(-1);
  const parts = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (bool(obj(node, 'spec').unschedulable)) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` value, sorted, unique. */
export function nodeRoles(node: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(strMap(obj(node, 'metadata').labels))) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (k === ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  const sorted = [...roles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.length === 0 ? '<none>' : sorted.join(',');
}

function address(node: Obj, type: string): string {
  const a = objList(obj(node, 'status').addresses).find((x) => x.type === type);
  return a === undefined ? '<none>' : str(a.address);
}

const orUnknown = (s: string): string => (s === '' ? '<unknown>' : s);

export const nodePrinter: TablePrinter = {
  columns,
  row(node, now) {
    const info = obj(node, 'status', 'nodeInfo');
    return [
      name(node),
      nodeStatus(node),
      nodeRoles(node),
      since(creation(node), now),
      str(info.kubeletVersion),
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      orUnknown(str(info.osImage)),
      orUnknown(str(info.kernelVersion)),
      orUnknown(str(info.containerRuntimeVersion)),
    ];
  },
};
