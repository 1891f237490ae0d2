/**
 * A cluster node reduced to its heartbeat, in a process of its own so that a test can kill it
 * with SIGKILL: joins the membership on the Redis URL and node name given as arguments, then
 * prints `joined` and runs until killed.
 */
import { Membership } from '../membership.ts';

const [url, nodeName] = process.argv.slice(2);
if (!url || !nodeName) throw new Error('usage: member-process.ts <redis url> <node name>');
await Membership.join(url, { nodeName, onError: (error, where) => console.error(where, error) });
console.log('joined');
