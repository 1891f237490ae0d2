import type { ClientIdBinding } from '@mqdash/contracts';
import type { ConnectionIdentity, IdentityRefusal } from './types.ts';

/** A name as it appears in a refusal reason: quoted and clipped (a client id can be 64 KiB). */
const quoted = (s: string) => JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s);

/**
 * The client-id binding's verdict (issue 12; the modes are described at clientIdBindings in
 * contracts). The user name is the one the connection carries after authentication (the CONNECT's,
 * or the client certificate's CN with TLS_CERT_CN_AS_USERNAME). `owner` is the user name the client
 * id's stored session was last connected with: undefined when there is no session, null when it
 * was anonymous (an anonymous session belongs to nobody, so any client may take it over).
 */
export function bindingRefusal(binding: ClientIdBinding, who: ConnectionIdentity, owner: string | null | undefined): IdentityRefusal | null {
  if (binding === 'none') return null;
  const { clientId } = who;
  // An empty user name is no user name (MqttUsers treats it as anonymous).
  const username = who.username === '' ? null : who.username;
  if (owner === '') owner = null;
  if (username !== null) {
    if (binding === 'equals-username' && clientId !== username)
      return { reasonCode: 0x85, reason: `client id not valid: ${quoted(clientId)} must be the user name ${quoted(username)} (client-id binding equals-username)` };
    if (binding === 'prefix-username' && !clientId.startsWith(username))
      return { reasonCode: 0x85, reason: `client id not valid: ${quoted(clientId)} must start with the user name ${quoted(username)} (client-id binding prefix-username)` };
  }
  if (owner !== undefined && owner !== null && owner !== username)
    return { reasonCode: 0x87, reason: `not authorized: client id ${quoted(clientId)} belongs to another user name (client-id binding ${binding})` };
  return null;
}
