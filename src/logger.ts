import type { IncomingHttpHeaders } from 'node:http'
import { type LoggerOptions, pino } from 'pino'

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

/**
 * The production logger, to stdout. Buffered and asynchronous, so that logging holds requests up as
 * little as it can: lines go out 4 KiB at a time, or a quarter of a second after they were logged,
 * and all of them when the process exits. `flush()` sends what is buffered at once.
 */
export function stdoutLogger() {
  const stdout = pino.destination({ sync: false, minLength: 4096 })
  setInterval(() => stdout.flush(), 250).unref()
  return { logger: pino(loggerOptions, stdout), flush: () => stdout.flush() }
}
