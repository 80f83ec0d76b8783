import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

// One log line per request, once it has been answered: method, url, status, response time, client
// address and, through the request's logger, the request id. Fastify's own controller logs a second
// line on arrival and runs serializers that add fields (host, port) a router makes noise of; this
// line is flat, so no serializer runs on it. A response stream that fails is Fastify's to log, on a
// line of its own: its error is not repeated here.
export class RequestLog extends LogController {
  override incomingRequest() {}

  override requestCompleted(_error: unknown, request: FastifyRequest, reply: FastifyReply) {
    reply.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        responseTime: reply.elapsedTime,
        remoteAddress: request.ip,
      },
      'request completed',
    )
  }
}
