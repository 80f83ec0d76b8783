import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { connections, start } from './harness.js'

// npm run bench:shutdown: the app under load from 50 busy keep-alive connections gets SIGTERM
// mid-run. Every request is accounted for: answered (200, or 503), refused (a new connection after
// the listener closed), or lost (sent, and no complete answer: a reset, a hang-up). Lost must be 0.
// `-- --quick` loads for a shorter time before the signal.

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const loadMs = args.quick ? 500 : 3_000

type Outcome = 'answered 200' | 'answered 503' | 'refused' | 'lost'
interface Sent {
  at: number
  outcome: Outcome
  reason?: string
}

const app = await start('app')
const agent = new Agent({ keepAlive: true, maxSockets: connections })
const sent: Sent[] = []

const clients = Array.from({ length: connections }, () => client())
await sleep(loadMs)
const signalled = Date.now()
app.child.kill('SIGTERM')
await Promise.all(clients)
const code = await app.exited
agent.destroy()

// When the listener closed, by the server's own clock: its log line says so.
await app.log.ended
const closedLine = app.log.otherLines.find((line) => line.includes('Stopped accepting connections'))
const listenerClosed = JSON.parse(closedLine ?? '{}').time as number

const count = (outcome: Outcome, list = sent) => list.filter((s) => s.outcome === outcome).length
const beforeClose = sent.filter((s) => s.at <= listenerClosed)
console.log(
  [
    `sent=${sent.length}`,
    `200=${count('answered 200')}`,
    `503=${count('answered 503')}`,
    `refused=${count('refused')}`,
    `lost=${count('lost')}`,
    `| sent before the listener closed=${beforeClose.length}, lost of them=${count('lost', beforeClose)}`,
    `| exit code ${code}, ${listenerClosed - signalled} ms from SIGTERM to the listener closed`,
  ].join(' '),
)
for (const { reason } of sent.filter((s) => s.outcome === 'lost')) console.log(`lost: ${reason}`)
assert.equal(count('lost'), 0, 'no request may be lost')
assert.equal(code, 0, 'the server exits 0')

/** One client: sends request after request on its keep-alive connection until the server is gone. */
async function client() {
  for (;;) {
    const outcome = await send()
    if (outcome === 'refused') return
  }
}

function send() {
  const record: Sent = { at: Date.now(), outcome: 'lost' }
  sent.push(record)
  return new Promise<Outcome>((resolve) => {
    const req = request({ host: '127.0.0.1', port: app.port, path: '/', agent }, (res) => {
      res.resume()
      res.on('end', () => {
        record.outcome = res.statusCode === 503 ? 'answered 503' : 'answered 200'
        assert.ok(res.statusCode === 200 || res.statusCode === 503, `answered ${res.statusCode}`)
        resolve(record.outcome)
      })
      res.on('error', (error) => {
        record.reason = String(error)
        resolve('lost')
      })
    })
    req.on('error', (error: NodeJS.ErrnoException) => {
      record.outcome = error.code === 'ECONNREFUSED' ? 'refused' : 'lost'
      record.reason = `${error.code}: ${error.message}`
      resolve(record.outcome === 'refused' ? 'refused' : 'lost')
    })
    req.end()
  })
}
