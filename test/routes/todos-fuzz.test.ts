import fc from 'fast-check'
import t from 'tap'
import { testDatabase } from '../database.js'
import { build } from '../helper.js'

// Random inputs for the example resource: whatever the params, query and body, the answer is never a
// 5xx, always JSON, and the app goes on answering. A failure prints fast-check's seed and path;
// FUZZ_SEED=<seed> replays the same run.
const seed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED)
const runs = { seed, numRuns: 300 }

const app = await build(t, { env: await testDatabase(t) })

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.uuid(),
  fc.constantFrom('', '..', '%00', '__proto__'),
)
const json = fc.oneof(
  fc.jsonValue(),
  fc.record({ title: fc.jsonValue(), done: fc.jsonValue() }, { requiredKeys: [] }),
  fc.dictionary(fc.constantFrom('title', 'done', '__proto__', 'constructor', 'id'), fc.jsonValue()),
)

async function expectHandled(response: {
  statusCode: number
  headers: Record<string, unknown>
  body: string
}) {
  if (response.statusCode >= 500) throw new Error(`answered ${response.statusCode}: ${response.body}`)
  if (!String(response.headers['content-type']).startsWith('application/json')) {
    throw new Error(`answered ${response.statusCode} with ${response.headers['content-type']}`)
  }
}

t.test(`POST /todos with any JSON body (seed ${seed})`, async (t) => {
  await fc.assert(
    fc.asyncProperty(json, async (body) => {
      await expectHandled(
        await app.inject({
          method: 'POST',
          url: '/todos',
          payload: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }),
      )
    }),
    runs,
  )
  t.pass('no 5xx')
})

t.test(`POST /todos with any bytes as its body (seed ${seed})`, async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom('application/json', 'text/plain'),
      async (body, type) => {
        await expectHandled(
          await app.inject({
            method: 'POST',
            url: '/todos',
            payload: Buffer.from(body),
            headers: { 'content-type': type },
          }),
        )
      },
    ),
    runs,
  )
  t.pass('no 5xx')
})

t.test(`GET /todos/:id with any id (seed ${seed})`, async (t) => {
  await fc.assert(
    fc.asyncProperty(text, async (id) => {
      await expectHandled(await app.inject({ method: 'GET', url: `/todos/${encodeURIComponent(id)}` }))
    }),
    runs,
  )
  t.pass('no 5xx')
})

t.test(`GET /todos with any query (seed ${seed})`, async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.constantFrom('done', 'limit', 'x', '__proto__'), text),
      async (query) => {
        await expectHandled(await app.inject({ method: 'GET', url: '/todos', query }))
      },
    ),
    runs,
  )
  t.pass('no 5xx')
})

t.test('the app still answers after all of it', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/todos', payload: { title: 'still here' } })
  t.equal(res.statusCode, 201)
})
