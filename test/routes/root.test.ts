import t from 'tap'
import { build } from '../helper.js'

t.test('GET / answers a JSON client in JSON', async (t) => {
  const app = await build(t)
  for (const accept of [undefined, '*/*', 'application/json']) {
    const res = await app.inject({ url: '/', headers: accept === undefined ? {} : { accept } })
    t.equal(res.statusCode, 200, String(accept))
    t.match(res.headers['content-type'], /^application\/json/, String(accept))
    t.same(res.json(), { hello: 'world' }, String(accept))
  }
})

t.test(
  'GET / answers a browser with a page naming the service and leading to its docs and probes',
  async (t) => {
    const app = await build(t)
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
    const res = await app.inject({ url: '/', headers: { accept } })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html/)
    t.match(res.body, /<title>fastify-starter<\/title>/)
    t.match(res.body, /<h1>fastify-starter <small>\d+\.\d+\.\d+<\/small><\/h1>/)
    for (const href of ['/health', '/ready']) t.match(res.body, `<a href="${href}">`, href)
    const docsServed = (await app.inject('/docs')).statusCode === 200
    t.equal(res.body.includes('<a href="/docs">'), docsServed, 'leads to the docs where they are served')
  },
)

t.test('without API docs, the page does not lead to them', async (t) => {
  const app = await build(t, { env: { API_DOCS: 'false' } })
  const res = await app.inject({ url: '/', headers: { accept: 'text/html' } })
  t.notMatch(res.body, 'href="/docs"')
})
