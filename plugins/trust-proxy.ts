import proxyAddr from '@fastify/proxy-addr'

export type TrustProxy = (address: string, hop: number) => boolean

/**
 * Whether to believe X-Forwarded-* headers from a peer, per TRUST_PROXY: `true`, `false`, a number of
 * hops (1 trusts the peer the request came from, as Express and Fastify read a number), or a list of
 * addresses, CIDR ranges and proxy-addr's names. Undefined for a value that is none of these.
 */
export function compileTrustProxy(setting: string): TrustProxy | undefined {
  if (setting === 'true') return () => true
  if (setting === 'false') return () => false
  if (/^\d+$/.test(setting)) {
    const hops = Number(setting)
    return (_address, hop) => hop < hops
  }
  try {
    return proxyAddr.compile(setting.split(',').map((address) => address.trim()))
  } catch {
    return undefined
  }
}
