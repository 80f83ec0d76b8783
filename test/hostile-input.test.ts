import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { build } from './helper.js'

// Malformed and hostile requests, sent as raw bytes over a real socket, since an HTTP client would
// refuse to send most of them. Each must get a 4xx, or have its connection closed when it breaks
// HTTP itself; never a 5xx, never a stack trace or an internal detail, and the server must answer
// the next client as if nothing happened.

// Routes of the test's own, so that this holds whatever routes the app has: a JSON body with a
// schema, and params and a query with a format and a range.
const app = await build(t)
const limit = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 100 } },
} as const
const echo = {
  type: 'object',
  properties: { title: { type: 'string' }, done: { type: 'boolean' } },
  required: ['title'],
  additionalProperties: false,
} as const
app.post('/echo', { schema: { body: echo } }, async (request) => request.body)
app.get('/items', { schema: { querystring: limit } }, async () => [])
app.get(
  '/items/:id',
  { schema: { params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } } },
  async () => ({}),
)
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }

const get = (path: string, headers = '') =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`
const post = (
  body: string,
  type = 'application/json',
  headers = `Content-Length: ${Buffer.byteLength(body)}\r\n`,
) => `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\n${headers}Connection: close\r\n\r\n${body}`
const chunk = (size: number) => `${size.toString(16)}\r\n${'a'.repeat(size)}\r\n`

const cases: { name: string; request: string; answer: number | 'closed' }[] = [
  // Bodies that are not the JSON they say they are
  { name: 'truncated JSON', request: post('{"title":"x"'), answer: 400 },
  { name: 'JSON with a trailing comma', request: post('{"title":"x",}'), answer: 400 },
  { name: 'JSON with single quotes', request: post("{'title':'x'}"), answer: 400 },
  { name: 'JSON with NaN', request: post('{"title":"x","done":NaN}'), answer: 400 },
  { name: 'an empty JSON body', request: post(''), answer: 400 },
  { name: 'JSON null', request: post('null'), answer: 400 },
  { name: 'a JSON string', request: post('"x"'), answer: 400 },
  { name: 'a number beyond float range', request: post('{"title":"x","done":1e999}'), answer: 400 },
  {
    name: 'JSON nested 40,000 deep',
    request: post(`${'['.repeat(40_000)}${']'.repeat(40_000)}`),
    answer: 400,
  },
  {
    name: 'JSON nested 100,000 deep, over the 100 KiB limit',
    request: post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    answer: 413,
  },
  // Prototype pollution
  { name: '__proto__ key', request: post('{"title":"x","__proto__":{"admin":true}}'), answer: 400 },
  {
    name: 'nested __proto__ key',
    request: post('{"title":"x","a":{"__proto__":{"admin":true}}}'),
    answer: 400,
  },
  {
    name: 'constructor.prototype key',
    request: post('{"title":"x","constructor":{"prototype":{"a":1}}}'),
    answer: 400,
  },
  // Content types
  {
    name: 'no content type',
    request: post('{"title":"x"}', '').replace('Content-Type: \r\n', ''),
    answer: 415,
  },
  { name: 'text/plain', request: post('{"title":"x"}', 'text/plain'), answer: 400 },
  { name: 'a form', request: post('title=x', 'application/x-www-form-urlencoded'), answer: 415 },
  {
    name: 'multipart',
    request: post('--b\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b'),
    answer: 415,
  },
  { name: 'a garbage content type', request: post('{"title":"x"}', ';;;'), answer: 415 },
  // Sizes and lengths
  { name: 'a body over the limit', request: post(`"${'x'.repeat(100 * 1024)}"`), answer: 413 },
  {
    name: 'a chunked body over the limit',
    request: post(
      `${chunk(0x100000)}${chunk(0x100)}0\r\n\r\n`,
      'application/json',
      'Transfer-Encoding: chunked\r\n',
    ),
    answer: 413,
  },
  {
    name: 'Content-Length over the limit',
    request: post('{}', 'application/json', 'Content-Length: 2000000\r\n'),
    answer: 413,
  },
  {
    name: 'an absurd Content-Length',
    request: post('{}', 'application/json', 'Content-Length: 99999999999999999999999\r\n'),
    answer: 400,
  },
  {
    name: 'a negative Content-Length',
    request: post('{}', 'application/json', 'Content-Length: -1\r\n'),
    answer: 400,
  },
  {
    name: 'a Content-Length with letters',
    request: post('{}', 'application/json', 'Content-Length: 1x\r\n'),
    answer: 400,
  },
  {
    name: 'two different Content-Lengths',
    request: post('{"title":"x"}', 'application/json', 'Content-Length: 13\r\nContent-Length: 2\r\n'),
    answer: 400,
  },
  {
    name: 'Content-Length and Transfer-Encoding both (smuggling)',
    request: post(
      '{"title":"x"}',
      'application/json',
      'Content-Length: 13\r\nTransfer-Encoding: chunked\r\n',
    ),
    answer: 400,
  },
  {
    name: 'an unknown Transfer-Encoding',
    request: post('{}', 'application/json', 'Transfer-Encoding: gzip\r\n'),
    answer: 400,
  },
  {
    name: 'a chunk size that is not hexadecimal',
    request: post('zz\r\nabc\r\n0\r\n\r\n', 'application/json', 'Transfer-Encoding: chunked\r\n'),
    answer: 400,
  },
  {
    name: 'a large body announced with Expect: 100-continue',
    request: post('', 'application/json', 'Content-Length: 5000000\r\nExpect: 100-continue\r\n'),
    answer: 413,
  },
  // Headers
  { name: 'headers over 16 KiB', request: get('/', `X-Big: ${'a'.repeat(20_000)}\r\n`), answer: 431 },
  {
    name: '3,000 headers',
    request: get('/', Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join('')),
    answer: 431,
  },
  { name: 'a header name with a space', request: get('/', 'Bad Name: v\r\n'), answer: 400 },
  { name: 'a space before the colon', request: get('/', 'X-A : b\r\n'), answer: 400 },
  { name: 'a control character in a header value', request: get('/', 'X-A: a\x01b\r\n'), answer: 400 },
  { name: 'an obsolete folded header', request: get('/', 'X-A: a\r\n b\r\n'), answer: 400 },
  { name: 'an unknown Expect', request: get('/', 'Expect: something\r\n'), answer: 417 },
  { name: 'no Host header', request: 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n', answer: 400 },
  // URLs
  { name: 'a URL over 16 KiB', request: get(`/${'a'.repeat(20_000)}`), answer: 431 },
  { name: 'a bad percent-encoding', request: get('/items/%zz'), answer: 400 },
  { name: 'a lone percent sign', request: get('/%'), answer: 400 },
  { name: 'overlong UTF-8', request: get('/%C0%AE%C0%AE/'), answer: 400 },
  { name: 'path traversal', request: get('/../../etc/passwd'), answer: 404 },
  { name: 'encoded path traversal', request: get('/items/..%2f..%2fetc%2fpasswd'), answer: 400 },
  { name: 'an encoded null byte', request: get('/items/%00'), answer: 400 },
  { name: 'a raw null byte', request: get('/\0'), answer: 400 },
  { name: 'a space in the URL', request: get('/a b'), answer: 400 },
  { name: 'a repeated query parameter', request: get('/items?limit=1&limit=2'), answer: 400 },
  { name: 'a query parameter out of range', request: get('/items?limit=100000'), answer: 400 },
  // Request lines
  {
    name: 'an unknown method',
    request: 'FOO / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    answer: 400,
  },
  {
    name: 'a method with no route',
    request: 'DELETE /items HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    answer: 404,
  },
  { name: 'HTTP/3.0 over TCP', request: 'GET / HTTP/3.0\r\nHost: x\r\n\r\n', answer: 400 },
  { name: 'a malformed version', request: 'GET / HTTP/1.x\r\nHost: x\r\n\r\n', answer: 400 },
  { name: 'bare LF line endings', request: 'GET / HTTP/1.1\nHost: x\nConnection: close\n\n', answer: 400 },
  {
    name: 'a TLS handshake on the plain port',
    request: '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n',
    answer: 400,
  },
  {
    name: 'CONNECT, which this server does not tunnel',
    request: 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n',
    answer: 'closed',
  },
]

t.test(`at least 40 hostile requests (${cases.length})`, async (t) => {
  t.ok(cases.length >= 40)
})

for (const { name, request, answer } of cases) {
  t.test(`${name}: ${answer === 'closed' ? 'the connection is closed' : answer}`, async (t) => {
    const response = await exchange(request)
    if (answer === 'closed') t.equal(response, '', 'no answer')
    else t.equal(lastStatus(response), answer)
    t.notMatch(response, / {4}at |node_modules|\.js:\d|\/work\/|Error:/, 'no stack trace or internal detail')
    t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200, 'the next client is answered')
  })
}

t.test('slow headers hold up no one else, and get their answer when they end', async (t) => {
  const socket = connect(port, '127.0.0.1')
  const response = everything(socket)
  for (const byte of 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ') {
    socket.write(byte)
    await sleep(20)
  }
  t.equal(
    (await fetch(`http://127.0.0.1:${port}/health`)).status,
    200,
    'another client is answered meanwhile',
  )
  socket.end('a\x01b\r\n\r\n')
  t.equal(lastStatus(await response), 400)
})

/** Sends raw bytes on a new connection and resolves with all that came back until it closed. */
function exchange(request: string) {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  socket.end(Buffer.from(request, 'latin1'))
  return everything(socket)
}

function everything(socket: Socket) {
  let received = ''
  socket.setEncoding('latin1').on('data', (data: string) => {
    received += data
  })
  return new Promise<string>((resolve) => socket.on('close', () => resolve(received)))
}

// The status of the last response: a 100 Continue may come first.
function lastStatus(response: string) {
  const statuses = [...response.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((match) => Number(match[1]))
  return statuses.at(-1)
}
