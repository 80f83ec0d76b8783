import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

// One log line per request, once it has been answered: method, url, client address, status,
// response time and, through the request's logger, the request id. Fastify's own controller logs a
// second line on arrival.
export class RequestLog extends LogController {
  override incomingRequest() {}

  // Fastify passes an error only when the response stream itself failed; it rides on the line.
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    reply.log.info(
      {
        req: request,
        res: reply,
        responseTime: reply.elapsedTime,
        err: error,
      },
      'request completed',
    )
  }
}
