import { existsSync, readFileSync } from 'node:fs'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** What this service is, from its package.json: the first page and the API docs show it. */
    service: { name: string; version: string; description: string }
  }
}

// package.json is one folder up from this file's source, two from its compiled copy in dist/.
const candidates = ['../package.json', '../../package.json'].map((path) => new URL(path, import.meta.url))

export default fp(
  async function service(app) {
    const found = candidates.find((url) => existsSync(url)) as URL
    const { name, version, description = '' } = JSON.parse(readFileSync(found, 'utf8'))
    app.decorate('service', { name, version, description })
  },
  { name: 'service' },
)
