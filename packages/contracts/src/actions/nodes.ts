import { z } from 'zod';

/** listNodes (mqdash extension, issue 11): every node of the cluster this node knows, itself included. */
export const listNodesParams = z.object({});
export type ListNodesParams = z.infer<typeof listNodesParams>;

export interface ClusterNodeInfo {
  /** The node's NODE_NAME. */
  name: string;
  /** Whether its heartbeat is current (Redis); a node missing for 6 s is down. */
  up: boolean;
  /** Up: when the node started; down: when this node saw it go down (ISO 8601 UTC). */
  since: string;
  /** Open MQTT connections at its last heartbeat (0 once down). */
  connections: number;
  /** Whether this is the node that answered. */
  self: boolean;
}

export interface ListNodesResult {
  /** The answering node's name. */
  nodeName: string;
  /** Whether the node is part of a cluster (REDIS_URL); otherwise `data` holds this node alone. */
  clustered: boolean;
  data: ClusterNodeInfo[];
}
