import t from 'tap'
import { build } from '../helper.js'

// A route of the test's own, taking each part of a request with a schema.
async function echo(t: Parameters<typeof build>[0]) {
  const app = await build(t)
  const Numbered = {
    type: 'object',
    properties: { n: { type: 'integer' }, on: { type: 'boolean' } },
    additionalProperties: false,
  } as const
  app.post(
    '/echo/:n',
    { schema: { params: Numbered, querystring: Numbered, body: Numbered } },
    async (request) => ({ params: request.params, query: request.query, body: request.body }),
  )
  return app
}

t.test('params and query strings, which are text, are converted to their schema types', async (t) => {
  const app = await echo(t)
  const res = await app.inject({ method: 'POST', url: '/echo/7?n=8&on=true&utm_source=x', payload: { n: 9 } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { params: { n: 7 }, query: { n: 8, on: true }, body: { n: 9 } })
})

t.test('a JSON body is validated as sent', async (t) => {
  const app = await echo(t)
  const cases = [
    { body: { n: '9' }, message: 'body/n must be integer' },
    { body: { on: 'true' }, message: 'body/on must be boolean' },
    { body: { on: 1 }, message: 'body/on must be boolean' },
    { body: { n: 9, extra: true }, message: "body must NOT have the property 'extra'" },
  ]
  for (const { body, message } of cases) {
    const res = await app.inject({ method: 'POST', url: '/echo/1', payload: body })
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.same(res.json(), { statusCode: 400, error: 'Bad Request', code: 'FST_ERR_VALIDATION', message })
  }
})

t.test(
  'a schema is compiled on first use: one Ajv cannot compile fails its route, not the start',
  async (t) => {
    const app = await build(t)
    const Unknown = { type: 'object', properties: { n: { type: 'integr' } } } as const
    app.post('/broken', { schema: { body: Unknown } }, async () => ({}))
    app.post('/sound', { schema: { body: { type: 'object' } } }, async () => ({ ok: true }))
    await app.ready()
    const broken = await app.inject({ method: 'POST', url: '/broken', payload: { n: 1 } })
    t.equal(broken.statusCode, 500)
    t.equal((await app.inject({ method: 'POST', url: '/sound', payload: {} })).statusCode, 200)
  },
)

t.test('a response is serialised by its schema, compiled on first use', async (t) => {
  const app = await build(t)
  const Only = { type: 'object', properties: { kept: { type: 'integer' } } } as const
  app.get('/only', { schema: { response: { 200: Only } } }, async () => ({ kept: 7, dropped: true }))
  for (const _ of [1, 2]) t.same((await app.inject('/only')).json(), { kept: 7 })
})
