import proxyAddr from '@fastify/proxy-addr'
import { invalid } from '../plugins/config.js'

export type TrustProxy = (address: string, hop: number) => boolean

/** Whether to believe X-Forwarded-* headers from a peer, per TRUST_PROXY, as Fastify reads it. */
export function compileTrustProxy(setting: string): TrustProxy {
  if (setting === 'true') return () => true
  if (setting === 'false') return () => false
  try {
    return proxyAddr.compile(setting.split(',').map((address) => address.trim()))
  } catch {
    throw invalid(['TRUST_PROXY'])
  }
}
