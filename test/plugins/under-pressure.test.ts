import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { build } from '../helper.js'

// Blocks the event loop well past OVERLOAD_EVENT_LOOP_DELAY, then looks, a tenth of a second at a
// time, for what the app answers once it has measured the delay, and again once it has recovered.
t.test('with the event loop blocked, new requests get 503 and Retry-After; the probes answer', async (t) => {
  const app = await build(t, { env: { OVERLOAD_EVENT_LOOP_DELAY: '50' } })
  app.get('/block', async () => {
    const until = Date.now() + 1500
    while (Date.now() < until);
    return { blocked: true }
  })
  await app.inject('/block')
  const shed = await poll(
    () => app.inject('/'),
    (res) => res.statusCode === 503,
  )
  t.equal(shed.statusCode, 503, 'a request is shed')
  t.equal(shed.headers['retry-after'], '10')
  t.same(shed.json(), { statusCode: 503, error: 'Service Unavailable', message: 'Service Unavailable' })
  t.equal((await app.inject('/health')).statusCode, 200, '/health still answers')
  const ready = await app.inject('/ready')
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { status: 'not ready', reasons: ['overloaded'] })

  const recovered = await poll(
    () => app.inject('/'),
    (res) => res.statusCode === 200,
  )
  t.equal(recovered.statusCode, 200, 'the app serves again')
  t.equal((await app.inject('/ready')).statusCode, 200)
})

async function poll<T>(send: () => Promise<T>, done: (result: T) => boolean, tries = 100) {
  let result = await send()
  for (let i = 1; i < tries && !done(result); i++) {
    await sleep(100)
    result = await send()
  }
  return result
}
