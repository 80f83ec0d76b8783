import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testDatabase } from '../database.js'
import { build, withoutLoadShedding } from '../helper.js'

// One database for this file; the test that counts the todos has one of its own.
const database = await testDatabase(t)

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('POST /todos creates a todo: 201, its location, and the todo', async (t) => {
  const app = await build(t, { env: database })
  const res = await app.inject({ method: 'POST', url: '/todos', payload: { title: 'Write the README' } })
  t.equal(res.statusCode, 201)
  const todo = res.json()
  t.match(todo, { id: uuid, title: 'Write the README', done: false, createdAt: String })
  t.ok(Date.parse(todo.createdAt) <= Date.now(), 'createdAt is a date')
  t.equal(res.headers.location, `/todos/${todo.id}`)
  const fetched = await app.inject({ url: res.headers.location })
  t.equal(fetched.statusCode, 200)
  t.same(fetched.json(), todo)
})

t.test('POST /todos answers 400, saying what is wrong, for a bad body', async (t) => {
  const app = await build(t, { env: database })
  const cases = [
    { name: 'no title', payload: {}, message: "body must have required property 'title'" },
    {
      name: 'an empty title',
      payload: { title: '' },
      message: 'body/title must NOT have fewer than 1 characters',
    },
    {
      name: 'a title too long',
      payload: { title: 'x'.repeat(201) },
      message: 'body/title must NOT have more than 200 characters',
    },
    {
      name: 'done not a boolean',
      payload: { title: 'x', done: 'maybe' },
      message: 'body/done must be boolean',
    },
    { name: 'not an object', payload: [{ title: 'x' }], message: 'body must be object' },
  ]
  for (const { name, payload, message } of cases) {
    const res = await app.inject({ method: 'POST', url: '/todos', payload })
    t.equal(res.statusCode, 400, name)
    t.same(res.json(), { statusCode: 400, error: 'Bad Request', code: 'FST_ERR_VALIDATION', message }, name)
  }
})

t.test('POST /todos takes the body as sent: an unknown key or another type is a 400 naming it', async (t) => {
  const app = await build(t, { env: database })
  const cases = [
    { payload: { title: 'x', id: 'mine' }, message: "body must NOT have the property 'id'" },
    { payload: { title: 123 }, message: 'body/title must be string' },
    { payload: { title: ['x'] }, message: 'body/title must be string' },
    { payload: { title: 'x', done: 'true' }, message: 'body/done must be boolean' },
    { payload: { title: 'x', done: 1 }, message: 'body/done must be boolean' },
  ]
  for (const { payload, message } of cases) {
    const res = await app.inject({ method: 'POST', url: '/todos', payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().message, message, JSON.stringify(payload))
  }
})

t.test('POST /todos takes a body of a few KiB at most', async (t) => {
  const app = await build(t, { env: database })
  const res = await app.inject({ method: 'POST', url: '/todos', payload: { title: 'x'.repeat(5000) } })
  t.equal(res.statusCode, 413)
})

t.test('GET /todos/:id answers 404 for an unknown id and 400 for one that is not a uuid', async (t) => {
  const app = await build(t, { env: database })
  const missing = await app.inject({ url: '/todos/6f1c9a4e-2b7d-4c1e-9f3a-0d5e8b7c6a21' })
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), {
    statusCode: 404,
    error: 'Not Found',
    code: 'APP_TODO_NOT_FOUND',
    message: 'No todo has the id 6f1c9a4e-2b7d-4c1e-9f3a-0d5e8b7c6a21',
  })
  const malformed = await app.inject({ url: '/todos/42' })
  t.equal(malformed.statusCode, 400)
  t.equal(malformed.json().message, 'params/id must match format "uuid"')
})

t.test('GET /todos lists the newest todos, oldest first, filtered by done', async (t) => {
  const app = await build(t, { env: await testDatabase(t) })
  for (const [title, done] of [
    ['a', false],
    ['b', true],
    ['c', false],
  ] as const) {
    await app.inject({ method: 'POST', url: '/todos', payload: { title, done } })
  }
  const titles = async (url: string) =>
    (await app.inject({ url })).json().map((todo: { title: string }) => todo.title)
  t.same(await titles('/todos'), ['a', 'b', 'c'])
  t.same(await titles('/todos?done=false'), ['a', 'c'])
  t.same(await titles('/todos?done=true'), ['b'])
  t.same(await titles('/todos?limit=2'), ['b', 'c'])
  t.same(await titles('/todos?limit=1&done=false'), ['c'])
})

t.test('GET /todos answers 400 for a bad query', async (t) => {
  const app = await build(t, { env: database })
  for (const query of ['limit=0', 'limit=101', 'limit=ten', 'done=perhaps']) {
    const res = await app.inject({ url: `/todos?${query}` })
    t.equal(res.statusCode, 400, query)
    t.match(res.json(), { code: 'FST_ERR_VALIDATION', message: /^querystring\// }, query)
  }
})

t.test(
  'todos outlive the app: another app on the same database, as after a restart, finds them',
  async (t) => {
    const first = await buildApp({ env: { ...withoutLoadShedding, ...database } })
    const todo = (await first.inject({ method: 'POST', url: '/todos', payload: { title: 'kept' } })).json()
    await first.close()
    const restarted = await build(t, { env: database })
    const res = await restarted.inject({ url: `/todos/${todo.id}` })
    t.equal(res.statusCode, 200)
    t.same(res.json(), todo)
  },
)
