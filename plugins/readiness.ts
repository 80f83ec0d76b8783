import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    readiness: {
      /** Adds a reason the app may not be ready to serve, and how to tell whether it holds now. */
      add(reason: string, holds: () => boolean | Promise<boolean>): void
      /** The reasons that hold now: none, and the app is ready. */
      reasons(): Promise<string[]>
    }
  }
}

// What GET /ready answers from. Each plugin that can make the app unable to serve adds its own
// reason here (the drain, load shedding, a backing service), so that removing the plugin removes it.
export default fp(
  async function readiness(app) {
    const checks = new Map<string, () => boolean | Promise<boolean>>()
    app.decorate('readiness', {
      add: (reason: string, holds: () => boolean | Promise<boolean>) => {
        checks.set(reason, holds)
      },
      // Checked side by side: a backing service's check may wait for its connection timeout.
      reasons: async () => {
        const holding = await Promise.all([...checks.values()].map((holds) => holds()))
        return [...checks.keys()].filter((_reason, i) => holding[i])
      },
    })
  },
  { name: 'readiness' },
)
