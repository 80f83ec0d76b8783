import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts'

const WelcomeSchema = {
  type: 'object',
  properties: { hello: { type: 'string' } },
  required: ['hello'],
  additionalProperties: false,
} as const

const root: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  app.get('/', { schema: { response: { 200: WelcomeSchema } } }, async () => ({ hello: 'world' }))
}

export default root
