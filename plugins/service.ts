import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** What this service is, from its package.json: the first page and the API docs show it. */
    service: { name: string; version: string; description: string }
  }
}

/** A path from the project's folder: one folder up from this file's source, two from its copy in dist/. */
export function projectPath(path: string) {
  const root = ['../', '../../'].find((up) => existsSync(new URL(`${up}package.json`, import.meta.url)))
  return resolve(fileURLToPath(new URL(root as string, import.meta.url)), path)
}

/** Text made safe to put in HTML, as the service's name and description are on its pages. */
export function escapeHtml(text: string) {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export default fp(
  async function service(app) {
    const { name, version, description = '' } = JSON.parse(readFileSync(projectPath('package.json'), 'utf8'))
    app.decorate('service', { name, version, description })
  },
  { name: 'service' },
)
