import { ageColumn, nameColumn } from './common-columns.js';
import { since } from './duration.js';
import { creation, name, obj, str } from './fields.js';
import { column, type TablePrinter } from './types.js';

export const leasePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column(
      'Holder',
      'string',
      'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
    ),
    ageColumn,
  ],
  row: (lease, now) => [name(lease), str(obj(lease, 'spec').holderIdentity), since(creation(lease), now)],
};
