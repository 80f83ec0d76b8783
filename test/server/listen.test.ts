import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { userInfo } from 'node:os'
import t from 'tap'
import { spawnServer, startServer, stop } from '../server-process.js'

// Each test runs its own server process, mostly waiting on it: run several at once.
t.jobs = 4

t.test('with HOST unset it answers on IPv4 and IPv6 loopback, and says what to open', async (t) => {
  const server = await startServer(t)
  t.equal(server.address.hostname, '[::]')
  t.ok(
    server.logs.some((log) => String(log.msg).endsWith(`: open http://localhost:${server.port}`)),
    'a URL a browser can open',
  )
  for (const host of ['127.0.0.1', '[::1]']) {
    const res = await fetch(`http://${host}:${server.port}/health`)
    t.equal(res.status, 200, host)
  }
  t.equal(await stop(server), 0)
})

t.test('on a kernel without IPv6 and HOST unset it listens on IPv4', async (t) => {
  const server = await startServer(t, { fixtures: ['no-ipv6'] })
  t.equal(server.address.hostname, '127.0.0.1')
  t.ok(server.logs.some((log) => log.msg === 'This machine has no IPv6: listening on IPv4 only'))
  t.equal((await fetch(`http://127.0.0.1:${server.port}/health`)).status, 200)
  t.equal(await stop(server), 0)
})

t.test('an IPv6 HOST on a kernel without IPv6 stops the server with one line naming it', async (t) => {
  const server = spawnServer(t, { env: { PORT: '0', HOST: '::1' }, fixtures: ['no-ipv6'] })
  t.equal(await server.exited, 1)
  t.match(fatalMessages(server.logs), [/^Cannot listen on ::1 port 0: .*EAFNOSUPPORT/])
  t.notMatch(server.stdout(), / {4}at /, 'no stack trace')
})

t.test('binds only the HOST it is given', async (t) => {
  const server = await startServer(t, { env: { HOST: '127.0.0.1' } })
  t.equal((await fetch(`http://127.0.0.1:${server.port}/health`)).status, 200)
  await t.rejects(fetch(`http://[::1]:${server.port}/health`), 'not on IPv6')
  t.equal(await stop(server), 0)
})

t.test('a port in use stops the server with one line naming it', async (t) => {
  const other = createServer()
  await new Promise<void>((resolve) => other.listen(0, '::', resolve))
  t.teardown(() => other.close())
  const port = (other.address() as { port: number }).port
  const server = spawnServer(t, { env: { PORT: String(port) } })
  t.equal(await server.exited, 1)
  t.same(fatalMessages(server.logs), [
    `Port ${port} is already in use by another process: stop that process or set PORT to a free port`,
  ])
  t.notMatch(server.stdout(), / {4}at /, 'no stack trace')
})

// Whoever holds port 5000 (this test, or another program if it cannot), it is in use.
t.test('on macOS, port 5000 in use names the AirPlay Receiver, which listens there', async (t) => {
  const other = createServer()
  other.on('error', () => {})
  await new Promise<void>((resolve) => other.listen(5000, '::', resolve).once('error', () => resolve()))
  t.teardown(() => other.close())
  const server = spawnServer(t, { env: { PORT: '5000' }, fixtures: ['macos'] })
  t.equal(await server.exited, 1)
  t.same(fatalMessages(server.logs), [
    'Port 5000 is already in use by another process (on macOS, the AirPlay Receiver): stop that process or set PORT to a free port',
  ])
})

t.test('a HOST that is not on this machine stops the server with one line naming it', async (t) => {
  const server = spawnServer(t, { env: { PORT: '0', HOST: '192.0.2.1' } })
  t.equal(await server.exited, 1)
  t.match(fatalMessages(server.logs), [/^Invalid configuration: HOST must be /])
  t.notMatch(server.stdout(), / {4}at /, 'no stack trace')
})

// Linux lets a process bind below net.ipv4.ip_unprivileged_port_start only with the capability
// CAP_NET_BIND_SERVICE, which root has: root runs the server without it. macOS and Windows have no
// privileged ports.
const privilegedPorts = process.platform === 'linux' && unprivilegedPortStart() > 1
t.test(
  'a privileged port stops the server with one line saying what to do',
  {
    skip: !privilegedPorts && 'this machine has no privileged ports',
  },
  async (t) => {
    const port = unprivilegedPortStart() - 1
    const isRoot = userInfo().uid === 0
    const wrapper = isRoot
      ? ['setpriv', '--inh-caps=-net_bind_service', '--bounding-set=-net_bind_service']
      : []
    const server = spawnServer(t, { env: { PORT: String(port), HOST: '127.0.0.1' }, wrapper })
    t.equal(await server.exited, 1)
    t.same(fatalMessages(server.logs), [
      `Port ${port} needs privileges this process does not have (ports below 1024 usually do): set PORT to 1024 or above`,
    ])
  },
)

function fatalMessages(logs: Record<string, unknown>[]) {
  return logs.filter((log) => log.level === 60).map((log) => log.msg)
}

function unprivilegedPortStart() {
  return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'))
}
