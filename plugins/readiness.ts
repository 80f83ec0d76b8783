import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    readiness: {
      /** Adds a reason the app may not be ready to serve, and how to tell whether it holds now. */
      add(reason: string, holds: () => boolean): void
      /** The reasons that hold now: none, and the app is ready. */
      reasons(): string[]
    }
  }
}

// What GET /ready answers from. Each plugin that can make the app unable to serve adds its own
// reason here (the drain, load shedding, a backing service), so that removing the plugin removes it.
export default fp(
  async function readiness(app) {
    const checks = new Map<string, () => boolean>()
    app.decorate('readiness', {
      add: (reason: string, holds: () => boolean) => {
        checks.set(reason, holds)
      },
      reasons: () => [...checks].filter(([, holds]) => holds()).map(([reason]) => reason),
    })
  },
  { name: 'readiness' },
)
