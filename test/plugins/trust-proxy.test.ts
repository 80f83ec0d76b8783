import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { build } from '../helper.js'

// What the app believes about a request from `peer` that says it came through proxies.
async function seen(t: Test, TRUST_PROXY: string | undefined, peer: string) {
  const app = await build(t, { env: TRUST_PROXY === undefined ? {} : { TRUST_PROXY } })
  app.get('/whoami', async (request) => ({ ip: request.ip, protocol: request.protocol, host: request.host }))
  const res = await app.inject({
    url: '/whoami',
    remoteAddress: peer,
    headers: {
      host: 'app.internal',
      'x-forwarded-for': '6.6.6.6, 203.0.113.7',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'example.com',
    },
  })
  return res.json()
}

t.test('trusts no proxy by default: a client cannot forge its address', async (t) => {
  t.same(await seen(t, undefined, '10.1.2.3'), { ip: '10.1.2.3', protocol: 'http', host: 'app.internal' })
})

t.test('TRUST_PROXY=true believes every hop, the forged one too', async (t) => {
  t.same(await seen(t, 'true', '10.1.2.3'), { ip: '6.6.6.6', protocol: 'https', host: 'example.com' })
})

t.test('TRUST_PROXY with ranges believes only the proxies in them', async (t) => {
  const behindRouter = await seen(t, '10.0.0.0/8, 192.168.0.1', '10.1.2.3')
  t.same(
    behindRouter,
    { ip: '203.0.113.7', protocol: 'https', host: 'example.com' },
    'the address the router saw',
  )
  const direct = await seen(t, '10.0.0.0/8, 192.168.0.1', '198.51.100.9')
  t.same(
    direct,
    { ip: '198.51.100.9', protocol: 'http', host: 'app.internal' },
    'a direct client is not believed',
  )
})

t.test('TRUST_PROXY takes the named ranges of proxy-addr', async (t) => {
  t.same(await seen(t, 'uniquelocal', '10.1.2.3'), {
    ip: '203.0.113.7',
    protocol: 'https',
    host: 'example.com',
  })
})

t.test('TRUST_PROXY as a number trusts that many hops, as Express and Fastify read it', async (t) => {
  t.same(
    await seen(t, '0', '10.1.2.3'),
    { ip: '10.1.2.3', protocol: 'http', host: 'app.internal' },
    '0: none',
  )
  t.same(
    await seen(t, '1', '10.1.2.3'),
    { ip: '203.0.113.7', protocol: 'https', host: 'example.com' },
    '1: the router the request came from, so the address it saw',
  )
  t.same(await seen(t, '2', '10.1.2.3'), { ip: '6.6.6.6', protocol: 'https', host: 'example.com' }, '2 hops')
})

t.test('rejects a TRUST_PROXY that is not a list of addresses', async (t) => {
  for (const TRUST_PROXY of ['yes', '10.0.0.0/8;evil', '999.1.1.1', '10.0.0.0/99', 'loopbak', '']) {
    await t.rejects(
      buildApp({ env: { TRUST_PROXY } }),
      {
        code: 'APP_INVALID_CONFIG',
        message: /^Invalid configuration: TRUST_PROXY must be true, false, a number of proxy hops, or/,
      },
      JSON.stringify(TRUST_PROXY),
    )
  }
})
