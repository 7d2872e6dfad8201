import type { ClusterIdentity } from './backend.js';
import type { ResponseHeader } from './wire.js';

export type HeaderFactory = (revision: number) => ResponseHeader;

/** Every top-level response names the cluster, the member, the revision and the term. */
export function headerFactory(id: ClusterIdentity): HeaderFactory {
  // IDs that fit a double go out as numbers: no string-to-int64 parsing on every response.
  const wire = (v: string): string | number => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
  const clusterId = wire(id.clusterId);
  const memberId = wire(id.memberId);
  return (revision) => ({ cluster_id: clusterId, member_id: memberId, revision, raft_term: id.term });
}
