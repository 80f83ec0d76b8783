import t from 'tap'
import { type ServerProcess, spawnServer, startServer, stop } from '../server-process.js'

// Each test runs its own server process, mostly waiting on it: run several at once.
t.jobs = 4

// First, as it waits the longest: Fastify's default boot timeout, 10 s.
t.test('a plugin that hangs at boot fails the startup in bounded time, naming the plugin', async (t) => {
  const server = spawnServer(t, { env: { PORT: '0' }, fixtures: ['hanging-plugin'] })
  t.equal(await server.exited, 1)
  t.match(onlyMessage(server), /Plugin did not start in time: 'waitsForever'/)
  t.notMatch(server.stdout(), / {4}at /, 'no stack trace')
})

t.test('a bad PORT stops the server at once with one readable line', async (t) => {
  const badPorts = ['abc', '70000', '-1', '']
  const servers = badPorts.map((PORT) => spawnServer(t, { env: { PORT } }))
  for (const [i, server] of servers.entries()) {
    const name = `PORT=${JSON.stringify(badPorts[i])}`
    t.equal(await server.exited, 1, `${name} exits 1`)
    t.same(
      server.logs.map((log) => log.msg),
      ['Invalid configuration: PORT must be an integer from 0 to 65535 (0 picks a free port)'],
      `${name} logs one line naming PORT and what it allows`,
    )
    t.notMatch(server.stdout(), / {4}at /, `${name}: no stack trace`)
    t.equal(await server.stderr, '', `${name}: nothing on stderr`)
  }
})

t.test('every bad setting is named in the one line', async (t) => {
  const server = spawnServer(t, { env: { PORT: 'x', LOG_LEVEL: 'loud', SHUTDOWN_TIMEOUT: '0' } })
  t.equal(await server.exited, 1)
  t.match(
    onlyMessage(server),
    /^Invalid configuration: PORT must be .+; LOG_LEVEL must be .+; SHUTDOWN_TIMEOUT must be .+$/,
  )
})

t.test('reads .env from its working folder, and the environment wins over it', async (t) => {
  const cwd = t.testdir({ '.env': 'HOST=127.0.0.1\nPORT=1\n' })
  const server = await startServer(t, { cwd })
  t.equal(server.address.hostname, '127.0.0.1', 'HOST from .env')
  t.not(server.port, 1, 'PORT from the environment')
  t.equal((await fetch(`http://127.0.0.1:${server.port}/`)).status, 200)
  t.equal(await stop(server), 0)
})

t.test('a plugin that throws at boot stops the server, its stack kept for the bug hunt', async (t) => {
  const server = spawnServer(t, { env: { PORT: '0' }, fixtures: ['failing-plugin'] })
  t.equal(await server.exited, 1)
  t.match(server.logs, [
    {
      level: 60,
      msg: 'Startup failed',
      err: { message: 'cannot read properties of undefined', stack: /buggy/ },
    },
  ])
})

function onlyMessage(server: ServerProcess) {
  t.equal(server.logs.length, 1, 'one line')
  return server.logs[0]?.msg
}
