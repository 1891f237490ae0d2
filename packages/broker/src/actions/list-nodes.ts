import { listNodesParams, type ListNodesResult } from '@mqdash/contracts';
import { defineAction } from './types.ts';

/**
 * listNodes (mqdash extension, issue 11): the nodes of the cluster from the Redis heartbeats
 * (cluster/membership.ts), each up or down, since when, and its MQTT connections; without
 * REDIS_URL only this node. This node's own connections are counted now, not at its last heartbeat.
 */
export const listNodes = defineAction({
  name: 'listNodes',
  params: listNodesParams,
  run(_p, ctx): ListNodesResult {
    const { cluster, nodeName, engine, startedAt } = ctx.core;
    const connections = engine.connectedCount();
    const nodes = cluster ? cluster.nodes({ since: startedAt, connections }) : [{ name: nodeName, up: true, since: startedAt, connections }];
    return {
      nodeName,
      clustered: cluster?.clustered ?? false,
      data: nodes.map((n) => ({
        name: n.name, up: n.up, since: new Date(n.since).toISOString(),
        connections: n.name === nodeName ? connections : (n.connections ?? 0),
        self: n.name === nodeName,
      })),
    };
  },
});
