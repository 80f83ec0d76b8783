import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { build } from '../helper.js'

t.test('GET /ready answers 200 while the app can serve', async (t) => {
  const app = await build(t)
  const res = await app.inject('/ready')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ready', reasons: [] })
})

t.test('from the moment a drain begins, /ready answers 503 while requests in flight finish', async (t) => {
  const app = await build(t)
  app.get('/slow', async () => {
    await sleep(500)
    return { slow: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  // A load balancer's probe keeps its connection open between probes.
  const probe = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => probe.destroy())
  t.equal((await get(port, '/ready', probe)).status, 200)
  const inFlight = get(port, '/slow')
  await sleep(50)
  const closing = app.close()
  const during = await get(port, '/ready', probe)
  t.equal(during.status, 503)
  t.same(JSON.parse(during.body), { status: 'not ready', reasons: ['draining'] })
  t.equal((await inFlight).status, 200, 'the request in flight finishes')
  await closing
})

function get(port: number, path: string, agent: Agent | false = false) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
      .on('error', reject)
      .end()
  })
}
