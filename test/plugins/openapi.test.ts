import { subscribe } from 'node:diagnostics_channel'
import { Validator } from '@seriousme/openapi-schema-validator'
import type { FastifyInstance, RouteOptions } from 'fastify'
import t from 'tap'
import { build } from '../helper.js'

// Every route the app registers, as Fastify sees it.
const routes: RouteOptions[] = []
subscribe('fastify.initialization', (message) => {
  ;(message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => {
    routes.push(route)
  })
})

t.test('/openapi.json is a valid OpenAPI 3.1 document', async (t) => {
  const app = await build(t)
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  const document = res.json()
  t.equal(document.openapi, '3.1.0')
  t.match(document.info, { title: 'fastify-starter', version: String })
  const result = await new Validator().validate(document)
  t.same(result, { valid: true }, JSON.stringify(result.errors ?? '').slice(0, 500))
})

t.test('every route the app registers is documented, with every status it can answer', async (t) => {
  routes.length = 0
  const app = await build(t)
  const { paths } = (await app.inject('/openapi.json')).json()
  const documented = routes.filter(({ schema, method }) => schema?.hide !== true && method !== 'HEAD')
  t.ok(documented.length >= 4, `${documented.length} routes`)
  for (const { url, method, schema } of documented) {
    const path = url.replace(/:(\w+)/g, '{$1}')
    for (const verb of [method].flat()) {
      const operation = paths[path]?.[verb.toLowerCase()]
      t.ok(operation, `${verb} ${url} is documented`)
      const statuses = Object.keys((schema?.response as object | undefined) ?? { 200: {} })
      t.same(Object.keys(operation?.responses ?? {}).sort(), statuses.sort(), `${verb} ${url}: its statuses`)
    }
  }
})

t.test('/docs serves a page to read and try the API', async (t) => {
  const app = await build(t)
  const res = await app.inject('/docs/')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.body, /swagger-ui/)
})

t.test('with API_DOCS=false neither is served', async (t) => {
  const app = await build(t, { env: { API_DOCS: 'false' } })
  t.equal((await app.inject('/openapi.json')).statusCode, 404)
  t.equal((await app.inject('/docs/')).statusCode, 404)
})
