import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts'
import { escapeHtml } from '../plugins/service.js'

const WelcomeSchema = {
  type: 'object',
  properties: { hello: { type: 'string' } },
  required: ['hello'],
  additionalProperties: false,
} as const

// GET /: JSON for a client, and for a person whose browser asks for HTML, a page that says what this
// service is and leads to its docs and probes. Replace both with what your service answers.
const root: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  // Written once, on the first request for it, when every route has been registered.
  let page: string | undefined
  app.get(
    '/',
    {
      schema: {
        response: {
          200: {
            content: {
              'application/json': { schema: WelcomeSchema },
              'text/html': { schema: { type: 'string' } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      if (!request.headers.accept?.includes('text/html')) return { hello: 'world' }
      const served = (url: string) => app.hasRoute({ method: 'GET', url })
      page ??= firstPage(
        app.service,
        Object.entries(pages).filter(([url]) => served(url)),
      )
      return reply.type('text/html; charset=utf-8').send(page)
    },
  )
}

export default root

// What the first page leads to, among the routes the app serves.
const pages = {
  '/docs': 'API documentation: read and try every route',
  '/health': 'liveness: the process is up',
  '/ready': 'readiness: whether it can serve now',
}

// One small page: no template engine for it.
function firstPage(service: { name: string; version: string; description: string }, links: string[][]) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(service.name)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}small{color:#666}</style>
</head>
<body>
<h1>${escapeHtml(service.name)} <small>${escapeHtml(service.version)}</small></h1>
<p>${escapeHtml(service.description)}</p>
<ul>
${links.map(([href, text]) => `<li><a href="${href}">${href}</a>: ${text}</li>`).join('\n')}
</ul>
</body>
</html>
`
}
