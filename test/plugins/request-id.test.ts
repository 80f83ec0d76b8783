import { execFileSync } from 'node:child_process'
import t from 'tap'
import { build, ownRequestId as ownId } from '../helper.js'

t.test("keeps a router's request id and echoes it", async (t) => {
  const app = await build(t)
  for (const id of ['abc-123', 'f2b4c9e0-51e2-4a8a-9d8f-2a7c3b1d9e55', 'aGVyb2t1+/=', 'x'.repeat(200)]) {
    const res = await app.inject({ url: '/', headers: { 'x-request-id': id } })
    t.equal(res.headers['x-request-id'], id, id.slice(0, 40))
  }
})

t.test('gives a request without an id one of its own, new each time', async (t) => {
  const app = await build(t)
  const [first, second] = await Promise.all([app.inject('/'), app.inject('/')])
  t.match(first?.headers['x-request-id'], ownId)
  t.match(second?.headers['x-request-id'], ownId)
  t.not(first?.headers['x-request-id'], second?.headers['x-request-id'])
})

t.test('two processes never give the same id', async (t) => {
  const module = new URL('../../plugins/request-id.js', import.meta.url).href
  const firstId = () =>
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { genReqId } from '${module}'; console.log(genReqId({ headers: {} }))`,
      ],
      { encoding: 'utf8' },
    ).trim()
  const [one, other] = [firstId(), firstId()]
  t.match(one, ownId)
  t.not(one, other, 'the first id of each process differs')
})

t.test('replaces an id that is too long, empty or has characters outside the allowed set', async (t) => {
  const app = await build(t)
  for (const id of ['x'.repeat(201), '', 'a b', 'a,b', '<script>', 'a\tb']) {
    const res = await app.inject({ url: '/', headers: { 'x-request-id': id } })
    t.match(res.headers['x-request-id'], ownId, JSON.stringify(id.slice(0, 40)))
  }
})

t.test('the id is on error answers too', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/missing', headers: { 'x-request-id': 'lost-1' } })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['x-request-id'], 'lost-1')
})
