import { STATUS_CODES } from 'node:http'
import type { FastifyBaseLogger, FastifyError, FastifySchemaValidationError } from 'fastify'
import fp from 'fastify-plugin'

/** What every error answer looks like; routes declare it for each 4xx they can send. */
export const ErrorSchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
  },
  required: ['statusCode', 'error', 'message'],
  additionalProperties: false,
} as const

// The one error handler. A client error keeps its message, which tells the client what to fix; a
// server error is answered with no detail, which could leak internals. One the app declares with
// @fastify/error (a timeout, load shedding, the database unavailable) needs no line besides the
// request's; any other is a bug, logged with its stack (a database's error has a code, and is one).
export default fp(
  async function errorHandler(app) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const statusCode = isHttpError(error.statusCode) ? error.statusCode : 500
      const body = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error' }
      logIfBug(error, statusCode, request.log)
      if (statusCode >= 500) return reply.code(statusCode).send({ ...body, message: body.error })
      return reply.code(statusCode).send({ ...body, code: error.code, message: error.message })
    })
    // Fastify's own 404 logs a line of its own, besides the request's.
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({
        statusCode: 404,
        error: 'Not Found',
        message: `Route ${request.method}:${request.url} not found`,
      }),
    )
    app.setSchemaErrorFormatter(validationError)
  },
  { name: 'errorHandler' },
)

/**
 * A server error the app did not declare is a bug, logged with its stack; any other error needs no
 * line besides the request's: no client can make the server format a stack.
 */
export function logIfBug(error: Error, statusCode: number, log: FastifyBaseLogger) {
  if (statusCode >= 500 && error.name !== 'FastifyError') log.error({ err: error }, 'request failed')
}

function isHttpError(statusCode: number | undefined): statusCode is number {
  return statusCode !== undefined && statusCode >= 400 && statusCode <= 599
}

// Ajv's message for an unknown property does not name it: "must NOT have additional properties".
function validationError(errors: FastifySchemaValidationError[], part: string) {
  const [first] = errors as [FastifySchemaValidationError]
  const extra = first.keyword === 'additionalProperties' && first.params.additionalProperty
  const message = extra ? `must NOT have the property '${extra}'` : first.message
  return new Error(`${part}${first.instancePath} ${message}`)
}
