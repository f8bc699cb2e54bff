// Which network addresses the service may fetch an image URL from. Only public unicast addresses:
// loopback, private, link-local (cloud metadata at 169.254.169.254), unique-local, carrier-grade
// NAT, multicast, reserved and unspecified ranges are refused, and an IPv4-mapped or -embedding IPv6
// address is judged by the IPv4 address inside. An allow-list (URL_ALLOWED_HOSTS) opens named hosts
// or address ranges for tests and intranets.
import ipaddr from 'ipaddr.js';

export class AddressPolicy {
  private readonly hosts: ReadonlySet<string>;
  private readonly ranges: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  /** `allowed`: host names (exact, any case), addresses, or CIDR ranges (`10.0.0.0/8`, `fd00::/8`). */
  constructor(allowed: readonly string[] = []) {
    const isRange = (entry: string) => ipaddr.isValid(entry) || isCidr(entry);
    this.hosts = new Set(allowed.filter((e) => !isRange(e)).map((e) => e.toLowerCase()));
    this.ranges = allowed.filter(isRange).map((e) => (isCidr(e) ? ipaddr.parseCIDR(e) : [ipaddr.parse(e), ipaddr.parse(e).kind() === 'ipv4' ? 32 : 128]));
  }

  /** A host name on the allow-list is trusted whatever it resolves to. */
  allowsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase());
  }

  /** Why this address may not be fetched from, or undefined when it may. */
  refusal(address: string): string | undefined {
    if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
    const parsed = unwrapIPv4(ipaddr.parse(address));
    if (this.ranges.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits))) return undefined;
    const range = parsed.range();
    return range === 'unicast' ? undefined : `${address} is ${RANGE_WORDS[range] ?? 'not a public address'}, and only public addresses are fetched`;
  }
}

// ipaddr.js' range names, as a person reads them.
const RANGE_WORDS: Record<string, string> = {
  unspecified: 'the unspecified address (this machine)',
  loopback: 'a loopback address (this machine)',
  private: 'a private-network address',
  linkLocal: 'a link-local address (where cloud metadata services answer)',
  carrierGradeNat: "a carrier-grade NAT address (inside a provider's network)",
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  uniqueLocal: 'a unique-local address (an IPv6 private network)',
  '6to4': 'a 6to4 relay address',
  teredo: 'a Teredo tunnel address',
  benchmarking: 'an address reserved for benchmarking',
  amt: 'an AMT relay address',
  as112: 'an AS112 address',
  as112v6: 'an AS112 address',
  deprecatedSiteLocal: 'a deprecated site-local address (an old IPv6 private network)',
  deprecatedOrchid: 'a deprecated ORCHID address',
  orchid2: 'an ORCHIDv2 address',
  discard: 'a discard-only address',
};

function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}

/** IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96) addresses lead to the IPv4 address inside. */
function unwrapIPv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.kind() !== 'ipv6') return address;
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  if (v6.range() === 'rfc6052') return ipaddr.fromByteArray(v6.toByteArray().slice(12));
  return v6;
}
