import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import { logIfBug } from '../plugins/error-handler.js'

// One log line per request that reaches the server, once it has been answered: method, url, status,
// response time, client address and, through the request's logger, the request id. Fastify's own
// controller logs a second line on arrival and runs serializers that add fields (host, port) a router
// makes noise of; this line is flat, so no serializer runs on it. A response stream that fails is
// Fastify's to log, on a line of its own: its error is not repeated here.
export class RequestLog extends LogController {
  override incomingRequest() {}

  // For a route registered before plugins/error-handler.ts (by a plugin preloaded or registered
  // first), the same as that handler, where Fastify's logs every error with its stack, which a
  // hostile client could make the server format at every request.
  override defaultErrorLog(error: Error, _request: FastifyRequest, reply: FastifyReply) {
    logIfBug(error, reply.statusCode, reply.log)
  }

  override requestCompleted(_error: unknown, request: FastifyRequest, reply: FastifyReply) {
    reply.log.info(
      {
        method: request.method,
        url: loggableUrl(request.url),
        statusCode: reply.statusCode,
        responseTime: reply.elapsedTime,
        remoteAddress: request.ip,
      },
      'request completed',
    )
  }
}

// A query parameter whose name says it holds a secret (`?token=`, `?api_key=`, `?code=` of an OAuth
// redirect...) keeps its name and loses its value. A URL may be 16 KiB long: the line keeps 2 KiB.
const SecretParameter =
  /([?&;][^=&;]*(?:token|key|pass|secret|sig|code|auth|session|credential)[^=&;]*=)[^&;]*/gi
const MAX_URL = 2048

function loggableUrl(url: string) {
  const safe = url.includes('?') ? url.replace(SecretParameter, '$1[redacted]') : url
  return safe.length > MAX_URL ? `${safe.slice(0, MAX_URL)}…` : safe
}

/**
 * Fastify's clientErrorHandler, for a request Node's HTTP parser rejects (malformed, too large, too
 * slow), which never becomes a request of Fastify's: its one line, and its answer. Fastify's own
 * handler logs the raw bytes received, credentials included, and only at trace level.
 */
export function answerRejected(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [statusCode, message] = rejection(error.code)
  this.log.info({ statusCode, remoteAddress: socket.remoteAddress, error: error.code }, 'request rejected')
  const body = JSON.stringify({ statusCode, error: STATUS_CODES[statusCode], message })
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}

function rejection(code: string | undefined): [number, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'The request did not arrive in time']
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'The request headers are too large']
  return [400, 'The request is not valid HTTP']
}
