import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'

// The API described as OpenAPI 3.1, built from the schemas the routes declare, at /openapi.json,
// and a page to read and try it at /docs (Swagger UI), when API_DOCS is true. Registered before the
// routes, which it collects as they are added; the document is built on its first request. Swagger
// UI's files are read as they are asked for, none at startup: its logo is the service's name, drawn
// here.
export default fp(
  async function openapi(app) {
    if (!app.config.API_DOCS) return
    const { name, version, description } = app.service
    await app.register(fastifySwagger, {
      openapi: { openapi: '3.1.0', info: { title: name, version, description } },
    })
    await app.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      logo: { type: 'image/svg+xml', content: logo(name) },
    })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi', dependencies: ['config', 'service'] },
)

function logo(name: string) {
  const text = name.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="40"><text x="0" y="28" font-family="sans-serif" font-size="24" fill="#fff">${text}</text></svg>`
}
