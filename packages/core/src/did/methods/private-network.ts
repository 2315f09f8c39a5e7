// Addresses a resolver must not be made to fetch from: loopback, private, link-local, shared
// (CGNAT), multicast and reserved ranges (RFC 6890 and its updates). A did:web naming one of
// them would turn a mediator or agent into a probe of its own network (SSRF). One list, read by
// the portable check of literal hosts here and by the Node fetch that checks DNS answers.
export const PRIVATE_V4 = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
] as const;
// IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) addresses are checked by their IPv4 part.
export const PRIVATE_V6 = ['::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8', '2001:db8::/32', '100::/64'] as const;

function ipv4ToInt(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** Is `host` an IPv4 literal inside one of the private ranges? */
export function isPrivateIPv4(host: string): boolean {
  const ip = ipv4ToInt(host);
  if (ip === undefined) return false;
  return PRIVATE_V4.some((cidr) => {
    const [base, bits] = cidr.split('/');
    const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
    return (ip & mask) === (ipv4ToInt(base)! & mask);
  });
}

/** Host names that mean this machine whatever DNS says (RFC 6761). */
export const isLocalHostname = (host: string): boolean => /(^|\.)localhost\.?$/i.test(host);
