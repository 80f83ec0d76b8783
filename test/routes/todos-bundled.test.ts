import t from 'tap'
import { startServer, stop } from '../server-process.js'

// The example's resource in the Procfile's bundle of the server, on the embedded database: whose
// process is forked from its own file, bundled beside the server's (scripts/bundle.js).
t.test('the bundle serves /todos from the embedded database', async (t) => {
  const server = await startServer(t, { program: 'bundle' })
  const todos = `http://127.0.0.1:${server.port}/todos`
  const created = await fetch(todos, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'ship the bundle' }),
  })
  t.equal(created.status, 201, await created.clone().text())
  t.match(await (await fetch(todos)).json(), [{ title: 'ship the bundle' }])
  t.equal(await stop(server), 0)
})
