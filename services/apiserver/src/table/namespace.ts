import { ageColumn, nameColumn } from './common-columns.js';
import { since } from './duration.js';
import { creation, name, obj, str } from './fields.js';
import { column, type TablePrinter } from './types.js';

export const namespacePrinter: TablePrinter = {
  columns: [nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn],
  row: (ns, now) => [name(ns), str(obj(ns, 'status').phase), since(creation(ns), now)],
};
