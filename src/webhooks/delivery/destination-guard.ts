import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { WebhooksConfig } from '../../platform/config/app-config';

/** Where a delivery connects: the address that was checked (never resolved again), and the URL for Host and SNI. */
export interface Destination {
  url: URL;
  address: string;
  family: 4 | 6;
}

export class RefusedDestination extends Error {}

/**
 * Addresses a webhook may never reach unless the operator allows their range: they are this host,
 * its network or its cloud's metadata service, not a receiver on the internet.
 */
const FORBIDDEN: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", unspecified
  ['10.0.0.0', 8, 'ipv4'], // RFC 1918
  ['100.64.0.0', 10, 'ipv4'], // CGNAT
  ['127.0.0.0', 8, 'ipv4'], // loopback
  ['169.254.0.0', 16, 'ipv4'], // link-local, 169.254.169.254 metadata
  ['172.16.0.0', 12, 'ipv4'], // RFC 1918
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.0.2.0', 24, 'ipv4'], // documentation
  ['192.168.0.0', 16, 'ipv4'], // RFC 1918
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['198.51.100.0', 24, 'ipv4'], // documentation
  ['203.0.113.0', 24, 'ipv4'], // documentation
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'], // unspecified
  ['::1', 128, 'ipv6'], // loopback
  ['64:ff9b::', 96, 'ipv6'], // NAT64 (reaches IPv4 behind the translator)
  ['100::', 64, 'ipv6'], // discard
  ['2001:db8::', 32, 'ipv6'], // documentation
  ['fc00::', 7, 'ipv6'], // ULA, fd00:ec2::254 metadata
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // site-local (deprecated)
  ['ff00::', 8, 'ipv6'], // multicast
];

const forbidden = new BlockList();
for (const [address, prefix, family] of FORBIDDEN) forbidden.addSubnet(address, prefix, family);

/** `::ffff:10.0.0.1` (or `::ffff:a00:1`, as URL writes it) is 10.0.0.1: judged (and reached) as IPv4. */
function unmapped(address: string): { address: string; family: 4 | 6 } {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return { address: dotted[1], family: 4 };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), family: 4 };
  }
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

export class DestinationGuard {
  private readonly allowed = new BlockList();

  constructor(private readonly config: Pick<WebhooksConfig, 'allowCidrs'>) {
    for (const cidr of config.allowCidrs) this.allowed.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }

  /** The URL's shape alone (no DNS): http or https, a host, no credentials. Answers the problem, or null. */
  static urlProblem(text: string): string | null {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return 'url must be an absolute http or https URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must use http or https';
    if (!url.hostname) return 'url must name a host';
    if (url.username || url.password) return 'url must not carry credentials';
    return null;
  }

  /**
   * Resolves the host (every address) and refuses it when any address is forbidden and not
   * allowed: a name that also resolves to an internal address is not trusted with either.
   */
  async check(text: string): Promise<Destination> {
    const problem = DestinationGuard.urlProblem(text);
    if (problem) throw new RefusedDestination(problem);
    const url = new URL(text);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    let addresses: { address: string; family: 4 | 6 }[];
    if (isIP(host)) {
      addresses = [unmapped(host)];
    } else {
      try {
        addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => unmapped(entry.address));
      } catch {
        throw new RefusedDestination(`the host ${host} does not resolve`);
      }
    }
    if (!addresses.length) throw new RefusedDestination(`the host ${host} does not resolve`);
    for (const entry of addresses) {
      if (this.refuses(entry.address, entry.family)) {
        throw new RefusedDestination(
          `the host ${host} resolves to ${entry.address}, a loopback, private, link-local or reserved address (allow its range with HW_WEBHOOK_ALLOW_CIDRS)`,
        );
      }
    }
    return { url, ...addresses[0] };
  }

  private refuses(address: string, family: 4 | 6): boolean {
    const type = family === 6 ? 'ipv6' : 'ipv4';
    return forbidden.check(address, type) && !this.allowed.check(address, type);
  }
}
