import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import config, { type ConfigOptions } from '../plugins/config.js'
import connections from '../plugins/connections.js'
import cors from '../plugins/cors.js'
import database from '../plugins/database.js'
import drain from '../plugins/drain.js'
import errorHandler from '../plugins/error-handler.js'
import helmet from '../plugins/helmet.js'
import openapi from '../plugins/openapi.js'
import readiness from '../plugins/readiness.js'
import requestId, { genReqId } from '../plugins/request-id.js'
import requestTimeout from '../plugins/request-timeout.js'
import service from '../plugins/service.js'
import { compileTrustProxy, type TrustProxy } from '../plugins/trust-proxy.js'
import underPressure from '../plugins/under-pressure.js'
import { buildSerializer, buildValidator } from '../plugins/validation.js'
import health from '../routes/health.js'
import ready from '../routes/ready.js'
import root from '../routes/root.js'
import todos from '../routes/todos.js'
import { answerRejected, RequestLog } from './request-log.js'

export interface AppOptions extends ConfigOptions {
  /** The server passes its pino logger; tests leave it out and get no logs. */
  logger?: FastifyBaseLogger
}

// Builds the whole app without listening: the server and the tests build the very same thing.
export async function buildApp({ logger, ...configOptions }: AppOptions = {}) {
  // Fastify takes its proxy trust at construction, before the config plugin has read TRUST_PROXY:
  // it gets a function that defers to `trusted`, compiled from the config before any request.
  let trusted: TrustProxy | undefined
  const app = Fastify({
    loggerInstance: logger,
    logController: new RequestLog(),
    clientErrorHandler: answerRejected,
    genReqId,
    trustProxy: (address, hop) => (trusted as TrustProxy)(address, hop),
    // The drain answers requests that arrive while closing (see plugins/drain.ts).
    return503OnClosing: false,
    // A JSON API's largest body, as Express's JSON parser allows; a route that takes less says so.
    bodyLimit: 100 * 1024,
    schemaController: { compilersFactory: { buildValidator, buildSerializer } },
    // How often Node looks for requests that have not fully arrived within REQUEST_TIMEOUT (30 s by
    // default, which would let a request trickle in for up to 30 s more).
    http: { connectionsCheckingInterval: 1000 },
  }).withTypeProvider<JsonSchemaToTsProvider>()

  await app.register(config, configOptions)
  trusted = compileTrustProxy(app.config.TRUST_PROXY)
  app.server.keepAliveTimeout = app.config.KEEP_ALIVE_TIMEOUT
  await app.register(service)
  await app.register(readiness)
  await app.register(helmet)
  await app.register(cors)
  await app.register(requestId)
  await app.register(errorHandler)
  await app.register(connections)
  await app.register(requestTimeout)
  await app.register(drain)
  await app.register(underPressure)
  await app.register(openapi)
  await app.register(database)

  await app.register(root)
  await app.register(health)
  await app.register(ready)
  await app.register(todos)

  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
