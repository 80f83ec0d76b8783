import fastifyCors from '@fastify/cors'
import fp from 'fastify-plugin'

// Cross-origin access from browsers, as CORS_ORIGIN says: unset, none (nothing is registered, and a
// preflight is a 404 like any unknown route); `*`, any origin; or a list of origins, which alone get
// the CORS headers.
export default fp(
  async function cors(app) {
    const setting = app.config.CORS_ORIGIN
    if (setting === undefined) return
    const origin = setting === '*' ? '*' : setting.split(',').map((entry) => entry.trim())
    await app.register(fastifyCors, { origin })
  },
  { name: 'cors', dependencies: ['config'] },
)
