import t from 'tap'
import { build } from '../helper.js'

const preflight = (origin: string) => ({
  method: 'OPTIONS' as const,
  url: '/todos',
  headers: { origin, 'access-control-request-method': 'POST' },
})

t.test('unset, CORS_ORIGIN lets no other origin in: a preflight is a 404 with no CORS header', async (t) => {
  const app = await build(t)
  const res = await app.inject(preflight('https://app.example'))
  t.equal(res.statusCode, 404)
  t.notOk(res.headers['access-control-allow-origin'])
})

t.test('a preflight from an origin in CORS_ORIGIN gets its headers; from another, none', async (t) => {
  const app = await build(t, { env: { CORS_ORIGIN: 'https://app.example, https://admin.example' } })
  const allowed = await app.inject(preflight('https://app.example'))
  t.equal(allowed.statusCode, 204)
  t.equal(allowed.headers['access-control-allow-origin'], 'https://app.example')
  t.match(allowed.headers['access-control-allow-methods'], /POST/)
  const other = await app.inject(preflight('https://evil.example'))
  t.notOk(other.headers['access-control-allow-origin'], 'no CORS header for another origin')
  const simple = await app.inject({ url: '/', headers: { origin: 'https://admin.example' } })
  t.equal(simple.headers['access-control-allow-origin'], 'https://admin.example')
})

t.test('CORS_ORIGIN=* lets every origin in', async (t) => {
  const app = await build(t, { env: { CORS_ORIGIN: '*' } })
  const res = await app.inject(preflight('https://anyone.example'))
  t.equal(res.headers['access-control-allow-origin'], '*')
})

t.test('rejects a CORS_ORIGIN that is not origins', async (t) => {
  for (const CORS_ORIGIN of [
    'app.example',
    'https://app.example/path',
    'https://a.example;https://b.example',
    '',
  ]) {
    await t.rejects(
      build(t, { env: { CORS_ORIGIN } }),
      { message: /^Invalid configuration: CORS_ORIGIN must be unset/ },
      CORS_ORIGIN,
    )
  }
})
