import type { IncomingHttpHeaders } from 'node:http'
import type { LoggerOptions } from 'pino'

// Credentials must never reach the logs. The request log never writes headers; a handler that logs
// some, as `{ headers }`, gets these values replaced. A serializer costs nothing on lines without
// headers, where pino's path redaction would cost more than the rest of the request log line.
const secretHeaders = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie']

export const loggerOptions: LoggerOptions = {
  serializers: { headers: withoutSecrets },
}

function withoutSecrets(headers: IncomingHttpHeaders) {
  const safe: Record<string, unknown> = { ...headers }
  for (const name of secretHeaders) if (name in safe) safe[name] = '[redacted]'
  return safe
}
