import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmetMiddleware, { type HelmetOptions } from 'helmet'

// Security headers, computed once by helmet (the library @fastify/helmet wraps): on every answer,
// 404s and errors included, X-Content-Type-Options: nosniff, so that no browser takes an answer for
// what it is not (an echoed path for a script); on the answers a browser renders or runs (HTML, CSS,
// JavaScript, images: the first page and the docs page), helmet's set for pages. The
// Content-Security-Policy is the strictest these pages work under: everything from this origin,
// images also as data: URLs, and styles inline, as Swagger UI sets them. Left out: those for browsers
// of the past (X-XSS-Protection, X-Download-Options for Internet Explorer,
// X-Permitted-Cross-Domain-Policies for Flash), and two of little use here (X-DNS-Prefetch-Control,
// Origin-Agent-Cluster). Each header costs every answer that carries it (measured, about 3% of a
// small JSON answer's instructions each), which is why a JSON answer carries one: its content type
// and nosniff already keep browsers from rendering it, running it or reading it across origins.
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
    app.addHook('onSend', (_request, reply, payload, done) => {
      const type = reply.getHeader('content-type')
      if (typeof type === 'string' && !type.startsWith('application/json')) reply.headers(page)
      else reply.header('x-content-type-options', 'nosniff')
      done(null, payload)
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
