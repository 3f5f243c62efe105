/**
 * Validation rules shared by the stack-config schema (config/) and the
 * components' own argument checks. Each rule returns `undefined` when the value
 * is fine, or a sentence that says what is allowed; callers add the key path.
 */
import * as ipaddr from 'ipaddr.js';

/** An IPv4 network in CIDR notation, as numbers for range arithmetic. */
export interface Ipv4Network {
  cidr: string;
  first: number;
  last: number;
  prefixLength: number;
}

function toUint32(address: ipaddr.IPv4): number {
  return address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
}

/** Parses `a.b.c.d/n`; throws with the reason when it is not a network address in CIDR notation. */
export function parseIpv4Cidr(cidr: string): Ipv4Network {
  if (!ipaddr.IPv4.isValidCIDR(cidr)) {
    throw new Error(`"${cidr}" is not an IPv4 CIDR such as 10.0.0.0/16`);
  }
  const [address, prefixLength] = ipaddr.IPv4.parseCIDR(cidr);
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr);
  if (network.toString() !== address.toString()) {
    throw new Error(`"${cidr}" has host bits set; the network address is ${network.toString()}/${prefixLength}`);
  }
  const first = toUint32(network);
  const size = 2 ** (32 - prefixLength);
  return { cidr, first, last: first + size - 1, prefixLength };
}

/** Problem with a CIDR string, or undefined. */
export function cidrProblem(cidr: string): string | undefined {
  try {
    parseIpv4Cidr(cidr);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** True when `inner` lies entirely within `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseIpv4Cidr(outer);
  const i = parseIpv4Cidr(inner);
  return i.first >= o.first && i.last <= o.last;
}

/** True when the two networks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseIpv4Cidr(a);
  const y = parseIpv4Cidr(b);
  return x.first <= y.last && y.first <= x.last;
}

/** True when `ip` (a plain IPv4 address) lies within `cidr`. */
export function ipInCidr(ip: string, cidr: string): boolean {
  if (!ipaddr.IPv4.isValidFourPartDecimal(ip)) return false;
  return ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr));
}

/**
 * API-server authorized IP ranges: an IPv4 address or CIDR, never a range that
 * opens the API server to the whole internet.
 */
export function authorizedIpRangeProblem(range: string): string | undefined {
  const cidr = range.includes('/') ? range : `${range}/32`;
  const problem = cidrProblem(cidr);
  if (problem) return `${problem}; use an IPv4 address or CIDR`;
  const { prefixLength } = parseIpv4Cidr(cidr);
  if (prefixLength === 0) {
    return `"${range}" opens the API server to the whole internet; list the operator and CI egress ranges instead, or use a private cluster`;
  }
  if (prefixLength < 8) {
    return `"${range}" (a /${prefixLength}) is too wide for an authorized range; use /8 or narrower`;
  }
  const address = ipaddr.IPv4.parse(cidr.split('/')[0]);
  const rangeKind = address.range();
  if (rangeKind === 'private' || rangeKind === 'loopback' || rangeKind === 'linkLocal' || rangeKind === 'multicast' || rangeKind === 'reserved' || rangeKind === 'unspecified') {
    return `"${range}" is a ${rangeKind} address; authorized ranges are public egress addresses (a private network needs a private cluster)`;
  }
  return undefined;
}

/** AKS node pool OS types. */
export type NodePoolOsType = 'Linux' | 'Windows';

/**
 * AKS node pool names: lowercase letters and digits, starting with a letter,
 * 1–12 characters for Linux pools and 1–6 for Windows pools.
 */
export function nodePoolNameProblem(name: string, osType: NodePoolOsType = 'Linux'): string | undefined {
  const max = osType === 'Windows' ? 6 : 12;
  if (!/^[a-z][a-z0-9]*$/.test(name)) {
    return `"${name}" is not a valid node pool name: lowercase letters and digits only, starting with a letter`;
  }
  if (name.length > max) {
    return `"${name}" is ${name.length} characters; ${osType} node pool names are at most ${max}`;
  }
  return undefined;
}

/** Azure VM sizes look like `Standard_D4ds_v5` or `Standard_E8as_v6`. */
export function vmSizeProblem(size: string): string | undefined {
  if (!/^Standard_[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/.test(size)) {
    return `"${size}" is not an Azure VM size such as Standard_D4ds_v5`;
  }
  return undefined;
}

/**
 * Kubernetes versions are `MAJOR.MINOR` (recommended: auto-upgrade applies
 * patches) or `MAJOR.MINOR.PATCH`.
 */
export function kubernetesVersionProblem(version: string): string | undefined {
  if (!/^1\.\d{2}(\.\d{1,3})?$/.test(version)) {
    return `"${version}" is not a Kubernetes version such as 1.33 or 1.33.2`;
  }
  return undefined;
}

/** The `MAJOR.MINOR` part of a Kubernetes version. */
export function kubernetesMinorVersion(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** Availability zones are "1", "2" and "3" (no duplicates). */
export function zonesProblem(zones: readonly string[]): string | undefined {
  const bad = zones.filter((zone) => !['1', '2', '3'].includes(zone));
  if (bad.length > 0) return `zones ${JSON.stringify(bad)} are not allowed; allowed zones are "1", "2" and "3"`;
  if (new Set(zones).size !== zones.length) return `zones ${JSON.stringify(zones)} contain duplicates`;
  return undefined;
}

/** Autoscaler bounds: 0 ≤ min ≤ max ≤ 1000; system pools need min ≥ 1. */
export function autoscaleBoundsProblem(min: number, max: number, mode: 'System' | 'User'): string | undefined {
  if (mode === 'System' && min < 1) return `minCount is ${min}; a system pool needs at least 1 node`;
  if (min < 0) return `minCount is ${min}; it must be 0 or more`;
  if (max > 1000) return `maxCount is ${max}; AKS allows at most 1000 nodes per pool`;
  if (min > max) return `minCount (${min}) is greater than maxCount (${max})`;
  return undefined;
}
