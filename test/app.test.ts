import t from 'tap'
import { buildApp } from '../src/app.js'
import { build } from './helper.js'

t.test('an unknown route answers 404 in JSON', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/no/such/route' })
  t.equal(res.statusCode, 404)
  t.same(res.json(), {
    statusCode: 404,
    error: 'Not Found',
    message: 'Route GET:/no/such/route not found',
  })
})

t.test('the app builds twice in one process, each with its own config', async (t) => {
  const first = await buildApp({ env: { PORT: '5001' } })
  const second = await buildApp({ env: { PORT: '5002' } })
  t.teardown(() => Promise.all([first.close(), second.close()]))
  t.equal(first.config.PORT, 5001)
  t.equal(second.config.PORT, 5002)
  const [a, b] = await Promise.all([first.inject('/'), second.inject('/')])
  t.equal(a.statusCode, 200)
  t.equal(b.statusCode, 200)
})

t.test('building the app opens no socket', async (t) => {
  const app = await build(t)
  await app.ready()
  t.equal(app.server.listening, false)
})

t.test('keeps idle connections open longer than the PaaS router does', async (t) => {
  const app = await build(t, { env: { KEEP_ALIVE_TIMEOUT: '120000' } })
  t.equal(app.server.keepAliveTimeout, 120_000)
  t.equal((await build(t)).server.keepAliveTimeout, 95_000, 'Heroku keeps them 90 s')
})
