import { NAME_DOC } from './common-columns.js';
import { since } from './duration.js';
import { int, isObj, name, obj, str, time, type Obj } from './fields.js';
import { column, type TablePrinter } from './types.js';

/** core/v1 Event. Columns in the order the server sends them; wide ones interleave. */
const columns = [
  column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
  column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
  column('Object', 'string', 'The object that this event is about.'),
  column(
    'Subobject',
    'string',
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
    { wide: true },
  ),
  column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', { wide: true }),
  column('Message', 'string', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', { wide: true }),
  column('Count', 'string', 'The number of times this event has occurred.', { wide: true }),
  column('Name', 'string', NAME_DOC, { wide: true, format: 'name' }),
];

/** `component, host`, falling back to the reporting controller and instance of newer events. */
function source(ev: Obj): string {
  const src = obj(ev, 'source');
  const component = str(src.component) || str(ev.reportingComponent);
  const host = str(src.host) || str(ev.reportingInstance);
  return host === '' ? component : `${component}, ${host}`;
}

function target(ev: Obj): string {
  const involved = obj(ev, 'involvedObject');
  const kind = str(involved.kind).toLowerCase();
  return str(involved.name) === '' ? kind : `${kind}/${str(involved.name)}`;
}

export const eventPrinter: TablePrinter = {
  columns,
  row(ev, now) {
    const firstAt = time(ev.firstTimestamp);
    const firstSeen = firstAt !== undefined ? since(firstAt, now) : since(time(ev.eventTime), now);
    const lastAt = time(ev.lastTimestamp);
    let lastSeen = lastAt !== undefined ? since(lastAt, now) : firstSeen;
    let count = int(ev.count);
    if (isObj(ev.series)) {
      lastSeen = since(time(ev.series.lastObservedTime), now);
      count = int(ev.series.count);
    } else if (count === 0) {
      // Singleton events of the events.k8s.io API carry no count.
      count = 1;
    }
    return [
      lastSeen,
      str(ev.type),
      str(ev.reason),
      target(ev),
      str(obj(ev, 'involvedObject').fieldPath),
      source(ev),
      str(ev.message).trim(),
      firstSeen,
      count,
      name(ev),
    ];
  },
};
