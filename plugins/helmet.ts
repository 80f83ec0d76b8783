import fastifyHelmet from '@fastify/helmet'
import fp from 'fastify-plugin'

// Security headers on every answer, 404s and errors included: helmet sets them as each request
// arrives, before any handler can fail. Its defaults suit a JSON API; the Content-Security-Policy is
// the strictest the pages this app serves work under (the docs page, the first page): everything
// from this origin, images also as data: URLs, and styles inline, as Swagger UI sets them.
export default fp(
  async function helmet(app) {
    await app.register(fastifyHelmet, {
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
    })
  },
  { name: 'helmet' },
)
