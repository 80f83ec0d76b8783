import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { escapeHtml } from './service.js'

type Service = FastifyInstance['service']

// What the docs app's answer says of its own connection, which this server's answer sets itself.
const hopByHop = new Set(['connection', 'keep-alive', 'content-length', 'date', 'transfer-encoding'])

// The API described as OpenAPI 3.1, built from the schemas the routes declare, at /openapi.json,
// and a page to read and try it at /docs (Swagger UI), when API_DOCS is true. Registered before the
// routes, it notes each one as it is added. @fastify/swagger and @fastify/swagger-ui run in an app
// of their own, built on the first request for either: they cost the server nothing at startup,
// when they would take a sixth of it, and nothing of the docs page is read from disk before then.
export default fp(
  async function openapi(app) {
    if (!app.config.API_DOCS) return
    const routes: RouteOptions[] = []
    app.addHook('onRoute', (route) => {
      if (route.method !== 'HEAD' && route.schema?.hide !== true) routes.push(route)
    })
    let docs: Promise<FastifyInstance> | undefined
    const docsApp = () => {
      docs ??= buildDocsApp(app.service, routes)
      return docs
    }
    const hidden = { schema: { hide: true } }
    app.get('/openapi.json', hidden, async () => (await docsApp()).swagger())
    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      const answer = await (await docsApp()).inject({ url: request.url, headers: request.headers })
      const headers = Object.entries(answer.headers).filter(([name]) => !hopByHop.has(name))
      return reply.code(answer.statusCode).headers(Object.fromEntries(headers)).send(answer.rawPayload)
    }
    app.get('/docs', hidden, forward)
    app.get('/docs/*', hidden, forward)
  },
  { name: 'openapi', dependencies: ['config', 'service'] },
)

// An app that declares the same routes, with the same schemas, for @fastify/swagger to describe.
async function buildDocsApp({ name, version, description }: Service, routes: RouteOptions[]) {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ])
  const docs = Fastify()
  await docs.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title: name, version, description } },
  })
  await docs.register(swaggerUi, {
    routePrefix: '/docs',
    logo: { type: 'image/svg+xml', content: logo(name) },
  })
  // Each route's own handler, never called here: only the schemas are described.
  for (const { method, url, schema, handler } of routes) docs.route({ method, url, schema, handler })
  await docs.ready()
  return docs
}

// Swagger UI's logo is the service's name, drawn here rather than read from its files.
function logo(name: string) {
  const text = escapeHtml(name)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="40"><text x="0" y="28" font-family="sans-serif" font-size="24" fill="#fff">${text}</text></svg>`
}
