import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import config, { type ConfigOptions } from '../plugins/config.js'
import errorHandler from '../plugins/error-handler.js'
import inFlight from '../plugins/in-flight.js'
import echoRequestId, { requestId } from '../plugins/request-id.js'
import health from '../routes/health.js'
import root from '../routes/root.js'
import todos from '../routes/todos.js'
import { RequestLog } from './request-log.js'
import { compileTrustProxy, type TrustProxy } from './trust-proxy.js'

export interface AppOptions extends ConfigOptions {
  /** The server passes its pino logger; tests leave it out and get no logs. */
  logger?: FastifyBaseLogger
}

// Builds the whole app without listening: the server and the tests build the very same thing.
export async function buildApp({ logger, ...configOptions }: AppOptions = {}) {
  // Fastify takes trustProxy at construction, before the config is read: it gets a function that
  // trusts no proxy until the config says otherwise.
  let trustProxy: TrustProxy = compileTrustProxy('false')
  const app = Fastify({
    loggerInstance: logger,
    logController: new RequestLog(),
    genReqId: requestId,
    trustProxy: (address, hop) => trustProxy(address, hop),
    // The drain answers requests that arrive while closing, instead of refusing them with 503.
    return503OnClosing: false,
  }).withTypeProvider<JsonSchemaToTsProvider>()

  await app.register(config, configOptions)
  trustProxy = compileTrustProxy(app.config.TRUST_PROXY)
  app.server.keepAliveTimeout = app.config.KEEP_ALIVE_TIMEOUT
  await app.register(echoRequestId)
  await app.register(errorHandler)
  await app.register(inFlight)

  await app.register(root)
  await app.register(health)
  await app.register(todos)

  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
