import t from 'tap'
import { spawnServer, startServer, stop } from '../server-process.js'

// The Procfile's web process is the server bundled in one file (scripts/bundle.js). The other tests
// run the same code as tsc compiled it; these check what bundling alone could break.

t.jobs = 2

t.test('the bundle serves the app and drains on SIGTERM', async (t) => {
  const origin = 'https://app.example'
  const server = await startServer(t, { program: 'bundle', env: { CORS_ORIGIN: origin } })
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`
  const root = await fetch(url('/'), { headers: { accept: 'application/json', origin } })
  t.equal(root.status, 200)
  t.equal(root.headers.get('x-content-type-options'), 'nosniff', 'with the security headers')
  t.equal(root.headers.get('access-control-allow-origin'), origin, 'and CORS')
  t.equal((await fetch(url('/ready'))).status, 200)
  const missing = await fetch(url('/nowhere'))
  t.equal(missing.status, 404)
  t.match(await missing.json(), { statusCode: 404, error: 'Not Found' })
  t.equal(await stop(server), 0)
  t.match(server.logs.at(-1), { msg: /^Stopped: /, exitCode: 0 })
})

t.test("a stack trace names the sources' files, not the bundle's", async (t) => {
  const server = spawnServer(t, { program: 'bundle', env: { PORT: '0' }, fixtures: ['failing-plugin'] })
  t.equal(await server.exited, 1)
  const [failure] = server.logs
  const stack = String((failure?.err as { stack?: string } | undefined)?.stack)
  t.match(stack, /node_modules[\\/]avvio[\\/]/, 'a frame of a bundled package, at its own file')
  t.notMatch(stack, /dist[\\/]server\.js/)
})
