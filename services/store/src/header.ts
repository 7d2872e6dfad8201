import type { ClusterIdentity } from './backend.js';
import type { ResponseHeader } from './wire.js';

export type HeaderFactory = (revision: number) => ResponseHeader;

/** Every top-level response names the cluster, the member, the revision and the term. */
export function headerFactory(id: ClusterIdentity): HeaderFactory {
  return (revision) => ({ cluster_id: id.clusterId, member_id: id.memberId, revision, raft_term: id.term });
}
