import { isIPv4, isIPv6 } from 'node:net';
import { isDomainName } from './grammar/domains';
import { UnsafeValueError } from './safe-values';

/**
 * A create's zone addresses: those of the server the account is placed on (the panel's servers
 * row), so its A/AAAA records point at the machine that serves it. Absent members: the agent's own
 * HW_SERVER_IP and HW_NAMESERVERS.
 */
export interface PlanHost {
  ipv4?: string;
  ipv6?: string;
  nameservers?: string[];
}

/** The agent's check of a plan's `host` member: addresses and host names only. */
export function parsePlanHost(input: unknown): PlanHost {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UnsafeValueError('host', 'must be an object');
  const raw = input as Record<string, unknown>;
  const host: PlanHost = {};
  if (raw.ipv4 !== undefined) {
    if (typeof raw.ipv4 !== 'string' || !isIPv4(raw.ipv4)) throw new UnsafeValueError('host.ipv4', 'must be an IPv4 address');
    host.ipv4 = raw.ipv4;
  }
  if (raw.ipv6 !== undefined) {
    if (typeof raw.ipv6 !== 'string' || !isIPv6(raw.ipv6) || raw.ipv6.includes('%')) throw new UnsafeValueError('host.ipv6', 'must be an IPv6 address');
    host.ipv6 = raw.ipv6;
  }
  if (raw.nameservers !== undefined) {
    const list = raw.nameservers;
    if (!Array.isArray(list) || list.length === 0 || list.length > 8 || !list.every((ns) => typeof ns === 'string' && isDomainName(ns))) {
      throw new UnsafeValueError('host.nameservers', 'must list one to eight host names');
    }
    host.nameservers = list as string[];
  }
  return host;
}
