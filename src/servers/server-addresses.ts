import { nameserversOf, Server } from './server.entity';

/** The panel's own server (the agent AgentConnectionModule chose): the one made by the migration. */
export const OWN_SERVER_ID = 1;

/** Where a server's zones point: its row's addresses; server 1 without an ipv4 is HW_SERVER_IP, empty nameservers are HW_NAMESERVERS. */
export interface ServerAddresses {
  ipv4: string | null;
  ipv6: string | null;
  /** Empty: the agent's own HW_NAMESERVERS. */
  nameservers: string[];
}

export function addressesOf(server: Server, ownIpv4: string): ServerAddresses {
  return {
    ipv4: server.ipv4 ?? (server.id === OWN_SERVER_ID ? ownIpv4 : null),
    ipv6: server.ipv6,
    nameservers: nameserversOf(server),
  };
}
