import t from 'tap'
import { build } from '../helper.js'

const nosniff = { 'x-content-type-options': 'nosniff' }
const pageHeaders = {
  ...nosniff,
  'x-frame-options': 'SAMEORIGIN',
  'content-security-policy': /^default-src 'self';.*frame-ancestors 'none'/,
  'strict-transport-security': /^max-age=\d+/,
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

t.test('every answer carries nosniff: 200, 400, 404, 500, 503; a JSON answer that alone', async (t) => {
  const app = await build(t)
  app.get('/boom', async () => {
    throw new Error('bug')
  })
  const querystring = { type: 'object', properties: { n: { type: 'integer' } } } as const
  app.get('/strict', { schema: { querystring } }, async () => ({}))
  app.get('/unavailable', async () => {
    throw Object.assign(new Error('down'), { statusCode: 503 })
  })
  const requests = [
    { url: '/' },
    { url: '/strict?n=x' },
    { url: '/no/such/route' },
    { url: '/boom' },
    { url: '/unavailable' },
    { url: '/health' },
  ]
  const statuses = []
  for (const request of requests) {
    const res = await app.inject(request)
    statuses.push(res.statusCode)
    t.match(res.headers, nosniff, `${request.url} (${res.statusCode})`)
    t.notOk('content-security-policy' in res.headers, `${request.url}: no page headers on JSON`)
  }
  t.same(statuses, [200, 400, 404, 500, 503, 200])
})

t.test('an answer to a browser asking for a page carries the page headers, whatever the route', async (t) => {
  const app = await build(t)
  const accept = 'text/html,application/xhtml+xml,*/*;q=0.8'
  const page = await app.inject({ url: '/', headers: { accept } })
  t.match(page.headers, { 'content-type': /^text\/html/, ...pageHeaders })
  const docs = await app.inject({ url: '/docs/', headers: { accept } })
  t.match(docs.headers, { 'content-type': /^text\/html/, ...pageHeaders })
  const missing = await app.inject({ url: '/no/such/page', headers: { accept } })
  t.match(missing.headers, { 'content-type': /json/, ...pageHeaders })
})
