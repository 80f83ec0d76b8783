import t from 'tap'
import { build } from '../helper.js'

t.test('GET /health answers 200 with status ok', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('HEAD /health answers 200 without a body', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'HEAD', url: '/health' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '')
})
