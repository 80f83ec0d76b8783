import t from 'tap'
import { build } from '../helper.js'

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'content-security-policy': /^default-src 'self';.*frame-ancestors 'none'/,
  'strict-transport-security': /^max-age=\d+/,
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

t.test('every answer carries the security headers: 200, 400, 404, 500, 503, HTML', async (t) => {
  const app = await build(t, { env: { REQUEST_TIMEOUT: '100', DATABASE_STATEMENT_TIMEOUT: '50' } })
  app.get('/boom', async () => {
    throw new Error('bug')
  })
  const requests = [
    { url: '/' },
    { url: '/', headers: { accept: 'text/html' } },
    { url: '/todos?limit=0' },
    { url: '/no/such/route' },
    { url: '/boom' },
    { url: '/health' },
  ]
  for (const request of requests) {
    const res = await app.inject(request)
    t.match(res.headers, securityHeaders, `${request.url} (${res.statusCode})`)
  }
})
