import assert from 'node:assert/strict'
import { parseArgs } from 'node:util'
import { load, start } from './harness.js'

// npm run bench:soak: a minute of mixed load on the app, after a warm-up. Every request must be
// answered 2xx, and resident memory at the end must be within 10% of what it was after the warm-up:
// what a leak would break. The warm-up is 20 s of the same load: V8 sizes its heap to the load in
// steps over the first ten seconds or so, and what grows after that is growth. `-- --quick` soaks for
// 10 s after the same warm-up.

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const warmupSeconds = 20
const soakSeconds = args.quick ? 10 : 60
const slices = args.quick ? 2 : 6

const requests = [
  { method: 'GET' as const, path: '/' },
  {
    method: 'POST' as const,
    path: '/bench/echo',
    headers: { 'content-type': 'application/json' },
    body: '{"title":"soak"}',
  },
  { method: 'GET' as const, path: '/health' },
]

const app = await start('app')
const url = `http://127.0.0.1:${app.port}`

await load({ url, requests, duration: warmupSeconds })
const afterWarmup = app.rssMb()
const series = [afterWarmup]
let answered = 0
for (let slice = 0; slice < slices; slice++) {
  const result = await load({ url, requests, duration: soakSeconds / slices })
  answered += result['2xx']
  series.push(app.rssMb())
}
app.child.kill('SIGTERM')
const code = await app.exited

const atEnd = series.at(-1) as number
const growth = atEnd / afterWarmup - 1
console.log(
  `${answered} requests in ${soakSeconds} s, all answered 2xx; RSS after warm-up ${afterWarmup.toFixed(1)} MB,`,
  `then ${series
    .slice(1)
    .map((mb) => mb.toFixed(1))
    .join(', ')} MB: ${(100 * growth).toFixed(1)}% at the end`,
)
assert.ok(growth <= 0.1, 'resident memory grew more than 10%')
assert.equal(code, 0, 'the server exits 0')
