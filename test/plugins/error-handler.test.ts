import t from 'tap'
import { build, captureLogs } from '../helper.js'

t.test('a client error keeps its message and code', async (t) => {
  const app = await build(t)
  const body = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const
  app.post('/echo', { schema: { body } }, async (request) => request.body)
  const res = await app.inject({ method: 'POST', url: '/echo', payload: { title: 'x' } })
  t.equal(res.statusCode, 400)
  t.same(res.json(), {
    statusCode: 400,
    error: 'Bad Request',
    code: 'FST_ERR_VALIDATION',
    message: "body must have required property 'name'",
  })
})

t.test('malformed bodies get the right 4xx, in JSON', async (t) => {
  const app = await build(t)
  app.post('/echo', async (request) => request.body)
  const cases = [
    {
      name: 'malformed JSON',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
      status: 400,
    },
    { name: 'an empty JSON body', headers: { 'content-type': 'application/json' }, payload: '', status: 400 },
    {
      name: 'a body over the limit',
      headers: { 'content-type': 'application/json' },
      payload: `"${'x'.repeat(1024 * 1024)}"`,
      status: 413,
    },
    {
      name: 'an unsupported content type',
      headers: { 'content-type': 'application/x-nope' },
      payload: 'x',
      status: 415,
    },
    {
      name: 'a prototype-poisoning key',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__":{"x":1}}',
      status: 400,
    },
  ]
  for (const { name, headers, payload, status } of cases) {
    const res = await app.inject({ method: 'POST', url: '/echo', headers, payload })
    t.equal(res.statusCode, status, name)
    t.match(res.json(), { statusCode: status, code: /^FST_ERR_/, message: String }, name)
  }
})

t.test('a server error is answered without detail and logged with its stack and request id', async (t) => {
  const { logger, lines } = captureLogs()
  const app = await build(t, { logger })
  app.get('/boom', async () => {
    throw new Error('database password is hunter2')
  })
  const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'trace-me' } })
  t.equal(res.statusCode, 500)
  t.same(res.json(), { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' })
  t.notMatch(res.body, /hunter2/)
  t.match(
    lines.find((line) => line.msg === 'request failed'),
    { level: 50, reqId: 'trace-me', err: { message: 'database password is hunter2', stack: /at / } },
  )
})

t.test('an error with a status code outside 4xx and 5xx is a server error', async (t) => {
  const app = await build(t)
  app.get('/redirect-error', async () => {
    throw Object.assign(new Error('moved'), { statusCode: 302 })
  })
  const res = await app.inject({ method: 'GET', url: '/redirect-error' })
  t.equal(res.statusCode, 500)
})

t.test('a status code Node has no name for keeps its code', async (t) => {
  const app = await build(t)
  app.get('/odd', async () => {
    throw Object.assign(new Error('client went away'), { statusCode: 499 })
  })
  const res = await app.inject({ method: 'GET', url: '/odd' })
  t.equal(res.statusCode, 499)
  t.same(res.json(), { statusCode: 499, error: 'Error', message: 'client went away' })
})
