import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmetMiddleware, { type HelmetOptions } from 'helmet'

// Security headers on every answer, 404s and errors included: set as each request arrives, before
// any handler can fail. The Content-Security-Policy is the strictest the pages this app serves work
// under (the docs page, the first page): everything from this origin, images also as data: URLs,
// and styles inline, as Swagger UI sets them. Left out, as every header costs each answer: those
// for browsers of the past (X-XSS-Protection, X-Download-Options for Internet Explorer,
// X-Permitted-Cross-Domain-Policies for Flash), and two that matter to pages, not to an API
// (X-DNS-Prefetch-Control, Origin-Agent-Cluster).
const options: HelmetOptions = {
  xXssProtection: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xDnsPrefetchControl: false,
  originAgentCluster: false,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
}

// The headers are the same for every answer, so helmet (the library @fastify/helmet wraps) computes
// them once, here. @fastify/helmet builds helmet's middleware anew on every request, in two hooks:
// measured, that took a third of the app's GET / throughput.
export default fp(
  async function helmet(app) {
    const headers = securityHeaders(options)
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers)
      done()
    })
  },
  { name: 'helmet' },
)

/** What helmet's middleware sets on a response, as name → value. */
function securityHeaders(helmetOptions: HelmetOptions) {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader: () => {},
  }
  helmetMiddleware(helmetOptions)({} as IncomingMessage, response as unknown as ServerResponse, () => {})
  return headers
}
