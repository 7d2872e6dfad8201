import { ageColumn, containersColumn, imagesColumn, nameColumn } from './common-columns.js';
import { since } from './duration.js';
import { creation, int, name, obj, optInt, type Obj } from './fields.js';
import { containerCells, formatLabelSelector, formatLabels, labelSelectorString } from './format.js';
import { column, type TablePrinter } from './types.js';

/** spec.replicas; servers default an absent value to 1 before anything is printed. */
const desiredReplicas = (o: Obj): number => optInt(obj(o, 'spec').replicas) ?? 1;

const template = (o: Obj): Obj => obj(o, 'spec', 'template');

const readyColumn = column('Ready', 'string', 'Number of the pod with ready state');

export const deploymentPrinter: TablePrinter = {
  columns: [
    nameColumn,
    readyColumn,
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', { wide: true }),
  ],
  row(d, now) {
    const status = obj(d, 'status');
    let selector: string;
    try {
      // printDeployment, unlike the other workloads, prints an empty selector as '' and a bad one as <invalid>.
      selector = labelSelectorString(obj(d, 'spec').selector);
    } catch {
      selector = '<invalid>';
    }
    return [
      name(d),
      `${int(status.readyReplicas)}/${desiredReplicas(d)}`,
      int(status.updatedReplicas),
      int(status.availableReplicas),
      since(creation(d), now),
      ...containerCells(template(d)),
      selector,
    ];
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column(
      'Desired',
      'integer',
      'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
    ),
    column('Current', 'integer', 'Replicas is the most recently oberved number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller'),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column(
      'Selector',
      'string',
      'Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      { wide: true },
    ),
  ],
  row(rs, now) {
    const status = obj(rs, 'status');
    return [
      name(rs),
      desiredReplicas(rs),
      int(status.replicas),
      int(status.readyReplicas),
      since(creation(rs), now),
      ...containerCells(template(rs)),
      formatLabelSelector(obj(rs, 'spec').selector),
    ];
  },
};

const DAEMONSET_INFO = 'More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/';

export const daemonSetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Desired', 'integer', `The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). ${DAEMONSET_INFO}`),
    column('Current', 'integer', `The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. ${DAEMONSET_INFO}`),
    column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    column(
      'Node Selector',
      'string',
      "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
    ),
    ageColumn,
    containersColumn,
    imagesColumn,
    column(
      'Selector',
      'string',
      'A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      { wide: true },
    ),
  ],
  row(ds, now) {
    const status = obj(ds, 'status');
    return [
      name(ds),
      int(status.desiredNumberScheduled),
      int(status.currentNumberScheduled),
      int(status.numberReady),
      int(status.updatedNumberScheduled),
      int(status.numberAvailable),
      formatLabels(obj(template(ds), 'spec').nodeSelector),
      since(creation(ds), now),
      ...containerCells(template(ds)),
      formatLabelSelector(obj(ds, 'spec').selector),
    ];
  },
};

export const statefulSetPrinter: TablePrinter = {
  columns: [nameColumn, readyColumn, ageColumn, containersColumn, imagesColumn],
  row: (sts, now) => [name(sts), `${int(obj(sts, 'status').readyReplicas)}/${desiredReplicas(sts)}`, since(creation(sts), now), ...containerCells(template(sts))],
};
