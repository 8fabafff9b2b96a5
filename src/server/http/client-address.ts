import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/**
 * The client address that per-address rate limits count (failed logins, registrations, public
 * links). `request.ip` is what a trusted proxy wrote in X-Forwarded-For, verbatim: some proxies
 * add a port ("1.2.3.4:5555", "[2001:db8::1]:443", a new budget per connection) or write
 * "unknown" (one budget shared by every client). So: brackets and port are dropped; anything
 * that is then not an IP address counts as the socket's peer (the proxy); an IPv4-mapped IPv6
 * address is the IPv4 address; and IPv6 counts by its /64, since one subscriber is handed a
 * whole /64 and could otherwise take a new address for every attempt.
 */
export function clientAddress(request: Pick<FastifyRequest, 'ip' | 'socket'>): string {
  return addressKey(request.ip) ?? addressKey(request.socket.remoteAddress ?? '') ?? 'unknown';
}

function addressKey(raw: string): string | undefined {
  const address = withoutPort(raw.trim());
  if (isIP(address) === 0) {
    return undefined;
  }
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') {
    return parsed.toString();
  }
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`);
  return `${network.toRFC5952String()}/64`;
}

/** "[v6]:port" or "[v6]" → v6; "v4:port" → v4; anything else as it is. */
function withoutPort(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) {
    return bracketed[1];
  }
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address);
  return v4WithPort?.[1] ?? address;
}
